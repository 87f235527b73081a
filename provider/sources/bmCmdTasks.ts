import type { FailedTask } from "../gateRules";
import { type LegacySignatureMethod, tencentLegacy } from "../clouds/tencentLegacy";
import { TaskgateValidationError } from "../errors";
import { type OffsetCursor, offsetPages, type Page } from "../paging";
import { defineSource, type PageCall } from "../pipeline";
import { tencentAccess, tencentApi3OffsetPages } from "./clouds";
import { malformedAnswer, pageRecords, type RecordList, withId } from "./records";
import { plural } from "../words";
import type { ResolvedTencent, TencentConnectionArgs } from "../settings";
import type { TargetSummary, TaskListResult, TaskState } from "../types";
import { BEIJING_OFFSET_MINUTES, count as countOf, isoTime, num, obj, str } from "../values";
import { maxResults, oneOf, rejectUnknownArgs, TENCENT_CONNECTION_ARGS } from "../validate";

/**
 * Tencent Cloud Bare Metal custom-script tasks: API 3.0 `DescribeUserCmdTasks` (2018-04-23,
 * 10 requests/s) by default, or the legacy v2 `GetUserCmdTaskList` on `bm.api.qcloud.com`.
 * Both page by offset and report a total; both send Beijing-time timestamps without a zone, and
 * the legacy API sends its counts as strings.
 */

/** Which Bare Metal API to call: `"2018-04-23"` (API 3.0 `DescribeUserCmdTasks`) or `"legacy"` (v2 `GetUserCmdTaskList`). */
export type BmApi = "2018-04-23" | "legacy";

/**
 * The fields a Bare Metal task list can be sorted by. API 3.0 takes runBeginTime, runEndTime,
 * instanceCount, successCount and failureCount; the legacy API runBeginTime, runEndTime and status.
 */
export type BmOrderBy = "runBeginTime" | "runEndTime" | "instanceCount" | "successCount" | "failureCount" | "status";

/**
 * A Bare Metal task's raw status: -1 running, 0 finished. A number the API adds later is kept as
 * it is (and maps to the state `UNKNOWN`).
 */
export type BmTaskStatus = -1 | 0 | (number & {});

/** Sort fields: API 3.0 and the legacy API accept different ones. */
export const BM_ORDER_BY: Readonly<Record<BmApi, readonly BmOrderBy[]>> = {
    "2018-04-23": ["runBeginTime", "runEndTime", "instanceCount", "successCount", "failureCount"],
    legacy: ["runBeginTime", "runEndTime", "status"],
};

/** Arguments of `tencentcloud.getBmCmdTasks`. */
export interface BmCmdTasksArgs extends TencentConnectionArgs {
    /** `"2018-04-23"` (API 3.0 `DescribeUserCmdTasks`, default) or `"legacy"` (v2 `GetUserCmdTaskList`). */
    api?: BmApi;
    /** Sort field. API 3.0: runBeginTime, runEndTime, instanceCount, successCount, failureCount;
     * legacy: runBeginTime, runEndTime, status. The API's default order when omitted. */
    orderBy?: BmOrderBy;
    /** `asc` or `desc` (default). */
    order?: "asc" | "desc";
    /** Legacy API only: HmacSHA256 (default) or HmacSHA1. */
    signatureMethod?: LegacySignatureMethod;
    /** Read at most this many tasks; all of them when omitted. */
    maxResults?: number;
}

/** One Bare Metal script task, run on `instanceCount` machines. */
export interface BmCmdTask {
    /** The task's id (`cmdtask-...`). */
    readonly taskId: string;
    /** Raw status: -1 running, 0 finished. */
    readonly status?: BmTaskStatus;
    /** RUNNING while -1; when finished, SUCCEEDED if no machine failed, else FAILED. */
    readonly state: TaskState;
    /** Script name (`Alias` in API 3.0, `cmdAlias` in the legacy API). */
    readonly alias?: string;
    /** The script's id (`cmd-...`). */
    readonly cmdId?: string;
    /** Machines the task runs on. */
    readonly instanceCount?: number;
    /** Machines where it succeeded. */
    readonly successCount?: number;
    /** Machines where it failed. */
    readonly failureCount?: number;
    /** ISO-8601 UTC, converted from the API's Beijing time. */
    readonly runBeginTime?: string;
    /** Undefined while running. */
    readonly runEndTime?: string;
}

/** What `tencentcloud.getBmCmdTasks` returns: the tasks read, their summary (with machines counted) and the read's RequestIds. */
export type BmCmdTasksResult = TaskListResult<BmCmdTask>;

