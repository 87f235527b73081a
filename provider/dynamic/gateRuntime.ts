import { randomUUID } from "node:crypto";
import {
    type FailedTask,
    GateFailedError,
    type GateRequirements,
    rejectInvalid,
    type GateWait,
    resolveRequirements,
    type ResolvedRequirements,
    type ResolvedWait,
    resolveWait,
    type RuleFailure,
    selectsTasks,
    type ToleratedTarget,
    unitNoun,
    validateGateSettings,
    type Verdict,
} from "../gateRules";
import { gatePolls, type PollHow } from "../polls";
import { type Clock, REAL_CLOCK } from "../retry";
import type { SettingsSources } from "../settings";
import { judgeResult, readArgs, type SourceKind, sourceDefinition, unfinishedTasks } from "../sources";
import type { Logger, TaskListResult, TaskState, TaskSummary } from "../types";
import type { Wording } from "../wording";
import { plural, seconds } from "../words";
import { progressLogger } from "./engineLog";
import { watchEngine } from "./engineWatch";
import { withoutHostEcho } from "./hostEcho";
import { type DiffAnswer, refreshChanges } from "./refreshChanges";
import { checkSource, containsUnknown, hashOf, publicQuery, publicSource, sourceOf, UNKNOWN } from "./sourceInputs";

/**
 * Everything a TaskGate does at deploy time. The provider object that Pulumi serializes into the
 * state (gateProvider.ts) only forwards to these functions, which load here, in the dynamic
 * provider's process, from the installed package: so no SDK, credential or config is ever
 * captured in the serialized provider.
 */

/** The inputs of a TaskGate as the provider receives them (secrets unwrapped by the engine). */
export interface GateInputs {
    /** Exactly one key: the source kind, holding that source's args. */
    source: Partial<Record<SourceKind, Record<string, unknown>>>;
    require?: GateRequirements;
    wait?: GateWait;
    /** Any values; a change re-runs the gate. */
    triggers?: unknown[];
    /** The resource name, for messages. */
    gateName?: string;
    /** The resource URN, to attach progress logs to it. */
    gateUrn?: string;
}

/** The outputs a TaskGate records. */
export interface GateOutputs {
    passed: boolean;
    summary: TaskSummary;
    /** The first failing tasks (at most {@link FAILED_TASKS_IN_STATE}). */
    failedTasks: FailedTask[];
    /** How many tasks were failing in all. */
    failedTaskCount: number;
    /** Why the gate failed; empty when it passed. */
    reasons: string[];
    checkedAt: string;
    /** Seconds spent waiting for the tasks. */
    waitedSeconds: number;
    sourceKind: SourceKind;
    /** The source's query, without credentials, so that refresh can read it again. */
    query: Record<string, unknown>;
    /** The id of the query (as a data source would report it). */
    queryId: string;
    /** A hash of the inputs that decide the verdict, compared by `diff`. */
    inputsHash: string;
    /** The requirements judged, so that refresh judges alike. */
    require: GateRequirements;
    /** When the gate was first created, ISO-8601 UTC: what `createdAfter: "gateCreation"` means, kept across its checks. */
    createdAt?: string;
    /** The tolerated targets whose task did not succeed, set aside (with `tolerateFailuresOn`). */
    tolerated?: ToleratedTarget[];
    gateName?: string;
    gateUrn?: string;
}

/** Failing tasks kept in state: enough to act on, small enough for a 16 KB state budget. */
export const FAILED_TASKS_IN_STATE = 20;

let settings: SettingsSources = { config: () => undefined, env: process.env };
let logSink: (gateUrn: string | undefined) => Logger = progressLogger;
let progressIntervalMs = 5000;

/** What a waiting gate reads the time from and pauses with: real time, or a test's. */
let clock: Clock = REAL_CLOCK;

/** Whether polls after the first re-read only the unfinished tasks where the source can (../polls.ts); off only for comparisons. */
let incrementalPolls = true;

/** For tests and the benchmark: `false` makes every poll read the whole list, as gates did before incremental polls. */
export function setIncrementalPolls(on: boolean): void {
    incrementalPolls = on;
}

/** For tests: a clock that moves when the gate sleeps, so a 30 s wait takes no real time. `undefined` restores real time. */
export function setClock(c: Clock | undefined): void {
    clock = c ?? REAL_CLOCK;
}

