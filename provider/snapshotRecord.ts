import { createHash } from "node:crypto";
import type { RuleFailure } from "./gateRules";
import { failingTasks, type SourceKind, type SOURCES, sourceDefinition } from "./sources";
import type { TargetSummary, TaskState } from "./types";

/**
 * The compact record a TaskSnapshot keeps in the stack's state: per task what an audit asks
 * (what ran, where, when, how it ended), in one shape for all five sources. Pure functions: no
 * I/O, so they are tested on plain records and judge alike at `up` and at `refresh`.
 */

/**
 * One task as a snapshot records it. Fields the source does not report are left out.
 *
 * | field | TAT | MPS | Bare Metal | CPH | Workspace |
 * |---|---|---|---|---|---|
 * | `status` (raw) | TaskStatus | listing status | -1 / 0 | 1 / 2 / -1 | status |
 * | `target` | instance id | | | phone id (else server id) | desktop pool id |
 * | `targets` | | | machines | | desktops |
 * | `command` / `commandName` | command id / name | task type / | cmd id / alias | | script ids / names (or command type) |
 * | `invocationId` | invocation id | | | | |
 * | `createdTime`, `startTime`, `endTime` | created, start, end | create, begin process, finish | -, run begin, run end | -, begin, end | -, start, end |
 * | `exitCode` | exit code | | | | |
 * | `errorCode`, `errorMessage` | -, error info | | | error code, message | |
 */
export interface SnapshotTask {
    /** The normalized state (`SUCCEEDED`, `FAILED`, ...), as in the data sources. */
    readonly state: TaskState;
    /** The raw status the API reported, as a string. */
    readonly status?: string;
    /** Where the task ran: TAT instance, CPH phone (or server), Workspace desktop pool. */
    readonly target?: string;
    /** Per-target counts where the API reports them: Bare Metal machines, Workspace desktops. */
    readonly targets?: TargetSummary;
    /** What ran: TAT command id, MPS task type, Bare Metal cmd id, Workspace script ids. */
    readonly command?: string;
    /** Its name: TAT command name, Bare Metal alias, Workspace script names (or command type). */
    readonly commandName?: string;
    /** TAT only: the invocation the task belongs to. */
    readonly invocationId?: string;
    /** When the task was requested (TAT, MPS), ISO-8601 UTC. */
    readonly createdTime?: string;
    /** When the task started (MPS: began processing), ISO-8601 UTC; undefined before it starts. */
    readonly startTime?: string;
    /** When the task ended, ISO-8601 UTC; undefined while it runs. */
    readonly endTime?: string;
    /** TAT only: the command's exit code. */
    readonly exitCode?: number;
    /** CPH only: the cloud's error code, e.g. `CPS0005`. */
    readonly errorCode?: string;
    /** TAT error info or CPH error message, at most 300 characters. */
    readonly errorMessage?: string;
}

/** How a snapshot reads and records one source's records (`targets` come from the source's registry entry). */
interface Compactor<T> {
    /** The record's fields, but for its state and targets (the same for every source) and its raw status as the API sent it. */
    readonly task: (t: T) => Omit<SnapshotTask, "state" | "status" | "targets"> & { readonly status?: string | number };
    /** Command output, for sources that report one (TAT output, CPH execute_msg). */
    readonly output?: (t: T) => string | undefined;
    /** The source arg that must take this value for the output to be read (TAT `hideOutput: false`). */
    readonly outputArg?: { readonly name: string; readonly value: unknown };
}

/** The record type of a source, as its registry entry reads it. */
type RecordOf<K extends SourceKind> = Parameters<(typeof SOURCES)[K]["failedTask"]>[0];

const COMPACT: { readonly [K in SourceKind]: Compactor<RecordOf<K>> } = {
    tatInvocationTasks: {
        task: (t) => ({
            status: t.taskStatus,
            target: t.instanceId,
            command: t.commandId,
            commandName: t.commandName,
            invocationId: t.invocationId,
            createdTime: t.createdTime,
            startTime: t.startTime,
            endTime: t.endTime,
            exitCode: t.taskResult?.exitCode,
            errorMessage: t.errorInfo,
        }),
        output: (t) => t.taskResult?.output,
        outputArg: { name: "hideOutput", value: false },
    },
    mpsTasks: {
        task: (t) => ({
            status: t.status,
            command: t.taskType,
            createdTime: t.createTime,
            startTime: t.beginProcessTime,
            endTime: t.finishTime,
        }),
    },
    bmCmdTasks: {
        task: (t) => ({
            status: t.status,
            command: t.cmdId,
            commandName: t.alias,
            startTime: t.runBeginTime,
            endTime: t.runEndTime,
        }),
    },
    cphJobs: {
        task: (t) => ({
            status: t.status,
            target: t.phoneId ?? t.serverId ?? t.encodeServerId,
            startTime: t.beginTime,
            endTime: t.endTime,
            errorCode: t.errorCode,
            errorMessage: t.errorMsg,
        }),
        output: (t) => t.executeMsg,
    },
    workspaceScriptTasks: {
        task: (t) => ({
            status: t.status,
            target: t.desktopPoolId ?? t.desktopPoolName,
            command: joined(t.scripts.map((s) => s.id)),
            commandName:
                joined(
                    t.scripts.map((s) => s.name),
                    ", ",
                ) ?? t.commandType,
            startTime: t.startTime,
            endTime: t.endTime,
        }),
    },
};

