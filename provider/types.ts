/**
 * Types shared by every data source: the result frame, the normalized task state and the
 * summary that gates and audits read. They are plain declarations so that a native provider
 * plugin (a later step) can reuse them unchanged.
 */

/**
 * The normalized state of one task, the same vocabulary for every cloud.
 *
 * `FINISHED` means done with no outcome reported (MPS lists tasks only as WAITING,
 * PROCESSING or FINISH). `UNKNOWN` is a raw status this package does not know: it is kept
 * on the record (`status`/`taskStatus`), counted in `summary.unknown`, and always fails a gate,
 * never counting as success.
 */
export type TaskState = "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED" | "TIMED_OUT" | "FINISHED" | "UNKNOWN";

/** All states, in the order summaries and reports list them. */
export const TASK_STATES: readonly TaskState[] = ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT", "FINISHED", "UNKNOWN"];

/** Counts of targets (hosts, desktops) where the API reports them per task (BM, Workspace). */
export interface TargetSummary {
    /** Targets the tasks ran on (or were to run on). */
    readonly total: number;
    /** Targets where the task succeeded. */
    readonly succeeded: number;
    /** Targets where the task failed. */
    readonly failed: number;
    /** Targets the task skipped (Workspace: desktops it did not run on). */
    readonly skipped: number;
}

/** The same summary shape for every cloud, for gates and audits. */
export interface TaskSummary {
    /** Number of tasks read. */
    readonly total: number;
    /** Tasks in the state `PENDING`: waiting, queued or being delivered. */
    readonly pending: number;
    /** Tasks in the state `RUNNING`. */
    readonly running: number;
    /** Tasks in the state `SUCCEEDED`. */
    readonly succeeded: number;
    /** Tasks in the state `FAILED`. */
    readonly failed: number;
    /** Tasks in the state `CANCELLED`: cancelled or terminated before they ended. */
    readonly cancelled: number;
    /** Tasks in the state `TIMED_OUT`. */
    readonly timedOut: number;
    /** Done, with no outcome reported by the API (MPS). */
    readonly finished: number;
    /** Raw statuses this package does not recognise; they never count as success. */
    readonly unknown: number;
    /** True when no task is pending, running or in an unknown state. */
    readonly done: boolean;
    /** Per-target counts, present only where the API reports targets (BM, Workspace). */
    readonly targets?: TargetSummary;
}

/** The frame every data source returns. */
export interface TaskListResult<T> {
    /** Stable hash of the query (cloud, API, region, normalized args); never of credentials. */
    readonly id: string;
    /**
     * The query the result answers, as the source normalized it: the region (and Huawei project),
     * the filters or ids, `maxResults`; never a credential or an endpoint. `id` hashes it, and a gate
     * that finds no task puts it in words ("no tasks matched the query (TAT invocation tasks with
     * invocationId inv-1 in ap-guangzhou)").
     */
    readonly query: TaskQuery;
    /** Typed records in camelCase with values parsed (numbers, ISO-8601 UTC times, decoded output). */
    readonly tasks: T[];
    /** The total the API reported (summed over batched queries); CPH reports none, so its job count. */
    readonly totalCount: number;
    /** Counts by normalized state. */
    readonly summary: TaskSummary;
    /** Every RequestId the cloud returned while reading, for support tickets and audits. */
    readonly requestIds: string[];
}

/** A normalized query: plain data (strings, numbers, booleans, lists and objects of them), keys sorted. */
export type TaskQuery = Readonly<Record<string, unknown>>;

/** The clouds taskgate reads. */
export type CloudName = "tencentcloud" | "huaweicloud";

/** The APIs taskgate reads; also the keys of rate limits and emulator routes. */
export type ApiName = "tat" | "mps" | "bm" | "bmLegacy" | "cph" | "workspace";

/** Receives log lines. Never given a secret: callers redact before they log. */
export interface Logger {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
}

/** A logger that drops everything, for plain Node.js callers who pass none. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };
