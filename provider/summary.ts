import type { TargetSummary, TaskState, TaskSummary } from "./types";

/** The summary field that counts each state. */
const COUNT_FIELD: Readonly<Record<TaskState, keyof TaskSummary>> = {
    PENDING: "pending",
    RUNNING: "running",
    SUCCEEDED: "succeeded",
    FAILED: "failed",
    CANCELLED: "cancelled",
    TIMED_OUT: "timedOut",
    FINISHED: "finished",
    UNKNOWN: "unknown",
};

/** How many tasks of a summary are in `state`. */
export function countOf(summary: TaskSummary, state: TaskState): number {
    return summary[COUNT_FIELD[state]] as number;
}

/** What {@link summarize} needs of a record. */
export interface Summarizable {
    readonly state: TaskState;
}

/**
 * Counts records by state. `targetsOf`, given for APIs that report per-target counts
 * (BM, Workspace), adds `targets`.
 */
export function summarize<T extends Summarizable>(tasks: readonly T[], targetsOf?: (t: T) => TargetSummary): TaskSummary {
    const c: Record<TaskState, number> = {
        PENDING: 0,
        RUNNING: 0,
        SUCCEEDED: 0,
        FAILED: 0,
        CANCELLED: 0,
        TIMED_OUT: 0,
        FINISHED: 0,
        UNKNOWN: 0,
    };
    for (const t of tasks) c[t.state] = (c[t.state] ?? 0) + 1;
    const summary: TaskSummary = {
        total: tasks.length,
        pending: c.PENDING,
        running: c.RUNNING,
        succeeded: c.SUCCEEDED,
        failed: c.FAILED,
        cancelled: c.CANCELLED,
        timedOut: c.TIMED_OUT,
        finished: c.FINISHED,
        unknown: c.UNKNOWN,
        done: c.PENDING + c.RUNNING + c.UNKNOWN === 0,
    };
    if (!targetsOf) return summary;
    const targets = { total: 0, succeeded: 0, failed: 0, skipped: 0 };
    for (const t of tasks) {
        const x = targetsOf(t);
        targets.total += x.total;
        targets.succeeded += x.succeeded;
        targets.failed += x.failed;
        targets.skipped += x.skipped;
    }
    return { ...summary, targets };
}
