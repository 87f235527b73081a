import type { SOURCES, SourceKind } from "../provider/sources";
import type { BmCmdTask } from "../provider/sources/bmCmdTasks";
import type { CphJob } from "../provider/sources/cphJobs";
import type { MpsTask } from "../provider/sources/mpsTasks";
import type { TatInvocationTask } from "../provider/sources/tatInvocationTasks";
import type { WorkspaceScriptTask } from "../provider/sources/workspaceScriptTasks";
import type { TaskState } from "../provider/types";
import { plural } from "./html";

/**
 * What a report draws for each source: which "target group" a task belongs to, and how many
 * units (tasks, or the machines and desktops a task ran on) it adds to that group's bar in each
 * state. Every per-source choice of the report lives here, so that the renderer has no switch
 * over source kinds.
 */

/** A part of a stacked bar: a task state, or a target the API reports as skipped (Workspace). */
export type Segment = TaskState | "SKIPPED";

/** The order of segments in a bar: outcomes that went well first, failures last (next to the counts). */
export const SEGMENTS: readonly Segment[] = ["SUCCEEDED", "FINISHED", "SKIPPED", "RUNNING", "PENDING", "CANCELLED", "TIMED_OUT", "FAILED", "UNKNOWN"];

/** Segments that count against a rollout, as the gate counts them (TIMED_OUT and CANCELLED are failures; UNKNOWN is never success). */
export const FAILING_SEGMENTS: ReadonlySet<Segment> = new Set<Segment>(["FAILED", "TIMED_OUT", "CANCELLED", "UNKNOWN"]);
const UNFINISHED: ReadonlySet<Segment> = new Set<Segment>(["PENDING", "RUNNING"]);

/** What one task adds to a bar, by segment (segments it adds nothing to may be left out). */
export type Units = Partial<Record<Segment, number>>;

/** How a report shows the records of one source. */
export interface SourceView<T> {
    /** What a group is, singular and plural: `instance`, `instances`. */
    readonly groupNoun: readonly [string, string];
    /** What the source calls its tasks, singular and plural. */
    readonly taskNoun: readonly [string, string];
    /** What the bars count: `tasks`, or the targets (`machines`, `desktops`). */
    readonly unit: string;
    /** How tasks become units, where that is not one unit a task. */
    readonly unitNote?: string;
    /** The group a task belongs to; `key` groups, `label` is shown. */
    readonly group: (t: T) => { key: string; label: string };
    /** What the task adds to its group's bar, by segment. */
    readonly units: (t: T) => Units;
}

/** The record type of a source, read off its definition. */
type RecordOf<K extends SourceKind> = Awaited<ReturnType<(typeof SOURCES)[K]["read"]>>["tasks"][number];

const oneUnit = (t: { state: TaskState }): Units => ({ [t.state]: 1 });

/**
 * Units of a task that reports per-target counts. A task that reports no target at all (not
 * started yet, or failed before reaching any), or that failed without a failed target, or that
 * is still running with an unknown number of targets to go, adds one unit in its own state, as
 * the gate counts a failed task without failed targets as one failed target: a task must never
 * vanish from its bar.
 */
function targetUnits(state: TaskState, counted: Units, unknownRest: boolean): Units {
    const units: Units = Object.fromEntries(Object.entries(counted).filter(([, n]) => (n ?? 0) > 0));
    const reported = Object.values(units).reduce((a, n) => a + (n ?? 0), 0);
    const failedTargets = [...FAILING_SEGMENTS].reduce((a, s) => a + (units[s] ?? 0), 0);
    if (reported === 0 || (FAILING_SEGMENTS.has(state) && failedTargets === 0) || (unknownRest && UNFINISHED.has(state))) {
        units[state] = (units[state] ?? 0) + 1;
    }
    return units;
}

const shortId = (id: string) => (id.length > 14 ? `${id.slice(0, 12)}…` : id);

/**
 * The target group of each source:
 * - TAT: the instance the task ran on (one invocation runs one task per instance);
 * - MPS: the task type (`WorkflowTask`, `EditMediaTask`, ...): MPS names no target;
 * - Bare Metal: the task itself, its bar counting its machines (the API reports per-machine
 *   counts, not machine ids);
 * - CPH: the server the phone lives on (a job runs on one phone; a server hosts many);
 * - Workspace: the task itself, its bar counting its desktops.
 */
