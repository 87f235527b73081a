/**
 * A gate's expectations against the emulator, through the real SDKs and the TaskGate runtime:
 * a fleet where one expected host never got a task, a gate on a command whose old failed run
 * `createdAfter` ignores (and `"gateCreation"` kept across checks), a tolerated known-bad host,
 * the time filter sent where the API has one (Workspace) and compared after the read elsewhere
 * (Bare Metal's Beijing times included), and target requirements refused before any request.
 */
import { strict as assert } from "node:assert";
import * as gate from "../../provider/dynamic/gateRuntime";
import { GateFailedError } from "../../provider/gateRules";
import type { Logger } from "../../provider/types";
import { check } from "../../sdk/check";
import { getBmCmdTasks, getMpsTasks, getTatInvocationTasks } from "../../sdk/tencentcloud";
import { getCphJobs } from "../../sdk/huaweicloud";
import { rejectionOf } from "../unit/thrown";
import { emulatorStackConfig, huaweiArgs, tencentArgs, useEmulator } from "./helpers";

const QUIET: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/** The GateFailedError a gate's run rejects with, and the outputs it carries. */
async function failure(p: Promise<unknown>): Promise<GateFailedError & { properties: gate.GateOutputs }> {
    const e = await rejectionOf(p);
    assert.ok(e instanceof GateFailedError, `expected a GateFailedError, got ${(e as Error)?.stack ?? e}`);
    return e as never;
}

/** A TAT task as the API lists it: an instance, a status, when it was created. */
const tatTask = (id: string, instance: string, status: string, created: string, extra: Record<string, unknown> = {}) => ({
    InvocationTaskId: id,
    InvocationId: "inv-fleet001",
    CommandId: "cmd-deploy01",
    InstanceId: instance,
    TaskStatus: status,
    CreatedTime: created,
    StartTime: created,
    ...extra,
});

