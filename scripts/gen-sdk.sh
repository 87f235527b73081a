#!/usr/bin/env bash
# Regenerates the Python and Go SDKs (sdk/python, sdk/go) from provider/plugin/schema.json with Pulumi's own
# code generators, through the Go program in engine/gen-sdk: `pulumi package gen-sdk` would need the
# pulumi-language-python and pulumi-language-go plugins, which cannot be had here, while the generators they
# call are in github.com/pulumi/pulumi/pkg/v3. The program is built once into
# ~/.cache/taskgate/gen-sdk-<hash of its go.mod, go.sum and main.go> (TASKGATE_CACHE replaces ~/.cache/taskgate)
# and reused while those are unchanged; nothing is built inside the repository.
#
#   npm run gen-sdk            # rewrite sdk/python and sdk/go
#   npm run gen-sdk -- DIR     # write DIR/python and DIR/go instead (tests/sdkgen compares them with sdk/)
#
# Run `npm run schema` first when the TypeScript declarations changed: this reads the checked-in schema.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-sdk}"
src=engine/gen-sdk
hash=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)
dir="${TASKGATE_CACHE:-$HOME/.cache/taskgate}/gen-sdk-$hash"
if [ ! -x "$dir/gen-sdk" ]; then
    mkdir -p "$dir"
    (cd "$src" && go build -trimpath -o "$dir/gen-sdk.part" .)
    mv "$dir/gen-sdk.part" "$dir/gen-sdk"
fi
"$dir/gen-sdk" -schema provider/plugin/schema.json -out "$out"
