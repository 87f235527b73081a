/**
 * CONTRIBUTING.md describes the tree as it is: every path it names exists (but the example source
 * it walks through, `xyz`), every `npm run` script it names is in package.json, and every file its
 * recipe for a sixth data source names as holding an entry for each source names each of today's.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const GUIDE = fs.readFileSync(path.join(ROOT, "CONTRIBUTING.md"), "utf8");
const SCRIPTS = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts);

/** The code spans of the guide that look like paths in the repository. */
function pathsNamed(): string[] {
    const spans = [...GUIDE.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]);
    return [...new Set(spans.filter((s) => /^(sdk|provider|cli|report|emulator|tests|bench|examples|scripts)\/|^[\w.-]+\.(md|json|ts|yaml)$/.test(s)))];
}

describe("CONTRIBUTING.md", () => {
    it("names only paths that exist, but the example source of its recipe", () => {
        const named = pathsNamed();
        assert.ok(named.length > 30, `${named.length} paths named`);
        const missing = named.filter((p) => !/xyz/i.test(p) && !p.includes("<") && !fs.existsSync(path.join(ROOT, p.replace(/\/$/, ""))));
        assert.deepEqual(missing, []);
    });

    it("names only npm scripts that exist", () => {
        const named = [...GUIDE.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
        assert.ok(named.length >= 6, named.join(" "));
        assert.deepEqual(
            named.filter((s) => !SCRIPTS.includes(s)),
            [],
        );
    });

    it("the files its recipe says hold an entry per source hold one for each of today's five", () => {
        const perSource: Record<string, RegExp[]> = {
            "provider/sources/index.ts": [/tatInvocationTasks/, /mpsTasks/, /bmCmdTasks/, /cphJobs/, /workspaceScriptTasks/],
            "provider/types.ts": [/"tat"/, /"mps"/, /"bm"/, /"cph"/, /"workspace"/],
            "provider/snapshotRecord.ts": [/tatInvocationTasks:/, /mpsTasks:/, /bmCmdTasks:/, /cphJobs:/, /workspaceScriptTasks:/],
            "report/targetGroups.ts": [/tatInvocationTasks:/, /mpsTasks:/, /bmCmdTasks:/, /cphJobs:/, /workspaceScriptTasks:/],
            "sdk/types.ts": [/TatInvocationTask\b/, /MpsTask\b/, /BmCmdTask\b/, /CphJob\b/, /WorkspaceScriptTask\b/],
            "tests/reliability/subjects.ts": [/tat/i, /mps/i, /bm/i, /cph/i, /workspace/i],
        };
        for (const [file, entries] of Object.entries(perSource)) {
            assert.ok(GUIDE.includes(`\`${file}\``), `the recipe names ${file}`);
            const text = fs.readFileSync(path.join(ROOT, file), "utf8");
            for (const e of entries) assert.match(text, e, `${file} holds ${e}`);
        }
    });
});
