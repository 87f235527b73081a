import * as pulumi from "@pulumi/pulumi";
import { gateProvider } from "../provider/dynamic/gateProvider";
import type { FailedTask, GateRequirements, GateWait, ToleratedTarget } from "../provider/gateRules";
import { SECRET_ARG_NAMES } from "../provider/settings";
import type { SourceArgsByKind, SourceKind } from "../provider/sources";
import type { TaskSummary } from "../provider/types";
import type { InputArgs } from "./runtime";

/**
 * The task list a gate reads: exactly one source, with the same args as its data source
 * (connection settings included).
 *
 * ```typescript
 * { tatInvocationTasks: { invocationId: "inv-1vll7hda" } }
 * { cphJobs: { requestIds: ["6837531fd3f54550927b930180a706bf"] } }
 * ```
 */
export type GateSource = { [K in SourceKind]: { [P in K]: InputArgs<SourceArgsByKind[K]> } & { [Q in Exclude<SourceKind, K>]?: never } }[SourceKind];

/** The arguments of a {@link TaskGate}. */
export interface TaskGateArgs {
    /** The task list to judge: one of `tatInvocationTasks`, `mpsTasks`, `bmCmdTasks`, `cphJobs`, `workspaceScriptTasks`. */
    source: GateSource;
    /**
     * What must hold. `minSucceeded` and `minSuccessRatio` (0..1) count machines or desktops where
     * the API reports them (BM, Workspace) and tasks elsewhere; `maxFailed` defaults to 0 and
     * `allDone` to true. A query that matches no task fails the gate ("no tasks matched the query",
     * with the query in words) unless `allowEmpty` is true: a mistyped id is no clean rollout.
     * `expectTargets` names the instances (TAT) or phones and servers (CPH) that must each have a
     * task, `createdAfter` (an ISO time, or `"gateCreation"`) ignores older tasks, and
     * `tolerateFailuresOn` names targets whose failure does not count.
     */
    require?: pulumi.Input<InputArgs<GateRequirements>>;
    /**
     * Wait for the tasks: poll every `pollIntervalSeconds` (default 5, growing while nothing
     * finishes) until they are done, the requirements are met, or `timeoutSeconds` (default 600)
     * pass; with `failFast` (default true) stop as soon as the requirements can no longer be met,
     * or when the query still matches no task after 30 s (tasks may lag their invocation by a
     * moment; a mistyped id never matches). Without `wait` the gate checks once.
     */
    wait?: pulumi.Input<InputArgs<GateWait>>;
    /** Any values; when they change the gate checks again (as in pulumi-command). */
    triggers?: pulumi.Input<unknown[]>;
}

const TYPE = "pulumi-nodejs:dynamic/taskgate:TaskGate";

/**
 * A deployment gate: reads a task list (optionally waiting for it to finish) and fails
 * `pulumi up` with one readable error when the requirements are not met, so that no resource
 * depending on it is created. It checks again when its inputs or `triggers` change, and on every
 * `up` after it failed; `pulumi refresh` re-reads its summary.
 *
 * Credentials are read at deploy time from the stack config (`tencentcloud:secretKey`, ...) or
 * the environment, so none is stored in state; explicit credential args are stored as secrets.
 *
 * ## Example Usage
 *
 * ```typescript
 * const gate = new taskgate.TaskGate("migration-gate", {
 *     source: { tatInvocationTasks: { invocationId: migration.invocationId } },
 *     require: { minSuccessRatio: 0.95, maxFailed: 5 },
 *     wait: { timeoutSeconds: 900 },
 * });
 * new tencentcloud.clb.Instance("lb", { ... }, { dependsOn: [gate] });
 * ```
 */
export class TaskGate extends pulumi.dynamic.Resource {
    /** True when the requirements held at the last check. */
    declare public readonly passed: pulumi.Output<boolean>;
    /** Counts by state (and by target, where reported) at the last check. */
    declare public readonly summary: pulumi.Output<TaskSummary>;
    /** The first failing tasks (20 at most): id, target, state, error code and message, exit code. */
    declare public readonly failedTasks: pulumi.Output<FailedTask[]>;
    /** How many tasks were failing. */
    declare public readonly failedTaskCount: pulumi.Output<number>;
    /** Each requirement not met, in words; empty when the gate passed. */
    declare public readonly reasons: pulumi.Output<string[]>;
    /** When the gate last read its source (ISO-8601 UTC). */
    declare public readonly checkedAt: pulumi.Output<string>;
    /** Seconds the gate waited for its tasks. */
    declare public readonly waitedSeconds: pulumi.Output<number>;
    /** The source kind, e.g. `tatInvocationTasks`. */
    declare public readonly sourceKind: pulumi.Output<SourceKind>;
    /** The id of the query, as the data source reports it. */
    declare public readonly queryId: pulumi.Output<string>;
    /** When the gate was first created (ISO-8601 UTC): what `createdAfter: "gateCreation"` means; it stays when the gate checks again. */
    declare public readonly createdAt: pulumi.Output<string>;
    /** With `tolerateFailuresOn`: the tolerated targets whose task did not succeed (or that had none), set aside: target, state, task id. */
    declare public readonly tolerated: pulumi.Output<ToleratedTarget[] | undefined>;

    /**
     * @param name the gate's name: unique in the stack, and in its messages.
     * @param args its source, requirements and wait.
     * @param opts Pulumi's resource options (`dependsOn`, `parent`, `aliases`, ...).
     */
    constructor(name: string, args: TaskGateArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            gateProvider,
            name,
            {
                source: protectSource(args.source),
                require: args.require,
                wait: args.wait,
                triggers: args.triggers,
                gateName: name,
                gateUrn: pulumi.createUrn(name, TYPE, opts?.parent),
                // Outputs are only wired for keys present in the props.
                passed: undefined,
                summary: undefined,
                failedTasks: undefined,
                failedTaskCount: undefined,
                reasons: undefined,
                checkedAt: undefined,
                waitedSeconds: undefined,
                sourceKind: undefined,
                queryId: undefined,
                createdAt: undefined,
                tolerated: undefined,
            },
            opts,
            "taskgate",
            "TaskGate",
        );
    }
}

/**
 * Marks credential args secret, so that state stores them encrypted even when a program passes
 * them as plain strings, and turns Dates into ISO strings (a provider receives plain data only).
 * Shared by the dynamic resources that take a `source` (TaskGate, TaskSnapshot); not public API.
 */
export function protectSource(source: GateSource): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [kind, args] of Object.entries(source as Record<string, Record<string, unknown> | undefined>)) {
        if (args === undefined || args === null || pulumi.Output.isInstance(args) || typeof args !== "object") {
            out[kind] = args;
            continue;
        }
        // Before pulumi.output() sees them: it would flatten a Date to {}.
        out[kind] = Object.fromEntries(
            Object.entries(args).map(([k, v]) => [
                k,
                SECRET_ARG_NAMES.includes(k) && v !== undefined ? pulumi.secret(v) : v instanceof Date ? v.toISOString() : v,
            ]),
        );
    }
    return out;
}
