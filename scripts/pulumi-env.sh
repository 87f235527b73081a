# shellcheck shell=bash
# Source me (bash or sh) to run the Pulumi engine built by scripts/install-pulumi.sh fully offline:
#
#   bash scripts/install-pulumi.sh            # once; prints the bin folder
#   TASKGATE_PULUMI_STATE=/some/dir . scripts/pulumi-env.sh   # state dir; default: a new temp dir
#   pulumi stack init dev && pulumi up --yes
#
# Exports:
#   PATH                 <root>/bin first (pulumi, pulumi-language-nodejs, pulumi-resource-pulumi-nodejs), and
#                        <root>/node/bin before it when TASKGATE_PULUMI_NODE22=1 and Node 22 was installed
#   TASKGATE_PULUMI_ROOT the install root; PulumiCommand.get({ root: $TASKGATE_PULUMI_ROOT }) accepts it
#   TASKGATE_PULUMI_BIN  <root>/bin
#   TASKGATE_PULUMI_STATE, PULUMI_HOME=<state>/home, PULUMI_BACKEND_URL=file://<state>/state
#   PULUMI_CONFIG_PASSPHRASE (kept if it or PULUMI_CONFIG_PASSPHRASE_FILE is already set; default "taskgate-test")
#   PULUMI_SKIP_UPDATE_CHECK, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION, PULUMI_DISABLE_REGISTRY_RESOLVE = true
#
# The default root must match install-pulumi.sh's (the @pulumi/pulumi pin in package.json).
TASKGATE_PULUMI_ROOT=${TASKGATE_PULUMI_ROOT:-$HOME/.cache/taskgate/pulumi-3.276.0}
TASKGATE_PULUMI_BIN=$TASKGATE_PULUMI_ROOT/bin
export TASKGATE_PULUMI_ROOT TASKGATE_PULUMI_BIN

if [ ! -x "$TASKGATE_PULUMI_BIN/pulumi" ]; then
  echo "pulumi-env.sh: $TASKGATE_PULUMI_BIN/pulumi not found; run scripts/install-pulumi.sh first" >&2
  return 1 2>/dev/null || exit 1
fi

# (No positional argument on purpose: `. file arg` is not POSIX, and a sourced file sees its caller's "$1".)
if [ -z "${TASKGATE_PULUMI_STATE:-}" ]; then
  TASKGATE_PULUMI_STATE=$(mktemp -d "${TMPDIR:-/tmp}/taskgate-pulumi-state.XXXXXX")
fi
mkdir -p "$TASKGATE_PULUMI_STATE/home" "$TASKGATE_PULUMI_STATE/state"
TASKGATE_PULUMI_STATE=$(cd "$TASKGATE_PULUMI_STATE" && pwd)
export TASKGATE_PULUMI_STATE

case ":$PATH:" in
  *":$TASKGATE_PULUMI_BIN:"*) ;;
  *) PATH=$TASKGATE_PULUMI_BIN:$PATH ;;
esac
if [ "${TASKGATE_PULUMI_NODE22:-0}" = 1 ] && [ -x "$TASKGATE_PULUMI_ROOT/node/bin/node" ]; then
  case ":$PATH:" in
    *":$TASKGATE_PULUMI_ROOT/node/bin:"*) ;;
    *) PATH=$TASKGATE_PULUMI_ROOT/node/bin:$PATH ;;
  esac
fi
export PATH

export PULUMI_HOME=$TASKGATE_PULUMI_STATE/home
export PULUMI_BACKEND_URL=file://$TASKGATE_PULUMI_STATE/state
if [ -z "${PULUMI_CONFIG_PASSPHRASE+x}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  export PULUMI_CONFIG_PASSPHRASE=taskgate-test
fi
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_DISABLE_REGISTRY_RESOLVE=true
