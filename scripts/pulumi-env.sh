# shellcheck shell=bash
# Source me (bash, or sh from the repository root) to run the Pulumi engine fully offline:
#
#   TASKGATE_PULUMI_STATE=/some/dir . scripts/pulumi-env.sh   # state dir; default: a new temp dir
#   pulumi stack init dev && pulumi up --yes
#
# With TASKGATE_PULUMI_YAML=1 set, the engine also runs Pulumi YAML programs (see install-pulumi.sh).
#
# It runs scripts/install-pulumi.sh, which picks the engine (a compatible `pulumi` on PATH, else the one built
# from Go modules into ~/.cache/taskgate; under a second once built, about 5 minutes the first time).
#
# Exports:
#   PATH                 the engine's bin folder first (pulumi, pulumi-language-nodejs, pulumi-resource-pulumi-nodejs),
#                        and <cache folder>/node/bin before it when TASKGATE_PULUMI_NODE22=1 and Node 22 was installed
#   TASKGATE_PULUMI_BIN  the engine's bin folder
#   TASKGATE_PULUMI_ROOT the cache folder, when the engine is the one built there (PulumiCommand.get({ root }) accepts it);
#                        left as it was when a `pulumi` on PATH is used, so a later install-pulumi.sh still finds it
#   TASKGATE_PULUMI_STATE, PULUMI_HOME=<state>/home, PULUMI_BACKEND_URL=file://<state>/state
#   PULUMI_CONFIG_PASSPHRASE (kept if it or PULUMI_CONFIG_PASSPHRASE_FILE is already set; default "taskgate-test")
#   PULUMI_SKIP_UPDATE_CHECK, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION, PULUMI_DISABLE_REGISTRY_RESOLVE = true
#
# The default cache folder must match install-pulumi.sh's (the @pulumi/pulumi pin in package.json).
_taskgate_cache_root=${TASKGATE_PULUMI_ROOT:-$HOME/.cache/taskgate/pulumi-3.276.0}
# bash knows where this file is; other shells are asked to source it from the repository root.
_taskgate_scripts=scripts
if [ -n "${BASH_SOURCE:-}" ]; then
  _taskgate_scripts=$(dirname "$BASH_SOURCE")
fi

if [ ! -f "$_taskgate_scripts/install-pulumi.sh" ]; then
  echo "pulumi-env.sh: $_taskgate_scripts/install-pulumi.sh not found (in sh, source this file from the repository root)" >&2
  unset _taskgate_cache_root _taskgate_scripts
  return 1 2>/dev/null || exit 1
fi
if ! TASKGATE_PULUMI_BIN=$(bash "$_taskgate_scripts/install-pulumi.sh" | tail -n1) || [ ! -x "$TASKGATE_PULUMI_BIN/pulumi" ]; then
  echo "pulumi-env.sh: no Pulumi engine (scripts/install-pulumi.sh failed, see above)" >&2
  unset _taskgate_cache_root _taskgate_scripts
  return 1 2>/dev/null || exit 1
fi
export TASKGATE_PULUMI_BIN
if [ "$TASKGATE_PULUMI_BIN" = "$_taskgate_cache_root/bin" ]; then
  TASKGATE_PULUMI_ROOT=$_taskgate_cache_root
  export TASKGATE_PULUMI_ROOT
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
if [ "${TASKGATE_PULUMI_NODE22:-0}" = 1 ] && [ -x "$_taskgate_cache_root/node/bin/node" ]; then
  case ":$PATH:" in
    *":$_taskgate_cache_root/node/bin:"*) ;;
    *) PATH=$_taskgate_cache_root/node/bin:$PATH ;;
  esac
fi
export PATH
unset _taskgate_cache_root _taskgate_scripts

export PULUMI_HOME=$TASKGATE_PULUMI_STATE/home
export PULUMI_BACKEND_URL=file://$TASKGATE_PULUMI_STATE/state
if [ -z "${PULUMI_CONFIG_PASSPHRASE+x}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  export PULUMI_CONFIG_PASSPHRASE=taskgate-test
fi
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_DISABLE_REGISTRY_RESOLVE=true
