/**
 * The test commands: `npx mocha <file>` runs that file alone, `npm test` runs every suite but the
 * end-to-end one, `test:fast` leaves out only what needs a browser or the Pulumi engine, and
 * `test:unit` runs the unit tests alone. Checked from package.json and the mocha configs, and by
 * expanding each script's globs over the tree, so a new test file cannot silently fall out of
 * `npm test`.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const SCRIPTS: Record<string, string> = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;

/**
 * The tests that need Chromium, the Pulumi CLI, or Go and Python to build and install the generated
 * SDKs: the only ones `test:fast` leaves out.
 */
const NEEDS_BROWSER_OR_ENGINE = ["tests/report/browser.test.ts", "tests/cli/stack.test.ts", "tests/sdkgen/sdk.test.ts"];

/** Every `*.test.ts` under a folder, as paths relative to the root with `/`. */
function testFilesUnder(dir: string): string[] {
    const out: string[] = [];
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = `${dir}/${entry.name}`;
        if (entry.isDirectory()) out.push(...testFilesUnder(rel));
        else if (entry.name.endsWith(".test.ts")) out.push(rel);
    }
    return out.sort();
}

/**
 * The test files the mocha call at the end of a script runs: its quoted `dir/**\/*.test.ts` specs
 * expanded, minus its `--ignore` files. Specs of any other form are refused, so that this check
 * and mocha can never read a script differently.
 */
function filesRunBy(script: string): string[] {
    const mocha = script.slice(script.lastIndexOf("mocha "));
    const words = mocha.split(/\s+/).slice(1);
    const files = new Set<string>();
    const ignored = new Set<string>();
    for (let i = 0; i < words.length; i++) {
        const word = words[i].replace(/^'(.*)'$/, "$1");
        if (word === "--ignore") {
            ignored.add(words[++i].replace(/^'(.*)'$/, "$1"));
            continue;
        }
        if (word === "--config") {
            i++;
            continue;
        }
        if (word.startsWith("-")) continue;
        const glob = /^(tests\/[\w/]+)\/\*\*\/\*\.test\.ts$/.exec(word);
        assert.ok(glob, `a spec of the form 'tests/<dir>/**/*.test.ts' or --ignore <file>, got ${word} in: ${script}`);
        for (const f of testFilesUnder(glob[1])) files.add(f);
    }
    for (const f of ignored) assert.ok(files.has(f), `--ignore ${f} names no file the script runs`);
    return [...files].filter((f) => !ignored.has(f)).sort();
}

describe("the test commands", () => {
    it("the mocha configs list no spec, so `npx mocha tests/unit/x.test.ts` runs that one file (mocha adds a config's spec list to the command line's)", () => {
        for (const config of [".mocharc.json", ".mocharc.e2e.json"]) {
            const options = JSON.parse(fs.readFileSync(path.join(ROOT, config), "utf8"));
            assert.equal(options.spec, undefined, `${config} has a spec list`);
            assert.deepEqual(options.require, ["ts-node/register/transpile-only"], config);
        }
    });

    it("npm test runs every test file outside tests/e2e, and test:e2e every file in it", () => {
        const all = testFilesUnder("tests");
        const e2e = all.filter((f) => f.startsWith("tests/e2e/"));
        assert.ok(e2e.length > 0 && all.length > e2e.length + 40, `found ${all.length} test files`);
        assert.deepEqual(
            filesRunBy(SCRIPTS.test),
            all.filter((f) => !e2e.includes(f)),
        );
        assert.deepEqual(filesRunBy(SCRIPTS["test:e2e"]), e2e);
        assert.match(SCRIPTS["test:e2e"], /--config \.mocharc\.e2e\.json/);
    });

    it("test:fast runs what npm test runs but the tests that need a browser or the Pulumi engine, after a build (the CLI tests run dist/)", () => {
        const full = filesRunBy(SCRIPTS.test);
        assert.deepEqual(
            filesRunBy(SCRIPTS["test:fast"]),
            full.filter((f) => !NEEDS_BROWSER_OR_ENGINE.includes(f)),
        );
        for (const f of NEEDS_BROWSER_OR_ENGINE) assert.ok(full.includes(f), `${f} is gone: update NEEDS_BROWSER_OR_ENGINE`);
        assert.match(SCRIPTS["test:fast"], /^npm run build && mocha /);
        assert.doesNotMatch(SCRIPTS["test:fast"], /install-pulumi/);
    });

    it("test:unit runs the unit tests alone, with no build", () => {
        assert.deepEqual(filesRunBy(SCRIPTS["test:unit"]), testFilesUnder("tests/unit"));
        assert.match(SCRIPTS["test:unit"], /^mocha /);
    });
});
