import type { FailedTask } from "../gateRules";
import { tencentApi3 } from "../clouds/tencentApi3";
import { TaskgateValidationError } from "../errors";
import { type Page, scrollPages } from "../paging";
import { defineSource } from "../pipeline";
import { malformedAnswer, pageRecords, type RecordList, stateMapping, withId } from "./records";
import type { TencentConnectionArgs } from "../settings";
import { tencentAccess } from "./clouds";
import type { TaskListResult, TaskState } from "../types";
import { count, isoTime, obj, str, strList } from "../values";
import { maxResults, oneOf, rejectUnknownArgs, TENCENT_CONNECTION_ARGS } from "../validate";

/**
 * Tencent Cloud MPS `DescribeTasks` (2019-06-12): media processing tasks of the last 7 days,
 * listed by status and paged with a ScrollToken. Documented limit: 100 requests/s, Limit <= 100.
 */

/** An MPS task's status, as the API lists tasks by it: WAITING, PROCESSING or FINISH. */
export type MpsStatus = "WAITING" | "PROCESSING" | "FINISH";

/** The statuses the API filters by; every task is listed under exactly one. */
export const MPS_STATUSES = ["WAITING", "PROCESSING", "FINISH"] as const satisfies readonly MpsStatus[];

/**
 * The kind of an MPS task: a workflow, a media edit, a live stream's processing, a schedule, a
 * batch. A kind the API adds later is kept as it is.
 */
export type MpsTaskType = "WorkflowTask" | "EditMediaTask" | "LiveProcessTask" | "ScheduleTask" | "BatchTask" | (string & {});

/** Arguments of `tencentcloud.getMpsTasks`. */
export interface MpsTasksArgs extends TencentConnectionArgs {
    /** Status or statuses to list; all three when omitted (the API takes one per request). */
    status?: MpsStatus | MpsStatus[];
    /** Read at most this many tasks; all of them when omitted. */
    maxResults?: number;
}

/** One MPS task. */
export interface MpsTask {
    /** The task's id. */
    readonly taskId: string;
    /** `WorkflowTask`, `EditMediaTask`, `LiveProcessTask`, ... */
    readonly taskType?: MpsTaskType;
    /** The status the task was listed under (the API returns no status field). */
    readonly status: MpsStatus;
    /** The normalized state: `PENDING`, `RUNNING`, or `FINISHED` (MPS reports no outcome in its list). */
    readonly state: TaskState;
    /** When the task was created, ISO-8601 UTC. */
    readonly createTime?: string;
    /** Undefined until processing starts (the API sends `0000-00-00T00:00:00Z`). */
    readonly beginProcessTime?: string;
    /** Undefined until the task finishes. */
    readonly finishTime?: string;
    /** The kinds of the task's subtasks (`Transcode`, `AnimatedGraphics`, ...), as the API lists them. */
    readonly subTaskTypes: string[];
}

/** What `tencentcloud.getMpsTasks` returns: the tasks read, their summary and the read's RequestIds. */
export type MpsTasksResult = TaskListResult<MpsTask>;

/** Maps a listing status to the normalized state. */
export const mpsTaskState = stateMapping({ PENDING: ["WAITING"], RUNNING: ["PROCESSING"], FINISHED: ["FINISH"] } satisfies Record<string, MpsStatus[]>);

/** Every arg this source accepts, connection settings included. */
export const MPS_ARGS: readonly string[] = ["status", "maxResults", ...TENCENT_CONNECTION_ARGS];
export const MPS_PAGE_SIZE = 100;

/** A validated MPS query. */
export interface MpsQuery {
    readonly statuses: MpsStatus[];
    readonly maxResults?: number;
}

/** Validates the args. Pure. */
export function planMpsQuery(rawArgs: unknown): MpsQuery {
    const args = rejectUnknownArgs(rawArgs, MPS_ARGS);
    const max = maxResults(args.maxResults);
    if (args.status === undefined || args.status === null) return { statuses: [...MPS_STATUSES], maxResults: max };
    const list = Array.isArray(args.status) ? args.status : [args.status];
    if (list.length === 0) throw new TaskgateValidationError("status", `must not be empty; omit it to list every status (${MPS_STATUSES.join(", ")})`);
    const statuses = [...new Set(list.map((s, i) => oneOf(Array.isArray(args.status) ? `status[${i}]` : "status", s, MPS_STATUSES)!))];
    return { statuses, maxResults: max };
}

