import type { FailedTask } from "../gateRules";
import { TaskgateValidationError } from "../errors";
import { offsetPages, type Page } from "../paging";
import { defineSource } from "../pipeline";
import { malformedAnswer, pageRecords, type RecordList, stateMapping, withId } from "./records";
import { huaweiAccess, huaweiOffsetPages } from "./clouds";
import { plural } from "../words";
import type { HuaweiConnectionArgs } from "../settings";
import type { TargetSummary, TaskListResult, TaskState } from "../types";
import { count, huaweiQueryTime, isoTime, num, obj, str } from "../values";
import { chunk, HUAWEI_CONNECTION_ARGS, id, idList, instant, maxResults, oneOf, rejectUnknownArgs, text } from "../validate";

/**
 * Huawei Cloud Workspace desktop-pool script execution tasks,
 * `GET /v2/{project_id}/desktop-pools/script-execution-tasks/detail`: offset/limit (<= 100) with a
 * total. Its `status` filter speaks SUCCESS/FAILED/RUNNING/WAITING while its records say
 * FINISH/FAILED/RUNNING/INIT; both vocabularies are mapped.
 */

/** A value of the `status` filter, as the API names it: SUCCESS, FAILED, RUNNING or WAITING. */
export type WorkspaceStatusFilter = "SUCCESS" | "FAILED" | "RUNNING" | "WAITING";

/** What a task runs: a script from the library (SCRIPT) or a command (COMMAND). */
export type WorkspaceTaskType = "SCRIPT" | "COMMAND";

/**
 * A Workspace task's raw status, as its records say it: FINISH, FAILED, RUNNING or INIT (SUCCESS and
 * WAITING, the filter's words, are accepted too). A status the API adds later is kept as it is
 * (and maps to the state `UNKNOWN`).
 */
export type WorkspaceTaskStatus = "FINISH" | "FAILED" | "RUNNING" | "INIT" | "SUCCESS" | "WAITING" | (string & {});

/** Values of the `status` filter, as the API names them. */
export const WORKSPACE_STATUS_FILTERS = ["SUCCESS", "FAILED", "RUNNING", "WAITING"] as const satisfies readonly WorkspaceStatusFilter[];
/** Values of the `taskType` filter. */
export const WORKSPACE_TASK_TYPES = ["SCRIPT", "COMMAND"] as const satisfies readonly WorkspaceTaskType[];

/** Arguments of `huaweicloud.getWorkspaceScriptTasks`. */
export interface WorkspaceScriptTasksArgs extends HuaweiConnectionArgs {
    /** Filter: the desktop pool the tasks ran over. */
    desktopPoolId?: string;
    /** Filter: the script run (its id in the script library). */
    scriptId?: string;
    /** Filter: the script's name. */
    scriptName?: string;
    /** Status filter: SUCCESS, FAILED, RUNNING or WAITING. */
    status?: WorkspaceStatusFilter;
    /** SCRIPT or COMMAND. */
    taskType?: WorkspaceTaskType;
    /** Tasks executed at or after this time (ISO-8601 with a zone, or a Date). */
    executeTimeStart?: string | Date;
    /** Tasks executed at or before this time. */
    executeTimeEnd?: string | Date;
    /** Tasks by id, any number (sent 100 per request). */
    taskIds?: string[];
    /** Read at most this many tasks; all of them when omitted. */
    maxResults?: number;
}

/** One script execution task over a desktop pool. */
export interface WorkspaceScriptTask {
    /** The task's id. */
    readonly id: string;
    /** The desktop pool it ran over. */
    readonly desktopPoolId?: string;
    /** The desktop pool's name. */
    readonly desktopPoolName?: string;
    /** The scripts it ran, from the script library. */
    readonly scripts: ReadonlyArray<{
        /** The script's id. */
        readonly id?: string;
        /** The script's name. */
        readonly name?: string;
    }>;
    /** The command it ran, for a COMMAND task. */
    readonly commandContent?: string;
    /** The command's kind, for a COMMAND task (e.g. `POWERSHELL`). */
    readonly commandType?: string;
    /** When the task started, ISO-8601 UTC. */
    readonly startTime?: string;
    /** When the task ended, ISO-8601 UTC; undefined while it runs. */
    readonly endTime?: string;
    /** Raw status: FINISH, FAILED, RUNNING or INIT (SUCCESS and WAITING are accepted too). */
    readonly status?: WorkspaceTaskStatus;
    /** The normalized state (see {@link TaskState}). */
    readonly state: TaskState;
    /** Desktops where the script succeeded. */
    readonly successNum?: number;
    /** Desktops where the script failed. */
    readonly failedNum?: number;
    /** Desktops the script skipped. */
    readonly skipNum?: number;
}