function compactor(kind: SourceKind): Compactor<{ state: TaskState }> {
    return COMPACT[kind] as unknown as Compactor<{ state: TaskState }>;
}

function joined(values: ReadonlyArray<string | undefined>, sep = ","): string | undefined {
    const present = values.filter((v): v is string => !!v);
    return present.length ? present.join(sep) : undefined;
}

/** One record as a snapshot records it (and a report lists it): status, target, command, times, outcome. */
export function taskRecord(kind: SourceKind, t: { state: TaskState }): SnapshotTask {
    const { status, ...task } = compactor(kind).task(t);
    return withoutUndefined({
        state: t.state,
        status: status === undefined ? undefined : String(status),
        ...task,
        targets: sourceDefinition(kind).targets?.(t),
        errorMessage: cut(task.errorMessage, SNAPSHOT_LIMITS.errorMessageChars),
    });
}

/**
 * Which tasks a snapshot keeps in `tasks`: `failing` (failed, timed out, cancelled, in an unknown
 * state, or with failed targets) or `all`. Either way `summary` counts every task read and `digest`
 * hashes every one.
 */
export type RecordTasks = "failing" | "all";

/** The values of {@link RecordTasks}, the default first. */
export const RECORD_TASKS: readonly RecordTasks[] = ["failing", "all"];

/** Default and bounds of `maxTasks` and `maxOutputChars`. */
export const SNAPSHOT_LIMITS = {
    maxTasks: { default: 1000, max: 10_000 },
    maxOutputChars: { default: 4096, max: 65_536 },
    errorMessageChars: 300,
} as const;

/** What decides how a snapshot records a list, with defaults applied. */
export interface SnapshotSettings {
    readonly recordTasks: RecordTasks;
    readonly maxTasks: number;
    readonly includeOutput: boolean;
    readonly maxOutputChars: number;
}

/** The sources that report command output (TAT, CPH). */
export const OUTPUT_SOURCES: readonly SourceKind[] = (Object.keys(COMPACT) as SourceKind[]).filter((k) => COMPACT[k].output);

/**
 * Validates a snapshot's own settings against its source (the source args are checked by the
 * data source's rules). `isUnknown` tells values still unknown during preview: they are skipped.
 */
export function validateSnapshotSettings(
    s: { recordTasks?: unknown; includeOutput?: unknown; maxTasks?: unknown; maxOutputChars?: unknown },
    kind: SourceKind | undefined,
    args: Record<string, unknown> | undefined,
    isUnknown: (v: unknown) => boolean,
): RuleFailure[] {
    const f: RuleFailure[] = [];
    const known = (v: unknown) => v !== undefined && v !== null && !isUnknown(v);
    const whole = (v: unknown, max: number) => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= max;
    if (known(s.recordTasks) && !RECORD_TASKS.includes(s.recordTasks as RecordTasks)) {
        f.push({
            property: "recordTasks",
            reason: `must be ${RECORD_TASKS.map((v) => JSON.stringify(v)).join(" or ")} (default "${RECORD_TASKS[0]}"), got ${JSON.stringify(s.recordTasks)}`,
        });
    }
    for (const key of ["maxTasks", "maxOutputChars"] as const) {
        const v = s[key];
        if (known(v) && !whole(v, SNAPSHOT_LIMITS[key].max)) {
            f.push({
                property: key,
                reason: `must be a whole number from 1 to ${SNAPSHOT_LIMITS[key].max} (default ${SNAPSHOT_LIMITS[key].default}), got ${JSON.stringify(v)}`,
            });
        }
    }
    if (known(s.includeOutput) && typeof s.includeOutput !== "boolean")
        f.push({ property: "includeOutput", reason: `must be true or false, got ${JSON.stringify(s.includeOutput)}` });
    if (s.includeOutput === true && kind) {
        const c = compactor(kind);
        if (!c.output) {
            f.push({
                property: "includeOutput",
                reason: `${sourceDefinition(kind).traits.label} report no command output; includeOutput applies to ${OUTPUT_SOURCES.join(" and ")} only`,
            });
        } else if (c.outputArg && args && known(args[c.outputArg.name]) && args[c.outputArg.name] !== c.outputArg.value) {
            f.push({
                property: `source.${kind}.${c.outputArg.name}`,
                reason: `is ${JSON.stringify(args[c.outputArg.name])}, which leaves the output out, but includeOutput asks for it; drop ${c.outputArg.name}`,
            });
        }
    }
    if (known(s.maxOutputChars) && s.includeOutput !== true && !isUnknown(s.includeOutput)) {
        f.push({ property: "maxOutputChars", reason: "applies only with includeOutput: true" });
    }
    return f;
}

