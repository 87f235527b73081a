import { TaskgateValidationError } from "../errors";
import { evaluate, resolveRequirements, tally, validateGateSettings, type FailedTask, type GateRequirements, type GateSourceTraits, type ResolvedRequirements, type TargetGaps, type Verdict } from "../gateRules";
import type { ReadOptions } from "../paging";
import { resolveHuawei, resolveTencent, SettingsSources } from "../settings";
import type { CloudName, TargetSummary, TaskListResult, TaskState } from "../types";
import { BM_ARGS, bmTaskId, bmFailedTask, BmCmdTask, bmTargets, BmCmdTasksArgs, planBmQuery, readBmCmdTasks } from "./bmCmdTasks";
import { CPH_ARGS, cphJobId, cphFailedTask, CphJob, CphJobsArgs, planCphQuery, readCphJobs } from "./cphJobs";
import { MPS_ARGS, mpsTaskId, MpsTask, mpsFailedTask, MpsTasksArgs, planMpsQuery, readMpsTasks } from "./mpsTasks";
import { planTatQuery, TAT_ARGS, tatTaskId, readTatInvocationTasks, TatInvocationTask, TatInvocationTasksArgs, tatFailedTask } from "./tatInvocationTasks";
import { planWorkspaceQuery, WORKSPACE_ARGS, workspaceTaskId, readWorkspaceScriptTasks, workspaceFailedTask, WorkspaceScriptTask, WorkspaceScriptTasksArgs, workspaceTargets } from "./workspaceScriptTasks";

/**
 * The five sources as data: what gates, `check()` and the CLI need to read any of them and judge
 * the result, without a switch over source kinds in each place.
 */
export interface SourceDefinition<A, T> {
    readonly cloud: CloudName;
    readonly traits: GateSourceTraits;
    /** The id of a record. */
    readonly idOf: (t: T) => string;
    /** Every arg the source accepts, connection settings included. */
    readonly args: readonly string[];
    /** Validates the query args (no I/O); throws a TaskgateValidationError. */
    readonly plan: (args: unknown) => unknown;
    /** Resolves and validates the connection settings (no I/O); throws a TaskgateValidationError. */
    readonly connection: (args: A, sources: SettingsSources) => unknown;
    readonly read: (args: A, sources: SettingsSources, options?: ReadOptions) => Promise<TaskListResult<T>>;
    readonly failedTask: (t: T) => FailedTask;
    /** The task's per-target counts, where the API reports targets (machines, desktops). */
    readonly targets?: (t: T) => TargetSummary;
    /** The API names a result's id starts with (`tat-...`). */
    readonly idPrefixes: readonly string[];
}

function define<A, T>(d: SourceDefinition<A, T>): SourceDefinition<A, T> {
    return d;
}

export const SOURCES = {
    tatInvocationTasks: define<TatInvocationTasksArgs, TatInvocationTask>({
        cloud: "tencentcloud", traits: { label: "TAT invocation tasks", hasTargets: false, reportsOutcome: true },
        args: TAT_ARGS, idOf: tatTaskId, plan: planTatQuery, connection: (a, s) => resolveTencent(a, s, true), read: readTatInvocationTasks, failedTask: tatFailedTask, idPrefixes: ["tat"],
    }),
    mpsTasks: define<MpsTasksArgs, MpsTask>({
        cloud: "tencentcloud", traits: { label: "MPS tasks", hasTargets: false, reportsOutcome: false },
        args: MPS_ARGS, idOf: mpsTaskId, plan: planMpsQuery, connection: (a, s) => resolveTencent(a, s, false), read: readMpsTasks, failedTask: mpsFailedTask, idPrefixes: ["mps"],
    }),
    bmCmdTasks: define<BmCmdTasksArgs, BmCmdTask>({
        cloud: "tencentcloud", traits: { label: "Bare Metal script tasks", hasTargets: true, targetName: "machines", reportsOutcome: true },
        args: BM_ARGS, idOf: bmTaskId, plan: planBmQuery, connection: (a, s) => resolveTencent(a, s, true), read: readBmCmdTasks, failedTask: bmFailedTask,
        targets: bmTargets, idPrefixes: ["bm", "bmLegacy"],
    }),
    cphJobs: define<CphJobsArgs, CphJob>({
        cloud: "huaweicloud", traits: { label: "CPH jobs", hasTargets: false, reportsOutcome: true },
        args: CPH_ARGS, idOf: cphJobId, plan: planCphQuery, connection: (a, s) => resolveHuawei(a, s, "cph"), read: readCphJobs, failedTask: cphFailedTask, idPrefixes: ["cph"],
    }),
    workspaceScriptTasks: define<WorkspaceScriptTasksArgs, WorkspaceScriptTask>({
        cloud: "huaweicloud", traits: { label: "Workspace script execution tasks", hasTargets: true, targetName: "desktops", reportsOutcome: true },
        args: WORKSPACE_ARGS, idOf: workspaceTaskId, plan: planWorkspaceQuery, connection: (a, s) => resolveHuawei(a, s, "workspace"), read: readWorkspaceScriptTasks, failedTask: workspaceFailedTask,
        targets: workspaceTargets, idPrefixes: ["workspace"],
    }),
};