/** What `huaweicloud.getWorkspaceScriptTasks` returns: the tasks read, their summary (with desktops counted) and the read's RequestIds. */
export type WorkspaceScriptTasksResult = TaskListResult<WorkspaceScriptTask>;

/** Maps a raw Workspace status (either vocabulary) to the normalized state. */
export const workspaceTaskState = stateMapping({
    PENDING: ["WAITING", "INIT"],
    RUNNING: ["RUNNING"],
    SUCCEEDED: ["SUCCESS", "FINISH"],
    FAILED: ["FAILED"],
});

/** Per-desktop counts of a task. */
export function workspaceTargets(t: WorkspaceScriptTask): TargetSummary {
    const succeeded = t.successNum ?? 0;
    const failed = t.failedNum ?? 0;
    const skipped = t.skipNum ?? 0;
    return { total: succeeded + failed + skipped, succeeded, failed, skipped };
}

/** Every arg this source accepts, connection settings included. */
export const WORKSPACE_ARGS: readonly string[] = [
    "desktopPoolId",
    "scriptId",
    "scriptName",
    "status",
    "taskType",
    "executeTimeStart",
    "executeTimeEnd",
    "taskIds",
    "maxResults",
    ...HUAWEI_CONNECTION_ARGS,
];
export const WORKSPACE_LIMITS = { pageSize: 100, taskIdsPerRequest: 100 } as const;

/** A validated Workspace query. */
export interface WorkspaceQuery {
    readonly filters: Readonly<Record<string, string>>;
    readonly taskIds?: string[];
    readonly maxResults?: number;
    /** Query strings to page through (without offset and limit). */
    readonly requests: ReadonlyArray<Record<string, string | string[]>>;
}

/** Validates the args and plans the requests. Pure. */
export function planWorkspaceQuery(rawArgs: unknown): WorkspaceQuery {
    const args = rejectUnknownArgs(rawArgs, WORKSPACE_ARGS);
    const filters: Record<string, string> = {};
    const set = (key: string, v: string | undefined) => {
        if (v !== undefined) filters[key] = v;
    };
    set("desktop_pool_id", args.desktopPoolId === undefined ? undefined : id("desktopPoolId", args.desktopPoolId));
    set("script_id", args.scriptId === undefined ? undefined : id("scriptId", args.scriptId));
    set("script_name", text("scriptName", args.scriptName));
    set("status", oneOf("status", args.status, WORKSPACE_STATUS_FILTERS));
    set("task_type", oneOf("taskType", args.taskType, WORKSPACE_TASK_TYPES));
    const start = instant("executeTimeStart", args.executeTimeStart);
    const end = instant("executeTimeEnd", args.executeTimeEnd);
    if (start && end && start.getTime() > end.getTime()) {
        throw new TaskgateValidationError(
            "executeTimeStart",
            (w) => `must not be after ${w.arg("executeTimeEnd")} (${huaweiQueryTime(end)})`,
            huaweiQueryTime(start),
        );
    }
    set("execute_time_start", start && huaweiQueryTime(start));
    set("execute_time_end", end && huaweiQueryTime(end));
    const taskIds = idList("taskIds", args.taskIds);
    const requests = taskIds ? chunk(taskIds, WORKSPACE_LIMITS.taskIdsPerRequest).map((batch) => ({ ...filters, task_id: batch })) : [filters];
    return { filters, taskIds, maxResults: maxResults(args.maxResults), requests };
}

/** Maps one raw `ScriptExecutionTask`. */
export function mapWorkspaceTask(raw: unknown): WorkspaceScriptTask | undefined {
    return withId(raw, WIRE.idField, workspaceTask);
}