/** Called by Pulumi with the stack's whole config (namespaces kept): credentials come from it, then the environment. */
export function configure(req: { config: { get(key: string): string | undefined } }): void {
    settings = { config: (k) => req.config.get(k), env: process.env };
}

/** For tests: where progress lines go, and how often. */
export function setProgress(sink: (gateUrn: string | undefined) => Logger, intervalMs = progressIntervalMs): void {
    logSink = sink;
    progressIntervalMs = intervalMs;
}

/** For tests: settings without Pulumi's configure. */
export function setSettings(s: SettingsSources): void {
    settings = s;
}

/** Validates a gate's inputs. Parts still unknown during preview are skipped, never failed. */
export function checkInputs(news: GateInputs): RuleFailure[] {
    const source = checkSource(news.source, settings);
    if (!source.kind && source.failures.length > 0) return source.failures;
    const traits = source.kind ? sourceDefinition(source.kind).traits : { label: "tasks", hasTargets: false, reportsOutcome: true };
    const require = news.require === (UNKNOWN as never) ? {} : news.require;
    const wait = news.wait === (UNKNOWN as never) ? undefined : news.wait;
    return [...source.failures, ...validateGateSettings(require, wait, traits, containsUnknown)];
}

/** Kept exported here for existing callers; it lives in sourceInputs.ts, shared with TaskSnapshot. */
export { publicQuery };

/** Hash of the inputs that decide the verdict. Credentials are left out: rotating a key does not re-run a gate. */
export function inputsHash(news: GateInputs): string {
    return hashOf({ source: publicSource(news.source), require: news.require ?? null, wait: news.wait ?? null, triggers: news.triggers ?? null });
}

/**
 * Re-runs the gate when it has not passed, or when its verdict-deciding inputs change (or are
 * unknown); relabels it when it was renamed (see {@link update}); never replaces it.
 *
 * "Has not passed" is read from the recorded outputs, not left to the engine's initialization
 * errors: a refresh writes the state without them (and may find a passed gate failing now), and
 * then nothing else would make the next `up` judge the gate again before its dependents.
 */
export function diffInputs(olds: Partial<GateOutputs>, news: GateInputs): { changes: boolean; replaces: string[] } {
    const changes = containsUnknown(news) || olds.passed !== true || olds.inputsHash !== inputsHash(news) || renamed(olds, news);
    return { changes, replaces: [] };
}

/** Whether the gate's name or URN changed (a rename with `aliases`), which a verdict does not depend on. */
function renamed(olds: Partial<GateOutputs>, news: GateInputs): boolean {
    return (olds.gateName ?? "") !== (news.gateName ?? "") || (olds.gateUrn ?? "") !== (news.gateUrn ?? "");
}

/**
 * Refreshes whose read judged the tasks differently (see refreshChanges): the verdict, the counts
 * and the failing tasks, not `checkedAt`, which every read moves.
 */
const refreshed = refreshChanges<GateOutputs>((p) => hashOf([p.passed, p.summary, p.failedTasks, p.failedTaskCount, p.reasons]));

/**
 * `diff`, as the provider calls it; after a refresh that read something new, a change, so the
 * engine shows it. A refresh's diff and the next `up`'s both find a gate that has not passed
 * changed: the engine defines a refresh's diff as what an `up` would then do, and that is to judge
 * the gate again. (`up --refresh` calls diff twice in one process: both answers are the same.)
 */
export function diff(id: string, olds: Partial<GateOutputs>, news: GateInputs): DiffAnswer<GateOutputs> {
    const refreshedFrom = refreshed.take(id, olds);
    if (refreshedFrom) return { changes: true, replaces: [], refreshedFrom };
    return diffInputs(olds, news);
}

/** What one judged read gives. */
interface Judged {
    result: TaskListResult<{ state: TaskState }>;
    verdict: Verdict;
    failed: FailedTask[];
    /** With expectations: the ids of the tasks judged. */
    judgedIds?: ReadonlySet<string>;
}

function judge(kind: SourceKind, result: TaskListResult<{ state: TaskState }>, req: ResolvedRequirements, words?: Wording): Judged {
    return { result, ...judgeResult(kind, result, req, words) };
}

/** Why a gate stopped reading. */
export type GateStop =
    /** The requirements held. */
    | "passed"
    /** It checks once (no `wait`). */
    | "checked"
    /** Every task is done and the requirements do not hold. */
    | "done"
    /** failFast: the requirements can no longer be met. */
    | "hopeless"
    /** failFast: the query still matched no task when the grace for an empty list ran out. */
    | "empty"
    /** The deadline passed. */
    | "timedOut";