export const VIEWS: { readonly [K in SourceKind]: SourceView<RecordOf<K>> } = {
    tatInvocationTasks: {
        taskNoun: ["task", "tasks"],
        groupNoun: ["instance", "instances"],
        unit: "tasks",
        group: (t: TatInvocationTask) => ({ key: t.instanceId ?? "", label: t.instanceId ?? "(no instance)" }),
        units: oneUnit,
    },
    mpsTasks: {
        taskNoun: ["task", "tasks"],
        groupNoun: ["task type", "task types"],
        unit: "tasks",
        group: (t: MpsTask) => ({ key: t.taskType ?? "", label: t.taskType ?? "(no task type)" }),
        units: oneUnit,
    },
    bmCmdTasks: {
        taskNoun: ["task", "tasks"],
        groupNoun: ["task", "tasks"],
        unit: "machines",
        unitNote: "A task that reports no machine counts as one; machines of a finished task with no reported outcome count as finished.",
        group: (t: BmCmdTask) => ({ key: t.taskId, label: `${t.taskId} · ${t.alias ?? t.cmdId ?? "script"}` }),
        units: (t) => {
            const rest = Math.max(0, (t.instanceCount ?? 0) - (t.successCount ?? 0) - (t.failureCount ?? 0));
            // Machines a finished task reports no outcome for are done without a known outcome.
            const restState: Segment = UNFINISHED.has(t.state) || t.state === "UNKNOWN" ? t.state : "FINISHED";
            return targetUnits(t.state, { SUCCEEDED: t.successCount, FAILED: t.failureCount, [restState]: rest }, false);
        },
    },
    cphJobs: {
        taskNoun: ["job", "jobs"],
        groupNoun: ["server", "servers"],
        unit: "jobs",
        group: (j: CphJob) => {
            const server = j.serverId ?? j.encodeServerId ?? j.nodeId;
            return server ? { key: `server:${server}`, label: server } : { key: `phone:${j.phoneId ?? ""}`, label: `phone ${j.phoneId ?? "(none)"}` };
        },
        units: oneUnit,
    },
    workspaceScriptTasks: {
        taskNoun: ["task", "tasks"],
        groupNoun: ["task", "tasks"],
        unit: "desktops",
        unitNote:
            "A task that reports no desktop (not started, or failed before reaching one), or is still running (the API does not say how many desktops are left), also counts as one.",
        group: (t: WorkspaceScriptTask) => {
            const what =
                t.scripts
                    .map((s) => s.name ?? s.id)
                    .filter(Boolean)
                    .join(", ") ||
                t.commandType ||
                "command";
            return { key: t.id, label: `${shortId(t.id)} · ${what} · ${t.desktopPoolName ?? t.desktopPoolId ?? "(no pool)"}` };
        },
        // While a task runs the API reports the desktops done so far, not how many are left.
        units: (t) => targetUnits(t.state, { SUCCEEDED: t.successNum, FAILED: t.failedNum, SKIPPED: t.skipNum }, true),
    },
};

/** The view of a source, with its record type erased for code that handles any source. */
export function sourceView(kind: SourceKind): SourceView<{ state: TaskState }> {
    return VIEWS[kind] as unknown as SourceView<{ state: TaskState }>;
}

/** One bar: a group's units by segment. */
export interface TargetGroup {
    readonly label: string;
    readonly units: Readonly<Record<Segment, number>>;
    /** All units of the group. */
    readonly total: number;
    /** Tasks in the group. */
    readonly tasks: number;
    /** For the "others" bar: how many groups it folds together. */
    readonly folded?: number;
}

/** Groups as a report shows them: the largest problems first, the rest folded into one bar. */
export interface Grouping {
    readonly groups: readonly TargetGroup[];
    /** Every group not shown on its own, as one bar; undefined when all are shown. */
    readonly others?: TargetGroup;
    /** How many groups there are in all. */
    readonly groupCount: number;
}

/** Zero units in every segment. */
export const emptyUnits = (): Record<Segment, number> => Object.fromEntries(SEGMENTS.map((s) => [s, 0])) as Record<Segment, number>;

/** Sums units into `into` (mutated). */
export function addUnits(into: Record<Segment, number>, units: Units): Record<Segment, number> {
    for (const s of SEGMENTS) into[s] += units[s] ?? 0;
    return into;
}

const sumOf = (u: Readonly<Record<Segment, number>>, set: ReadonlySet<Segment>) => SEGMENTS.reduce((a, s) => a + (set.has(s) ? u[s] : 0), 0);

/**
 * Groups tasks per the source's view and keeps the `limit` groups that matter most (most failing
 * units, then most unfinished, then largest, then by label, so the same input always gives the
 * same page); the rest become one "others" bar. Folding a single group would only rename it, so
 * it is shown as itself.
 */
export function groupTargets(kind: SourceKind, tasks: ReadonlyArray<{ state: TaskState }>, limit = 12): Grouping {
    const view = sourceView(kind);
    const byKey = new Map<string, { label: string; units: Record<Segment, number>; tasks: number }>();
    for (const t of tasks) {
        const g = view.group(t);
        let entry = byKey.get(g.key);
        if (!entry) {
            entry = { label: g.label, units: emptyUnits(), tasks: 0 };
            byKey.set(g.key, entry);
        }
        addUnits(entry.units, view.units(t));
        entry.tasks++;
    }
    const all: TargetGroup[] = [...byKey.values()].map((g) => ({ ...g, total: SEGMENTS.reduce((a, s) => a + g.units[s], 0) }));
    all.sort(
        (a, b) =>
            sumOf(b.units, FAILING_SEGMENTS) - sumOf(a.units, FAILING_SEGMENTS) ||
            sumOf(b.units, UNFINISHED) - sumOf(a.units, UNFINISHED) ||
            b.total - a.total ||
            (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
    );
    if (all.length <= limit + 1) return { groups: all, groupCount: all.length };
    const rest = all.slice(limit);
    const units = emptyUnits();
    for (const g of rest) addUnits(units, g.units);
    const others: TargetGroup = {
        label: `others (${plural(rest.length, ...view.groupNoun)})`,
        units,
        total: rest.reduce((a, g) => a + g.total, 0),
        tasks: rest.reduce((a, g) => a + g.tasks, 0),
        folded: rest.length,
    };
    return { groups: all.slice(0, limit), others, groupCount: all.length };
}
