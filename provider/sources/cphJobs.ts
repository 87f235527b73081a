import type { FailedTask } from "../gateRules";
import { TaskgateValidationError } from "../errors";
import { offsetPagesUntilShort, type Page } from "../paging";
import { defineSource } from "../pipeline";
import { malformedAnswer, pageRecords, type RecordList, withId } from "./records";
import { huaweiAccess, huaweiOffsetPages } from "./clouds";
import { plural } from "../words";
import type { HuaweiConnectionArgs } from "../settings";
import type { TaskListResult, TaskState } from "../types";
import { isoTime, num, obj, rawStr, str } from "../values";
import { chunk, HUAWEI_CONNECTION_ARGS, idList, maxResults, rejectUnknownArgs } from "../validate";

/**
 * Huawei Cloud CPH (cloud phone) `ListJobs`, `GET /v1/{project_id}/cloud-phone/jobs`: the jobs a
 * request (an adb command, a restart...) started, one per phone or server. It takes up to 20
 * request ids per call and pages by offset/limit (limit <= 100) without reporting a total.
 */

/** Arguments of `huaweicloud.getCphJobs`. One of `requestId` and `requestIds` is required. */
export interface CphJobsArgs extends HuaweiConnectionArgs {
    /** The `request_id` returned when the jobs were started. */
    requestId?: string;
    /** Several request ids, any number: sent 20 per call. */
    requestIds?: string[];
    /** Read at most this many jobs; all of them when omitted. */
    maxResults?: number;
}

/**
 * A CPH job's raw status: 1 running, 2 succeeded, -1 failed. A number the API adds later is kept as
 * it is (and maps to the state `UNKNOWN`).
 */
export type CphJobStatus = 1 | 2 | -1 | (number & {});

/** One CPH job. */
export interface CphJob {
    /** The job's id. */
    readonly jobId: string;
    /** The cloud phone it ran on, for a phone job. */
    readonly phoneId?: string;
    /** The cloud phone server it ran on, for a server job. */
    readonly serverId?: string;
    /** Deprecated by the API in favour of `serverId`. */
    readonly nodeId?: string;
    /** The encoding server it ran on, for an encoding-server job. */
    readonly encodeServerId?: string;
    /** When the job began, ISO-8601 UTC. */
    readonly beginTime?: string;
    /** When the job ended, ISO-8601 UTC; undefined while it runs. */
    readonly endTime?: string;
    /** Raw status: 1 running, 2 succeeded, -1 failed. */
    readonly status?: CphJobStatus;
    /** The normalized state (see {@link TaskState}). */
    readonly state: TaskState;
    /** Error code of a failed job, e.g. `CPS0005` (undefined on success, where the API sends ""). */
    readonly errorCode?: string;
    /** The error message of a failed job. */
    readonly errorMsg?: string;
    /** What the job returned (at most 1024 bytes). */
    readonly executeMsg?: string;
}

/** What `huaweicloud.getCphJobs` returns: the jobs read, their summary and the read's RequestIds. */
export type CphJobsResult = TaskListResult<CphJob>;

/** Maps a raw CPH job status to the normalized state. */
export function cphJobState(status: unknown): TaskState {
    switch (num(status)) {
        case 1:
            return "RUNNING";
        case 2:
            return "SUCCEEDED";
        case -1:
            return "FAILED";
        default:
            return "UNKNOWN";
    }
}

/** Every arg this source accepts, connection settings included. */
export const CPH_ARGS: readonly string[] = ["requestId", "requestIds", "maxResults", ...HUAWEI_CONNECTION_ARGS];
export const CPH_LIMITS = { pageSize: 100, requestIdsPerCall: 20 } as const;
const REQUEST_ID = { re: /^[A-Za-z0-9_-]+$/, hint: "a request id of letters, digits, '-' and '_', such as 6837531fd3f54550927b930180a706bf" };

/** A validated CPH query. */
export interface CphQuery {
    readonly requestIds: string[];
    readonly maxResults?: number;
}

