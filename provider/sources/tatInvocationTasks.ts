import type { FailedTask } from "../gateRules";
import { TaskgateValidationError } from "../errors";
import { offsetPages, type Page } from "../paging";
import { defineSource } from "../pipeline";
import { malformedAnswer, pageRecords, type RecordList, stateMapping, withId } from "./records";
import { tencentAccess, tencentApi3OffsetPages } from "./clouds";
import type { TencentConnectionArgs } from "../settings";
import type { TaskListResult, TaskState } from "../types";
import { count, decodeBase64, isoTime, num, obj, rawStr, str } from "../values";
import { chunk, idList, maxResults, optionalBool, rejectUnknownArgs, TENCENT_CONNECTION_ARGS } from "../validate";

/**
 * Tencent Cloud TAT `DescribeInvocationTasks` (2020-10-28): the tasks of command invocations,
 * one per instance. Documented limits: 20 requests/s, Limit <= 100, at most 100
 * InvocationTaskIds, 10 Filters and 5 values per filter, ids and filters mutually exclusive.
 */

/** Arguments of `tencentcloud.getTatInvocationTasks`. */
export interface TatInvocationTasksArgs extends TencentConnectionArgs {
    /** Tasks to read by id (`invt-...`), any number: sent 100 per request. Mutually exclusive with the filters. */
    invocationTaskIds?: string[];
    /** Filter: invocation (`inv-...`). */
    invocationId?: string | string[];
    /** Filter: instance (`ins-...`, `lhins-...`, `mi-...`). */
    instanceId?: string | string[];
    /** Filter: command (`cmd-...`). */
    commandId?: string | string[];
    /** Filter: task (`invt-...`). */
    invocationTaskId?: string | string[];
    /** Leave out command output (the API's default, true). Set false to read and decode it. */
    hideOutput?: boolean;
    /** Read at most this many tasks; all of them when omitted. */
    maxResults?: number;
}

/** The raw TAT task statuses, as the API documents them (see {@link TatInvocationTask.taskStatus} for others). */
export type TatTaskStatus =
    | "PENDING"
    | "DELIVERING"
    | "DELIVER_DELAYED"
    | "DELIVER_FAILED"
    | "START_FAILED"
    | "RUNNING"
    | "SUCCESS"
    | "FAILED"
    | "TIMEOUT"
    | "TASK_TIMEOUT"
    | "CANCELLING"
    | "CANCELLED"
    | "TERMINATED";

/** The result of running the command on the instance. */
export interface TatTaskResult {
    /** The command's exit code. */
    readonly exitCode?: number;
    /** Command output decoded from base64 to text; undefined when `hideOutput` is true. */
    readonly output?: string;
    /** Command output as the API returns it (base64, at most 24 KB). */
    readonly outputBase64?: string;
    /** When the command started running on the instance, ISO-8601 UTC. */
    readonly execStartTime?: string;
    /** When the command ended on the instance, ISO-8601 UTC. */
    readonly execEndTime?: string;
    /** Bytes of output dropped beyond the API's 24 KB. */
    readonly dropped?: number;
    /** Where the whole output was uploaded (COS), when the invocation asked for it. */
    readonly outputUrl?: string;
    /** Why uploading the output to COS failed, when it did. */
    readonly outputUploadCosErrorInfo?: string;
}

/** The kind of a TAT command: a shell script (Linux), PowerShell or a batch file (Windows). A kind the API adds later is kept as it is. */
export type TatCommandType = "SHELL" | "POWERSHELL" | "BAT" | (string & {});

/** The command as it was run. */
export interface TatCommandDocument {
    /** Command text decoded from base64. */
    readonly content?: string;
    /** Command text as the API returns it (base64). */
    readonly contentBase64?: string;
    /** The command's kind: SHELL, POWERSHELL or BAT. */
    readonly commandType?: TatCommandType;
    /** Timeout in seconds. */
    readonly timeout?: number;
    /** The directory the command ran in. */
    readonly workingDirectory?: string;
    /** The user the command ran as. */
    readonly username?: string;
    /** The COS bucket the output is uploaded to, when the invocation set one. */
    readonly outputCosBucketUrl?: string;
    /** The prefix of the output's key in that bucket. */
    readonly outputCosKeyPrefix?: string;
}