/** The name of a source, as a gate's `source` names it. */
export type SourceKind = keyof typeof SOURCES;
export const SOURCE_KINDS = Object.keys(SOURCES) as SourceKind[];

/** The arguments of each source, by kind. */
export interface SourceArgsByKind {
    tatInvocationTasks: TatInvocationTasksArgs;
    mpsTasks: MpsTasksArgs;
    bmCmdTasks: BmCmdTasksArgs;
    cphJobs: CphJobsArgs;
    workspaceScriptTasks: WorkspaceScriptTasksArgs;
}

/** A source definition, with its record type erased for callers that handle any source. */
export function sourceDefinition(kind: SourceKind): SourceDefinition<unknown, { state: TaskState }> {
    return SOURCES[kind] as unknown as SourceDefinition<unknown, { state: TaskState }>;
}

/** The kind of source a result came from, told by its id (`tat-...`, `cph-...`). */
export function sourceKindOfResult(result: { id: string }): SourceKind | undefined {
    const prefix = result.id.slice(0, result.id.lastIndexOf("-"));
    return SOURCE_KINDS.find((k) => SOURCES[k].idPrefixes.includes(prefix));
}

const FAILING: ReadonlySet<TaskState> = new Set(["FAILED", "TIMED_OUT", "CANCELLED", "UNKNOWN"]);
const UNFINISHED: ReadonlySet<TaskState> = new Set(["PENDING", "RUNNING"]);

/** The tasks a gate reports as failing: failed states, unknown states, and tasks with failed targets. */
export function failingTasks(kind: SourceKind, tasks: ReadonlyArray<{ state: TaskState }>): FailedTask[] {
    const def = sourceDefinition(kind);
    return tasks.filter((t) => FAILING.has(t.state) || (def.targets?.(t).failed ?? 0) > 0).map(def.failedTask);
}

/** Tasks the per-target counts of a source miss (see {@link TargetGaps}); none where it reports no targets. */
export function targetGaps(kind: SourceKind, tasks: ReadonlyArray<{ state: TaskState }>): TargetGaps {
    const targets = sourceDefinition(kind).targets;
    let failedWithoutTargets = 0;
    let unfinishedWithoutTargets = 0;
    if (targets) {
        for (const t of tasks) {
            const x = targets(t);
            if (t.state !== "UNKNOWN" && FAILING.has(t.state) && x.failed === 0) failedWithoutTargets++;
            if (UNFINISHED.has(t.state) && x.total - x.succeeded - x.failed - x.skipped <= 0) unfinishedWithoutTargets++;
        }
    }
    return { failedWithoutTargets, unfinishedWithoutTargets };
}

/**
 * Judges a read by the gate's rules: what `TaskGate`, `check()`, the CLI and the report all use, so
 * they can never disagree.
 */
export function judgeResult(kind: SourceKind, result: TaskListResult<{ state: TaskState }>, req: ResolvedRequirements): { verdict: Verdict; failed: FailedTask[] } {
    const traits = sourceDefinition(kind).traits;
    return { verdict: evaluate(tally(result.summary, traits, targetGaps(kind, result.tasks)), req, traits), failed: failingTasks(kind, result.tasks) };
}

/**
 * Validates a gate's requirements for a source (targets only where it reports them) and fills in
 * the defaults; throws a TaskgateValidationError naming the first bad field.
 */
export function requirementsFor(kind: SourceKind, require: GateRequirements = {}): ResolvedRequirements {
    const problems = validateGateSettings(require, undefined, sourceDefinition(kind).traits);
    if (problems.length > 0) throw new TaskgateValidationError(problems[0].property, problems[0].reason);
    return resolveRequirements(require);
}
