#!/usr/bin/env bash
# `npm run plugin:pack`: taskgate's Pulumi resource provider plugin as the tarball `pulumi plugin install` takes,
# for a user of the official Pulumi CLI without a checkout (Pulumi YAML, Python or Go programs):
#
#   pulumi plugin install resource taskgate <version> --file pulumi-resource-taskgate-v<version>-<os>-<arch>.tar.gz
#
# Writes dist-plugin/pulumi-resource-taskgate-v<version>-<os>-<arch>.tar.gz (Pulumi's plugin naming: the version
# from package.json, this machine's os and arch as Go names them: linux|darwin, amd64|arm64) and prints its path
# (the last line of stdout; progress goes to stderr). The tarball holds, at its root:
#
#   pulumi-resource-taskgate   the executable the engine runs (sh): the `node` on PATH (Node.js 20+) on
#                              node_modules/pulumi-taskgate/dist/provider/plugin/main.js beside it
#   node_modules/              the package as `npm pack` makes it (prepack builds dist/), installed production-only
#                              (npm install --omit=dev) with @pulumi/pulumi at the version package.json pins, which
#                              the plugin's gRPC server and the resources' runtime load
#
# No PulumiPlugin.yaml on purpose: with one, `pulumi plugin install` runs the Node.js language host's dependency
# install and the engine starts the plugin through the language host's RunPlugin; an executable runs directly.
# Needs npm and a registry (the dependencies are downloaded as `npm ci` downloads them).
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
ENTRY=dist/provider/plugin/main.js
OUT_DIR=$repo_root/dist-plugin

log() { printf 'plugin-pack: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) die "no Pulumi plugin name for the OS $(uname -s) (linux and darwin are packed)" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) die "no Pulumi plugin name for the architecture $(uname -m) (amd64 and arm64 are packed)" ;;
esac

pkg_field() { (cd "$repo_root" && node -p "require('./package.json').$1 ?? ''"); }
name=$(pkg_field name)
version=$(pkg_field version)
pulumi_pin=$(pkg_field "devDependencies['@pulumi/pulumi']")
[ -n "$version" ] || die "package.json has no version"
[ -n "$pulumi_pin" ] || die "package.json's devDependencies pin no @pulumi/pulumi"
tarball=$OUT_DIR/pulumi-resource-taskgate-v$version-$os-$arch.tar.gz

t0=$(date +%s)
stage=$(mktemp -d "${TMPDIR:-/tmp}/taskgate-plugin-pack.XXXXXX")
trap 'rm -rf "$stage"' EXIT

log "packing $name $version (npm pack builds dist/)"
(cd "$repo_root" && npm pack --pack-destination "$stage" --loglevel=error >&2)
tgz=$(find "$stage" -maxdepth 1 -name "$name-$version.tgz")
[ -f "$tgz" ] || die "npm pack wrote no $name-$version.tgz"

log "installing it production-only with @pulumi/pulumi $pulumi_pin"
mkdir "$stage/plugin"
printf '{ "private": true }\n' >"$stage/plugin/package.json"
(cd "$stage/plugin" && npm install --omit=dev --no-audit --no-fund --loglevel=error "$tgz" "@pulumi/pulumi@$pulumi_pin" >&2)
[ -f "$stage/plugin/node_modules/$name/$ENTRY" ] ||
  die "the package has no $ENTRY: the provider plugin's entry point is not built (npm run build) or not in package.json's files"

# The executable the engine runs. Builtins only up to `node`, so a missing node is reported as such.
cat >"$stage/plugin/pulumi-resource-taskgate" <<EOF
#!/bin/sh
# taskgate's Pulumi resource provider plugin ($name $version), as \`pulumi plugin install\` unpacks it:
# the engine runs \`pulumi-resource-taskgate <engine address>\`; this runs the package installed beside it.
case \$0 in
    */*) dir=\${0%/*} ;;
    *) dir=. ;;
esac
dir=\$(cd "\$dir" && pwd) || exit 1
if ! command -v node >/dev/null 2>&1; then
    echo "pulumi-resource-taskgate: node not found on PATH (the taskgate plugin runs on Node.js 20 or newer)" >&2
    exit 1
fi
exec node "\$dir/node_modules/$name/$ENTRY" "\$@"
EOF
chmod 0755 "$stage/plugin/pulumi-resource-taskgate"

mkdir -p "$OUT_DIR"
tar -czf "$stage/plugin.tar.gz" -C "$stage/plugin" pulumi-resource-taskgate node_modules
mv -f "$stage/plugin.tar.gz" "$tarball"
files=$(tar -tzf "$tarball" | grep -vc '/$')
log "wrote $tarball ($(du -k "$tarball" | cut -f1) KiB, $files files) in $(($(date +%s) - t0)) s"
printf '%s\n' "$tarball"