/** One TAT invocation task. */
export interface TatInvocationTask {
    /** The task's id (`invt-...`). */
    readonly invocationTaskId: string;
    /** The invocation it belongs to (`inv-...`). */
    readonly invocationId?: string;
    /** The command it ran (`cmd-...`). */
    readonly commandId?: string;
    /** The instance it ran on (`ins-...`, `lhins-...`, `mi-...`). */
    readonly instanceId?: string;
    /** The raw status, kept as the API sent it: one of {@link TatTaskStatus}, or a status the API added later (state `UNKNOWN`). */
    readonly taskStatus?: TatTaskStatus | (string & {});
    /** The normalized state (see {@link TaskState}). */
    readonly state: TaskState;
    /** Why the task failed, as the API says it (a delivery that failed, say); undefined when it did not. */
    readonly errorInfo?: string;
    /** Where the invocation came from: `USER` for a user's call, `INVOKER` for a scheduled run. */
    readonly invocationSource?: string;
    /** The command's name. */
    readonly commandName?: string;
    /** When the task started, ISO-8601 UTC. */
    readonly startTime?: string;
    /** When the task ended, ISO-8601 UTC; undefined while it runs. */
    readonly endTime?: string;
    /** When the task was created, ISO-8601 UTC. */
    readonly createdTime?: string;
    /** When the task last changed, ISO-8601 UTC. */
    readonly updatedTime?: string;
    /** What running the command gave: exit code, output, times. */
    readonly taskResult?: TatTaskResult;
    /** The command as it was run: its text, kind, timeout, directory and user. */
    readonly commandDocument?: TatCommandDocument;
}

/** What `tencentcloud.getTatInvocationTasks` returns: the tasks read, their summary and the read's RequestIds. */
export type TatInvocationTasksResult = TaskListResult<TatInvocationTask>;

/** Maps a raw TAT status to the normalized state; anything unknown is `UNKNOWN`. */
export const tatTaskState = stateMapping({
    PENDING: ["PENDING", "DELIVERING", "DELIVER_DELAYED"],
    RUNNING: ["RUNNING", "CANCELLING"],
    SUCCEEDED: ["SUCCESS"],
    FAILED: ["FAILED", "DELIVER_FAILED", "START_FAILED"],
    TIMED_OUT: ["TIMEOUT", "TASK_TIMEOUT"],
    CANCELLED: ["CANCELLED", "TERMINATED"],
});

const FILTERS = {
    invocationId: { name: "invocation-id", pattern: { re: /^inv-[a-z0-9]+$/, hint: "an invocation id such as inv-1vll7hda" } },
    instanceId: { name: "instance-id", pattern: undefined },
    commandId: { name: "command-id", pattern: { re: /^cmd-[a-z0-9]+$/, hint: "a command id such as cmd-13axrtuq" } },
    invocationTaskId: { name: "invocation-task-id", pattern: { re: /^invt-[a-z0-9]+$/, hint: "an invocation task id such as invt-08oe5fe2" } },
} as const;
type FilterArg = keyof typeof FILTERS;

/** Every arg this source accepts, connection settings included. */
export const TAT_ARGS: readonly string[] = ["invocationTaskIds", ...Object.keys(FILTERS), "hideOutput", "maxResults", ...TENCENT_CONNECTION_ARGS];

/** The API's limits on one request. */
export const TAT_LIMITS = { pageSize: 100, idsPerRequest: 100, valuesPerFilter: 5, maxQueries: 200 } as const;

interface Filter {
    Name: string;
    Values: string[];
}

/** A validated query: either id batches or filter combinations, each one API query. */
export interface TatQuery {
    readonly hideOutput: boolean;
    readonly maxResults?: number;
    readonly invocationTaskIds?: string[];
    readonly filters?: Partial<Record<FilterArg, string[]>>;
    /** The request bodies to page through (without Offset and Limit). */
    readonly requests: ReadonlyArray<Record<string, unknown>>;
}

