import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO } from "../../scripts/engine";

/** The provider plugin's tarball as `npm run plugin:pack` makes it, and the version it holds. */
export interface PackedPlugin {
    tarball: string;
    version: string;
}

let packed: PackedPlugin | undefined;

/**
 * Packs the provider plugin once per test process (scripts/plugin-pack.sh, about 30 s): the tarball
 * a user of the official Pulumi CLI installs with `pulumi plugin install resource taskgate <version> --file`.
 */
export function packedPlugin(): PackedPlugin {
    if (!packed) {
        const out = execFileSync("bash", [path.join(REPO, "scripts/plugin-pack.sh")], { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
        const version: string = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version;
        packed = { tarball: out.trim().split("\n").pop()!, version };
    }
    return packed;
}
