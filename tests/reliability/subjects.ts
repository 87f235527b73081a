/**
 * The six APIs behind the five data sources, described once for the reliability suites: how to
 * fill the emulator, how to read through the real source (SDKs, HTTP, emulator), how to aim a
 * fault at one page, and which records sort first and last (to move the list between pages).
 */
import { strict as assert } from "node:assert";
import { isDeepStrictEqual } from "node:util";
import { EMULATOR_CREDENTIALS, type Emulator } from "../../emulator/server";
import type { ApiId, FaultRule, StoreId } from "../../emulator/types";
import { TaskgateCloudError, TaskgateReadError } from "../../provider/errors";
import type { ReadOptions } from "../../provider/paging";
import { configureRateLimits, DEFAULT_RATE_LIMITS } from "../../provider/rateLimit";
import { type Clock, REAL_CLOCK } from "../../provider/retry";
import { argsOnly, resolveTencent, tencentRateScope } from "../../provider/settings";
import { readBmCmdTasks } from "../../provider/sources/bmCmdTasks";
import { readCphJobs } from "../../provider/sources/cphJobs";
import { readMpsTasks } from "../../provider/sources/mpsTasks";
import { readTatInvocationTasks } from "../../provider/sources/tatInvocationTasks";
import { readWorkspaceScriptTasks } from "../../provider/sources/workspaceScriptTasks";
import type { Logger, TaskListResult, TaskState } from "../../provider/types";

export type AnyTask = { state: TaskState } & Record<string, unknown>;
export type AnyResult = TaskListResult<AnyTask>;

/** One API as the suites drive it. */
export interface Subject {
    /** Name in test titles and tallies. */
    readonly name: string;
    /** The emulator's API id (faults, request log). */
    readonly api: ApiId;
    readonly store: StoreId;
    /** Records generated per case, and the pages they make (100 per page). */
    readonly count: number;
    readonly pages: number;
    /** Fills the emulator; returns the ids. */
    fill(emu: Emulator, seed: number): string[];
    /** Reads the list through the real data source. */
    read(emu: Emulator, options: ReadOptions, extra?: Record<string, unknown>): Promise<AnyResult>;
    idOf(t: AnyTask): string;
    /** Aims a fault at the page with this index (0 = first), counting only this subject's pages. */
    atPage(page: number): Pick<FaultRule, "match" | "skip">;
    /** A new record that sorts before every generated one (undefined: the API appends only). */
    headRecord?(id: string): Record<string, unknown>;
    /** A new record that sorts after every generated one. */
    tailRecord(id: string): Record<string, unknown>;
    /** A fresh id in the API's format. */
    newId(n: number): string;
    /** Whether this API reads with offsets and a total (re-read on drift) or otherwise. */
    readonly paging: "offset+total" | "scroll" | "untilShortPage";
}

const TC = EMULATOR_CREDENTIALS.tencent;
const HW = EMULATOR_CREDENTIALS.huawei;

export function tencentConn(emu: Emulator) {
    return { secretId: TC.secretId, secretKey: TC.secretKey, region: "ap-guangzhou", endpoint: emu.url };
}
export function huaweiConn(emu: Emulator) {
    return { accessKey: HW.accessKey, secretKey: HW.secretKey, projectId: HW.projectId, endpoint: emu.url };
}

/** What the client counts an API's rate limit against, for reads with these connections to the emulator at `url`. */
export function rateScope(api: ApiId, url: string): string {
    if (api === "cph" || api === "workspace") return `${HW.projectId}|${url}`;
    return tencentRateScope(resolveTencent(tencentConn({ url } as Emulator), argsOnly, false));
}

const INVOCATION = "inv-reliab01";
const REQUEST_ID = "reliabilityrequest0000000000001";
const POOL = "pool-reliability";

/**
 * The page of an offset request: offset / 100, rounded, so that it still names the right page if
 * pages come to overlap by a record or two (offsets 99, 198, ...).
 */
const offsetPage = (param: string) => (page: number) => ({
    match: (p: Record<string, unknown>) => p[param] !== undefined && Math.round(Number(p[param]) / 100) === page,
});