/** Applies the defaults (after validation). */
export function resolveSnapshotSettings(s: {
    recordTasks?: RecordTasks;
    includeOutput?: boolean;
    maxTasks?: number;
    maxOutputChars?: number;
}): SnapshotSettings {
    return {
        recordTasks: s.recordTasks ?? RECORD_TASKS[0],
        maxTasks: s.maxTasks ?? SNAPSHOT_LIMITS.maxTasks.default,
        includeOutput: s.includeOutput ?? false,
        maxOutputChars: s.maxOutputChars ?? SNAPSHOT_LIMITS.maxOutputChars.default,
    };
}

/** The source args a snapshot reads with: the data source's args, plus what reading the output takes. */
export function readArgs(kind: SourceKind, args: Record<string, unknown>, settings: SnapshotSettings): Record<string, unknown> {
    const arg = compactor(kind).outputArg;
    return settings.includeOutput && arg ? { ...args, [arg.name]: arg.value } : args;
}

/** The record of one read. */
export interface SnapshotRecord {
    /** The recorded tasks by id (the failing ones, or all, as `recordTasks` says); at most `maxTasks`. */
    readonly tasks: Record<string, SnapshotTask>;
    /** A hash of every task read (see {@link recordsDigest}). */
    readonly digest: string;
    /** Command output by task id (tasks with output only), present when `includeOutput` is set. */
    readonly commandOutputs?: Record<string, string>;
    /** How many tasks were read. */
    readonly taskCount: number;
    /** True when `recordTasks` selected more tasks than `maxTasks`: the record keeps `maxTasks` of them. */
    readonly truncated: boolean;
}

/**
 * Records a task list compactly: the failing tasks (failed, timed out, cancelled, unknown, or with
 * failed targets), or with `recordTasks: "all"` every task, the failing ones first, then the others
 * in the order the API listed them. Over `maxTasks` the rest is left out and `truncated` says so;
 * the summary still counts every task read and the digest hashes every one, so the state's size
 * follows the failing tasks, not the list, and a refresh still notices any change.
 */
export function snapshotRecord(kind: SourceKind, list: ReadonlyArray<{ state: TaskState }>, settings: SnapshotSettings): SnapshotRecord {
    const c = compactor(kind);
    const idOf = sourceDefinition(kind).idOf;
    // Each task's record once: the digest hashes every one, and `tasks` keeps some of the same.
    const records = new Map(list.map((t) => [idOf(t), taskRecord(kind, t)]));
    const failing = new Set(failingTasks(kind, list).map((t) => t.id));
    const isFailing = (t: { state: TaskState }) => failing.has(idOf(t));
    const selected = settings.recordTasks === "all" ? [...list.filter(isFailing), ...list.filter((t) => !isFailing(t))] : list.filter(isFailing);
    const kept = selected.slice(0, settings.maxTasks);
    const tasks: Record<string, SnapshotTask> = {};
    const outputs: Record<string, string> = {};
    for (const t of kept) {
        const id = idOf(t);
        tasks[id] = records.get(id)!;
        const output = settings.includeOutput ? c.output?.(t) : undefined;
        if (output) outputs[id] = tail(output, settings.maxOutputChars);
    }
    return {
        tasks,
        digest: recordsDigest(records),
        ...(settings.includeOutput ? { commandOutputs: outputs } : {}),
        taskCount: list.length,
        truncated: kept.length < selected.length,
    };
}

/**
 * A hash of every task of a list: its id and all a snapshot would record of it (state, raw
 * status, targets, times, exit code, error), in id order so that the API's order does not count.
 * Any task that changes, appears or vanishes changes it, recorded or not, so a refresh notices
 * what the default record leaves out. Command output is left out: it is a secret, and a short
 * one could be guessed from its hash.
 */
function recordsDigest(records: ReadonlyMap<string, SnapshotTask>): string {
    const lines = [...records].map((entry) => JSON.stringify(entry)).sort();
    const hash = createHash("sha256");
    for (const line of lines) hash.update(line).update("\n");
    return hash.digest("hex").slice(0, 32);
}

function withoutUndefined<T extends object>(o: T): T {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function cut(s: string | undefined, max: number): string | undefined {
    return s && s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** The end of an output (where errors are), marked when its start was cut. */
function tail(s: string, max: number): string {
    return s.length > max ? `[taskgate: first ${s.length - max} characters cut]\n${s.slice(-max)}` : s;
}
