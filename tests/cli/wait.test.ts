import { strict as assert } from "node:assert";
import * as gate from "../../provider/dynamic/gateRuntime";
import { progressLogger } from "../../provider/dynamic/engineLog";
import type { GateFailedError } from "../../provider/gateRules";
import { emulatorStackConfig } from "../integration/helpers";
import { emulatorEnv, requireBuild, runCli, startCli, useEmulator } from "./helpers";
import { elements, parseXml } from "./xml";

/**
 * `taskgate wait`: TaskGate's waiting loop from the command line. Each test drives the emulator
 * from what the command printed (its first progress line), never from elapsed time: tasks finish
 * after the command has seen them running, Ctrl-C comes once it waits.
 */
describe("cli: taskgate wait", function () {
    this.timeout(120_000);
    requireBuild();
    const ctx = useEmulator();

    /** TAT tasks of one invocation, one per instance: `running` still running, then `failed` failed with exit code 3. */
    function seedTat(invocationId: string, running: number, failed = 0): string[] {
        const tag = invocationId.slice(4);
        const records = Array.from({ length: running + failed }, (_, i) => ({
            InvocationTaskId: `invt-${tag}${i}`,
            InvocationId: invocationId,
            InstanceId: `ins-${tag}${i}`,
            TaskStatus: i < running ? "RUNNING" : "FAILED",
            ...(i < running ? {} : { ErrorInfo: "disk full", TaskResult: { ExitCode: 3 } }),
        }));
        ctx.emu.seed({ tat: records as never });
        return records.map((r) => r.InvocationTaskId);
    }

    const plainLines = (stderr: string) => {
        assert.doesNotMatch(stderr, /[\r\x1b]/, "stderr is not a terminal: plain lines, no control codes");
        return stderr.trimEnd().split("\n");
    };

    it("waits while tasks run and exits 0 once they succeed, with progress on stderr", async () => {
        const ids = seedTat("inv-waitpass", 5);
        const env = emulatorEnv(ctx.emu);
        const run = startCli(["wait", "tat", "--invocation-id", "inv-waitpass", "--require", "max-failed=0", "--timeout", "120", "--poll-interval", "0.2"], {
            env,
        });
        await run.stderrLine(/^taskgate: wait: 0\/5 tasks done/);
        ctx.emu.mutate({ api: "tat", op: "update", ids, patch: { TaskStatus: "SUCCESS", TaskResult: { ExitCode: 0 } } });
        const r = await run.done;
        assert.equal(r.code, 0, r.stderr);
        const lines = plainLines(r.stderr);
        assert.match(lines[0], /^taskgate: wait: 0\/5 tasks done, 0 succeeded, 0 failed, \d+(\.\d)? s of 120 s$/);
        assert.match(lines.at(-2)!, /^taskgate: wait: 5\/5 tasks done, 5 succeeded, 0 failed, \d+(\.\d)? s of 120 s: passed$/);
        assert.equal(lines.at(-1), "taskgate: passed: at most 0 failed, all done");
        assert.ok(ctx.emu.requests({ api: "tat" }).length >= 2, "read again after the tasks were seen running");
        // The last read on stdout, as `list` prints it.
        assert.equal(r.stdout.match(/ SUCCEEDED +SUCCESS /g)?.length, 5, r.stdout);
        assert.match(r.stdout, /^5 TAT invocation tasks: 5 succeeded; all done$/m);
    });

    it("stops at the first read that makes the requirements impossible (exit 1), with the gate's own message", async () => {
        seedTat("inv-waitfail", 4, 1);
        const env = emulatorEnv(ctx.emu);
        const r = await runCli(["wait", "tat", "--invocation-id", "inv-waitfail", "--require", "max-failed=0", "--timeout", "600", "--poll-interval", "0.2"], {
            env,
        });
        assert.equal(r.code, 1, r.stderr);
        assert.equal(ctx.emu.requests({ api: "tat" }).length, 1, "one read: a failure is final");
        assert.match(r.stderr, /^taskgate: gate failed on TAT invocation tasks \(stopped early: the requirements can no longer be met\)$/m);
        assert.match(r.stderr, /^ {4}invt-waitfail4 {2}on ins-waitfail4 {2}FAILED {2}exit 3 {2}disk full$/m);

        // TaskGate itself, on the same tasks, fails with the very same message.
        const config = emulatorStackConfig(ctx.emu.url);
        gate.configure({ config: { get: (k: string) => config[k] } });
        gate.setProgress(() => ({ debug: () => undefined, info: () => undefined, warn: () => undefined }));
        let e: GateFailedError | undefined;
        try {
            await gate.create({
                source: { tatInvocationTasks: { invocationId: "inv-waitfail" } },
                require: { maxFailed: 0 },
                wait: { timeoutSeconds: 600, pollIntervalSeconds: 0.2 },
            });
        } catch (err) {
            e = err as GateFailedError;
        } finally {
            gate.setProgress(progressLogger, 5000);
        }
        assert.ok(e?.message, "the gate failed too");
        assert.ok(r.stderr.includes(`${e.message}\n`), `stderr holds TaskGate's message:\n${e.message}\n---\n${r.stderr}`);
    });

    it("exits 3 when the timeout passes first, naming the tasks still running; --no-fail-fast keeps waiting through failures", async () => {
        seedTat("inv-waitslow", 3, 1);
        const env = emulatorEnv(ctx.emu);
        const r = await runCli(
            ["wait", "tat", "--invocation-id", "inv-waitslow", "--require", "max-failed=0", "--no-fail-fast", "--timeout", "1", "--poll-interval", "0.2"],
            { env },
        );
        assert.equal(r.code, 3, r.stderr);
        assert.match(r.stderr, /^taskgate: gate failed on TAT invocation tasks \(timed out after 1 s\)$/m);
        assert.match(r.stderr, /^ {2}first tasks still pending or running \(3 of 3\):$/m);
        assert.match(r.stderr, /^ {4}invt-waitslow0 {2}on ins-waitslow0 {2}RUNNING$/m);
        assert.ok(ctx.emu.requests({ api: "tat" }).length >= 2, "kept reading past the failure");
        const lines = plainLines(r.stderr);
        assert.match(lines.find((l) => l.startsWith("taskgate: wait: "))!, /^taskgate: wait: 1\/4 tasks done, 0 succeeded, 1 failed, /);
    });

    it("--output junit: the last read as a test report, the gate's case failing with why it stopped", async () => {
        seedTat("inv-waitjunit", 2);
        const env = emulatorEnv(ctx.emu);
        const r = await runCli(["wait", "tat", "--invocation-id", "inv-waitjunit", "--timeout", "1", "--poll-interval", "0.3", "-q", "-o", "junit"], { env });
        assert.equal(r.code, 3, r.stderr);
        const suites = parseXml(r.stdout);
        assert.deepEqual([suites.name, suites.attrs.tests, suites.attrs.failures, suites.attrs.skipped], ["testsuites", "3", "1", "2"]);
        const [suite] = elements(suites, "testsuite");
        assert.equal(suite.attrs.name, "taskgate wait tat: TAT invocation tasks with --invocation-id inv-waitjunit in ap-guangzhou");
        assert.match(suite.attrs.time, /^\d+\.\d{3}$/);
        const cases = elements(suite, "testcase");
        assert.deepEqual(
            cases.map((c) => [c.attrs.name, elements(c, "skipped")[0]?.attrs.message]),
            [
                ["invt-waitjunit0 on ins-waitjunit0", "RUNNING: not finished when last read"],
                ["invt-waitjunit1 on ins-waitjunit1", "RUNNING: not finished when last read"],
                ["gate: at most 0 failed, all done", undefined],
            ],
        );
        const [failure] = elements(cases[2], "failure");
        assert.equal(failure.attrs.type, "TASKGATE_GATE_FAILED");
        assert.equal(failure.attrs.message, "timed out after 1 s: 2 tasks are still pending or running");
        assert.match(failure.text, /^taskgate: gate failed on TAT invocation tasks \(timed out after 1 s\)\n/);
    });

    it("Ctrl-C ends the wait at once: a clear line, exit 130, nothing on stdout", async function () {
        // A wait that would otherwise poll again only after 5 minutes: ending must not wait for that pause.
        this.timeout(60_000);
        seedTat("inv-waitstop", 2);
        const run = startCli(["wait", "tat", "--invocation-id", "inv-waitstop", "--timeout", "3600", "--poll-interval", "300"], {
            env: emulatorEnv(ctx.emu),
        });
        await run.stderrLine(/^taskgate: wait: 0\/2 tasks done/);
        run.signal("SIGINT");
        const r = await run.done;
        assert.equal(r.code, 130, r.stderr);
        assert.match(plainLines(r.stderr).at(-1)!, /^taskgate: interrupted after \d+(\.\d)? s: stopped waiting; nothing was judged$/);
        assert.equal(r.stdout, "");
    });

    it("refuses bad settings with exit 2 before any request, naming the option and what it takes", async () => {
        const env = emulatorEnv(ctx.emu);
        const base = ["wait", "tat", "--invocation-id", "inv-waitbad1"];
        const cases: Array<[string[], RegExp]> = [
            [["--timeout", "0"], /^taskgate: invalid --timeout: must be a number of seconds greater than 0 and at most 86400, got 0$/m],
            [["--timeout", "soon"], /^taskgate: invalid --timeout: must be a number of seconds greater than 0 and at most 86400, got "soon"$/m],
            [["--timeout", "90000"], /^taskgate: invalid --timeout: must be a number of seconds greater than 0 and at most 86400, got 90000$/m],
            [["--poll-interval", "0.01"], /^taskgate: invalid --poll-interval: must be a number of seconds from 0\.1 to 3600, got 0\.01$/m],
            [
                ["--poll-interval", "20", "--timeout", "10"],
                /^taskgate: invalid --poll-interval: is longer than timeoutSeconds \(10\): the gate would never poll twice$/m,
            ],
            [["--no-fail-fast=yes"], /^taskgate: --no-fail-fast takes no value$/m],
            [["--poll-interval"], /^taskgate: --poll-interval needs a value: SECONDS$/m],
            [["--require", "max-failed=many"], /^taskgate: invalid --require max-failed: must be a whole number >= 0, got "many"$/m],
            [["--output", "xml"], /^taskgate: --output must be one of table, json, csv, markdown, junit, got "xml"$/m],
            [["--html", "x.html"], /^taskgate: unknown option --html; valid options for "wait tat": .*--timeout, --poll-interval, --no-fail-fast/m],
            [["--invocation-id", "job-7"], /^taskgate: invalid --invocation-id \("job-7"\): must be an invocation id/m],
        ];
        for (const [extra, message] of cases) {
            const args = extra[0] === "--invocation-id" ? ["wait", "tat", ...extra] : [...base, ...extra];
            const r = await runCli(args, { env });
            assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
            assert.match(r.stderr, message);
            assert.equal(r.stdout, "");
        }
        assert.equal(ctx.emu.requests().length, 0, "nothing was sent");
    });

    it("is in the help, with its exit codes", async () => {
        const env = emulatorEnv(ctx.emu);
        const root = await runCli(["--help"], { env });
        assert.match(root.stdout, /^ {2}taskgate wait <source> \[filters\] \[--require RULES\] \[--timeout S\] \[--poll-interval S\] \[--no-fail-fast\]/m);
        const help = await runCli(["wait", "tat", "--help"], { env });
        assert.equal(help.code, 0);
        assert.match(help.stdout, /^ {2}--poll-interval SECONDS +first pause between reads/m);
        assert.match(help.stdout, /^ {2}3 {2}wait only: the timeout passed before the --require rules held/m);
        assert.match(help.stdout, /^ {2}130 {2}wait only: interrupted \(Ctrl-C\)/m);
    });
});
