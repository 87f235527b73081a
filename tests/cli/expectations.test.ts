import { strict as assert } from "node:assert";
import { parseCommandLine } from "../../cli/options";
import { emulatorEnv, requireBuild, runCli, useEmulator } from "./helpers";
import { elements, parseXml } from "./xml";

/**
 * The expectations on the command line: `--expect-targets` and `--tolerate-failures-on` (lists, as
 * options of their own), `--require created-after=TIME`; judged as check() judges, in the command
 * line's words, with their exit codes; `wait` takes them too.
 */
describe("cli: --expect-targets, --tolerate-failures-on, --require created-after", function () {
    this.timeout(120_000);
    requireBuild();
    const ctx = useEmulator();

    const task = (id: string, instance: string, status: string, created: string) => ({
        InvocationTaskId: id,
        InvocationId: "inv-cli00001",
        CommandId: "cmd-cli00001",
        InstanceId: instance,
        TaskStatus: status,
        CreatedTime: created,
        StartTime: created,
    });

    beforeEach(() => {
        ctx.emu.seed({
            tat: [
                task("invt-old00001", "ins-a0000001", "FAILED", "2026-11-24T10:00:00+00:00"),
                task("invt-new00001", "ins-a0000001", "SUCCESS", "2026-12-01T10:00:00+00:00"),
                task("invt-new00002", "ins-b0000001", "SUCCESS", "2026-12-01T10:00:00+00:00"),
                task("invt-bad00001", "ins-bad00001", "FAILED", "2026-12-01T10:00:00+00:00"),
            ],
        } as never);
    });

    it("parses the target lists as lists (comma-separated, repeatable) beside --require", () => {
        const parsed = parseCommandLine([
            "summary",
            "tat",
            "--command-id",
            "cmd-cli00001",
            "--expect-targets",
            "ins-a,ins-b",
            "--expect-targets",
            "ins-c",
            "--tolerate-failures-on",
            "ins-bad",
            "--require",
            "created-after=2026-12-01T18:00:00+08:00,max-failed=1",
        ]);
        assert.equal(parsed.kind, "run");
        assert.deepEqual(parsed.kind === "run" && parsed.invocation.require, {
            createdAfter: "2026-12-01T18:00:00+08:00",
            maxFailed: 1,
            expectTargets: ["ins-a", "ins-b", "ins-c"],
            tolerateFailuresOn: ["ins-bad"],
        });
    });

    it("exit 1 naming the expected host that never got a task; exit 0 when the known-bad host is tolerated and last week's run ignored", async () => {
        const env = emulatorEnv(ctx.emu);
        const base = ["summary", "tat", "--command-id", "cmd-cli00001", "-q"];
        const missing = await runCli(
            [...base, "--expect-targets", "ins-a0000001,ins-b0000001,ins-c0000001", "--require", "created-after=2026-12-01T10:00:00Z"],
            {
                env,
            },
        );
        assert.equal(missing.code, 1, missing.stderr);
        assert.match(missing.stderr, /not met: {2}1 expected instance never got a task \(ins-c0000001\), which counts as failed; at most 0 allowed/);
        assert.match(missing.stderr, /not judged: 1 older task, 1 task on other targets/);

        const passed = await runCli([...base, "--tolerate-failures-on", "ins-bad00001", "--require", "created-after=2026-12-01T10:00:00Z"], { env });
        assert.equal(passed.code, 0, passed.stderr);
        const loud = await runCli(
            ["summary", "tat", "--command-id", "cmd-cli00001", "--tolerate-failures-on", "ins-bad00001", "--require", "created-after=2026-12-01T10:00:00Z"],
            {
                env,
            },
        );
        assert.match(
            loud.stderr,
            /taskgate: passed: at most 0 failed, all done, only tasks created at or after 2026-12-01T10:00:00\.000Z, failures tolerated on ins-bad00001\n/,
        );
        assert.match(loud.stderr, /taskgate: tolerated: ins-bad00001 \(FAILED, invt-bad00001\)\n/);

        const old = await runCli([...base, "--tolerate-failures-on", "ins-bad00001"], { env });
        assert.equal(old.code, 1, "without created-after last week's failure counts");
        assert.match(old.stderr, /invt-old00001 {2}on ins-a0000001 {2}FAILED/);
    });

    it("--output junit: an expected target without a task is a failing case of its own; a tolerated failure and last week's run are skipped, not failed", async () => {
        const r = await runCli(
            [
                "summary",
                "tat",
                "--command-id",
                "cmd-cli00001",
                "-q",
                "-o",
                "junit",
                "--expect-targets",
                "ins-a0000001,ins-bad00001,ins-c0000001",
                "--tolerate-failures-on",
                "ins-bad00001",
                "--require",
                "created-after=2026-12-01T10:00:00Z",
            ],
            { env: emulatorEnv(ctx.emu) },
        );
        assert.equal(r.code, 1, r.stderr);
        const suite = elements(parseXml(r.stdout), "testsuite")[0];
        const cases = Object.fromEntries(elements(suite, "testcase").map((c) => [c.attrs.name, c]));
        const [missing] = elements(cases["ins-c0000001: expected, no task"], "failure");
        assert.equal(missing.attrs.type, "MISSING");
        const [tolerated] = elements(cases["invt-bad00001 on ins-bad00001"], "skipped");
        assert.match(tolerated.attrs.message, /^FAILED.*: failure tolerated \(tolerateFailuresOn\)$/);
        assert.deepEqual(elements(cases["invt-bad00001 on ins-bad00001"], "failure"), [], "a tolerated failure does not fail the report");
        assert.deepEqual(elements(cases["invt-new00001 on ins-a0000001"], "failure"), []);
        const [old] = elements(cases["invt-old00001 on ins-a0000001"], "skipped");
        assert.match(old.attrs.message, /^FAILED.*: not judged \(older than createdAfter/, "last week's failed run does not fail the report");
        assert.equal(suite.attrs.failures, "2", "the missing target and the gate's case");
    });

    it("wait takes them too", async () => {
        const env = emulatorEnv(ctx.emu);
        const r = await runCli(
            [
                "wait",
                "tat",
                "--command-id",
                "cmd-cli00001",
                "-q",
                "--expect-targets",
                "ins-a0000001,ins-b0000001",
                "--require",
                "created-after=2026-12-01T10:00:00Z",
                "--timeout",
                "30",
            ],
            { env },
        );
        assert.equal(r.code, 0, r.stderr);
    });

    it("exit 2 before any request, naming the option, for bad expectations", async () => {
        const env = emulatorEnv(ctx.emu);
        const before = ctx.emu.requests().length;
        const cases: Array<[string[], RegExp]> = [
            [
                ["summary", "mps", "--expect-targets", "x"],
                /--expect-targets.*cannot be checked on MPS tasks.*--expect-targets works with TAT invocation tasks \(instances\) and CPH jobs/,
            ],
            [["summary", "bm", "--tolerate-failures-on", "x"], /--tolerate-failures-on.*cannot be checked on Bare Metal script tasks/],
            [["summary", "tat", "--invocation-id", "inv-cli00001", "--expect-targets", "ins-a,"], /--expect-targets.*must be a target id/],
            [
                ["summary", "tat", "--invocation-id", "inv-cli00001", "--require", "created-after=yesterday"],
                /--require created-after.*must be an ISO-8601 time with a zone/,
            ],
            [
                ["summary", "tat", "--invocation-id", "inv-cli00001", "--require", "created-after=gateCreation"],
                /only a gate has one; give created-after an ISO-8601 time/,
            ],
            [
                ["summary", "tat", "--invocation-id", "inv-cli00001", "--expect-targets", "ins-a", "--tolerate-failures-on", "ins-b"],
                /--tolerate-failures-on.*names ins-b, which --expect-targets does not list/,
            ],
        ];
        for (const [args, message] of cases) {
            const r = await runCli(args, { env });
            assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
            assert.match(r.stderr, message, args.join(" "));
        }
        assert.equal(ctx.emu.requests().length, before, "nothing was sent");
    });
});