/** Maps one raw `TaskSimpleInfo` listed under `status`. */
export function mapMpsTask(raw: unknown, status: MpsStatus): MpsTask | undefined {
    return withId(raw, WIRE.idField, (r, taskId) => ({
        taskId,
        taskType: str(r.TaskType),
        status,
        state: mpsTaskState(status),
        createTime: isoTime(r.CreateTime),
        beginProcessTime: isoTime(r.BeginProcessTime),
        finishTime: isoTime(r.FinishTime),
        subTaskTypes: strList(r.SubTaskTypes) ?? [],
    }));
}

/** Where the records stand in the API's answers. */
const WIRE = { cloud: "tencentcloud", api: "mps", operation: "DescribeTasks", listName: "TaskSet", idField: "TaskId" } as const satisfies RecordList;

/** Parses one response body into a page. */
export function parseMpsPage(body: unknown, status: MpsStatus, requestId?: string): Page<MpsTask> {
    const malformed = malformedAnswer(WIRE, requestId);
    const b = obj(body);
    const set = b?.TaskSet;
    const total = b?.TotalCount === undefined || b?.TotalCount === null ? undefined : count(b.TotalCount);
    if (
        !Array.isArray(set) ||
        (b?.ScrollToken !== undefined && b?.ScrollToken !== null && typeof b.ScrollToken !== "string") ||
        (total === undefined && b?.TotalCount !== undefined && b?.TotalCount !== null)
    ) {
        throw malformed("the response lacks TaskSet, or has a ScrollToken that is not a string or a TotalCount that is not a count");
    }
    return { items: pageRecords(set, WIRE, (raw) => mapMpsTask(raw, status), malformed), total, nextToken: str(b?.ScrollToken) };
}

/** The id that tells one record apart (paging de-duplicates by it). */
export const mpsTaskId = (t: MpsTask): string => t.taskId;

/** A task as a gate reports it (MPS tasks fail a gate only in an unknown state). */
export function mpsFailedTask(t: MpsTask): FailedTask {
    return { id: t.taskId, target: t.taskType, state: t.state, errorCode: t.status };
}

/** The MPS data source: its registry entry, and what its read configures of the read pipeline. */
export const mpsTasks = defineSource({
    labelOne: "MPS task",
    traits: { label: "MPS tasks", hasTargets: false, reportsOutcome: false },
    args: MPS_ARGS,
    idPrefixes: ["mps"],
    idOf: mpsTaskId,
    failedTask: mpsFailedTask,
    // DescribeTasks filters by status only: tasks are compared after the read.
    createdAt: (t) => t.createTime,
    plan: planMpsQuery,
    access: tencentAccess<MpsTasksArgs>(false),
    api: WIRE.api,
    // A task only moves forward, WAITING -> PROCESSING -> FINISH. Scrolls read at the same time can
    // both miss a task that leaves one list before its scroll gets there and enters another behind
    // that one's scroll. Read one after another in that order, a task that leaves a list enters one
    // not read yet, so it is always seen; seen twice, it keeps its earlier (not yet done) status.
    requests: (q) => MPS_STATUSES.filter((s) => q.statuses.includes(s)),
    oneRequestAtATime: true,
    paging: scrollPages(MPS_PAGE_SIZE),
    what: (_q, status) => `MPS ${WIRE.operation} ${status}`,
    connect: (conn) => {
        const mps = tencentApi3(conn, WIRE.api);
        return (status, page, timeoutMs) =>
            mps.call(WIRE.operation, { Status: status, Limit: page.limit, ...(page.token ? { ScrollToken: page.token } : {}) }, timeoutMs);
    },
    parse: (body, requestId, _q, status) => parseMpsPage(body, status, requestId),
    query: (q) => ({ statuses: q.statuses, maxResults: q.maxResults }),
});

/** Reads every MPS task of the given statuses (or the first `maxResults`). */
export const readMpsTasks = mpsTasks.read;
