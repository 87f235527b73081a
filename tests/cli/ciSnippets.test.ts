import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CLI, type CliRun, emulatorEnv, requireBuild, runProcess, useEmulator } from "./helpers";
import { elements, parseXml } from "./xml";

/**
 * The CI snippets the README shows (tests/cli/fixtures/ci: a GitHub Actions step, a GitLab job)
 * work as written: their shell commands run here against the emulator, as the CI runner would run
 * them (bash -eo pipefail), on a rollout that passes and on one that fails, and leave the files
 * CI reads: a JUnit report, and the job summary GitHub shows.
 *
 * Liberties, each standing in for what the CI runner does: `npx taskgate` runs the built command
 * (`taskgate` on PATH), `npm ci` is skipped (the package is installed here), the `${{ ... }}` and
 * masked variables are set in the environment (the emulator's credentials, INVOCATION_ID), and
 * GITHUB_STEP_SUMMARY names a file in a temporary folder.
 */
const FIXTURES = path.join(__dirname, "fixtures/ci");

/** The lines of a block scalar (`run: |`): every deeper-indented line after the key, dedented. */
function blockScalar(yaml: string, key: string): string[] {
    const lines = yaml.split("\n");
    const at = lines.findIndex((l) => l.trimStart() === `${key}: |`);
    assert.ok(at >= 0, `no "${key}: |" in the snippet`);
    const indent = lines[at].length - lines[at].trimStart().length;
    const body = lines.slice(at + 1);
    const end = body.findIndex((l) => l.trim() !== "" && l.length - l.trimStart().length <= indent);
    const block = body.slice(0, end < 0 ? undefined : end).filter((l) => l.trim() !== "");
    const margin = Math.min(...block.map((l) => l.length - l.trimStart().length));
    return block.map((l) => l.slice(margin));
}

/** The items of a block sequence (`script:`): each `- command` after the key, deeper-indented. */
function sequence(yaml: string, key: string): string[] {
    const lines = yaml.split("\n");
    const at = lines.findIndex((l) => l.trimStart() === `${key}:`);
    assert.ok(at >= 0, `no "${key}:" in the snippet`);
    const indent = lines[at].length - lines[at].trimStart().length;
    const items: string[] = [];
    for (const l of lines.slice(at + 1)) {
        if (l.trim() === "" || l.trimStart().startsWith("#")) continue;
        if (l.length - l.trimStart().length <= indent) break;
        const item = /^\s*- (.+)$/.exec(l);
        assert.ok(item, `"${l}" under ${key} is not a list item`);
        items.push(item[1]);
    }
    return items;
}

/** Runs a script as a CI runner does (bash, stop at the first failing command), with `taskgate` on PATH. */
function runScript(script: string, dir: string, env: Record<string, string | undefined>): Promise<CliRun> {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, "taskgate"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    const commands = script.replace(/\bnpx taskgate\b/g, "taskgate");
    return runProcess("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", commands], {
        cwd: dir,
        env: { ...env, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
    });
}

describe("cli: the README's CI snippets", function () {
    this.timeout(120_000);
    requireBuild();
    const ctx = useEmulator();
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-ci-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** A finished TAT rollout on 40 hosts, `failed` of them failed; its invocation id. */
    function rollout(failed: number): string {
        const [g] = ctx.emu.generate({ api: "tat", count: 40, statusMix: { SUCCESS: 40 - failed, ...(failed ? { FAILED: failed } : {}) }, seed: failed });
        return g.groups.invocationId;
    }

    /** The JUnit report a snippet wrote: its counts, and the names of the failing cases. */
    function report(file: string): { tests: string; failures: string; failing: string[] } {
        const root = parseXml(fs.readFileSync(path.join(dir, file), "utf8"));
        const failing = elements(root, "testcase")
            .filter((c) => elements(c, "failure").length > 0)
            .map((c) => c.attrs.name);
        return { tests: root.attrs.tests, failures: root.attrs.failures, failing };
    }

    describe("GitHub Actions step", () => {
        const yaml = fs.readFileSync(path.join(FIXTURES, "github-actions.yml"), "utf8");
        const script = blockScalar(yaml, "run").join("\n");

        it("keeps the report the step writes and uploads the file it names", () => {
            assert.match(script, /--output junit > taskgate\.xml/);
            assert.match(yaml, /^ +path: taskgate\.xml$/m);
            assert.match(yaml, /^ +if: always\(\)$/m, "the report is kept when the gate fails");
        });

        it("passes a rollout that meets the rules: exit 0, a green report, the counts in the job summary", async () => {
            const summary = path.join(dir, "summary.md");
            const r = await runScript(script, dir, emulatorEnv(ctx.emu, { INVOCATION_ID: rollout(0), GITHUB_STEP_SUMMARY: summary }));
            assert.equal(r.code, 0, r.stderr);
            assert.deepEqual(report("taskgate.xml"), { tests: "41", failures: "0", failing: [] });
            assert.match(fs.readFileSync(summary, "utf8"), /^\| SUCCEEDED \| 40 \|$/m);
        });

        it("fails a rollout that does not, naming the failing hosts in the report, and still writes the summary", async () => {
            const summary = path.join(dir, "summary.md");
            fs.writeFileSync(summary, "earlier steps' summary\n");
            const r = await runScript(script, dir, emulatorEnv(ctx.emu, { INVOCATION_ID: rollout(5), GITHUB_STEP_SUMMARY: summary }));
            assert.equal(r.code, 1, r.stderr);
            assert.match(r.stderr, /^taskgate: gate failed on TAT invocation tasks$/m);
            const junit = report("taskgate.xml");
            assert.equal(junit.failures, "6", "five hosts and the gate");
            assert.equal(junit.failing.filter((n) => /^invt-\w+ on ins-\w+$/.test(n)).length, 5);
            const text = fs.readFileSync(summary, "utf8");
            assert.ok(text.startsWith("earlier steps' summary\n"), "appended, as GitHub expects");
            assert.match(text, /^\| FAILED \| 5 \|$/m);
        });
    });

    describe("GitLab job", () => {
        const yaml = fs.readFileSync(path.join(FIXTURES, "gitlab-ci.yml"), "utf8");
        // `npm ci` installs the package in the job; it is installed here.
        const script = sequence(yaml, "script")
            .filter((c) => c !== "npm ci")
            .join("\n");

        it("declares the report the job writes, kept when the job fails", () => {
            assert.deepEqual(sequence(yaml, "script")[0], "npm ci");
            assert.match(script, /--output junit > taskgate\.xml$/);
            assert.match(yaml, /^( +)reports:\n\1 +junit: taskgate\.xml$/m);
            assert.match(yaml, /^ +when: always$/m);
        });

        it("passes a rollout that meets the rules with a green report; fails one that does not, naming the hosts", async () => {
            const ok = await runScript(script, dir, emulatorEnv(ctx.emu, { INVOCATION_ID: rollout(0) }));
            assert.equal(ok.code, 0, ok.stderr);
            assert.deepEqual(report("taskgate.xml"), { tests: "41", failures: "0", failing: [] });

            const bad = await runScript(script, dir, emulatorEnv(ctx.emu, { INVOCATION_ID: rollout(5) }));
            assert.equal(bad.code, 1, bad.stderr);
            const junit = report("taskgate.xml");
            assert.equal(junit.failing.length, 6);
            assert.ok(junit.failing.at(-1)!.startsWith("gate: at least 95.0% of tasks succeeded, at most 2 failed, all done"), junit.failing.at(-1));
        });
    });
});