/** How a gate's run ended: the last read judged, how long it waited, why it stopped, and how each poll read the list. */
export type GateRun = Judged & { waitedMs: number; stopped: GateStop; polls: PollHow[] };

/**
 * Reads the source and judges it, polling while `wait` allows: until the requirements are met,
 * the tasks are done, the requirements become impossible or the query still matches nothing after
 * the grace for an empty list (with failFast), or the deadline. The pause between polls starts at
 * `pollIntervalSeconds`, grows by half while nothing finishes, and drops back as soon as something does.
 */
export async function runGate(
    kind: SourceKind,
    args: Record<string, unknown>,
    req: ResolvedRequirements,
    wait: ResolvedWait | undefined,
    log: Logger,
    gateLabel: string,
    signal?: AbortSignal,
    /** The `taskgate wait` command's: its settings (`--stack`, the environment) and its words for the reasons. */
    context: { settings?: SettingsSources; words?: Wording } = {},
): Promise<GateRun> {
    const def = sourceDefinition(kind);
    const start = clock.now();
    const deadline = start + (wait?.timeoutSeconds ?? 0) * 1000;
    const graceEnd = start + (wait?.emptyGraceSeconds ?? 0) * 1000;
    let interval = (wait?.pollIntervalSeconds ?? 0) * 1000;
    let lastFinished = -1;
    let lastProgressAt = -Infinity;
    const poll = gatePolls(def, args, context.settings ?? settings, incrementalPolls);
    const polls: PollHow[] = [];
    for (;;) {
        const remaining = wait ? Math.max(1, (deadline - clock.now()) / 1000) : undefined;
        const { result, how } = await untilAborted(poll({ log, timeoutSeconds: remaining === undefined ? undefined : Math.max(remaining, 30) }), signal);
        polls.push(how);
        const j = judge(kind, result, req, context.words);
        const t = j.verdict.tally;
        const finished = t.total - t.pending;
        const now = clock.now();
        const waitedMs = now - start;
        const empty = t.tasks === 0 && !req.allowEmpty;
        // An expected target without a task may still get one: it has the empty list's grace (with failFast), or the whole wait.
        const missing = (t.missingTargets?.length ?? 0) > 0;
        const done = judgedDone(result, t, req) && t.tasks > 0 && (!missing || (wait?.failFast === true && now >= graceEnd));
        const stopped = stopReason(j.verdict, wait, { done, empty, graceOver: now >= graceEnd, timedOut: now >= deadline });
        if (stopped || now - lastProgressAt >= progressIntervalMs) {
            lastProgressAt = now;
            log.info(
                `taskgate: ${gateLabel}: ${finished}/${plural(t.total, unitNoun(t, def.traits))} done, ${t.succeeded} succeeded, ${t.failed} failed` +
                    `${wait ? `, ${seconds(waitedMs / 1000)} of ${seconds(wait.timeoutSeconds)}` : ""}${j.verdict.passed ? ": passed" : stopped ? ": failed" : ""}`,
            );
        }
        if (stopped) return { ...j, waitedMs, stopped, polls };
        // Poll at the base interval while tasks finish; back off while nothing changes.
        interval =
            lastFinished < 0 || finished > lastFinished ? wait!.pollIntervalSeconds * 1000 : Math.min(interval * 1.5, wait!.maxPollIntervalSeconds * 1000);
        lastFinished = finished;
        // The last look is taken at the deadline itself (and, for an empty list, at the end of its grace), not one interval before.
        const nextLook = (empty || missing) && wait!.failFast && now < graceEnd ? Math.min(deadline, graceEnd) : deadline;
        await untilAborted(clock.sleep(Math.min(interval, Math.max(0, nextLook - clock.now()))), signal);
    }
}

/**
 * Whether nothing the gate judges can still change: every task read is done, or, with
 * expectations, every task judged (an older task, one on another target or a tolerated one still
 * running does not keep the gate waiting).
 */
function judgedDone(result: TaskListResult<{ state: TaskState }>, t: Verdict["tally"], req: ResolvedRequirements): boolean {
    return selectsTasks(req) ? t.pending === 0 && t.unknownTasks === 0 : result.summary.done;
}

