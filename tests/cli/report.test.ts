import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { emulatorEnv, requireBuild, runCli, useEmulator } from "./helpers";

/**
 * `taskgate report`: the read goes to report/htmlReport.ts's renderer and out to a file (or stdout),
 * with the same `--require` exit codes as `list`. The page itself is tested in tests/report.
 */
describe("cli: taskgate report", function () {
    this.timeout(120_000);
    requireBuild();
    const ctx = useEmulator();
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-cli-report-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("writes a self-contained HTML page of the read, with the filters and the gate's verdict", async () => {
        const [g] = ctx.emu.generate({ api: "cph", count: 60, seed: "report", statusMix: { SUCCESS: 55, FAILED: 5 } });
        const env = emulatorEnv(ctx.emu);
        const file = path.join(dir, "jobs.html");
        const r = await runCli(["report", "cph", "--request-id", g.groups.requestId, "--html", file, "--require", "max-failed=5"], { env });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, new RegExp(`^wrote ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} \\(\\d+ KB\\)$`, "m"));
        const html = fs.readFileSync(file, "utf8");
        assert.match(html, /^<!DOCTYPE html>/);
        assert.match(html, /<title>PASSED: CPH jobs · taskgate report<\/title>/);
        assert.ok(html.includes(g.groups.requestId), "the query's filters are on the page");
        for (const id of g.ids) assert.ok(html.includes(id), `job ${id} is on the page`);
        assert.doesNotMatch(html, /<script|<link|src="http|href="http/i, "nothing to fetch");
    });

    it("exits 1 when the requirements fail, and still writes the page", async () => {
        const [g] = ctx.emu.generate({ api: "cph", count: 60, seed: "report", statusMix: { SUCCESS: 55, FAILED: 5 } });
        const file = path.join(dir, "failed.html");
        const r = await runCli(["report", "cph", "--request-id", g.groups.requestId, "--html", file, "--require", "min-success-ratio=0.95", "-q"], {
            env: emulatorEnv(ctx.emu),
        });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^taskgate: gate failed on CPH jobs$/m);
        assert.match(r.stderr, /first failing tasks \(5 of 5\)/);
        assert.match(fs.readFileSync(file, "utf8"), /<title>FAILED: CPH jobs · taskgate report<\/title>/);
    });

    it("--html - writes the page to stdout", async () => {
        ctx.emu.generate({ api: "bm", count: 12, seed: "report" });
        const r = await runCli(["report", "bm", "--html", "-", "-q"], { env: emulatorEnv(ctx.emu) });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^<!DOCTYPE html>[\s\S]*<\/html>\n$/);
        assert.equal(r.stderr, "");
    });

    it("exits 2 and writes nothing when the input is bad or the file cannot be written", async () => {
        const env = emulatorEnv(ctx.emu);
        const file = path.join(dir, "never.html");
        const bad = await runCli(["report", "tat", "--invocation-id", "nope", "--html", file], { env });
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /^taskgate: invalid --invocation-id \("nope"\)/);
        assert.ok(!fs.existsSync(file));
        ctx.emu.generate({ api: "tat", count: 3, seed: "report" });
        const unwritable = await runCli(["report", "tat", "--html", path.join(dir, "no-such-folder", "r.html"), "-q"], { env });
        assert.equal(unwritable.code, 2);
        assert.match(unwritable.stderr, /^taskgate: ENOENT: no such file or directory, open '.+r\.html'$/m);
    });
});