function workspaceTask(r: Record<string, unknown>, taskId: string): WorkspaceScriptTask {
    const scripts = Array.isArray(r.scripts)
        ? r.scripts
              .map(obj)
              .filter((s): s is Record<string, unknown> => !!s)
              .map((s) => ({ id: str(s.id), name: str(s.name) }))
        : [];
    return {
        id: taskId,
        desktopPoolId: str(r.desktop_pool_id),
        desktopPoolName: str(r.desktop_pool_name),
        scripts,
        commandContent: str(r.command_content),
        commandType: str(r.command_type),
        startTime: isoTime(r.start_time),
        endTime: isoTime(r.end_time),
        status: str(r.status),
        state: workspaceTaskState(r.status),
        successNum: num(r.success_num),
        failedNum: num(r.failed_num),
        skipNum: num(r.skip_num),
    };
}

/** Where the records stand in the API's answers. */
const WIRE = {
    cloud: "huaweicloud",
    api: "workspace",
    operation: "ShowDesktopPoolsScriptExecTasks",
    listName: "script_execution_tasks",
    idField: "id",
} as const satisfies RecordList;

/** Parses one response body into a page. */
export function parseWorkspacePage(body: unknown, requestId?: string): Page<WorkspaceScriptTask> {
    const malformed = malformedAnswer(WIRE, requestId);
    const b = obj(body);
    const tasks = b?.script_execution_tasks;
    const total = count(b?.total_count);
    if (!Array.isArray(tasks) || total === undefined) throw malformed("the response lacks script_execution_tasks, or its total_count is not a count");
    return { total, items: pageRecords(tasks, WIRE, mapWorkspaceTask, malformed) };
}

/** The id that tells one record apart (paging de-duplicates by it). */
export const workspaceTaskId = (t: WorkspaceScriptTask): string => t.id;

/** A task as a gate reports it when it fails. */
export function workspaceFailedTask(t: WorkspaceScriptTask): FailedTask {
    const counts = `${plural(t.failedNum ?? 0, "desktop")} failed, ${t.skipNum ?? 0} skipped, ${t.successNum ?? 0} succeeded`;
    return { id: t.id, target: t.desktopPoolName ?? t.desktopPoolId, state: t.state, errorCode: t.status, errorMessage: counts };
}

/**
 * The args narrowed by `execute_time_start` to tasks executed at or after `createdAfter`, unless
 * they already ask for a later start. Sent to the second, as the API takes it (rounded down, so
 * that the filter keeps the task the gate compares to the second too).
 */
export function workspaceSince(args: WorkspaceScriptTasksArgs, createdAfter: Date): WorkspaceScriptTasksArgs {
    const given = instant("executeTimeStart", args.executeTimeStart);
    return given && given.getTime() >= createdAfter.getTime() ? args : { ...args, executeTimeStart: huaweiQueryTime(createdAfter) };
}

/** The Workspace data source: its registry entry, and what its read configures of the read pipeline. */
export const workspaceScriptTasks = defineSource({
    labelOne: "Workspace script execution task",
    traits: { label: "Workspace script execution tasks", hasTargets: true, targetName: "desktops", targetOne: "desktop", reportsOutcome: true },
    args: WORKSPACE_ARGS,
    idPrefixes: ["workspace"],
    idOf: workspaceTaskId,
    failedTask: workspaceFailedTask,
    targets: workspaceTargets,
    createdAt: (t) => t.startTime,
    since: workspaceSince,
    plan: planWorkspaceQuery,
    access: huaweiAccess<WorkspaceScriptTasksArgs>(WIRE.api),
    api: WIRE.api,
    requests: (q) => q.requests,
    paging: offsetPages(WORKSPACE_LIMITS.pageSize),
    // A waiting gate re-reads its unfinished tasks by task_id (100 a request), with the query's other
    // filters kept (the API combines them), and counts the query with limit 1.
    selectByIds: { arg: "taskIds", perRequest: WORKSPACE_LIMITS.taskIdsPerRequest, countPageSize: 1 },
    what: `Workspace ${WIRE.operation}`,
    connect: huaweiOffsetPages(
        WIRE.api,
        WIRE.operation,
        "/v2/{project_id}/desktop-pools/script-execution-tasks/detail",
        (query: Record<string, string | string[]>) => query,
    ),
    parse: parseWorkspacePage,
    query: (q, conn) => ({ projectId: conn.projectId, filters: q.filters, taskIds: q.taskIds, maxResults: q.maxResults }),
});

/** Reads every script execution task matching the filters (or the first `maxResults`). */
export const readWorkspaceScriptTasks = workspaceScriptTasks.read;