/** The two Bare Metal APIs read one store: the same records, each API paging them by its own offset parameter. */
function bmSubject(name: string, api: "bm" | "bmLegacy", offsetParam: string, args: { api?: "legacy" }): Subject {
    return {
        name,
        api,
        store: "bm",
        count: 350,
        pages: 4,
        paging: "offset+total",
        fill: (emu, seed) => emu.generate({ api: "bm", count: 350, seed, statusMix: { SUCCESS: 3, FAILED: 1, RUNNING: 1 } })[0].ids,
        read: (emu, o, extra = {}) => readBmCmdTasks({ ...tencentConn(emu), ...args, ...extra }, argsOnly, o) as Promise<never>,
        idOf: (t) => t.taskId as string,
        atPage: offsetPage(offsetParam),
        headRecord: (id) => ({ TaskId: id, Status: -1 }),
        tailRecord: (id) => ({
            TaskId: id,
            Status: 0,
            InstanceCount: 1,
            SuccessCount: 1,
            FailureCount: 0,
            RunBeginTime: "2015-01-01 00:00:00",
            RunEndTime: "2015-01-01 00:01:00",
        }),
        newId: (n) => `cmdtask-new${n.toString(36)}`,
    };
}

export const SUBJECTS: readonly Subject[] = [
    {
        name: "TAT",
        api: "tat",
        store: "tat",
        count: 350,
        pages: 4,
        paging: "offset+total",
        fill: (emu, seed) =>
            emu.generate({ api: "tat", count: 350, seed, invocationId: INVOCATION, statusMix: { SUCCESS: 6, FAILED: 2, RUNNING: 1, TIMEOUT: 1 } })[0].ids,
        read: (emu, o, extra = {}) => readTatInvocationTasks({ ...tencentConn(emu), invocationId: INVOCATION, ...extra }, argsOnly, o) as Promise<never>,
        idOf: (t) => t.invocationTaskId as string,
        atPage: offsetPage("Offset"),
        headRecord: (id) => ({ InvocationTaskId: id, InvocationId: INVOCATION, TaskStatus: "RUNNING" }),
        tailRecord: (id) => ({ InvocationTaskId: id, InvocationId: INVOCATION, TaskStatus: "SUCCESS", CreatedTime: "2020-01-01T00:00:00+00:00" }),
        newId: (n) => `invt-new${n.toString(36)}`,
    },
    {
        name: "MPS",
        api: "mps",
        store: "mps",
        count: 350,
        pages: 4,
        paging: "scroll",
        fill: (emu, seed) => emu.generate({ api: "mps", count: 350, seed, statusMix: { FINISH: 1 } })[0].ids,
        read: (emu, o, extra = {}) => readMpsTasks({ ...tencentConn(emu), status: "FINISH", ...extra }, argsOnly, o) as Promise<never>,
        idOf: (t) => t.taskId as string,
        atPage: (page) => ({ match: { Status: "FINISH" }, skip: page }),
        headRecord: (id) => ({ TaskId: id, Status: "FINISH" }),
        tailRecord: (id) => ({ TaskId: id, Status: "FINISH", CreateTime: new Date(Date.now() - 6 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z") }),
        newId: (n) => `task-new-${n}`,
    },
    bmSubject("BM 3.0", "bm", "Offset", {}),
    bmSubject("BM legacy", "bmLegacy", "offset", { api: "legacy" }),
    {
        name: "CPH",
        api: "cph",
        store: "cph",
        count: 250,
        pages: 3,
        paging: "untilShortPage",
        fill: (emu, seed) => emu.generate({ api: "cph", count: 250, seed, requestId: REQUEST_ID, statusMix: { SUCCESS: 3, FAILED: 1, RUNNING: 1 } })[0].ids,
        read: (emu, o, extra = {}) => readCphJobs({ ...huaweiConn(emu), requestId: REQUEST_ID, ...extra }, argsOnly, o) as Promise<never>,
        idOf: (t) => t.jobId as string,
        atPage: offsetPage("offset"),
        // Jobs are listed in the order they were created: a new job can only come last.
        tailRecord: (id) => ({ job_id: id, request_id: REQUEST_ID, status: 1 }),
        newId: (n) => `newjob${n.toString(16).padStart(26, "0")}`,
    },
    {
        name: "Workspace",
        api: "workspace",
        store: "workspace",
        count: 350,
        pages: 4,
        paging: "offset+total",
        fill: (emu, seed) => emu.generate({ api: "workspace", count: 350, seed, desktopPoolId: POOL, statusMix: { FINISH: 3, FAILED: 1, RUNNING: 1 } })[0].ids,
        read: (emu, o, extra = {}) => readWorkspaceScriptTasks({ ...huaweiConn(emu), desktopPoolId: POOL, ...extra }, argsOnly, o) as Promise<never>,
        idOf: (t) => t.id as string,
        atPage: offsetPage("offset"),
        // Not-yet-started tasks are listed first.
        headRecord: (id) => ({ id, desktop_pool_id: POOL, status: "INIT", task_type: "SCRIPT" }),
        tailRecord: (id) => ({
            id,
            desktop_pool_id: POOL,
            status: "FINISH",
            start_time: "2019-01-01T00:00:00Z",
            end_time: "2019-01-01T00:05:00Z",
            task_type: "SCRIPT",
            success_num: 1,
        }),
        newId: (n) => `ws-new-${n}`,
    },
];

/** Read options for fault cases: faults cost milliseconds, not seconds. */
export function quick(extra: ReadOptions = {}): ReadOptions {
    return { retry: { baseDelayMs: 5, throttleBaseDelayMs: 10, maxDelayMs: 80, maxAttempts: 8 }, requestTimeoutMs: 400, timeoutSeconds: 10, ...extra };
}

/** A logger that keeps its lines. */
export function recordingLogger(): Logger & { lines: string[] } {
    const lines: string[] = [];
    return { lines, debug: (m) => void lines.push(m), info: (m) => void lines.push(m), warn: (m) => void lines.push(m) };
}

/** Turns the client-side rate limiter off for a suite (the emulator's is off too), and back on after. */
export function withoutClientRateLimits(): void {
    before(() => configureRateLimits({ tat: 0, mps: 0, bm: 0, bmLegacy: 0, cph: 0, workspace: 0 }));
    after(() => configureRateLimits({ ...DEFAULT_RATE_LIMITS }));
}

export const NO_EMULATOR_RATE_LIMITS = { tat: 0, mps: 0, bm: 0, bmLegacy: 0, cph: 0, workspace: 0 } as const;

/** Records by id, for comparing a read with a reference read. */
export function byId(s: Subject, r: AnyResult): Map<string, AnyTask> {
    return new Map(r.tasks.map((t) => [s.idOf(t), t]));
}

/** The read returned exactly `expected`: the same records (every field), each once. */
export function assertSameList(s: Subject, got: AnyResult, expected: AnyResult): void {
    const ids = got.tasks.map((t) => s.idOf(t));
    assert.equal(new Set(ids).size, ids.length, `${s.name}: a record appears twice`);
    assert.equal(ids.length, expected.tasks.length, `${s.name}: ${ids.length} records, expected ${expected.tasks.length}`);
    const want = byId(s, expected);
    for (const t of got.tasks) assert.deepEqual(t, want.get(s.idOf(t)), `${s.name}: record ${s.idOf(t)} differs from a clean read`);
    assert.deepEqual(got.summary, expected.summary);
    assert.equal(got.totalCount, expected.totalCount);
}

/**
 * The read of a list that changed while it was read is sound: no record twice, every record that
 * existed before and after the read is there, and every record there existed before or after,
 * with the fields it had then.
 */
export function assertSoundList(s: Subject, got: AnyResult, before: AnyResult, after: AnyResult): void {
    const ids = got.tasks.map((t) => s.idOf(t));
    assert.equal(new Set(ids).size, ids.length, `${s.name}: a record appears twice`);
    const b = byId(s, before);
    const a = byId(s, after);
    const have = new Set(ids);
    const missing = [...b.keys()].filter((id) => a.has(id) && !have.has(id));
    assert.deepEqual(missing, [], `${s.name}: records that existed throughout the read are missing`);
    for (const t of got.tasks) {
        const id = s.idOf(t);
        assert.ok(a.has(id) || b.has(id), `${s.name}: record ${id} never existed`);
        const matches = [a.get(id), b.get(id)].some((x) => x !== undefined && isDeepStrictEqual(x, t));
        assert.ok(matches, `${s.name}: record ${id} matches neither its state before nor after the read`);
    }
    assert.equal(got.summary.total, got.tasks.length);
}

/** A failure is clear: one of taskgate's error types, naming the API's operation, with a cause. */
export function assertClearError(s: Subject, err: unknown): TaskgateCloudError | TaskgateReadError {
    assert.ok(err instanceof TaskgateCloudError || err instanceof TaskgateReadError, `${s.name}: expected a taskgate error, got ${String(err)}`);
    assert.ok(err.message.length > 20 && err.message.length < 2000, `${s.name}: error message of ${err.message.length} chars`);
    assert.match(err.message, /DescribeInvocationTasks|DescribeTasks|DescribeUserCmdTasks|GetUserCmdTaskList|ListJobs|ShowDesktopPoolsScriptExecTasks/);
    return err;
}

/** Runs `fn`, returning its result or error and how long it took on `clock`. */
export async function timed<T>(fn: () => Promise<T>, clock: Clock = REAL_CLOCK): Promise<{ value?: T; error?: unknown; ms: number }> {
    const t0 = clock.now();
    try {
        const value = await fn();
        return { value, ms: clock.now() - t0 };
    } catch (error) {
        return { error, ms: clock.now() - t0 };
    }
}
