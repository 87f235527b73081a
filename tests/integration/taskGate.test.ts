import { strict as assert } from "node:assert";
import { EMULATOR_CREDENTIALS } from "../../emulator/server";
import * as gate from "../../provider/dynamic/gateRuntime";
import { GateFailedError } from "../../provider/gateRules";
import type { Logger } from "../../provider/types";
import { sleepClock } from "../unit/fakeClock";
import { emulatorStackConfig, huaweiArgs, SECRETS, useEmulator } from "./helpers";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Progress lines the gate logs, per gate URN. */
function captureProgress(): { lines: string[] } {
    const lines: string[] = [];
    const logger: Logger = { debug: () => undefined, info: (m) => void lines.push(m), warn: (m) => void lines.push(m) };
    gate.setProgress(() => logger, 1000);
    return { lines };
}

/** Stack config as Pulumi hands it to configure(): namespaced keys. */
function configureFor(url: string, extra: Record<string, string> = {}) {
    const config = { ...emulatorStackConfig(url), ...extra };
    gate.configure({ config: { get: (k: string) => config[k] } });
}

async function failure(p: Promise<unknown>): Promise<GateFailedError & { id: string; properties: gate.GateOutputs; reasons: string[] }> {
    try {
        await p;
    } catch (e) {
        assert.ok(e instanceof GateFailedError, `expected a GateFailedError, got ${e}`);
        return e as never;
    }
    throw new assert.AssertionError({ message: "the gate passed" });
}

