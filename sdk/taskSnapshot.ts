import * as pulumi from "@pulumi/pulumi";
import { snapshotProvider } from "../provider/dynamic/snapshotProvider";
import type { RecordTasks, SnapshotTask } from "../provider/snapshotRecord";
import type { SourceKind } from "../provider/sources";
import type { TaskSummary } from "../provider/types";
import { type GateSource, protectSource } from "./taskGate";

export type { RecordTasks, SnapshotTask } from "../provider/snapshotRecord";

/**
 * The task list a snapshot records: exactly one source, with the same args as its data source
 * (connection settings included), as a {@link TaskGate}'s `source`.
 *
 * ```typescript
 * { tatInvocationTasks: { commandId: "cmd-nightly1" } }
 * { workspaceScriptTasks: { desktopPoolId: "pool-1", executeTimeStart: "2026-11-16T00:00:00Z" } }
 * ```
 */
export type SnapshotSource = GateSource;

/** The arguments of a {@link TaskSnapshot}. */
export interface TaskSnapshotArgs {
    /** The task list to record: one of `tatInvocationTasks`, `mpsTasks`, `bmCmdTasks`, `cphJobs`, `workspaceScriptTasks`. */
    source: SnapshotSource;
    /**
     * Which tasks `tasks` keeps: `"failing"` (default: failed, timed out, cancelled, in an unknown
     * state, or with failed targets) or `"all"`. Either way `summary` counts every task read and
     * `digest` hashes every one, so a refresh shows that a task changed even when it is not
     * recorded. The default keeps the state small (about 300 bytes per failing task, whatever the
     * list's length) and `pulumi refresh --diff` short; `"all"` keeps about 300 bytes per task, and
     * a refresh that finds a change prints every recorded task. Capped by `maxTasks` either way.
     */
    recordTasks?: pulumi.Input<RecordTasks>;
    /**
     * Record each task's command output too (TAT output, CPH `execute_msg`; the other sources
     * report none, and asking for it is an error). The output is stored as a Pulumi secret, in
     * `commandOutputs`, never in plain text. Default false.
     */
    includeOutput?: pulumi.Input<boolean>;
    /** With `includeOutput`: keep the last this many characters of each output (1..65536, default 4096). */
    maxOutputChars?: pulumi.Input<number>;
    /**
     * Record at most this many of the tasks `recordTasks` selects (1..10000, default 1000). Beyond
     * it the record keeps the failing tasks first, then the others in the order the API lists them,
     * and sets `truncated`; `summary`, `taskCount` and `digest` still cover every task read. To read
     * fewer tasks, use the source's own `maxResults`.
     */
    maxTasks?: pulumi.Input<number>;
    /** Any values; when they change the list is read again (as in pulumi-command). */
    triggers?: pulumi.Input<unknown[]>;
}

const TYPE = "pulumi-nodejs:dynamic/taskgate:TaskSnapshot";

/**
 * An audit record of a task list kept in the stack's state: which tasks ran, where, when and how
 * they ended. `pulumi up` reads the list and records it; `pulumi refresh` reads it again and shows
 * what changed since (new tasks, tasks whose state changed, tasks the API no longer lists) as the
 * refresh's diff, and the state's history keeps every earlier record.
 *
 * It reads the list again when its query, settings or `triggers` change (an update, same id);
 * changing the source kind replaces it. Credentials are read at deploy time from the stack config
 * (`tencentcloud:secretKey`, ...) or the environment; credential args are stored as secrets.
 * Command output is recorded only with `includeOutput`, and then as a secret. By default `tasks`
 * keeps the failing tasks only, and `digest` stands for the whole list (`recordTasks: "all"` keeps
 * every task, up to `maxTasks`).
 *
 * ## Example Usage
 *
 * ```typescript
 * import * as taskgate from "pulumi-taskgate";
 *
 * // The nightly maintenance command's tasks: counts of all, and each failing one (which host, how it ended).
 * const nightly = new taskgate.TaskSnapshot("nightly-audit", {
 *     source: { tatInvocationTasks: { commandId: "cmd-nightly1" } },
 *     includeOutput: true,   // stored as a secret
 * });
 *
 * export const nightlySummary = nightly.summary;
 * export const nightlyFailures = nightly.tasks.apply((tasks) => Object.entries(tasks)
 *     .filter(([, t]) => t.state !== "SUCCEEDED")
 *     .map(([id, t]) => `${t.startTime} ${id} on ${t.target}: ${t.state} (exit ${t.exitCode ?? "-"})`));
 * ```
 *
 * ```bash
 * pulumi refresh --diff   # what changed in the list since the last up or refresh
 * ```
 */
