import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/*
 * What `npm pack` puts in the package, as npm itself lists it (without running the build).
 */
const ROOT = path.resolve(__dirname, "../..");

describe("the npm package's files", function () {
    this.timeout(120_000);

    it("has no source maps and no TypeScript sources: a stack trace points at a file the package contains", () => {
        assert.ok(fs.existsSync(path.join(ROOT, "dist/provider/dynamic/gateRuntime.js")), "run `npm run build` first (npm test does)");
        const [pack] = JSON.parse(
            execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }),
        );
        const files: string[] = pack.files.map((f: { path: string }) => f.path);
        assert.ok(files.includes("dist/provider/dynamic/gateRuntime.js") && files.includes("dist/sdk/index.js"), files.join("\n"));
        assert.deepEqual(
            files.filter((f) => f.endsWith(".map")),
            [],
        );
        assert.deepEqual(
            files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")),
            [],
        );
        for (const f of files.filter((x) => x.endsWith(".js"))) {
            assert.doesNotMatch(fs.readFileSync(path.join(ROOT, f), "utf8"), /^\/\/# sourceMappingURL=/m, `${f} points at a source map`);
        }
    });
});
