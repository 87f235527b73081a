import { TaskgateValidationError } from "../errors";
import {
    evaluate,
    resolveRequirements,
    selectsTasks,
    selectTasks,
    tally,
    validateGateSettings,
    withSelection,
    type FailedTask,
    type GateRequirements,
    type ResolvedRequirements,
    type TargetGaps,
    type Verdict,
} from "../gateRules";
import type { SourceDefinition } from "../pipeline";
import type { SettingsSources } from "../settings";
import { summarize } from "../summary";
import type { CloudName, TaskListResult, TaskQuery, TaskState } from "../types";
import { orList, PROGRAM_WORDS, type Wording } from "../wording";
import { plural, type Noun } from "../words";
import { type BmCmdTasksArgs, bmCmdTasks } from "./bmCmdTasks";
import { type CphJobsArgs, cphJobs } from "./cphJobs";
import { type MpsTasksArgs, mpsTasks } from "./mpsTasks";
import { type TatInvocationTasksArgs, tatInvocationTasks } from "./tatInvocationTasks";
import { type WorkspaceScriptTasksArgs, workspaceScriptTasks } from "./workspaceScriptTasks";

export type { SourceDefinition };

/** The arguments of each source, by kind: what a gate's `source` holds under that kind. */
export interface SourceArgsByKind {
    /** TAT invocation tasks (`tencentcloud.getTatInvocationTasks`). */
    tatInvocationTasks: TatInvocationTasksArgs;
    /** MPS tasks (`tencentcloud.getMpsTasks`). */
    mpsTasks: MpsTasksArgs;
    /** Bare Metal script tasks (`tencentcloud.getBmCmdTasks`). */
    bmCmdTasks: BmCmdTasksArgs;
    /** CPH jobs (`huaweicloud.getCphJobs`). */
    cphJobs: CphJobsArgs;
    /** Workspace script execution tasks (`huaweicloud.getWorkspaceScriptTasks`). */
    workspaceScriptTasks: WorkspaceScriptTasksArgs;
}

/** The name of a source, as a gate's `source` names it: `tatInvocationTasks`, `mpsTasks`, `bmCmdTasks`, `cphJobs`, `workspaceScriptTasks`. */
export type SourceKind = keyof SourceArgsByKind;

/**
 * The five sources as data, by kind: what gates, `check()` and the CLI need to read any of them and
 * judge the result. Each is defined, read included, in its own file (see ../pipeline); the check
 * ties each to its args above.
 */
export const SOURCES = { tatInvocationTasks, mpsTasks, bmCmdTasks, cphJobs, workspaceScriptTasks } satisfies {
    readonly [K in SourceKind]: { readonly read: (args: SourceArgsByKind[K], sources: SettingsSources) => Promise<unknown> };
};

export const SOURCE_KINDS = Object.keys(SOURCES) as SourceKind[];

/** A source definition, with its record type erased for callers that handle any source. */
export function sourceDefinition(kind: SourceKind): SourceDefinition<unknown, { state: TaskState }> {
    return SOURCES[kind] as unknown as SourceDefinition<unknown, { state: TaskState }>;
}

/**
 * A source's data-source function, as its cloud's module names it: `tencentcloud` and
 * `getTatInvocationTasks`. What a program calls (`tencentcloud.getTatInvocationTasks`) and the
 * plugin's function token (`taskgate:tencentcloud:getTatInvocationTasks`) are both made of it.
 */
export function dataSourceFunction(kind: SourceKind): { module: CloudName; name: string } {
    return { module: SOURCES[kind].cloud, name: `get${kind[0].toUpperCase()}${kind.slice(1)}` };
}