/** Validates the args and plans the requests. Pure: sends nothing. */
export function planTatQuery(rawArgs: unknown): TatQuery {
    const args = rejectUnknownArgs(rawArgs, TAT_ARGS);
    const hideOutput = optionalBool("hideOutput", args.hideOutput) ?? true;
    const max = maxResults(args.maxResults);
    if (typeof args.invocationTaskIds === "string") {
        throw new TaskgateValidationError(
            "invocationTaskIds",
            (w) => `must be an array of ids; for one id use ${w.arg("invocationTaskId")}`,
            JSON.stringify(args.invocationTaskIds),
        );
    }
    const ids = idList("invocationTaskIds", args.invocationTaskIds, FILTERS.invocationTaskId.pattern);
    const filters: Partial<Record<FilterArg, string[]>> = {};
    for (const key of Object.keys(FILTERS) as FilterArg[]) {
        const values = idList(key, args[key], FILTERS[key].pattern);
        if (values) filters[key] = values;
    }
    const filterKeys = Object.keys(filters) as FilterArg[];
    if (ids && filterKeys.length > 0) {
        throw new TaskgateValidationError(
            "invocationTaskIds",
            (w) =>
                `cannot be combined with the filters (${filterKeys.map(w.arg).join(", ")}): the API takes either InvocationTaskIds or Filters; give one or the other`,
        );
    }
    const base = { HideOutput: hideOutput };
    let requests: Array<Record<string, unknown>>;
    if (ids) {
        requests = chunk(ids, TAT_LIMITS.idsPerRequest).map((batch) => ({ ...base, InvocationTaskIds: batch }));
    } else if (filterKeys.length > 0) {
        // The API ANDs filters and ORs the values of one filter, 5 values at most: so each filter's
        // values are cut into groups of 5 and every combination of groups is one query.
        let combos: Filter[][] = [[]];
        for (const key of filterKeys) {
            const groups = chunk(filters[key]!, TAT_LIMITS.valuesPerFilter);
            combos = combos.flatMap((c) => groups.map((g) => [...c, { Name: FILTERS[key].name, Values: g }]));
            if (combos.length > TAT_LIMITS.maxQueries) {
                throw new TaskgateValidationError(
                    key,
                    (w) =>
                        `the filters need more than ${TAT_LIMITS.maxQueries} requests (each request takes 5 values per filter, and the filters combine); narrow them, or list the tasks by ${w.arg("invocationTaskIds")}`,
                );
            }
        }
        requests = combos.map((Filters) => ({ ...base, Filters }));
    } else {
        requests = [base];
    }
    return { hideOutput, maxResults: max, invocationTaskIds: ids, filters: filterKeys.length ? filters : undefined, requests };
}

/** Maps one raw `InvocationTask` to a record; an unknown status maps to `UNKNOWN`. */
export function mapTatTask(raw: unknown, hideOutput: boolean): TatInvocationTask | undefined {
    return withId(raw, WIRE.idField, (r, invocationTaskId) => tatTask(r, invocationTaskId, hideOutput));
}

function tatTask(r: Record<string, unknown>, invocationTaskId: string, hideOutput: boolean): TatInvocationTask {
    const result = obj(r.TaskResult);
    const doc = obj(r.CommandDocument);
    const outputBase64 = hideOutput ? undefined : rawStr(result?.Output);
    const contentBase64 = rawStr(doc?.Content);
    return {
        invocationTaskId,
        invocationId: str(r.InvocationId),
        commandId: str(r.CommandId),
        instanceId: str(r.InstanceId),
        taskStatus: str(r.TaskStatus),
        state: tatTaskState(r.TaskStatus),
        errorInfo: str(r.ErrorInfo),
        invocationSource: str(r.InvocationSource),
        commandName: str(r.CommandName),
        startTime: isoTime(r.StartTime),
        endTime: isoTime(r.EndTime),
        createdTime: isoTime(r.CreatedTime),
        updatedTime: isoTime(r.UpdatedTime),
        taskResult: result && {
            exitCode: num(result.ExitCode),
            output: outputBase64 === undefined ? undefined : decodeBase64(outputBase64),
            outputBase64,
            execStartTime: isoTime(result.ExecStartTime),
            execEndTime: isoTime(result.ExecEndTime),
            dropped: num(result.Dropped),
            outputUrl: str(result.OutputUrl),
            outputUploadCosErrorInfo: str(result.OutputUploadCOSErrorInfo),
        },
        commandDocument: doc && {
            content: contentBase64 === undefined ? undefined : decodeBase64(contentBase64),
            contentBase64,
            commandType: str(doc.CommandType),
            timeout: num(doc.Timeout),
            workingDirectory: str(doc.WorkingDirectory),
            username: str(doc.Username),
            outputCosBucketUrl: str(doc.OutputCOSBucketUrl),
            outputCosKeyPrefix: str(doc.OutputCOSKeyPrefix),
        },
    };
}