describe("gate expectations against the emulator", function () {
    this.timeout(120_000);
    const ctx = useEmulator();
    beforeEach(() => {
        const config = emulatorStackConfig(ctx.emu.url);
        gate.configure({ config: { get: (k: string) => config[k] } });
        gate.setProgress(() => QUIET);
    });
    afterEach(() => gate.setClock(undefined));

    it("TAT: a fleet where one expected instance never got a task fails, naming it", async () => {
        ctx.emu.seed({
            tat: [
                tatTask("invt-fleet0001", "ins-web00001", "SUCCESS", "2026-12-01T10:00:00+00:00"),
                tatTask("invt-fleet0002", "ins-web00002", "SUCCESS", "2026-12-01T10:00:01+00:00"),
            ],
        } as never);
        const source = { tatInvocationTasks: { invocationId: "inv-fleet001" } };
        const passed = await gate.create({ gateName: "fleet", source, require: { minSuccessRatio: 1 } });
        assert.equal(passed.outs.passed, true, "two tasks, both succeeded: a count of tasks passes");
        const e = await failure(
            gate.create({ gateName: "fleet", source, require: { minSuccessRatio: 1, expectTargets: ["ins-web00001", "ins-web00002", "ins-web00003"] } }),
        );
        assert.match(e.message, /not met: {2}1 expected instance never got a task \(ins-web00003\), which counts as failed; at most 0 allowed/);
        assert.match(e.message, /not met: {2}66\.6% of 3 instances succeeded; at least 100\.0% required/);
        assert.deepEqual(e.properties.reasons.length, 2);
        assert.equal(e.properties.passed, false);
    });

    it("TAT: a waiting gate gives an expected instance without a task the empty list's grace: a task that appears in it is judged", async () => {
        ctx.emu.seed({ tat: [tatTask("invt-fleet0001", "ins-web00001", "SUCCESS", "2026-12-01T10:00:00+00:00")] } as never);
        let now = 0;
        gate.setClock({
            now: () => now,
            sleep: async (ms) => {
                now += ms;
                // The second instance's task arrives during the first pause.
                if (ctx.emu.requests({ api: "tat" }).length > 0)
                    ctx.emu.mutate({
                        api: "tat",
                        op: "insert",
                        records: [tatTask("invt-fleet0002", "ins-web00002", "SUCCESS", "2026-12-01T10:00:05+00:00")],
                    } as never);
            },
        });
        const r = await gate.create({
            gateName: "fleet",
            source: { tatInvocationTasks: { invocationId: "inv-fleet001" } },
            require: { expectTargets: ["ins-web00001", "ins-web00002"] },
            wait: { timeoutSeconds: 600, pollIntervalSeconds: 5 },
        });
        assert.equal(r.outs.passed, true);
        assert.ok(now > 0 && now <= 30_000, `waited ${now} ms of the clock: within the grace`);
    });

    it("TAT: a waiting gate stops at the end of the grace, naming the instance that never got a task, rather than waiting out its timeout", async () => {
        ctx.emu.seed({ tat: [tatTask("invt-fleet0001", "ins-web00001", "SUCCESS", "2026-12-01T10:00:00+00:00")] } as never);
        let now = 0;
        gate.setClock({
            now: () => now,
            sleep: async (ms) => {
                now += ms;
            },
        });
        const e = await failure(
            gate.create({
                gateName: "fleet",
                source: { tatInvocationTasks: { invocationId: "inv-fleet001" } },
                require: { expectTargets: ["ins-web00001", "ins-web00002"] },
                wait: { timeoutSeconds: 600, pollIntervalSeconds: 5 },
            }),
        );
        assert.doesNotMatch(e.message, /timed out/);
        assert.match(e.message, /never got a task \(ins-web00002\)/);
        assert.equal(now, 30_000, "it looked again until the grace ended, and no longer");
    });

    it("TAT: with createdAfter, last week's task still running does not keep a failed gate waiting", async () => {
        ctx.emu.seed({
            tat: [
                tatTask("invt-old00001", "ins-web00001", "RUNNING", "2026-11-24T10:00:00+00:00"),
                tatTask("invt-new00001", "ins-web00002", "FAILED", "2026-12-01T10:00:00+00:00"),
            ],
        } as never);
        gate.setClock({ now: () => 0, sleep: async () => assert.fail("the gate polled again although every task it judges was done") });
        const e = await failure(
            gate.create({
                gateName: "deploy",
                source: { tatInvocationTasks: { invocationId: "inv-fleet001" } },
                require: { createdAfter: "2026-12-01T00:00:00Z" },
                wait: { timeoutSeconds: 600, pollIntervalSeconds: 5, failFast: false },
            }),
        );
        assert.match(e.message, /1 task failed/);
    });

    it("gateCreation on the real clock is today's date, not the monotonic clock's milliseconds since the process started", async () => {
        gate.setClock(undefined);
        ctx.emu.seed({ tat: [tatTask("invt-old00001", "ins-web00001", "FAILED", "2026-11-24T10:00:00+00:00")] } as never);
        const before = Date.now();
        const e = await failure(
            gate.create({ gateName: "deploy", source: { tatInvocationTasks: { invocationId: "inv-fleet001" } }, require: { createdAfter: "gateCreation" } }),
        );
        const after = Date.now();
        const createdAt = Date.parse(e.properties.createdAt!);
        assert.ok(createdAt >= Math.floor(before / 1000) * 1000 && createdAt <= after, `createdAt ${e.properties.createdAt}`);
        assert.match(e.message, /no tasks created at or after .* matched the query .*, and 1 older task was ignored/);
    });

    it("TAT: a gate on a command ignores last week's failed run with createdAfter, and gateCreation stays the time the gate was created", async () => {
        const created = Date.parse("2026-12-01T10:00:00.600Z");
        gate.setClock({ now: () => created, wallTime: () => created, sleep: async () => undefined });
        ctx.emu.seed({ tat: [tatTask("invt-old00001", "ins-web00001", "FAILED", "2026-11-24T10:00:00+00:00", { CommandId: "cmd-deploy01" })] } as never);
        const source = { tatInvocationTasks: { commandId: "cmd-deploy01" } };
        const sinceCreation = { createdAfter: "gateCreation" };
        // Created before the run: only last week's failure exists, and it is ignored, so nothing matched yet.
        const first = await failure(gate.create({ gateName: "deploy", source, require: sinceCreation }));
        assert.equal(first.properties.createdAt, "2026-12-01T10:00:00.600Z");
        assert.match(
            first.message,
            /no tasks created at or after 2026-12-01T10:00:00\.600Z matched the query \(TAT invocation tasks with commandId cmd-deploy01 in ap-guangzhou\), and 1 older task was ignored/,
        );
        // The run starts in the gate's own second (the API says 10:00:00), and on a second host later.
        ctx.emu.seed({
            tat: [
                tatTask("invt-new00001", "ins-web00001", "SUCCESS", "2026-12-01T10:00:00+00:00"),
                tatTask("invt-new00002", "ins-web00002", "SUCCESS", "2026-12-01T10:05:00+00:00"),
            ],
        } as never);
        // The next up, an hour later: the gate judges again from the time it was created, not from now.
        gate.setClock({ now: () => created + 3_600_000, wallTime: () => created + 3_600_000, sleep: async () => undefined });
        const again = await gate.update("taskgate-1", first.properties, { gateName: "deploy", source, require: sinceCreation });
        assert.equal(again.outs.passed, true);
        assert.equal(again.outs.createdAt, "2026-12-01T10:00:00.600Z");
        assert.equal(again.outs.summary.failed, 1, "the summary is of what was read; the verdict left the old run out");
        // Without createdAfter the old failure fails the same read.
        const plain = await failure(gate.create({ gateName: "deploy", source }));
        assert.match(plain.message, /invt-old00001 {2}on ins-web00001 {2}FAILED/);
        // check() on the data source's result judges alike, from an explicit time.
        const result = await getTatInvocationTasks({ ...tencentArgs(ctx.emu), commandId: "cmd-deploy01" });
        assert.equal(check(result, { createdAfter: "2026-12-01T10:00:00Z", expectTargets: ["ins-web00001", "ins-web00002"] }).tally.succeeded, 2);
    });

    it("TAT: a tolerated known-bad host fails and the gate passes, listing it as tolerated; an untolerated failure is still named", async () => {
        ctx.emu.seed({
            tat: [
                tatTask("invt-bad00001", "ins-bad00001", "FAILED", "2026-12-01T10:00:00+00:00", { ErrorInfo: "disk full" }),
                tatTask("invt-ok000001", "ins-web00001", "SUCCESS", "2026-12-01T10:00:00+00:00"),
            ],
        } as never);
        const source = { tatInvocationTasks: { invocationId: "inv-fleet001" } };
        const r = await gate.create({ gateName: "release", source, require: { tolerateFailuresOn: ["ins-bad00001"] } });
        assert.equal(r.outs.passed, true);
        assert.deepEqual(r.outs.tolerated, [{ target: "ins-bad00001", state: "FAILED", taskId: "invt-bad00001" }]);
        assert.deepEqual(r.outs.failedTasks, []);
        ctx.emu.seed({ tat: [tatTask("invt-bad00002", "ins-web00002", "FAILED", "2026-12-01T10:00:00+00:00")] } as never);
        const e = await failure(gate.create({ gateName: "release", source, require: { tolerateFailuresOn: ["ins-bad00001"] } }));
        assert.match(e.message, /found: {4}2 tasks, 1 succeeded \(50\.0%\), 1 failed, tolerated: ins-bad00001 \(FAILED, invt-bad00001\)\n/);
        assert.deepEqual(
            e.properties.failedTasks.map((t) => t.id),
            ["invt-bad00002"],
        );
    });

    it("CPH: phones expected by id; one without a job fails, named; a tolerated failing phone is set aside", async () => {
        const job = (id: string, phone: string, status: number) => ({
            job_id: id,
            request_id: "req0fleet",
            phone_id: phone,
            status,
            begin_time: "2026-12-01T10:00:00Z",
        });
        ctx.emu.seed({ cph: [job("job-1", "phone-1", 2), job("job-2", "phone-2", -1)] } as never);
        const result = await getCphJobs({ ...huaweiArgs(ctx.emu), requestId: "req0fleet" });
        assert.throws(
            () => check(result, { expectTargets: ["phone-1", "phone-2", "phone-3"], tolerateFailuresOn: ["phone-2"] }),
            (e: unknown) =>
                e instanceof GateFailedError &&
                e.verdict.reasons.join("|") === "1 expected phone or server never got a task (phone-3), which counts as failed; at most 0 allowed" &&
                /tolerated: phone-2 \(FAILED, job-2\)/.test(e.message),
        );
        assert.equal(check(result, { expectTargets: ["phone-1", "phone-2"], tolerateFailuresOn: ["phone-2"] }).tally.total, 1);
    });

    it("Workspace: createdAfter is sent as execute_time_start, and older tasks are not even read", async () => {
        ctx.emu.seed({
            workspace: [
                { id: "ws-old", desktop_pool_id: "pool-1", status: "FAILED", start_time: "2026-11-24T10:00:00Z", failed_num: 5 },
                { id: "ws-new", desktop_pool_id: "pool-1", status: "FINISH", start_time: "2026-12-01T10:00:00Z", success_num: 40 },
            ],
        } as never);
        const r = await gate.create({
            gateName: "desktops",
            source: { workspaceScriptTasks: { desktopPoolId: "pool-1" } },
            require: { createdAfter: "2026-12-01T10:00:00.500Z" },
        });
        assert.equal(r.outs.passed, true);
        assert.equal(r.outs.summary.total, 1, "the API left the old task out");
        const sent = ctx.emu.requests({ api: "workspace" }).map((q) => JSON.stringify(q));
        assert.ok(
            sent.some((q) => q.includes("execute_time_start") && q.includes("2026-12-01T10:00:00Z")),
            sent.join("\n"),
        );
    });

    it("Bare Metal: tasks are compared by their start, the API's Beijing time read as such", async () => {
        const bm = (id: string, begin: string, failed: number) => ({
            TaskId: id,
            Status: 0,
            Alias: "deploy",
            CmdId: "cmd-bm000001",
            InstanceCount: 2,
            SuccessCount: 2 - failed,
            FailureCount: failed,
            RunBeginTime: begin,
            RunEndTime: begin,
        });
        // 17:59:59 in Beijing is 09:59:59Z; 18:00:00 is 10:00:00Z.
        ctx.emu.seed({ bm: [bm("cmdtask-old00001", "2026-12-01 17:59:59", 2), bm("cmdtask-new00001", "2026-12-01 18:00:00", 0)] } as never);
        const result = await getBmCmdTasks({ ...tencentArgs(ctx.emu) });
        const v = check(result, { createdAfter: "2026-12-01T10:00:00Z" });
        assert.deepEqual([v.tally.unit, v.tally.total, v.tally.succeeded, v.tally.notJudged?.older], ["targets", 2, 2, 1]);
        assert.throws(() => check(result, { createdAfter: "2026-12-01T09:59:59Z" }), GateFailedError);
    });

    it("MPS: createdAfter is compared after the read; a target requirement is refused before any request", async () => {
        const now = Date.now();
        const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
        ctx.emu.seed({
            mps: [
                { TaskId: "mps-old", Status: "PROCESSING", CreateTime: iso(now - 3_600_000), BeginProcessTime: iso(now - 3_600_000) },
                { TaskId: "mps-new", Status: "FINISH", CreateTime: iso(now - 60_000), BeginProcessTime: iso(now - 60_000), FinishTime: iso(now - 30_000) },
            ],
        } as never);
        const result = await getMpsTasks({ ...tencentArgs(ctx.emu) });
        assert.throws(() => check(result), GateFailedError, "the old task still runs");
        assert.equal(check(result, { createdAfter: iso(now - 120_000) }).tally.noOutcome, 1);
        const before = ctx.emu.requests().length;
        const e = (await rejectionOf(gate.create({ gateName: "media", source: { mpsTasks: {} }, require: { expectTargets: ["x"] } }))) as Error & {
            field?: string;
        };
        assert.equal(e.field, "require.expectTargets");
        assert.match(
            e.message,
            /cannot be checked on MPS tasks: their tasks do not name the target they ran on; expectTargets works with TAT invocation tasks/,
        );
        assert.equal(ctx.emu.requests().length, before, "nothing was sent");
    });
});