/** Maps a raw status and failure count to the normalized state. */
export function bmTaskState(status: number | undefined, failureCount: number | undefined): TaskState {
    if (status === -1) return "RUNNING";
    if (status === 0) {
        if (failureCount === undefined) return "UNKNOWN";
        return failureCount === 0 ? "SUCCEEDED" : "FAILED";
    }
    return "UNKNOWN";
}

/** Per-machine counts of a task. */
export function bmTargets(t: BmCmdTask): TargetSummary {
    return { total: t.instanceCount ?? 0, succeeded: t.successCount ?? 0, failed: t.failureCount ?? 0, skipped: 0 };
}

/** Every arg this source accepts, connection settings included. */
export const BM_ARGS: readonly string[] = ["api", "orderBy", "order", "signatureMethod", "maxResults", ...TENCENT_CONNECTION_ARGS];
export const BM_PAGE_SIZE = 100;

/** A validated BM query. */
export interface BmQuery {
    readonly api: BmApi;
    readonly orderBy?: BmOrderBy;
    readonly order: "asc" | "desc";
    readonly signatureMethod: LegacySignatureMethod;
    readonly maxResults?: number;
}

/** Validates the args. Pure. */
export function planBmQuery(rawArgs: unknown): BmQuery {
    const args = rejectUnknownArgs(rawArgs, BM_ARGS);
    const api = oneOf("api", args.api, ["2018-04-23", "legacy"] as const) ?? "2018-04-23";
    const orderBy = oneOf("orderBy", args.orderBy, BM_ORDER_BY[api]);
    const order = oneOf("order", args.order, ["asc", "desc"] as const) ?? "desc";
    const signatureMethod = oneOf("signatureMethod", args.signatureMethod, ["HmacSHA256", "HmacSHA1"] as const);
    if (signatureMethod && api !== "legacy") {
        throw new TaskgateValidationError(
            "signatureMethod",
            'applies to the legacy API only (api: "legacy"); API 3.0 is always signed with TC3-HMAC-SHA256',
            JSON.stringify(signatureMethod),
        );
    }
    return { api, orderBy, order, signatureMethod: signatureMethod ?? "HmacSHA256", maxResults: maxResults(args.maxResults) };
}

/** Where each record field lives in the two APIs' payloads. */
interface BmShape extends RecordList {
    readonly api: "bm" | "bmLegacy";
    /** The list and total inside the response body. */
    readonly list: (body: Record<string, unknown> | undefined) => { list: unknown; total: unknown };
    readonly fields: Readonly<Record<"status" | "alias" | "cmdId" | "instanceCount" | "successCount" | "failureCount" | "runBeginTime" | "runEndTime", string>>;
}

const SHAPES: Readonly<Record<BmApi, BmShape>> = {
    "2018-04-23": {
        cloud: "tencentcloud",
        api: "bm",
        operation: "DescribeUserCmdTasks",
        listName: "UserCmdTasks",
        idField: "TaskId",
        list: (b) => ({ list: b?.UserCmdTasks, total: b?.TotalCount }),
        fields: {
            status: "Status",
            alias: "Alias",
            cmdId: "CmdId",
            instanceCount: "InstanceCount",
            successCount: "SuccessCount",
            failureCount: "FailureCount",
            runBeginTime: "RunBeginTime",
            runEndTime: "RunEndTime",
        },
    },
    // The legacy envelope is {code, message, data: {totalNum, list}}; counts arrive as strings.
    legacy: {
        cloud: "tencentcloud",
        api: "bmLegacy",
        operation: "GetUserCmdTaskList",
        listName: "data.list",
        idField: "taskId",
        list: (b) => ({ list: obj(b?.data)?.list, total: obj(b?.data)?.totalNum }),
        fields: {
            status: "status",
            alias: "cmdAlias",
            cmdId: "cmdId",
            instanceCount: "instanceCount",
            successCount: "successCount",
            failureCount: "failureCount",
            runBeginTime: "runBeginTime",
            runEndTime: "runEndTime",
        },
    },
};

function mapRecord(raw: unknown, shape: BmShape): BmCmdTask | undefined {
    return withId(raw, shape.idField, (r, taskId) => bmTask(r, taskId, shape.fields));
}