/** A source's records as a noun: `["TAT invocation task", "TAT invocation tasks"]`, for counts in words. */
export function sourceNoun(kind: SourceKind): Noun {
    return [SOURCES[kind].labelOne, SOURCES[kind].traits.label];
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

/** The tasks still pending or running, as a gate that timed out names them. */
export function unfinishedTasks(kind: SourceKind, tasks: ReadonlyArray<{ state: TaskState }>): FailedTask[] {
    return tasks.filter((t) => UNFINISHED.has(t.state)).map(sourceDefinition(kind).failedTask);
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
 * @param words how the reasons name arguments and requirements (a program's words unless given).
 */
export function judgeResult(
    kind: SourceKind,
    result: TaskListResult<{ state: TaskState }>,
    req: ResolvedRequirements,
    words: Wording = PROGRAM_WORDS,
): { verdict: Verdict; failed: FailedTask[]; judgedIds?: ReadonlySet<string> } {
    const def = sourceDefinition(kind);
    const traits = def.traits;
    const query = describeQuery(kind, result.query, words);
    if (!selectsTasks(req)) {
        return {
            verdict: evaluate(tally(result.summary, traits, targetGaps(kind, result.tasks)), req, traits, query, words),
            failed: failingTasks(kind, result.tasks),
        };
    }
    const sel = selectTasks(result.tasks, req, (t) => ({ id: def.idOf(t), target: def.targetOf?.(t), createdAt: def.createdAt(t) }));
    const counted = withSelection(tally(summarize(sel.judged, def.targets), traits, targetGaps(kind, sel.judged)), sel, req);
    return { verdict: evaluate(counted, req, traits, query, words), failed: failingTasks(kind, sel.judged), judgedIds: new Set(sel.judged.map(def.idOf)) };
}

/**
 * The args a gate reads with: narrowed by `createdAfter` where the API filters by time (Workspace),
 * so that old tasks are not even sent; as given elsewhere (the gate compares every task read).
 */
export function readArgs<A>(kind: SourceKind, args: A, req: ResolvedRequirements): A {
    const since = (SOURCES[kind] as unknown as SourceDefinition<A, unknown>).since;
    return req.createdAfter && since ? since(args, new Date(req.createdAfter)) : args;
}

/** Query keys that do not narrow which tasks match; the words of a query leave them out (the region is said apart). */
const NOT_SELECTING: ReadonlySet<string> = new Set(["region", "projectId", "hideOutput", "maxResults", "orderBy", "order"]);

/** How many values of one filter the words name before "and N more". */
const VALUES_NAMED = 3;

/**
 * A result's query in words, for the message of a gate that found no task:
 * `TAT invocation tasks with invocationId inv-typo0001 in ap-guangzhou`. Filters are named as the
 * data source's args name them (`desktopPoolId`, `status`), values as given; text with spaces or
 * odd characters is quoted. Pure; a missing or odd query gives the source's label alone.
 * @param words how filters are named: `invocationId` in a program, `--invocation-id` on the command line.
 */
export function describeQuery(kind: SourceKind, query: TaskQuery | undefined, words: Wording = PROGRAM_WORDS): string {
    const label = sourceDefinition(kind).traits.label;
    if (!isPlainObject(query)) return label;
    const conditions = selectors(query).map(([key, value]) => `${words.arg(argName(key))} ${valuesInWords(value)}`);
    const where = [
        typeof query.region === "string" ? `in ${query.region}` : undefined,
        typeof query.projectId === "string" ? `(project ${query.projectId})` : undefined,
    ].filter((x) => x !== undefined);
    return [label, conditions.length > 0 ? `with ${conditions.join(" and ")}` : undefined, ...where].filter((x) => x !== undefined).join(" ");
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The query's conditions: its own keys and those of its `filters`, less the ones that select nothing. */
function selectors(query: Record<string, unknown>): Array<[string, unknown]> {
    return Object.entries(query)
        .flatMap(([k, v]): Array<[string, unknown]> => (k === "filters" && isPlainObject(v) ? Object.entries(v) : [[k, v]]))
        .filter(([k, v]) => !NOT_SELECTING.has(k) && v !== undefined && v !== null);
}

/** An API's name for a filter as the data source's arg: `desktop_pool_id` is `desktopPoolId`, MPS `statuses` is `status`. */
function argName(key: string): string {
    return key === "statuses" ? "status" : key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function valuesInWords(value: unknown): string {
    const list = (Array.isArray(value) ? value : [value]).map(valueInWords);
    if (list.length === 0) return "(none)";
    return orList(list.length <= VALUES_NAMED ? list : [...list.slice(0, VALUES_NAMED), plural(list.length - VALUES_NAMED, "other")]);
}

function valueInWords(v: unknown): string {
    return typeof v === "string" && /^[\w.:@/+-]+$/.test(v)
        ? v
        : typeof v === "number" || typeof v === "boolean"
          ? String(v)
          : (JSON.stringify(v) ?? String(v));
}

/**
 * Validates a gate's requirements for a source (targets only where it reports them) and fills in
 * the defaults; throws a TaskgateValidationError naming the first bad field, whose message the
 * command line reads in its own words.
 */
export function requirementsFor(kind: SourceKind, require: GateRequirements = {}): ResolvedRequirements {
    const problems = (words?: Wording) => validateGateSettings(require, undefined, sourceDefinition(kind).traits, undefined, words);
    const first = problems()[0];
    if (first) throw new TaskgateValidationError(first.property, (w) => problems(w)[0].reason);
    return resolveRequirements(require);
}