describe("TaskGate provider against the emulator", function () {
    this.timeout(120_000);
    const ctx = useEmulator();
    let progress: { lines: string[] };
    beforeEach(() => {
        configureFor(ctx.emu.url);
        progress = captureProgress();
    });

    it("waits while tasks move from RUNNING to done, then passes", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 300, finishOverMs: 3000, finalStatusMix: { SUCCESS: 1 } });
        const t0 = performance.now();
        const r = await gate.create({
            gateName: "migration",
            source: { tatInvocationTasks: { invocationId: g.groups.invocationId } },
            require: { minSuccessRatio: 0.95 },
            wait: { timeoutSeconds: 30, pollIntervalSeconds: 0.5 },
        });
        const took = (performance.now() - t0) / 1000;
        assert.equal(r.outs.passed, true);
        assert.equal(r.outs.summary.succeeded, 300);
        assert.equal(r.outs.summary.done, true);
        assert.ok(took >= 2.5, `took ${took} s`);
        assert.match(r.id, /^taskgate-[0-9a-f-]{36}$/);
        assert.ok(progress.lines.length >= 2 && progress.lines.length <= 8, `${progress.lines.length} progress lines`);
        // It passed at the first poll that found every task done, not later.
        assert.deepEqual(
            progress.lines.slice(0, -1).filter((l) => l.includes("300/300 tasks done")),
            [],
        );
        assert.match(progress.lines.at(-1)!, /gate "migration": 300\/300 tasks done, 300 succeeded, 0 failed, \d+(\.\d)? s of 30 s: passed$/);
        const state = JSON.stringify(r.outs);
        for (const s of SECRETS) assert.ok(!state.includes(s), "no credential in outputs");
    });

    it("fails once the deadline passes, naming what is still running", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 50, finishOverMs: 60_000, finalStatusMix: { SUCCESS: 1 } });
        const e = await failure(
            gate.create({
                gateName: "slow",
                source: { tatInvocationTasks: { invocationId: g.groups.invocationId } },
                wait: { timeoutSeconds: 2, pollIntervalSeconds: 0.5 },
            }),
        );
        assert.match(e.message, /gate "slow" failed on TAT invocation tasks \(timed out after 2 s\)/);
        const pending = Number(/not met: {2}(\d+) tasks are still pending or running/.exec(e.message)?.[1]);
        assert.ok(pending > 10, e.message);
        // The first ten still pending or running, by id and instance, and how many in all.
        const lines = e.message.split("\n");
        const at = lines.indexOf(`  first tasks still pending or running (10 of ${pending}):`);
        assert.ok(at > 0, e.message);
        const named = lines.slice(at + 1).map((l) => {
            const m = /^ {4}(invt-\w+) {2}on ins-\w+ {2}(RUNNING|PENDING)$/.exec(l);
            assert.ok(m, l);
            return m[1];
        });
        assert.equal(new Set(named).size, 10, "ten different tasks, each with its instance");
        assert.match(e.id, /^taskgate-/, "init error: the engine keeps the resource and retries on the next up");
        assert.equal(e.properties.passed, false);
        assert.deepEqual(e.reasons, [e.message]);
    });

    it("fails fast when the requirements can no longer be met", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 100, finishOverMs: 20_000, finalStatusMix: { FAILED: 1, SUCCESS: 1 } });
        const e = await failure(
            gate.create({
                gateName: "ff",
                source: { tatInvocationTasks: { invocationId: g.groups.invocationId } },
                require: { maxFailed: 0 },
                wait: { timeoutSeconds: 60, pollIntervalSeconds: 0.5 },
            }),
        );
        assert.ok(e.properties.summary.pending + e.properties.summary.running > 0, "stopped while tasks were still running");
        assert.match(e.message, /stopped early: the requirements can no longer be met/);
        assert.match(e.message, /first failing tasks? \(\d+ of \d+\):/);
    });

    it("backs off while nothing changes", async () => {
        const records = Array.from({ length: 30 }, (_, i) => ({
            InvocationTaskId: `invt-wait${String(i).padStart(4, "0")}`,
            InvocationId: "inv-backoff1",
            TaskStatus: "RUNNING",
            transitions: [{ afterMs: 4000, patch: { TaskStatus: "SUCCESS" } }],
        }));
        ctx.emu.seed({ tat: records as never });
        const r = await gate.create({
            source: { tatInvocationTasks: { invocationId: "inv-backoff1" } },
            wait: { timeoutSeconds: 30, pollIntervalSeconds: 0.5 },
        });
        assert.equal(r.outs.passed, true);
        // At a fixed 0.5 s the gate would poll 9 times; backing off by half each idle poll takes 5 or 6.
        const polls = ctx.emu.requests({ api: "tat" }).length;
        assert.ok(polls >= 4 && polls <= 6, `${polls} polls`);
    });

    it("keeps waiting without failFast", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 20, finishOverMs: 1500, finalStatusMix: { FAILED: 1, SUCCESS: 3 } });
        const e = await failure(
            gate.create({
                source: { tatInvocationTasks: { invocationId: g.groups.invocationId } },
                require: { maxFailed: 0 },
                wait: { timeoutSeconds: 30, pollIntervalSeconds: 0.3, failFast: false },
            }),
        );
        assert.equal(e.properties.summary.done, true, "waited for every task");
        assert.equal(e.properties.summary.failed, 5);
    });

    it("fails with the first failing tasks: instance, status, exit code, error", async () => {
        ctx.emu.seed({
            tat: [
                { InvocationTaskId: "invt-ok000001", InvocationId: "inv-fail0001", InstanceId: "ins-ok01", TaskStatus: "SUCCESS" },
                {
                    InvocationTaskId: "invt-bad00001",
                    InvocationId: "inv-fail0001",
                    InstanceId: "ins-bad1",
                    TaskStatus: "FAILED",
                    ErrorInfo: "disk full",
                    TaskResult: { ExitCode: 3 } as never,
                },
                {
                    InvocationTaskId: "invt-bad00002",
                    InvocationId: "inv-fail0001",
                    InstanceId: "ins-bad2",
                    TaskStatus: "TIMEOUT",
                    TaskResult: { ExitCode: -1 } as never,
                },
            ],
        });
        const e = await failure(
            gate.create({
                gateName: "db-migration",
                source: { tatInvocationTasks: { invocationId: "inv-fail0001" } },
                require: { minSuccessRatio: 0.5, maxFailed: 1 },
            }),
        );
        assert.match(e.message, /found: {4}3 tasks, 1 succeeded \(33\.3%\), 2 failed/);
        assert.match(e.message, /invt-bad00001 {2}on ins-bad1 {2}FAILED {2}exit 3 {2}disk full/);
        assert.match(e.message, /invt-bad00002 {2}on ins-bad2 {2}TIMED_OUT {2}TIMEOUT {2}exit -1/);
        assert.equal(e.properties.failedTaskCount, 2);
        assert.deepEqual(e.properties.failedTasks.map((t) => t.id).sort(), ["invt-bad00001", "invt-bad00002"]);
        assert.deepEqual(
            e.properties.failedTasks.find((t) => t.id === "invt-bad00001"),
            { id: "invt-bad00001", target: "ins-bad1", state: "FAILED", errorCode: "FAILED", errorMessage: "disk full", exitCode: 3 },
        );
    });

    it("never passes on an empty list when successes are required", async () => {
        const e = await failure(gate.create({ source: { tatInvocationTasks: { invocationId: "inv-nothing0" } }, require: { minSucceeded: 1 } }));
        assert.match(e.message, /no tasks matched the query/);
    });

    describe("an empty list", () => {
        const NO_TASKS =
            "no tasks matched the query (TAT invocation tasks with invocationId inv-typo0001 in ap-guangzhou): check the filters, or set allowEmpty to accept an empty list";
        afterEach(() => gate.setClock(undefined));

        it("fails the default rules at once when the gate does not wait, naming the query", async () => {
            ctx.emu.generate({ api: "tat", count: 3, invocationId: "inv-real0001" });
            const e = await failure(gate.create({ gateName: "typo", source: { tatInvocationTasks: { invocationId: "inv-typo0001" } } }));
            assert.match(
                e.message,
                /^taskgate: gate "typo" failed on TAT invocation tasks\n {2}required: at most 0 failed, all done\n {2}found: {4}0 tasks, 0 succeeded, 0 failed\n/,
            );
            assert.ok(e.message.endsWith(`  not met:  ${NO_TASKS}`), e.message);
            assert.deepEqual([e.properties.passed, e.properties.reasons], [false, [NO_TASKS]]);
            assert.equal(ctx.emu.requests({ api: "tat" }).length, 1);
        });

        it("with failFast, a waiting gate gives tasks 30 s to appear, then stops instead of waiting the whole timeout", async () => {
            const clock = sleepClock();
            gate.setClock(clock);
            const e = await failure(gate.create({ source: { tatInvocationTasks: { invocationId: "inv-typo0001" } }, wait: {} }));
            assert.equal(clock.t, 30_000, "stopped at the end of the grace, not at the 600 s timeout");
            assert.match(e.message, /^taskgate: gate failed on TAT invocation tasks \(stopped after 30 s: still no task matched\)\n/);
            assert.ok(e.message.endsWith(NO_TASKS), e.message);
            assert.equal(e.properties.waitedSeconds, 30);
            // Polls at 0, 5, 12.5 and 23.75 s (backing off while nothing changes), and a last look at 30 s.
            assert.deepEqual(clock.sleeps, [5000, 7500, 11_250, 6250]);
            assert.equal(ctx.emu.requests({ api: "tat" }).length, 5);
            assert.match(progress.lines.at(-1)!, /^taskgate: gate: 0\/0 tasks done, 0 succeeded, 0 failed, 30 s of 600 s: failed$/);
        });

        it("passes when the tasks appear within the grace", async () => {
            const seed = () => ctx.emu.seed({ tat: [{ InvocationTaskId: "invt-late0001", InvocationId: "inv-late0001", TaskStatus: "SUCCESS" }] });
            const clock = sleepClock([[10_000, seed]]);
            gate.setClock(clock);
            const r = await gate.create({ source: { tatInvocationTasks: { invocationId: "inv-late0001" } }, wait: { pollIntervalSeconds: 1 } });
            assert.equal(r.outs.passed, true);
            assert.equal(r.outs.summary.succeeded, 1);
            assert.ok(clock.t >= 10_000 && clock.t < 30_000, `${clock.t} ms`);
        });

        it("without failFast, waits the whole timeout; a timeout shorter than 30 s is the grace", async () => {
            const clock = sleepClock();
            gate.setClock(clock);
            const patient = await failure(
                gate.create({ source: { tatInvocationTasks: { invocationId: "inv-typo0001" } }, wait: { timeoutSeconds: 120, failFast: false } }),
            );
            assert.equal(clock.t, 120_000);
            assert.match(patient.message, /\(timed out after 120 s\)\n[\s\S]*not met: {2}no tasks matched the query/);
            clock.t = 0;
            const short = await failure(gate.create({ source: { tatInvocationTasks: { invocationId: "inv-typo0001" } }, wait: { timeoutSeconds: 12.345678 } }));
            assert.equal(clock.t, 12_345.678);
            assert.match(short.message, /\(timed out after 12 s\)/);
        });

        it("passes with allowEmpty, at once", async () => {
            const clock = sleepClock();
            gate.setClock(clock);
            const r = await gate.create({ source: { tatInvocationTasks: { invocationId: "inv-typo0001" } }, require: { allowEmpty: true }, wait: {} });
            assert.deepEqual([r.outs.passed, r.outs.summary.total, clock.t], [true, 0, 0]);
        });
    });

    it("prints rounded seconds in its timeout and progress lines", async () => {
        const clock = {
            t: 0,
            now: () => clock.t,
            sleep: async (ms: number) => {
                clock.t += ms;
            },
        };
        gate.setClock(clock);
        try {
            ctx.emu.seed({ tat: [{ InvocationTaskId: "invt-slow0001", InvocationId: "inv-slow0001", TaskStatus: "RUNNING" }] });
            const e = await failure(
                gate.create({
                    gateName: "slow",
                    source: { tatInvocationTasks: { invocationId: "inv-slow0001" } },
                    wait: { timeoutSeconds: 600.0000001, pollIntervalSeconds: 2.345678 },
                }),
            );
            assert.match(e.message, /^taskgate: gate "slow" failed on TAT invocation tasks \(timed out after 600 s\)\n/);
            assert.match(e.message, /not met: {2}1 task is still pending or running/);
            for (const line of progress.lines) assert.match(line, /, \d+(\.\d)? s of 600 s(: failed)?$/, line);
            assert.equal(e.properties.waitedSeconds, 600);
        } finally {
            gate.setClock(undefined);
        }
    });

    it("judges machines for Bare Metal and desktops for Workspace", async () => {
        ctx.emu.seed({
            bm: [
                { TaskId: "cmdtask-a", Status: 0, InstanceCount: 10, SuccessCount: 10, FailureCount: 0 },
                { TaskId: "cmdtask-b", Status: 0, InstanceCount: 10, SuccessCount: 9, FailureCount: 1 },
            ],
        });
        const bm = await gate.create({ source: { bmCmdTasks: {} }, require: { minSuccessRatio: 0.95, maxFailed: 1 } });
        assert.equal(bm.outs.passed, true, "19 of 20 machines");
        ctx.emu.seed({ workspace: [{ id: "w1", status: "FINISH", success_num: 7, failed_num: 3, skip_num: 0 } as never] });
        const e = await failure(
            gate.create({ source: { workspaceScriptTasks: huaweiArgs(ctx.emu) as never }, require: { minSuccessRatio: 0.9, maxFailed: 5 } }),
        );
        assert.match(e.message, /70\.0% of 10 desktops succeeded; at least 90\.0% required/);
        assert.match(e.message, /^taskgate: gate failed on Workspace script execution tasks\n {2}required: at least 90\.0% of desktops succeeded/);
        assert.match(e.message, /w1 {2}SUCCEEDED {2}FINISH {2}3 desktops failed, 0 skipped, 7 succeeded/);
    });

    it("gates CPH jobs by request id, reading credentials from the stack config", async () => {
        const [g] = ctx.emu.generate({ api: "cph", count: 150, statusMix: { SUCCESS: 1 } });
        const r = await gate.create({ source: { cphJobs: { requestId: g.groups.requestId } }, require: { minSucceeded: 150 } });
        assert.equal(r.outs.passed, true);
        assert.equal(ctx.emu.requests({ api: "cph" })[0].credential, EMULATOR_CREDENTIALS.huawei.accessKey);
    });

    describe("check", () => {
        it("reports bad settings and bad source args by property, before anything runs", () => {
            const props = (n: gate.GateInputs) => gate.checkInputs(n).map((f) => f.property);
            assert.deepEqual(props({ source: { tatInvocationTasks: { invocationTaskIds: ["invt-a"], instanceId: "ins-1" } } }), [
                "source.tatInvocationTasks.invocationTaskIds",
            ]);
            assert.deepEqual(props({ source: { tatInvocationTasks: {}, cphJobs: {} } as never }), ["source"]);
            assert.deepEqual(props({ source: { nope: {} } as never }), ["source"]);
            assert.deepEqual(props({ source: { mpsTasks: {} }, require: { minSucceeded: 3 } }), ["require.minSucceeded"]);
            assert.deepEqual(props({ source: { cphJobs: {} } }), ["source.cphJobs.requestId"]);
            assert.deepEqual(props({ source: { tatInvocationTasks: {} }, require: { minSuccessRatio: 2 }, wait: { pollIntervalSeconds: 0 } }), [
                "require.minSuccessRatio",
                "wait.pollIntervalSeconds",
            ]);
        });

        it("reports a missing credential, naming where it may come from", () => {
            gate.configure({ config: { get: () => undefined } });
            const saved = { ...process.env };
            for (const k of Object.keys(process.env)) if (/^(TENCENTCLOUD_|HW_|TASKGATE_)/.test(k)) delete process.env[k];
            try {
                const [f] = gate.checkInputs({ source: { tatInvocationTasks: { endpoint: ctx.emu.url } } });
                assert.equal(f.property, "source.tatInvocationTasks.secretId");
                assert.match(f.reason, /tencentcloud:secretId.*TENCENTCLOUD_SECRET_ID/);
            } finally {
                Object.assign(process.env, saved);
            }
        });

        it("lets unknown values through during preview", () => {
            assert.deepEqual(
                gate.checkInputs({ source: { tatInvocationTasks: { invocationId: UNKNOWN } }, require: { minSuccessRatio: UNKNOWN as never } }),
                [],
            );
            assert.deepEqual(gate.checkInputs({ source: UNKNOWN as never, require: UNKNOWN as never, wait: UNKNOWN as never }), []);
        });
    });

    describe("diff, update and refresh", () => {
        const news = (extra: Partial<gate.GateInputs> = {}): gate.GateInputs => ({
            source: { tatInvocationTasks: { invocationId: "inv-diff0001" } },
            require: { minSucceeded: 1 },
            ...extra,
        });

        it("re-runs when the query, requirements or triggers change, not when credentials rotate", () => {
            const olds = { passed: true, inputsHash: gate.inputsHash(news()) };
            assert.equal(gate.diffInputs(olds, news()).changes, false);
            assert.equal(gate.diffInputs(olds, news({ triggers: ["v2"] })).changes, true);
            assert.equal(gate.diffInputs(olds, news({ require: { minSucceeded: 2 } })).changes, true);
            assert.equal(
                gate.diffInputs(olds, news({ source: { tatInvocationTasks: { invocationId: "inv-diff0001", secretKey: "rotated" } } })).changes,
                false,
            );
            assert.equal(gate.diffInputs(olds, news({ triggers: [UNKNOWN] })).changes, true, "unknown during preview: a change");
            assert.deepEqual(gate.diffInputs(olds, news({ triggers: ["v3"] })).replaces, [], "never replaced");
        });

        it("re-runs a gate that has not passed whatever else holds: a refresh clears the engine's record of its failure", () => {
            const hash = gate.inputsHash(news());
            assert.deepEqual(gate.diffInputs({ passed: false, inputsHash: hash }, news()), { changes: true, replaces: [] });
            assert.equal(gate.diffInputs({ inputsHash: hash }, news()).changes, true, "no verdict recorded: not passed");
            assert.equal(gate.diffInputs({ passed: true, inputsHash: hash }, news()).changes, false);
        });

        it("a rename (aliases) is a change; the update relabels a passed gate without reading, and judges one that has not passed", async () => {
            ctx.emu.seed({ tat: [{ InvocationTaskId: "invt-name0001", InvocationId: "inv-diff0001", TaskStatus: "SUCCESS" }] });
            const old = news({ gateName: "old-gate", gateUrn: "urn:pulumi:dev::p::pulumi-nodejs:dynamic/taskgate:TaskGate::old-gate" });
            const renamed = news({ gateName: "new-gate", gateUrn: "urn:pulumi:dev::p::pulumi-nodejs:dynamic/taskgate:TaskGate::new-gate" });
            const created = await gate.create(old);
            assert.equal(gate.diffInputs(created.outs, old).changes, false);
            assert.equal(gate.diffInputs(created.outs, renamed).changes, true);

            const reads = ctx.emu.requests({ api: "tat" }).length;
            const updated = await gate.update(created.id, { ...created.outs, __provider: "serialized" } as never, renamed);
            assert.equal(ctx.emu.requests({ api: "tat" }).length, reads, "its name decides nothing: not read again");
            assert.deepEqual(updated, { id: created.id, outs: { ...created.outs, gateName: "new-gate", gateUrn: renamed.gateUrn } });
            assert.match(progress.lines.at(-1)!, /^taskgate: gate "new-gate" \(was gate "old-gate"\): renamed; passed at \d{4}-.*Z, not checked again$/);
            assert.equal(gate.diffInputs(updated.outs, renamed).changes, false, "then nothing left to do");

            const failedBefore = { ...created.outs, passed: false };
            const judged = await gate.update(created.id, failedBefore, renamed);
            assert.ok(ctx.emu.requests({ api: "tat" }).length > reads, "a gate that has not passed is judged again");
            assert.equal(judged.outs.passed, true);
            assert.notEqual(judged.outs.checkedAt, created.outs.checkedAt);
        });

        it("update runs the gate again under the same id; refresh re-reads without failing", async () => {
            ctx.emu.seed({ tat: [{ InvocationTaskId: "invt-diff0001", InvocationId: "inv-diff0001", TaskStatus: "SUCCESS" }] });
            const created = await gate.create(news());
            const updated = await gate.applyGate(created.id, news({ triggers: ["again"] }));
            assert.equal(updated.id, created.id);
            ctx.emu.mutate({ api: "tat", op: "update", ids: ["invt-diff0001"], patch: { TaskStatus: "FAILED" } });
            const refreshed = await gate.read(updated.id, updated.outs);
            assert.equal(refreshed.id, created.id);
            assert.equal(refreshed.props.passed, false);
            assert.equal(refreshed.props.summary.failed, 1);
            assert.equal(refreshed.props.inputsHash, updated.outs.inputsHash, "refresh does not make the inputs look changed");
        });

        it("a refresh that judged the tasks differently is reported by the diff that follows; a gate it found failing stays a change for every up", async () => {
            ctx.emu.seed({ tat: [{ InvocationTaskId: "invt-rfsh0001", InvocationId: "inv-rfsh0001", TaskStatus: "SUCCESS" }] });
            const inputs = news({ source: { tatInvocationTasks: { invocationId: "inv-rfsh0001" } } });
            const created = await gate.create(inputs);
            // Nothing changed in the cloud: only checkedAt moves, and that is no change.
            const same = await gate.read(created.id, created.outs);
            assert.notEqual(same.props.checkedAt, undefined);
            assert.deepEqual(gate.diff(created.id, same.props, inputs), { changes: false, replaces: [] });
            ctx.emu.seed({ tat: [{ InvocationTaskId: "invt-rfsh0002", InvocationId: "inv-rfsh0001", TaskStatus: "SUCCESS" }] });
            const counted = await gate.read(created.id, same.props);
            assert.equal(counted.props.passed, true);
            assert.deepEqual(
                gate.diff(created.id, counted.props, inputs),
                { changes: true, replaces: [], refreshedFrom: same.props },
                "new counts: shown by the refresh, with the state before it",
            );
            assert.deepEqual(gate.diff(created.id, counted.props, inputs), { changes: false, replaces: [] }, "reported once: a later up has nothing to do");

            ctx.emu.mutate({ api: "tat", op: "update", ids: ["invt-rfsh0001"], patch: { TaskStatus: "FAILED" } });
            const changed = await gate.read(created.id, counted.props);
            assert.equal(changed.props.passed, false);
            assert.match(
                progress.lines.at(-1)!,
                /^taskgate: gate has not passed: 1 task failed, timed out or was cancelled; at most 0 allowed\. The next `pulumi up` judges it again/,
            );
            assert.deepEqual(gate.diff(created.id, changed.props, inputs), { changes: true, replaces: [], refreshedFrom: counted.props }, "refresh");
            for (const call of ["up --refresh", "the up after"]) {
                assert.deepEqual(gate.diff(created.id, changed.props, inputs), { changes: true, replaces: [] }, call);
            }
        });
    });
});