function bmTask(r: Record<string, unknown>, taskId: string, f: BmShape["fields"]): BmCmdTask {
    const status = num(r[f.status]);
    const failureCount = num(r[f.failureCount]);
    return {
        taskId,
        status,
        state: bmTaskState(status, failureCount),
        alias: str(r[f.alias]),
        cmdId: str(r[f.cmdId]),
        instanceCount: num(r[f.instanceCount]),
        successCount: num(r[f.successCount]),
        failureCount,
        runBeginTime: isoTime(r[f.runBeginTime], BEIJING_OFFSET_MINUTES),
        runEndTime: isoTime(r[f.runEndTime], BEIJING_OFFSET_MINUTES),
    };
}

/** Maps one API 3.0 `UserCmdTask`. */
export function mapBmTask(raw: unknown): BmCmdTask | undefined {
    return mapRecord(raw, SHAPES["2018-04-23"]);
}

/** Maps one legacy list item: counts arrive as strings (`"1"`), times in Beijing time. */
export function mapBmLegacyTask(raw: unknown): BmCmdTask | undefined {
    return mapRecord(raw, SHAPES.legacy);
}

/** Parses a response body of either API into a page. */
export function parseBmPage(api: BmApi, body: unknown, requestId?: string): Page<BmCmdTask> {
    const shape = SHAPES[api];
    const malformed = malformedAnswer(shape, requestId);
    const { list, total } = shape.list(obj(body));
    const count = countOf(total);
    if (!Array.isArray(list) || count === undefined) throw malformed(`the response lacks ${shape.listName}, or its total is not a count`);
    return { total: count, items: pageRecords(list, shape, (raw) => mapRecord(raw, shape), malformed) };
}

const API3_ORDER_FIELD: Readonly<Record<string, string>> = {
    runBeginTime: "RunBeginTime",
    runEndTime: "RunEndTime",
    instanceCount: "InstanceCount",
    successCount: "SuccessCount",
    failureCount: "FailureCount",
};

/** The id that tells one record apart (paging de-duplicates by it). */
export const bmTaskId = (t: BmCmdTask): string => t.taskId;

/** A task as a gate reports it when it fails. */
export function bmFailedTask(t: BmCmdTask): FailedTask {
    return {
        id: t.taskId,
        target: `${t.failureCount ?? "?"} of ${t.instanceCount === undefined ? "? machines" : plural(t.instanceCount, "machine")} failed`,
        state: t.state,
        errorCode: t.status === undefined ? undefined : `status ${t.status}`,
        errorMessage: t.alias,
    };
}

/** Opens the transport of the API the query names and says how it asks for one page. */
function bmPageCall(conn: ResolvedTencent, q: BmQuery): PageCall<BmQuery, OffsetCursor> {
    const { operation } = SHAPES[q.api];
    if (q.api === "legacy") {
        const legacy = tencentLegacy(conn, "bm", "bmLegacy", q.signatureMethod);
        const params: Record<string, string> = { orderType: q.order === "asc" ? "0" : "1", ...(q.orderBy ? { orderBy: q.orderBy } : {}) };
        return (_request, page, timeoutMs) => legacy.call(operation, { ...params, offset: String(page.offset), limit: String(page.limit) }, timeoutMs);
    }
    const params: Record<string, unknown> = { Order: q.order === "asc" ? 0 : 1, ...(q.orderBy ? { OrderField: API3_ORDER_FIELD[q.orderBy] } : {}) };
    return tencentApi3OffsetPages("bm", operation, () => params)(conn);
}

/** The Bare Metal data source (either API): its registry entry, and what its read configures of the read pipeline. */
export const bmCmdTasks = defineSource({
    labelOne: "Bare Metal script task",
    traits: { label: "Bare Metal script tasks", hasTargets: true, targetName: "machines", targetOne: "machine", reportsOutcome: true },
    args: BM_ARGS,
    idPrefixes: ["bm", "bmLegacy"],
    idOf: bmTaskId,
    failedTask: bmFailedTask,
    targets: bmTargets,
    // Neither API reports a creation time or filters by time: tasks are compared by their start after the read.
    createdAt: (t) => t.runBeginTime,
    plan: planBmQuery,
    access: tencentAccess<BmCmdTasksArgs>(true),
    api: (q) => SHAPES[q.api].api,
    requests: (q) => [q],
    paging: offsetPages(BM_PAGE_SIZE),
    what: (q) => `BM ${SHAPES[q.api].operation}`,
    connect: bmPageCall,
    parse: (body, requestId, q) => parseBmPage(q.api, body, requestId),
    query: (q) => ({ orderBy: q.orderBy, order: q.order, maxResults: q.maxResults }),
});

/** Reads every Bare Metal script task (or the first `maxResults`). */
export const readBmCmdTasks = bmCmdTasks.read;