/** `p`, or its rejection with the signal's reason as soon as `signal` aborts (`p` then settles unobserved). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (!signal) return p;
    return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
        p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
}

/** Whether one judged read ends the wait, and why; undefined to poll again. */
function stopReason(
    v: Verdict,
    wait: ResolvedWait | undefined,
    read: { done: boolean; empty: boolean; graceOver: boolean; timedOut: boolean },
): GateStop | undefined {
    if (v.passed) return "passed";
    if (!wait) return "checked";
    if (read.done) return "done";
    if (wait.failFast && v.hopeless) return "hopeless";
    if (wait.failFast && read.empty && read.graceOver && !read.timedOut) return "empty";
    if (read.timedOut) return "timedOut";
    return undefined;
}

/** Why a failed gate stopped, for its message; nothing when that is plain (it checked once, or every task is done). */
function stopNote(stopped: GateStop, wait: ResolvedWait | undefined, waitedMs: number): string | undefined {
    switch (stopped) {
        case "timedOut":
            return `timed out after ${seconds(wait!.timeoutSeconds)}`;
        case "hopeless":
            return "stopped early: the requirements can no longer be met";
        case "empty":
            return `stopped after ${seconds(waitedMs / 1000)}: still no task matched`;
        default:
            return undefined;
    }
}

function outputsOf(news: GateInputs, kind: SourceKind, args: Record<string, unknown>, j: Judged & { waitedMs: number }, createdAt: string): GateOutputs {
    return {
        passed: j.verdict.passed,
        summary: j.result.summary,
        failedTasks: j.failed.slice(0, FAILED_TASKS_IN_STATE).map(trimFailedTask),
        failedTaskCount: j.failed.length,
        reasons: j.verdict.reasons,
        checkedAt: new Date().toISOString(),
        waitedSeconds: Math.round(j.waitedMs / 100) / 10,
        sourceKind: kind,
        query: publicQuery(args),
        queryId: j.result.id,
        inputsHash: inputsHash(news),
        require: news.require ?? {},
        createdAt,
        ...toleratedOf(j.verdict),
        ...namesOf(news),
    };
}

/** The tolerated targets of a verdict, as outputs record them: only for a gate that tolerates some. */
function toleratedOf(v: Verdict): Pick<GateOutputs, "tolerated"> {
    return v.tally.tolerated ? { tolerated: [...v.tally.tolerated] } : {};
}

/** The gate's name and URN as outputs record them (for its messages and log lines). */
function namesOf(news: GateInputs): Pick<GateOutputs, "gateName" | "gateUrn"> {
    return { ...(news.gateName ? { gateName: news.gateName } : {}), ...(news.gateUrn ? { gateUrn: news.gateUrn } : {}) };
}

function trimFailedTask(t: FailedTask): FailedTask {
    const cut = (s: string | undefined) => (s && s.length > 300 ? `${s.slice(0, 297)}...` : s);
    return Object.fromEntries(Object.entries({ ...t, errorMessage: cut(t.errorMessage) }).filter(([, v]) => v !== undefined)) as unknown as FailedTask;
}

/**
 * Runs the gate for create or update. A gate that fails throws with its id and outputs attached,
 * which Pulumi records as a resource with initialization errors: `pulumi up` fails, nothing that
 * depends on the gate is created, and the next `up` runs the gate again. A gate that waits stops
 * waiting when the engine that started it is gone (see engineWatch.ts), or when `signal` aborts
 * (the plugin's Cancel).
 */
export async function applyGate(
    id: string,
    news: GateInputs,
    signal?: AbortSignal,
    /** When the gate was first created (kept in its state); now for a new gate, or one whose state predates it. */
    createdAt = new Date(clock.wallTime?.() ?? Date.now()).toISOString(),
): Promise<{ id: string; outs: GateOutputs }> {
    rejectInvalid(checkInputs(news));
    const src = sourceOf(news.source) as { kind: SourceKind; args: Record<string, unknown> };
    const req = resolveRequirements(news.require, createdAt);
    const args = readArgs(src.kind, src.args, req);
    const wait = resolveWait(news.wait);
    const label = gateLabel(news.gateName);
    const watch = wait ? watchEngine() : undefined;
    const stops = [watch?.signal, signal].filter((x) => x !== undefined);
    const stop = stops.length > 1 ? AbortSignal.any(stops) : stops[0];
    const judged = await runGate(src.kind, args, req, wait, logSink(news.gateUrn), label, stop).finally(() => watch?.stop());
    const outs = outputsOf(news, src.kind, args, judged, createdAt);
    if (!judged.verdict.passed) {
        const err = gateFailure(news.gateName, src.kind, req, wait, judged);
        // The engine records these properties as the resource's state. Pulumi's dynamic host adds the
        // serialized provider to successful results only; without it here, the failed gate could
        // never be updated, refreshed or deleted ("code must be a string, not undefined").
        const properties = { ...outs, __provider: (news as { __provider?: string }).__provider };
        throw Object.assign(err, { id, properties, reasons: [err.message] });
    }
    return { id, outs };
}