/** Validates the args. Pure. */
export function planCphQuery(rawArgs: unknown): CphQuery {
    const args = rejectUnknownArgs(rawArgs, CPH_ARGS);
    if (Array.isArray(args.requestId)) {
        throw new TaskgateValidationError("requestId", (w) => `must be one id; for several use ${w.arg("requestIds")}`, plural(args.requestId.length, "id"));
    }
    const one = idList("requestId", args.requestId, REQUEST_ID);
    const many = idList("requestIds", args.requestIds, REQUEST_ID);
    if (!one && !many) {
        throw new TaskgateValidationError(
            "requestId",
            (w) => `is required: give ${w.arg("requestId")} or ${w.arg("requestIds")}, the request id(s) returned when the CPH jobs were started`,
        );
    }
    const requestIds = [...new Set([...(one ?? []), ...(many ?? [])])];
    return { requestIds, maxResults: maxResults(args.maxResults) };
}

/** Maps one raw job. */
export function mapCphJob(raw: unknown): CphJob | undefined {
    return withId(raw, WIRE.idField, (r, jobId) => ({
        jobId,
        phoneId: str(r.phone_id),
        serverId: str(r.server_id),
        nodeId: str(r.node_id),
        encodeServerId: str(r.encode_server_id),
        beginTime: isoTime(r.begin_time),
        endTime: isoTime(r.end_time),
        status: num(r.status),
        state: cphJobState(r.status),
        errorCode: str(r.error_code),
        errorMsg: str(r.error_msg),
        executeMsg: rawStr(r.execute_msg),
    }));
}

/** Where the records stand in the API's answers. */
const WIRE = { cloud: "huaweicloud", api: "cph", operation: "ListJobs", listName: "jobs", idField: "job_id" } as const satisfies RecordList;

/** Parses one response body into a page. */
export function parseCphPage(body: unknown, requestId?: string): Page<CphJob> {
    const malformed = malformedAnswer(WIRE, requestId);
    const jobs = obj(body)?.jobs;
    if (!Array.isArray(jobs)) throw malformed("the response lacks the jobs array");
    return { items: pageRecords(jobs, WIRE, mapCphJob, malformed) };
}

/** The id that tells one record apart (paging de-duplicates by it). */
export const cphJobId = (j: CphJob): string => j.jobId;

/** The phone, server or encoding server a job ran on: a phone job names its server too, and the phone is what it ran on. */
export const cphTarget = (j: CphJob): string | undefined => j.phoneId ?? j.serverId ?? j.encodeServerId;

/** A job as a gate reports it when it fails. */
export function cphFailedTask(j: CphJob): FailedTask {
    return {
        id: j.jobId,
        target: cphTarget(j),
        state: j.state,
        errorCode: j.errorCode,
        errorMessage: j.errorMsg ?? j.executeMsg,
    };
}

/** The CPH data source: its registry entry, and what its read configures of the read pipeline. */
export const cphJobs = defineSource({
    labelOne: "CPH job",
    traits: { label: "CPH jobs", hasTargets: false, reportsOutcome: true, targetIds: ["phone or server", "phones or servers"] },
    args: CPH_ARGS,
    idPrefixes: ["cph"],
    idOf: cphJobId,
    failedTask: cphFailedTask,
    targetOf: cphTarget,
    // ListJobs takes request ids only: jobs are compared by their start after the read.
    createdAt: (j) => j.beginTime,
    plan: planCphQuery,
    access: huaweiAccess<CphJobsArgs>(WIRE.api),
    api: WIRE.api,
    requests: (q) => chunk(q.requestIds, CPH_LIMITS.requestIdsPerCall),
    paging: offsetPagesUntilShort(CPH_LIMITS.pageSize),
    what: `CPH ${WIRE.operation}`,
    connect: huaweiOffsetPages(
        WIRE.api,
        WIRE.operation,
        "/v1/{project_id}/cloud-phone/jobs",
        (batch: string[]): Record<string, string> => (batch.length === 1 ? { request_id: batch[0] } : { request_ids: batch.join(",") }),
    ),
    parse: parseCphPage,
    query: (q, conn) => ({ projectId: conn.projectId, requestIds: q.requestIds, maxResults: q.maxResults }),
});

/** Reads every job of the given request ids (or the first `maxResults`). */
export const readCphJobs = cphJobs.read;