export class TaskSnapshot extends pulumi.dynamic.Resource {
    /** The source kind, e.g. `tatInvocationTasks`. */
    declare public readonly sourceKind: pulumi.Output<SourceKind>;
    /** The id of the query, as the data source reports it (never derived from credentials). */
    declare public readonly queryId: pulumi.Output<string>;
    /** When the list was last read (ISO-8601 UTC): at `up`, or at the last `refresh`. */
    declare public readonly readAt: pulumi.Output<string>;
    /** Counts by state (and by target, where reported) of every task read. */
    declare public readonly summary: pulumi.Output<TaskSummary>;
    /** The total the API reported. */
    declare public readonly totalCount: pulumi.Output<number>;
    /** How many tasks were read. */
    declare public readonly taskCount: pulumi.Output<number>;
    /**
     * A hash of every task read, recorded or not (its id, state, raw status, target, times, exit
     * code and error; never its output): a refresh that finds any task changed, new or gone shows
     * `digest` changing.
     */
    declare public readonly digest: pulumi.Output<string>;
    /** Which tasks `tasks` keeps: `failing` (the default) or `all`. */
    declare public readonly recordTasks: pulumi.Output<RecordTasks>;
    /** True when `recordTasks` selected more than `maxTasks` tasks: `tasks` holds `maxTasks` of them, failing ones first. */
    declare public readonly truncated: pulumi.Output<boolean>;
    /** The cap applied to `tasks`. */
    declare public readonly maxTasks: pulumi.Output<number>;
    /** Whether command output is recorded. */
    declare public readonly includeOutput: pulumi.Output<boolean>;
    /** The recorded tasks by id (the failing ones, or all with `recordTasks: "all"`): state, raw status, target(s), command, times, exit and error codes. */
    declare public readonly tasks: pulumi.Output<Record<string, SnapshotTask>>;
    /** With `includeOutput`: each task's command output by task id (tasks with output only). A secret. */
    declare public readonly commandOutputs: pulumi.Output<Record<string, string> | undefined>;

    /**
     * @param name the snapshot's name: unique in the stack.
     * @param args its source and what to record.
     * @param opts Pulumi's resource options (`dependsOn`, `parent`, `aliases`, ...).
     */
    constructor(name: string, args: TaskSnapshotArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            snapshotProvider,
            name,
            {
                source: protectSource(args.source),
                recordTasks: args.recordTasks,
                includeOutput: args.includeOutput,
                maxTasks: args.maxTasks,
                maxOutputChars: args.maxOutputChars,
                triggers: args.triggers,
                snapshotName: name,
                snapshotUrn: pulumi.createUrn(name, TYPE, opts?.parent),
                // Outputs are only wired for keys present in the props.
                sourceKind: undefined,
                queryId: undefined,
                readAt: undefined,
                summary: undefined,
                totalCount: undefined,
                taskCount: undefined,
                digest: undefined,
                truncated: undefined,
                tasks: undefined,
                commandOutputs: undefined,
            },
            pulumi.mergeOptions(opts, {
                // A dynamic provider cannot return secrets itself (pulumi/pulumi#3012): the engine marks
                // these outputs secret, and keeps them secret on refresh. `credentials` holds the
                // credential args given explicitly, so that refresh can read with them.
                additionalSecretOutputs: ["commandOutputs", "credentials"],
            }),
            "taskgate",
            "TaskSnapshot",
        );
    }
}
