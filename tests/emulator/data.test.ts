/**
 * Data: deterministic generation, tasks that progress over time, runtime mutations, seed
 * files, and the admin HTTP API.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allot } from "../../emulator/generate";
import { startEmulator, type Emulator } from "../../emulator/server";
import type { GenerateSpec } from "../../emulator/types";
import { admin, CPH_JOBS, huaweiClient, huaweiGet, legacyCall, rawRequest, tencentClient, WORKSPACE_TASKS } from "./helpers";

const NO_LIMITS = { tat: 0, mps: 0, bm: 0, bmLegacy: 0, cph: 0, workspace: 0 };

describe("emulator: data, timelines, admin API", () => {
    let emu: Emulator;

    before(async () => {
        emu = await startEmulator({ rateLimits: NO_LIMITS });
    });
    after(() => emu.close());
    beforeEach(() => emu.reset(["data", "config", "faults", "stats"]));

    describe("deterministic generation", () => {
        const spec: GenerateSpec = { api: "tat", count: 40, seed: "det", baseTime: "2024-05-01T00:00:00Z", statusMix: { SUCCESS: 5, FAILED: 2, RUNNING: 1 } };

        it("gives identical records for identical specs, different ones for another seed", async () => {
            const a = await startEmulator({ rateLimits: NO_LIMITS });
            const b = await startEmulator({ rateLimits: NO_LIMITS });
            try {
                const ga = a.generate(spec)[0];
                const gb = b.generate(spec)[0];
                assert.deepEqual(ga, gb);
                const ra = await tencentClient(a, "tat").DescribeInvocationTasks({ Limit: 100, HideOutput: false });
                const rb = await tencentClient(b, "tat").DescribeInvocationTasks({ Limit: 100, HideOutput: false });
                assert.deepEqual(ra.InvocationTaskSet, rb.InvocationTaskSet);
                const other = a.generate({ ...spec, seed: "other", replace: true })[0];
                assert.notDeepEqual(other.ids, ga.ids);
            } finally {
                await Promise.all([a.close(), b.close()]);
            }
        });

        it("splits statusMix exactly (largest remainder)", async () => {
            assert.deepEqual(allot(10, { A: 1, B: 1, C: 1 }).join(""), "AAAABBBCCC");
            emu.generate(spec);
            const r = await tencentClient(emu, "tat").DescribeInvocationTasks({ Limit: 100 });
            const counts: Record<string, number> = {};
            for (const t of r.InvocationTaskSet) counts[t.TaskStatus] = (counts[t.TaskStatus] ?? 0) + 1;
            assert.deepEqual(counts, { SUCCESS: 25, FAILED: 10, RUNNING: 5 });
            const running = r.InvocationTaskSet.find((t: { TaskStatus: string }) => t.TaskStatus === "RUNNING");
            assert.equal(running.EndTime, null, "EndTime is null while running");
        });

        it("generates plausible wire records for every API", async () => {
            const gs = emu.generate([
                { api: "mps", count: 9, statusMix: { WAITING: 1, PROCESSING: 1, FINISH: 1 } },
                { api: "bm", count: 6, statusMix: { RUNNING: 1, SUCCESS: 1, FAILED: 1 } },
                { api: "cph", count: 6, statusMix: { RUNNING: 1, SUCCESS: 1, FAILED: 1 }, requestId: "gen-req" },
                { api: "workspace", count: 8, statusMix: { FINISH: 1, FAILED: 1, RUNNING: 1, INIT: 1 }, taskType: "COMMAND" },
            ]);
            assert.deepEqual(
                gs.map((g) => g.count),
                [9, 6, 6, 8],
            );
            const waiting = await tencentClient(emu, "mps").DescribeTasks({ Status: "WAITING" });
            assert.equal(waiting.TotalCount, 3);
            assert.equal(waiting.TaskSet[0].BeginProcessTime, "0000-00-00T00:00:00Z");
            const bm = await tencentClient(emu, "bm").DescribeUserCmdTasks({ Offset: 0, Limit: 10 });
            assert.equal(bm.UserCmdTasks.length, 6);
            assert.equal(bm.UserCmdTasks.filter((t: { Status: number }) => t.Status === -1).length, 2, "running tasks, whose RunEndTime is checked");
            for (const t of bm.UserCmdTasks) {
                assert.match(t.RunBeginTime, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
                if (t.Status === -1) assert.equal(t.RunEndTime, "");
                else assert.equal(t.SuccessCount + t.FailureCount, t.InstanceCount);
            }
            const jobs = (await huaweiGet(huaweiClient(emu), CPH_JOBS, { request_id: "gen-req" })).jobs as Array<{
                status: number;
                error_code: string;
                end_time: string;
            }>;
            assert.deepEqual(jobs.map((j) => j.status).sort(), [-1, -1, 1, 1, 2, 2]);
            for (const j of jobs) if (j.status === 2) assert.equal(j.error_code, "");
            const ws = await huaweiGet(huaweiClient(emu), WORKSPACE_TASKS, { task_type: "COMMAND", status: "WAITING" });
            assert.equal(ws.total_count, 2);
        });
    });

    describe("tasks that progress over time", () => {
        it("seeded transitions resolve against the emulator clock (which tests can move)", async () => {
            emu.seed({
                tat: [
                    {
                        InvocationTaskId: "invt-progress",
                        TaskStatus: "RUNNING",
                        EndTime: null,
                        transitions: [{ afterMs: 60_000, patch: { TaskStatus: "SUCCESS", EndTime: "2030-01-01T00:00:00+00:00", TaskResult: { ExitCode: 0 } } }],
                    },
                ],
            });
            const get = async () => (await tencentClient(emu, "tat").DescribeInvocationTasks({ InvocationTaskIds: ["invt-progress"] })).InvocationTaskSet[0];
            assert.equal((await get()).TaskStatus, "RUNNING");
            emu.configure({ clockOffsetMs: 61_000 });
            const done = await get();
            assert.equal(done.TaskStatus, "SUCCESS");
            assert.equal(done.EndTime, "2030-01-01T00:00:00+00:00");
            assert.equal(done.TaskResult.ExitCode, 0);
            emu.configure({ clockOffsetMs: 0 });
            assert.equal((await get()).TaskStatus, "RUNNING", "state is a function of the clock");
        });

        it("finishOverMs: N tasks start running and finish one by one with the final mix", async () => {
            emu.generate({ api: "cph", count: 10, requestId: "rollout", finishOverMs: 10_000, finalStatusMix: { SUCCESS: 4, FAILED: 1 } });
            const statuses = async (offsetMs: number) => {
                emu.configure({ clockOffsetMs: offsetMs });
                const r = await huaweiGet(huaweiClient(emu), CPH_JOBS, { request_id: "rollout" });
                return (r.jobs as Array<{ status: number }>).map((j) => j.status);
            };
            assert.deepEqual(await statuses(0), Array(10).fill(1));
            const mid = await statuses(5_000);
            assert.equal(mid.filter((s) => s === 1).length, 5);
            const end = await statuses(10_500);
            assert.deepEqual([...end].sort(), [-1, -1, 2, 2, 2, 2, 2, 2, 2, 2]);
            emu.configure({ clockOffsetMs: 0 });
        });

        it("progressing tasks for the Tencent APIs and Workspace", async () => {
            emu.generate([
                { api: "tat", count: 4, finishOverMs: 1000, finalStatusMix: { SUCCESS: 1, TIMEOUT: 1 } },
                { api: "mps", count: 4, finishOverMs: 1000 },
                { api: "bm", count: 4, finishOverMs: 1000, finalStatusMix: { FAILED: 1 } },
                { api: "workspace", count: 4, finishOverMs: 1000, finalStatusMix: { FINISH: 1 } },
            ]);
            assert.equal((await tencentClient(emu, "mps").DescribeTasks({ Status: "PROCESSING" })).TotalCount, 4);
            emu.configure({ clockOffsetMs: 1500 });
            assert.equal((await tencentClient(emu, "mps").DescribeTasks({ Status: "FINISH" })).TotalCount, 4);
            const tat = await tencentClient(emu, "tat").DescribeInvocationTasks({});
            assert.deepEqual(tat.InvocationTaskSet.map((t: { TaskStatus: string }) => t.TaskStatus).sort(), ["SUCCESS", "SUCCESS", "TIMEOUT", "TIMEOUT"]);
            assert.ok(tat.InvocationTaskSet.every((t: { EndTime: string | null }) => t.EndTime));
            const bm = await tencentClient(emu, "bm").DescribeUserCmdTasks({ Offset: 0, Limit: 10 });
            assert.equal(bm.UserCmdTasks.length, 4);
            assert.ok(
                bm.UserCmdTasks.every(
                    (t: { Status: number; FailureCount: number; RunEndTime: string }) => t.Status === 0 && t.FailureCount > 0 && t.RunEndTime,
                ),
            );
            const ws = await huaweiGet(huaweiClient(emu), WORKSPACE_TASKS, { status: "SUCCESS" });
            assert.equal(ws.total_count, 4);
            emu.configure({ clockOffsetMs: 0 });
        });
    });

    describe("mutations for drift tests", () => {
        it("insert, update and remove records between pages", async () => {
            emu.generate({ api: "bm", count: 5, seed: 1 });
            const [first] = emu.generate({ api: "bm", count: 1, seed: 2, baseTime: "2001-01-01T00:00:00Z" });
            const legacyTotal = async () => ((await legacyCall(emu, {})).body.data as { totalNum: number }).totalNum;
            assert.equal(await legacyTotal(), 6);
            const res = emu.mutate([
                { api: "bm", op: "insert", records: [{ TaskId: "cmdtask-inserted", Status: -1 }] },
                { api: "bmLegacy", op: "update", ids: [first.ids[0]], patch: { Status: -1, RunEndTime: "" } },
                { api: "bm", op: "remove", ids: ["cmdtask-nothere"] },
            ]);
            assert.deepEqual(res, { inserted: 1, removed: 0, updated: 1, missing: ["cmdtask-nothere"] });
            assert.equal(await legacyTotal(), 7);
            const r = await tencentClient(emu, "bm").DescribeUserCmdTasks({ Offset: 0, Limit: 100, OrderField: "RunBeginTime", Order: 0 });
            assert.equal(r.UserCmdTasks[0].TaskId, first.ids[0]);
            assert.equal(r.UserCmdTasks[0].Status, -1);
            emu.mutate({ api: "bm", op: "remove", ids: [first.ids[0], "cmdtask-inserted"] });
            assert.equal(await legacyTotal(), 5);
        });

        it("an update wins over timeline steps already passed, and can set a new timeline", async () => {
            emu.seed({ cph: [{ job_id: "j1", request_id: "r", status: 1, transitions: [{ afterMs: 0, patch: { status: 2 } }] }] });
            const status = async () => ((await huaweiGet(huaweiClient(emu), CPH_JOBS, { request_id: "r" })).jobs as Array<{ status: number }>)[0].status;
            assert.equal(await status(), 2);
            emu.mutate({ api: "cph", op: "update", ids: ["j1"], patch: { status: -1 }, transitions: [{ afterMs: 60_000, patch: { status: 2 } }] });
            assert.equal(await status(), -1);
            emu.configure({ clockOffsetMs: 61_000 });
            assert.equal(await status(), 2);
            emu.configure({ clockOffsetMs: 0 });
        });

        it("refuses unusable records with a clear message", () => {
            assert.throws(() => emu.seed({ tat: [{ TaskStatus: "SUCCESS" }] }), /InvocationTaskId/);
            assert.throws(() => emu.seed({ cph: [{ job_id: "x" }] }), /request_id/);
            assert.throws(() => emu.seed({ mps: [{ TaskId: "x", Status: "DONE" as never }] }), /Status/);
            assert.throws(() => emu.seed({ nope: [] } as never), /unknown seed key/);
            assert.throws(() => emu.generate({ api: "tat", count: -1 }), /count/);
            assert.throws(() => emu.seed({ tat: [{ InvocationTaskId: "invt-x", transitions: [{ afterMs: -1, patch: {} }] }] }), /transitions/);
        });
    });

    describe("seed files and the admin HTTP API", () => {
        it("loads a seed file at start (records + generate specs)", async () => {
            const dir = mkdtempSync(join(tmpdir(), "taskgate-emu-"));
            const file = join(dir, "seed.json");
            writeFileSync(
                file,
                JSON.stringify({
                    cph: [{ job_id: "seeded-job", request_id: "seeded-req", status: 2 }],
                    generate: [{ api: "workspace", count: 3, desktopPoolId: "pool-file" }],
                }),
            );
            const other = await startEmulator({ seed: file });
            try {
                assert.deepEqual(other.stats().records, { tat: 0, mps: 0, bm: 0, cph: 1, workspace: 3 });
                const r = await huaweiGet(huaweiClient(other), CPH_JOBS, { request_id: "seeded-req" });
                assert.equal((r.jobs as Array<{ job_id: string }>)[0].job_id, "seeded-job");
            } finally {
                await other.close();
            }
        });

        it("mirrors the programmatic API over JSON", async () => {
            assert.equal((await admin(emu, "GET", "health")).json.status, "ok");
            const seeded = await admin(emu, "POST", "seed", { data: { mps: [{ TaskId: "m1", Status: "PROCESSING" }] }, replace: true });
            assert.equal(seeded.json.upserted.mps, 1);
            const gen = await admin(emu, "POST", "generate", [{ api: "mps", count: 2, seed: 4 }]);
            assert.equal(gen.json.results[0].ids.length, 2);
            const mut = await admin(emu, "POST", "mutate", { api: "mps", op: "update", ids: ["m1"], patch: { Status: "FINISH" } });
            assert.equal(mut.json.updated, 1);
            const fault = await admin(emu, "POST", "faults", { api: "mps", kind: "internalError", match: { Status: "FINISH" } });
            assert.deepEqual(fault.json.ids, ["fault-1"]);
            const cfg = await admin(emu, "POST", "config", { rateLimits: { mps: 50 }, latency: { fixedMs: 1 } });
            assert.equal(cfg.json.rateLimits.mps, 50);
            assert.equal(cfg.json.rateLimits.tat, 0, "other limits untouched");

            const e = await tencentClient(emu, "mps")
                .DescribeTasks({ Status: "FINISH" })
                .catch((x: { code: string }) => x);
            assert.equal(e.code, "InternalError");
            assert.equal((await tencentClient(emu, "mps").DescribeTasks({ Status: "FINISH" })).TotalCount, 3);

            const faults = await admin(emu, "GET", "faults");
            assert.equal(faults.json.faults[0].fired, 1);
            const stats = await admin(emu, "GET", "stats");
            assert.equal(stats.json.apis.mps.requests, 2);
            assert.equal(stats.json.apis.mps.faults, 1);
            const log = await admin(emu, "GET", "requests?api=mps&limit=1");
            assert.equal(log.json.requests.length, 1);
            assert.equal(log.json.requests[0].action, "DescribeTasks");
            assert.equal((await admin(emu, "DELETE", "faults")).json.cleared, 1);
            assert.equal((await admin(emu, "GET", "credentials")).json.tencent[0].secretId, emu.credentials.tencent[0].secretId);
            await admin(emu, "POST", "reset", { scopes: ["data"] });
            assert.equal((await admin(emu, "GET", "health")).json.records.mps, 0);
        });

        it("answers 400 for bad bodies and 404 for unknown routes", async () => {
            assert.equal((await admin(emu, "POST", "faults", { api: "tat", kind: "explode" })).status, 400);
            assert.equal((await admin(emu, "POST", "config", { rateLimits: { tat: -1 } })).status, 400);
            assert.equal((await admin(emu, "POST", "generate", { api: "s3", count: 1 })).status, 400);
            assert.equal((await admin(emu, "GET", "nope")).status, 404);
            const broken = await rawRequest(emu, {
                method: "POST",
                path: "/_emulator/seed",
                headers: { "Content-Type": "application/json" },
                body: "{not json",
            });
            assert.equal(broken.status, 400);
        });

        it("keeps the request log bounded", async () => {
            emu.configure({ requestLogLimit: 3 });
            for (let i = 0; i < 8; i++) await legacyCall(emu, {});
            const log = emu.requests();
            assert.equal(log.length, 3);
            assert.deepEqual(
                log.map((e) => e.seq - log[0].seq),
                [0, 1, 2],
                "the newest three, in order (seq keeps counting across resets)",
            );
            assert.equal(emu.requests({ limit: 3 }).length, 3);
            assert.equal(emu.stats().apis.bmLegacy.requests, 8);
        });
    });
});
