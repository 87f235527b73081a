import { TaskgateValidationError } from "./errors";
import { safeRender } from "./settings";
import { SOURCES, SOURCE_KINDS, sourceKindOfResult, type SourceKind } from "./sources";
import { TASK_STATES } from "./types";
import { plural } from "./words";

/**
 * Checks that a value is a data-source result before a gate judges it. `check()` takes whatever a
 * program hands it (a result read back from JSON, a stack output, an object built by hand), and a
 * wrong one must be a clear error naming the field, never a TypeError from deep inside the rules,
 * nor a verdict on counts that do not describe the tasks.
 */

/** The summary's counts by state; with `total` and `done` they make a TaskSummary. */
const STATE_COUNTS = ["pending", "running", "succeeded", "failed", "cancelled", "timedOut", "finished", "unknown"] as const;
const TARGET_COUNTS = ["total", "succeeded", "failed", "skipped"] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** A value as an error shows it: primitives as written, objects by kind (they may be large, or not serializable). */
function shown(v: unknown): string {
    return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : typeof v === "function" ? "a function" : safeRender(v);
}

function fail(field: string, problem: string, value: unknown): never {
    throw new TaskgateValidationError(field, problem, shown(value));
}

/**
 * Returns the kind of source a result came from, or throws a TaskgateValidationError naming the
 * first field that is missing or of the wrong shape (`result.summary.failed`, `result.tasks[3].state`).
 */
export function checkResultShape(result: unknown): SourceKind {
    if (!isObject(result)) fail("result", "must be a taskgate data-source result (what getTatInvocationTasks and the other data sources return)", result);
    if (typeof result.id !== "string") fail("result.id", "must be the result's id, a string such as tat-3f9c...", result.id);
    const kind = sourceKindOfResult(result as { id: string });
    if (!kind) {
        const prefixes = SOURCE_KINDS.flatMap((k) => SOURCES[k].idPrefixes.map((p) => `${p}-`));
        fail("result.id", `does not name a source (a data-source result's id starts with ${prefixes.join(", ")})`, result.id);
    }
    const total = checkSummary(result.summary);
    checkTasks(result.tasks, total);
    if (result.query !== undefined && !isObject(result.query)) fail("result.query", "must be the result's query, an object", result.query);
    return kind;
}

/** Checks the summary and returns its total. */
function checkSummary(summary: unknown): number {
    if (!isObject(summary)) fail("result.summary", `must be an object with total, ${STATE_COUNTS.join(", ")} and done`, summary);
    for (const k of ["total", ...STATE_COUNTS]) {
        if (!isCount(summary[k])) fail(`result.summary.${k}`, "must be a whole number >= 0", summary[k]);
    }
    if (typeof summary.done !== "boolean") fail("result.summary.done", "must be true or false", summary.done);
    const total = summary.total as number;
    const counted = STATE_COUNTS.reduce((a, k) => a + (summary[k] as number), 0);
    if (counted !== total) fail("result.summary.total", `must be the sum of the counts by state (${counted})`, total);
    if (summary.targets !== undefined) {
        const targets = summary.targets;
        if (!isObject(targets)) fail("result.summary.targets", `must be an object with ${TARGET_COUNTS.join(", ")}`, targets);
        for (const k of TARGET_COUNTS) {
            if (!isCount(targets[k])) fail(`result.summary.targets.${k}`, "must be a whole number >= 0", targets[k]);
        }
    }
    return total;
}

function checkTasks(tasks: unknown, total: number): void {
    if (!Array.isArray(tasks)) fail("result.tasks", "must be the array of tasks", tasks);
    tasks.forEach((t: unknown, i) => {
        if (!isObject(t)) fail(`result.tasks[${i}]`, "must be a task (an object with a state)", t);
        if (!(TASK_STATES as readonly unknown[]).includes(t.state)) fail(`result.tasks[${i}].state`, `must be one of ${TASK_STATES.join(", ")}`, t.state);
    });
    // A verdict on counts that do not describe the tasks would judge other tasks than it names.
    if (tasks.length !== total) {
        fail(
            "result.summary.total",
            `does not count the ${plural(tasks.length, "task")} in result.tasks: judge the result as the data source returned it (a changed task list needs a new read)`,
            total,
        );
    }
}
