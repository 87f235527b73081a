import { strict as assert } from "node:assert";
import { emulatorEnv, requireBuild, runCli, useEmulator } from "./helpers";
import { elements, parseXml, type XmlElement } from "./xml";

/**
 * `--output junit` on `list` and `summary` (`wait` has its own test): a test case per task, the
 * failing ones naming their host, state, exit code and error, the gate's verdict as one more case
 * with `--require`, and text the cloud controls escaped so the file stays well-formed XML.
 */
describe("cli: --output junit", function () {
    this.timeout(120_000);
    requireBuild();
    const ctx = useEmulator();

    /** Markup, a CDATA end, quotes, ESC sequences, NUL, a bidi override and a noncharacter: all must stay text. */
    const HOSTILE = `]]></failure><script>alert("x")</script> & 'q' \x1b[2J\x1b[32mALL PASSED\x00 \u202e \ufffe\nsecond line`;

    function seed(): void {
        ctx.emu.seed({
            tat: [
                {
                    InvocationTaskId: "invt-junitok1",
                    InvocationId: "inv-junit001",
                    InstanceId: "ins-good0001",
                    TaskStatus: "SUCCESS",
                    TaskResult: { ExitCode: 0 },
                },
                {
                    InvocationTaskId: "invt-junitbad",
                    InvocationId: "inv-junit001",
                    InstanceId: "ins-bad00001",
                    TaskStatus: "FAILED",
                    ErrorInfo: HOSTILE,
                    TaskResult: { ExitCode: 3 },
                },
                { InvocationTaskId: "invt-junitrun", InvocationId: "inv-junit001", InstanceId: "ins-slow0001", TaskStatus: "RUNNING" },
            ] as never,
        });
    }

    const caseNamed = (root: XmlElement, name: string) => {
        const found = elements(root, "testcase").find((c) => c.attrs.name === name);
        assert.ok(found, `a test case named ${name}`);
        return found;
    };

    it("list --require: one case per task, the failing host with its error and exit code, and the gate's case (exit 1)", async () => {
        seed();
        const r = await runCli(["list", "tat", "--invocation-id", "inv-junit001", "--require", "max-failed=0", "-o", "junit", "-q"], {
            env: emulatorEnv(ctx.emu),
        });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /^taskgate: gate failed on TAT invocation tasks$/m, "the reasons still go to stderr");
        assert.ok(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="taskgate" '), r.stdout);
        const root = parseXml(r.stdout);
        assert.deepEqual([root.attrs.tests, root.attrs.failures, root.attrs.errors, root.attrs.skipped], ["4", "2", "0", "1"]);
        const [suite] = elements(root, "testsuite");
        assert.equal(suite.attrs.name, "taskgate list tat: TAT invocation tasks with --invocation-id inv-junit001 in ap-guangzhou");
        assert.equal(suite.attrs.tests, "4");
        assert.match(suite.attrs.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
        const props = Object.fromEntries(elements(suite, "property").map((p) => [p.attrs.name, p.attrs.value]));
        assert.equal(props.source, "tatInvocationTasks");
        assert.match(props.queryId, /^tat-/);

        const cases = elements(suite, "testcase");
        assert.ok(cases.every((c) => c.attrs.classname === "taskgate.tat"));
        // The tasks in the order the API listed them, then the gate's case.
        assert.deepEqual(
            cases
                .slice(0, 3)
                .map((c) => c.attrs.name)
                .sort(),
            ["invt-junitbad on ins-bad00001", "invt-junitok1 on ins-good0001", "invt-junitrun on ins-slow0001"],
        );
        assert.equal(cases[3].attrs.name, "gate: at most 0 failed, all done");
        assert.deepEqual(caseNamed(suite, "invt-junitok1 on ins-good0001").children, [], "a task that succeeded passes");
        assert.equal(elements(caseNamed(suite, "invt-junitrun on ins-slow0001"), "skipped")[0].attrs.message, "RUNNING: not finished when last read");

        // The failing host: state, exit code and the cloud's message, every hostile character shown as an escape.
        const shown = `]]></failure><script>alert("x")</script> & 'q' \\x1b[2J\\x1b[32mALL PASSED\\x00 \\u202e \\ufffe\nsecond line`;
        const [failure] = elements(caseNamed(suite, "invt-junitbad on ins-bad00001"), "failure");
        assert.equal(failure.attrs.type, "FAILED");
        assert.equal(failure.attrs.message, `FAILED exit 3: ${shown}`);
        assert.equal(
            failure.text,
            ["task: invt-junitbad", "target: ins-bad00001", "state: FAILED", "error code: FAILED", "exit code: 3", `error: ${shown}`].join("\n"),
        );
        // Nothing raw got through: no ESC, NUL, bidi override or markup the file did not write itself.
        assert.doesNotMatch(r.stdout, /[\x00-\x08\x0b-\x1f\u202e\ufffe]|<script|]]>/);

        const [gateFailure] = elements(caseNamed(suite, "gate: at most 0 failed, all done"), "failure");
        assert.equal(gateFailure.attrs.message, "1 task failed, timed out or was cancelled; at most 0 allowed; 1 task is still pending or running");
        assert.ok(gateFailure.text.includes("first failing task (1 of 1):"), gateFailure.text);
    });

    it("list without --require: the tasks alone, exit 0; summary takes it too", async () => {
        seed();
        const env = emulatorEnv(ctx.emu);
        for (const command of ["list", "summary"]) {
            const r = await runCli([command, "tat", "--invocation-id", "inv-junit001", "-o", "junit", "-q"], { env });
            assert.equal(r.code, 0, r.stderr);
            const root = parseXml(r.stdout);
            assert.deepEqual([root.attrs.tests, root.attrs.failures, root.attrs.skipped], ["3", "1", "1"], command);
            assert.equal(elements(root, "testsuite")[0].attrs.name.split(":")[0], `taskgate ${command} tat`);
        }
    });

    it("an empty list fails the gate's case, so a mistyped id never shows as a green report", async () => {
        const r = await runCli(["list", "tat", "--invocation-id", "inv-typo0001", "--require", "max-failed=0", "-o", "junit", "-q"], {
            env: emulatorEnv(ctx.emu),
        });
        assert.equal(r.code, 1);
        const root = parseXml(r.stdout);
        assert.deepEqual([root.attrs.tests, root.attrs.failures], ["1", "1"]);
        assert.match(
            elements(root, "failure")[0].attrs.message,
            /^no tasks matched the query \(TAT invocation tasks with --invocation-id inv-typo0001 in ap-guangzhou\)/,
        );
    });

    it("Bare Metal: a case per task saying how many of its machines failed; the machine counts as properties", async () => {
        ctx.emu.seed({
            bm: [
                { TaskId: "cmdtask-junit001", Status: 0, InstanceCount: 10, SuccessCount: 9, FailureCount: 1, Alias: "kernel-patch" },
                { TaskId: "cmdtask-junit002", Status: 0, InstanceCount: 5, SuccessCount: 5, FailureCount: 0 },
            ] as never,
        });
        const r = await runCli(["summary", "bm", "--require", "min-success-ratio=0.9,max-failed=1", "-o", "junit", "-q"], { env: emulatorEnv(ctx.emu) });
        assert.equal(r.code, 0, r.stderr);
        const root = parseXml(r.stdout);
        const failing = elements(root, "testcase").filter((c) => elements(c, "failure").length > 0);
        assert.deepEqual(
            failing.map((c) => [c.attrs.name, elements(c, "failure")[0].attrs.message]),
            [["cmdtask-junit001 on 1 of 10 machines failed", "FAILED status 0: kernel-patch"]],
        );
        assert.equal(elements(root, "testcase").at(-1)!.attrs.name, "gate: at least 90.0% of machines succeeded, at most 1 failed, all done");
        const props = Object.fromEntries(elements(root, "property").map((p) => [p.attrs.name, p.attrs.value]));
        assert.deepEqual([props["targets.total"], props["targets.succeeded"], props["targets.failed"]], ["15", "14", "1"]);
    });
});
