import * as fs from "node:fs";
import * as path from "node:path";

/** This package's own name, as its package.json spells it. */
export const PACKAGE_NAME = "pulumi-taskgate";

/**
 * Finds this package's own package.json in `from` or a folder above it. Code runs both from its
 * sources (ts-node) and from `dist/`, at different depths, so a fixed relative path would be wrong
 * in one of them; another package.json on the way (a project that installed this one) is passed by.
 * @returns the package's folder and version, or undefined when there is none above `from`.
 */
export function findOwnPackage(from: string): { dir: string; version: string } | undefined {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
            if (pkg.name === PACKAGE_NAME) return { dir, version: pkg.version ?? "unknown" };
        }
        if (path.dirname(dir) === dir) return undefined;
    }
}