/** Where the records stand in the API's answers. */
const WIRE = {
    cloud: "tencentcloud",
    api: "tat",
    operation: "DescribeInvocationTasks",
    listName: "InvocationTaskSet",
    idField: "InvocationTaskId",
} as const satisfies RecordList;

/** Parses one response body into a page; a body of the wrong shape is a malformed response. */
export function parseTatPage(body: unknown, hideOutput: boolean, requestId?: string): Page<TatInvocationTask> {
    const malformed = malformedAnswer(WIRE, requestId);
    const b = obj(body);
    const set = b?.InvocationTaskSet;
    const total = count(b?.TotalCount);
    if (!Array.isArray(set) || total === undefined) throw malformed("the response lacks InvocationTaskSet, or its TotalCount is not a count");
    return { items: pageRecords(set, WIRE, (raw) => mapTatTask(raw, hideOutput), malformed), total };
}

/** The id that tells one record apart (paging de-duplicates by it). */
export const tatTaskId = (t: TatInvocationTask): string => t.invocationTaskId;

/** A task as a gate reports it when it fails. */
export function tatFailedTask(t: TatInvocationTask): FailedTask {
    return {
        id: t.invocationTaskId,
        target: t.instanceId,
        state: t.state,
        errorCode: t.taskStatus,
        errorMessage: t.errorInfo,
        exitCode: t.taskResult?.exitCode,
    };
}

/** The TAT data source: its registry entry, and what its read configures of the read pipeline. */
export const tatInvocationTasks = defineSource({
    labelOne: "TAT invocation task",
    traits: { label: "TAT invocation tasks", hasTargets: false, reportsOutcome: true, targetIds: ["instance", "instances"] },
    args: TAT_ARGS,
    idPrefixes: ["tat"],
    idOf: tatTaskId,
    failedTask: tatFailedTask,
    targetOf: (t) => t.instanceId,
    // The API filters by no time: tasks are compared after the read.
    createdAt: (t) => t.createdTime ?? t.startTime,
    plan: planTatQuery,
    access: tencentAccess<TatInvocationTasksArgs>(true),
    api: WIRE.api,
    requests: (q) => q.requests,
    paging: offsetPages(TAT_LIMITS.pageSize),
    // A waiting gate re-reads its unfinished tasks by InvocationTaskIds (100 a request) and counts the
    // query with Limit 1. The API takes ids or Filters, not both; the filters select by invocation,
    // instance, command and task, which a task never changes, so its id alone selects it as well.
    selectByIds: { arg: "invocationTaskIds", perRequest: TAT_LIMITS.idsPerRequest, exclusiveOf: Object.keys(FILTERS), countPageSize: 1 },
    what: `TAT ${WIRE.operation}`,
    connect: tencentApi3OffsetPages(WIRE.api, WIRE.operation, (body: Record<string, unknown>) => body),
    parse: (body, requestId, q) => parseTatPage(body, q.hideOutput, requestId),
    query: (q) => ({ invocationTaskIds: q.invocationTaskIds, filters: q.filters, hideOutput: q.hideOutput, maxResults: q.maxResults }),
});

/**
 * Reads every TAT invocation task matching the args (or the first `maxResults`).
 * @param sources where settings come from besides the args (stack config, environment)
 */
export const readTatInvocationTasks = tatInvocationTasks.read;