/**
 * The error of a run that did not pass: why it stopped (timed out, stopped early) and, when it
 * timed out, the tasks still pending or running. TaskGate and `taskgate wait` both raise it.
 */
export function gateFailure(
    gate: string | undefined,
    kind: SourceKind,
    req: ResolvedRequirements,
    wait: ResolvedWait | undefined,
    run: GateRun,
): GateFailedError {
    const note = stopNote(run.stopped, wait, run.waitedMs);
    const pending = run.stopped === "timedOut" ? unfinishedTasks(kind, run.result.tasks) : [];
    return new GateFailedError(gate, run.verdict, run.failed, req, sourceDefinition(kind).traits, note, pending);
}

/**
 * `update`: the gate has not passed, or its inputs changed; run it again under the same id. A gate
 * that passed and was only renamed (`aliases`) is not run again: its verdict does not depend on
 * its name. Its outputs take the new name and URN, which its log lines and messages use from then on.
 */
export async function update(id: string, olds: Partial<GateOutputs>, news: GateInputs, signal?: AbortSignal): Promise<{ id: string; outs: GateOutputs }> {
    if (olds.passed === true && !containsUnknown(news) && olds.inputsHash === inputsHash(news) && renamed(olds, news)) {
        const { __provider: _serialized, gateName: _oldName, gateUrn: _oldUrn, ...kept } = olds as GateOutputs & { __provider?: string };
        const outs: GateOutputs = { ...kept, ...namesOf(news) };
        logSink(news.gateUrn).info(
            `taskgate: ${gateLabel(news.gateName)} (was ${gateLabel(olds.gateName)}): renamed; passed at ${olds.checkedAt}, not checked again`,
        );
        return { id, outs };
    }
    return applyGate(id, news, signal, olds.createdAt);
}

/** `gate "name"`, or `gate` for a gate without a name. */
function gateLabel(name: string | undefined): string {
    return name ? `gate "${name}"` : "gate";
}

/** `create`: a new id, then {@link applyGate}. */
export function create(news: GateInputs, signal?: AbortSignal): Promise<{ id: string; outs: GateOutputs }> {
    return applyGate(`taskgate-${randomUUID()}`, news, signal);
}

/**
 * `read` (refresh): reads the source once more and records what it finds, without waiting or
 * failing. A gate that has not passed stays so until an `up` judges it again (see
 * {@link diffInputs}), and the refresh says so.
 */
export function read(id: string, props: GateOutputs): Promise<{ id: string; props: GateOutputs }> {
    return withoutHostEcho(() => readAgain(id, props));
}

async function readAgain(id: string, props: GateOutputs): Promise<{ id: string; props: GateOutputs }> {
    if (!props.sourceKind || !props.query) return { id, props };
    const req = resolveRequirements(props.require, props.createdAt ?? props.checkedAt);
    const log = logSink(props.gateUrn);
    const result = await sourceDefinition(props.sourceKind).read(props.query, settings, { log });
    const j = judge(props.sourceKind, result, req);
    if (!j.verdict.passed) {
        log.warn(
            `taskgate: ${gateLabel(props.gateName)} has not passed: ${j.verdict.reasons.join("; ")}. ` +
                "The next `pulumi up` judges it again, and deploys nothing that depends on it unless it passes",
        );
    }
    const now: GateOutputs = {
        ...props,
        passed: j.verdict.passed,
        summary: result.summary,
        failedTasks: j.failed.slice(0, FAILED_TASKS_IN_STATE).map(trimFailedTask),
        failedTaskCount: j.failed.length,
        reasons: j.verdict.reasons,
        checkedAt: new Date().toISOString(),
        queryId: result.id,
        ...toleratedOf(j.verdict),
    };
    refreshed.noteRead(id, props, now);
    return { id, props: now };
}
