import { TaskgateError, TaskgateValidationError } from "./errors";
import { terminalText } from "./safeText";
import type { TaskState, TaskSummary } from "./types";
import { INSTANT_TEXT, isIdText, parseInstant } from "./validate";
import { PROGRAM_WORDS, type Wording, wordList } from "./wording";
import { nounFor, plural, type Noun } from "./words";

/**
 * The rules of a deployment gate, as pure functions: validating requirements, counting a task
 * list against them, and writing the one error a failed gate raises. Nothing here does I/O, so
 * `check()` (during preview) and the TaskGate resource (during up) judge exactly alike.
 */

/** What a gate requires of a task list. */
export interface GateRequirements {
    /** At least this many succeeded (targets where the API reports them, else tasks). */
    minSucceeded?: number;
    /** At least this share succeeded, 0..1 (of targets where the API reports them, else of tasks). */
    minSuccessRatio?: number;
    /** At most this many failed, timed out or cancelled. Default 0. */
    maxFailed?: number;
    /** Every task must be done (none pending or running). Default true. */
    allDone?: boolean;
    /**
     * Accept an empty task list. Default false: a gate whose query matches no task fails ("no tasks
     * matched the query"), since a mistyped id or a wrong filter must not look like a clean rollout.
     * With it, an empty list passes `maxFailed`, `allDone` and `minSuccessRatio`; it cannot be combined
     * with `minSucceeded` above 0, which no empty list meets.
     */
    allowEmpty?: boolean;
    /**
     * The targets that must each have a task: instance ids (TAT) or phone and server ids (CPH), the
     * sources whose tasks name the target they ran on. `minSucceeded`, `minSuccessRatio` and
     * `maxFailed` then count these targets, each judged by its newest task; a target with no task
     * counts as failed and is named in the message; tasks on other targets are not judged.
     * Duplicates count once; an empty list is refused (a fleet that came out empty is no rollout).
     */
    expectTargets?: string[];
    /**
     * Ignore tasks created before this time: an ISO-8601 time with a zone, or `"gateCreation"` (a
     * TaskGate only) for the time the gate was first created, which stays the same when it checks
     * again. Compared to the second, inclusive; a task that reports no time is kept. Sent to the API
     * where it filters by time (Workspace `execute_time_start`), else applied to what was read
     * (TAT and MPS creation time, CPH and Bare Metal start time).
     */
    createdAfter?: string;
    /**
     * Targets whose failure does not count (TAT instances, CPH phones or servers): a task on one of
     * them that did not succeed (failed, still running, unknown, or, with `expectTargets`, missing)
     * is set aside, neither failing the gate nor counted, and listed as tolerated; one that
     * succeeded counts as usual. With `expectTargets`, each must be one of them.
     */
    tolerateFailuresOn?: string[];
}

/** The requirement names, in the order messages list them. */
export const REQUIREMENT_NAMES = [
    "minSucceeded",
    "minSuccessRatio",
    "maxFailed",
    "allDone",
    "allowEmpty",
    "expectTargets",
    "createdAfter",
    "tolerateFailuresOn",
] as const satisfies ReadonlyArray<keyof GateRequirements>;

/** `createdAfter: "gateCreation"`: the time the TaskGate was first created, kept in its state. */
export const GATE_CREATION = "gateCreation";

/** The requirements that name targets, which only sources whose tasks name their target can take. */
const TARGET_REQUIREMENTS = ["expectTargets", "tolerateFailuresOn"] as const;

/**
 * The sources whose tasks name the target they ran on, for the message that refuses target
 * requirements elsewhere (tests/unit/expectations.test.ts holds it to the registry).
 */
export const TARGETED_SOURCES = "TAT invocation tasks (instances) and CPH jobs (phones or servers)";

/** The wait setting names, in the order messages list them. */
export const WAIT_NAMES = ["timeoutSeconds", "pollIntervalSeconds", "failFast"] as const satisfies ReadonlyArray<keyof GateWait>;

/** `a, b, c and/or d`, for messages that list names. */
const andOr = (names: readonly string[]) => wordList(names, "and/or");

/** How a gate waits for its tasks to finish. */
export interface GateWait {
    /** Give up after this long. Default 600 s. */
    timeoutSeconds?: number;
    /** First pause between polls; it grows while nothing changes and shrinks back when tasks finish. Default 5 s. */
    pollIntervalSeconds?: number;
    /**
     * Stop as soon as the requirements can no longer be met, and when the query still matches no
     * task 30 s in (or at the timeout, if shorter): tasks lag their invocation by a moment, a
     * mistyped id never matches. Default true.
     */
    failFast?: boolean;
}

/** Requirements with their defaults applied. */
export interface ResolvedRequirements {
    /** At least this many succeeded; undefined when not required. */
    readonly minSucceeded?: number;
    /** At least this share succeeded (0..1); undefined when not required. */
    readonly minSuccessRatio?: number;
    /** At most this many failed, timed out or cancelled (default 0). */
    readonly maxFailed: number;
    /** Whether every task must be done (default true). */
    readonly allDone: boolean;
    /** Whether an empty list is accepted (default false). */
    readonly allowEmpty: boolean;
    /** The targets that must each have a task, each once; undefined when not required. */
    readonly expectTargets?: readonly string[];
    /** Tasks created before this time (ISO-8601 UTC, `"gateCreation"` resolved) are ignored; undefined when not required. */
    readonly createdAfter?: string;
    /** Targets whose failure does not count, each once; undefined when none. */
    readonly tolerateFailuresOn?: readonly string[];
}

/** Wait settings with defaults applied; `undefined` when the gate checks once. */
export interface ResolvedWait {
    readonly timeoutSeconds: number;
    readonly pollIntervalSeconds: number;
    readonly maxPollIntervalSeconds: number;
    readonly failFast: boolean;
    /**
     * With failFast, how long a gate waits for a query that matches no task before it fails: tasks
     * can appear a moment after their invocation, but a mistyped id never matches, and waiting the
     * whole timeout for it would only delay the error. The timeout, when that is shorter.
     */
    readonly emptyGraceSeconds: number;
}

/** What a gate knows about its source. */
export interface GateSourceTraits {
    /** A label for messages, e.g. `TAT invocation tasks`. */
    readonly label: string;
    /** Whether the API reports per-target counts (BM machines, Workspace desktops). */
    readonly hasTargets: boolean;
    /** What targets are, for headings and messages: `machines`, `desktops`. */
    readonly targetName?: string;
    /** One target, for counts of one: `machine`, `desktop`. */
    readonly targetOne?: string;
    /** Whether the API reports outcomes at all (MPS reports only "finished"). */
    readonly reportsOutcome: boolean;
    /**
     * What each task names as the target it ran on, where it names one (TAT instances, CPH phones
     * or servers): what `expectTargets` and `tolerateFailuresOn` match, and their noun in messages.
     */
    readonly targetIds?: readonly [one: string, many: string];
}

/** One problem with a gate's settings: the property and why. */
export interface RuleFailure {
    readonly property: string;
    readonly reason: string;
}

/**
 * Throws a TaskgateValidationError for inputs that fail their rules: the first property named as
 * the field, every problem in the message. What a provider does with inputs that reach it unchecked.
 */
export function rejectInvalid(failures: readonly RuleFailure[]): void {
    if (failures.length === 0) return;
    const [first, ...rest] = failures;
    throw new TaskgateValidationError(first.property, [first.reason, ...rest.map((f) => `${f.property} ${f.reason}`)].join("; "));
}

export const DEFAULT_WAIT = { timeoutSeconds: 600, pollIntervalSeconds: 5, maxPollIntervalSeconds: 30, failFast: true, emptyGraceSeconds: 30 } as const;

const isCount = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 1e9;

/**
 * Validates requirements and wait settings, and rejects impossible or contradictory ones.
 * `undefined` fields are defaults; an `unknown` check (for values unknown during preview) skips them.
 * @param words how the reasons name requirements (a program's words unless given).
 */
export function validateGateSettings(
    require: unknown,
    wait: unknown,
    traits: GateSourceTraits,
    isUnknown: (v: unknown) => boolean = () => false,
    words: Wording = PROGRAM_WORDS,
): RuleFailure[] {
    const f: RuleFailure[] = [];
    const r = (require ?? {}) as Record<string, unknown>;
    const names = REQUIREMENT_NAMES.map(words.requirement);
    if (typeof r !== "object" || Array.isArray(r)) return [{ property: "require", reason: `must be an object with ${andOr(names)}` }];
    for (const k of Object.keys(r)) {
        if (!(REQUIREMENT_NAMES as readonly string[]).includes(k)) {
            f.push({ property: `require.${k}`, reason: `is not a requirement; allowed: ${names.join(", ")}` });
        }
    }
    const known = (k: string) => r[k] !== undefined && r[k] !== null && !isUnknown(r[k]);
    if (known("minSucceeded") && !isCount(r.minSucceeded))
        f.push({ property: "require.minSucceeded", reason: `must be a whole number >= 0, got ${JSON.stringify(r.minSucceeded)}` });
    if (known("maxFailed") && !isCount(r.maxFailed))
        f.push({ property: "require.maxFailed", reason: `must be a whole number >= 0, got ${JSON.stringify(r.maxFailed)}` });
    if (known("minSuccessRatio") && !(typeof r.minSuccessRatio === "number" && r.minSuccessRatio >= 0 && r.minSuccessRatio <= 1)) {
        f.push({ property: "require.minSuccessRatio", reason: `must be a number from 0 to 1 (0.95 for 95%), got ${JSON.stringify(r.minSuccessRatio)}` });
    }
    for (const k of ["allDone", "allowEmpty"]) {
        if (known(k) && typeof r[k] !== "boolean") f.push({ property: `require.${k}`, reason: `must be true or false, got ${JSON.stringify(r[k])}` });
    }
    f.push(...expectationFailures(r, known, traits, words));
    if (f.length === 0) f.push(...contradictions(r, known, traits, isUnknown, words));
    f.push(...validateWait(wait, isUnknown));
    return f;
}

/** How many ids a target list may hold: more than any fleet a gate reads (the id lists of the sources take as many). */
const MAX_TARGETS = 100_000;

/**
 * The expectations' own rules: target lists of ids, never empty, and only for a source whose tasks
 * name their target; `createdAfter` an ISO-8601 time with a zone or `"gateCreation"`.
 */
function expectationFailures(r: Record<string, unknown>, known: (k: string) => boolean, traits: GateSourceTraits, words: Wording): RuleFailure[] {
    const f: RuleFailure[] = [];
    for (const k of TARGET_REQUIREMENTS) {
        if (r[k] === undefined || r[k] === null) continue;
        if (!traits.targetIds) {
            const counts = traits.hasTargets ? ` (they count ${traits.targetName ?? "targets"}, without naming them)` : "";
            f.push({
                property: `require.${k}`,
                reason: `cannot be checked on ${traits.label}: their tasks do not name the target they ran on${counts}; ${words.requirement(k)} works with ${TARGETED_SOURCES}`,
            });
            continue;
        }
        if (!known(k)) continue;
        const list = r[k];
        if (!Array.isArray(list)) {
            f.push({ property: `require.${k}`, reason: `must be a list of target ids, got ${JSON.stringify(list)}` });
        } else if (list.length === 0) {
            f.push({
                property: `require.${k}`,
                reason: `must list at least one target; omit it to ${k === "expectTargets" ? "judge the tasks found" : "tolerate none"}`,
            });
        } else if (list.length > MAX_TARGETS) {
            f.push({ property: `require.${k}`, reason: `must hold at most ${MAX_TARGETS} ids, got ${list.length}` });
        } else {
            const bad = list.findIndex((x) => !isIdText(x));
            if (bad >= 0) {
                f.push({
                    property: `require.${k}[${bad}]`,
                    reason: `must be a target id of 1 to 128 printable ASCII characters without spaces, got ${JSON.stringify(list[bad]) ?? String(list[bad])}`,
                });
            }
        }
    }
    if (known("createdAfter") && r.createdAfter !== GATE_CREATION && (typeof r.createdAfter !== "string" || !parseInstant(r.createdAfter))) {
        f.push({ property: "require.createdAfter", reason: `must be ${INSTANT_TEXT}, or "${GATE_CREATION}", got ${JSON.stringify(r.createdAfter)}` });
    }
    return f;
}

function contradictions(
    r: Record<string, unknown>,
    known: (k: string) => boolean,
    traits: GateSourceTraits,
    isUnknown: (v: unknown) => boolean,
    words: Wording,
): RuleFailure[] {
    const f: RuleFailure[] = [];
    const name = words.requirement;
    const asksSuccess = (known("minSucceeded") && (r.minSucceeded as number) > 0) || (known("minSuccessRatio") && (r.minSuccessRatio as number) > 0);
    if (asksSuccess && !traits.reportsOutcome) {
        f.push({
            property: known("minSucceeded") ? "require.minSucceeded" : "require.minSuccessRatio",
            reason: `${traits.label} report no outcome (only that a task finished), so successes cannot be counted; gate on ${name("allDone")} instead`,
        });
    }
    if (known("minSuccessRatio") && r.minSuccessRatio === 1 && known("maxFailed") && (r.maxFailed as number) > 0) {
        f.push({ property: "require.maxFailed", reason: `contradicts ${name("minSuccessRatio")} 1, which allows no failure; drop one of them` });
    }
    if (r.allowEmpty === true && known("minSucceeded") && (r.minSucceeded as number) > 0) {
        f.push({
            property: "require.allowEmpty",
            reason: `contradicts ${name("minSucceeded")} ${r.minSucceeded as number}, which no empty list meets; drop one of them`,
        });
    }
    f.push(...targetContradictions(r, known, words));
    if (r.allDone === false && !known("minSucceeded") && !known("minSuccessRatio") && !known("maxFailed") && !Object.keys(r).some((k) => isUnknown(r[k]))) {
        f.push({
            property: "require",
            reason: `requires nothing: with ${name("allDone")} false, set ${name("minSucceeded")}, ${name("minSuccessRatio")} or ${name("maxFailed")}`,
        });
    }
    return f;
}

/** Target lists that cannot mean what they say: a contradiction, or a likely typo that would tolerate nothing. */
function targetContradictions(r: Record<string, unknown>, known: (k: string) => boolean, words: Wording): RuleFailure[] {
    const f: RuleFailure[] = [];
    const name = words.requirement;
    if (!known("expectTargets")) return f;
    const expected = new Set(r.expectTargets as string[]);
    if (r.allowEmpty === true) {
        f.push({
            property: "require.allowEmpty",
            reason: `contradicts ${name("expectTargets")}: an expected target with no task counts as failed, so an empty list never passes; drop ${name("allowEmpty")}`,
        });
    }
    if (known("minSucceeded") && (r.minSucceeded as number) > expected.size) {
        f.push({
            property: "require.minSucceeded",
            reason: `asks for ${r.minSucceeded as number} successes of ${plural(expected.size, "expected target")}, which no run meets`,
        });
    }
    if (known("tolerateFailuresOn")) {
        const tolerated = new Set(r.tolerateFailuresOn as string[]);
        const strangers = [...tolerated].filter((t) => !expected.has(t));
        if (strangers.length > 0) {
            f.push({
                property: "require.tolerateFailuresOn",
                reason: `names ${namesInWords(strangers)}, which ${name("expectTargets")} does not list: tasks on other targets are not judged, so there is nothing to tolerate; add ${nounFor(strangers.length, ["it", "them"])} to ${name("expectTargets")} or drop ${nounFor(strangers.length, ["it", "them"])}`,
            });
        } else if ([...expected].every((t) => tolerated.has(t))) {
            f.push({
                property: "require.tolerateFailuresOn",
                reason: `tolerates every target of ${name("expectTargets")}, so no failure could fail the gate; drop the targets that must succeed from it`,
            });
        }
    }
    return f;
}

/** How many target ids a message names before "and N others". */
const TARGETS_NAMED = 10;

/** Target ids in a message: `ins-a, ins-b and ins-c`, the first ten and how many others. */
export function namesInWords(ids: readonly string[]): string {
    const shown = ids.slice(0, TARGETS_NAMED).map(terminalText);
    const items = ids.length > shown.length ? [...shown, plural(ids.length - shown.length, "other")] : shown;
    return wordList(items, "and");
}

function validateWait(wait: unknown, isUnknown: (v: unknown) => boolean): RuleFailure[] {
    const f: RuleFailure[] = [];
    if (wait !== undefined && wait !== null && !isUnknown(wait)) {
        const w = wait as Record<string, unknown>;
        if (typeof w !== "object" || Array.isArray(w)) return [{ property: "wait", reason: `must be an object with ${andOr(WAIT_NAMES)}` }];
        for (const k of Object.keys(w)) {
            if (!(WAIT_NAMES as readonly string[]).includes(k))
                f.push({ property: `wait.${k}`, reason: `is not a wait setting; allowed: ${WAIT_NAMES.join(", ")}` });
        }
        const wk = (k: string) => w[k] !== undefined && w[k] !== null && !isUnknown(w[k]);
        const secs = (v: unknown, max: number) => typeof v === "number" && Number.isFinite(v) && v > 0 && v <= max;
        if (wk("timeoutSeconds") && !secs(w.timeoutSeconds, 86_400))
            f.push({
                property: "wait.timeoutSeconds",
                reason: `must be a number of seconds greater than 0 and at most 86400, got ${JSON.stringify(w.timeoutSeconds)}`,
            });
        if (wk("pollIntervalSeconds") && !(secs(w.pollIntervalSeconds, 3600) && (w.pollIntervalSeconds as number) >= 0.1)) {
            f.push({
                property: "wait.pollIntervalSeconds",
                reason: `must be a number of seconds from 0.1 to 3600, got ${JSON.stringify(w.pollIntervalSeconds)}`,
            });
        }
        if (wk("failFast") && typeof w.failFast !== "boolean") f.push({ property: "wait.failFast", reason: "must be true or false" });
        const timeout = wk("timeoutSeconds") ? (w.timeoutSeconds as number) : DEFAULT_WAIT.timeoutSeconds;
        if (wk("pollIntervalSeconds") && (w.pollIntervalSeconds as number) > timeout) {
            f.push({ property: "wait.pollIntervalSeconds", reason: `is longer than timeoutSeconds (${timeout}): the gate would never poll twice` });
        }
    }
    return f;
}

/**
 * Applies the requirement defaults (after validation): target lists once each, `createdAfter` as an
 * ISO-8601 UTC time.
 * @param gateCreatedAt when the TaskGate was first created, what `createdAfter: "gateCreation"` means;
 *   without it (check(), the command line) that spelling is refused.
 */
export function resolveRequirements(require: GateRequirements | undefined, gateCreatedAt?: string): ResolvedRequirements {
    const r = require ?? {};
    const once = (list: readonly string[] | undefined) => (list ? [...new Set(list)] : undefined);
    const createdAfter = r.createdAfter === GATE_CREATION ? gateCreatedAt : r.createdAfter;
    if (r.createdAfter === GATE_CREATION && !createdAfter) {
        throw new TaskgateValidationError(
            "require.createdAfter",
            (w) => `"${GATE_CREATION}" is the time a TaskGate was created, and only a gate has one; give ${w.requirement("createdAfter")} ${INSTANT_TEXT}`,
        );
    }
    const expectTargets = once(r.expectTargets);
    const tolerateFailuresOn = once(r.tolerateFailuresOn);
    return {
        minSucceeded: r.minSucceeded ?? undefined,
        minSuccessRatio: r.minSuccessRatio ?? undefined,
        maxFailed: r.maxFailed ?? 0,
        allDone: r.allDone ?? true,
        allowEmpty: r.allowEmpty ?? false,
        // Only when given, so that a gate without expectations resolves as it always did.
        ...(expectTargets ? { expectTargets } : {}),
        ...(createdAfter ? { createdAfter: new Date(createdAfter).toISOString() } : {}),
        ...(tolerateFailuresOn ? { tolerateFailuresOn } : {}),
    };
}

/** Applies the wait defaults; no `wait` means one check, no polling. */
export function resolveWait(wait: GateWait | undefined): ResolvedWait | undefined {
    if (!wait) return undefined;
    const pollIntervalSeconds = wait.pollIntervalSeconds ?? DEFAULT_WAIT.pollIntervalSeconds;
    const timeoutSeconds = wait.timeoutSeconds ?? DEFAULT_WAIT.timeoutSeconds;
    return {
        timeoutSeconds,
        pollIntervalSeconds,
        maxPollIntervalSeconds: Math.max(pollIntervalSeconds, DEFAULT_WAIT.maxPollIntervalSeconds),
        failFast: wait.failFast ?? DEFAULT_WAIT.failFast,
        emptyGraceSeconds: Math.min(DEFAULT_WAIT.emptyGraceSeconds, timeoutSeconds),
    };
}

/** The counts a gate judges, in its unit. */
export interface GateTally {
    /** `targets` (machines, desktops) where the API reports them, else `tasks`. */
    readonly unit: "tasks" | "targets";
    /** Tasks read, whatever the unit: none means the query matched nothing. */
    readonly tasks: number;
    /** Tasks or targets counted (targets a failed or unfinished task reports none for count as one). */
    readonly total: number;
    /** Succeeded. */
    readonly succeeded: number;
    /** Failed, timed out or cancelled. */
    readonly failed: number;
    /** Not finished yet. */
    readonly pending: number;
    /** Targets skipped (Workspace); always 0 for tasks. */
    readonly skipped: number;
    /** Tasks whose raw status taskgate does not know. */
    readonly unknownTasks: number;
    /** Tasks done without a reported outcome (MPS). */
    readonly noOutcome: number;
    /** With `expectTargets`: the expected targets that had no task, counted as failed (a tolerated one is set aside instead). */
    readonly missingTargets?: readonly string[];
    /** With `tolerateFailuresOn`: the tolerated targets whose task did not succeed (or that had none), set aside. */
    readonly tolerated?: readonly ToleratedTarget[];
    /** Tasks read but not judged, when there were any (see {@link NotJudged}). */
    readonly notJudged?: NotJudged;
}

/** A tolerated target whose failure was set aside. */
export interface ToleratedTarget {
    /** The target's id. */
    readonly target: string;
    /** The state of its task; undefined when it had none. */
    readonly state?: TaskState;
    /** The id of its task; undefined when it had none. */
    readonly taskId?: string;
}

/** Tasks read but left out of a gate's counts, by why. */
export interface NotJudged {
    /** Created before `createdAfter`. */
    readonly older: number;
    /** On a target `expectTargets` does not list (or naming none). */
    readonly otherTargets: number;
    /** Earlier tasks of an expected target, which its newest task replaces. */
    readonly earlier: number;
}

/** What the expectations need to know of a task: its id, the target it ran on, and when it was created. */
export interface TaskFacts {
    /** The task's id. */
    readonly id: string;
    /** The target it ran on (a TAT instance, a CPH phone or server); undefined where tasks name none. */
    readonly target?: string;
    /** When it was created (or, where the API reports no creation, started), ISO-8601 UTC; undefined when not reported. */
    readonly createdAt?: string;
}

/**
 * Whether the requirements choose which tasks are judged (`expectTargets`, `createdAfter`,
 * `tolerateFailuresOn`); without them every task read is judged, as the list's summary counts it.
 */
export function selectsTasks(req: ResolvedRequirements): boolean {
    return req.expectTargets !== undefined || req.createdAfter !== undefined || req.tolerateFailuresOn !== undefined;
}

/** The tasks a gate judges under `createdAfter`, `expectTargets` and `tolerateFailuresOn`, and what it left out. */
export interface Selection<T> {
    /** The tasks counted: with `expectTargets`, the newest task of each expected target, less those set aside. */
    readonly judged: T[];
    /** Tasks read that were not older than `createdAfter` (all of them without it). */
    readonly recent: number;
    readonly notJudged: NotJudged;
    /** Expected targets with no task, not tolerated. */
    readonly missing: string[];
    readonly tolerated: ToleratedTarget[];
}

/**
 * Chooses the tasks a gate judges. `createdAfter` drops older tasks (to the second, inclusive: the
 * APIs report whole seconds, and a task created in the gate's own second must not be lost; a task
 * without a time is kept, since leaving it out could hide a failure). `expectTargets` keeps the
 * newest task of each expected target (a retry replaces the run it retried; a task without a time
 * is the newest, not having started) and names the targets with none. `tolerateFailuresOn` sets
 * aside a tolerated target's task unless it succeeded. Pure.
 */
export function selectTasks<T extends { readonly state: TaskState }>(tasks: readonly T[], req: ResolvedRequirements, facts: (t: T) => TaskFacts): Selection<T> {
    const since = req.createdAfter === undefined ? undefined : wholeSecond(req.createdAfter);
    const recent = tasks.filter((t) => {
        const at = facts(t).createdAt;
        return since === undefined || at === undefined || Date.parse(at) >= since;
    });
    const tolerated: ToleratedTarget[] = [];
    const toleratedIds = new Set(req.tolerateFailuresOn ?? []);
    const setAside = (t: T) => {
        const f = facts(t);
        if (t.state === "SUCCEEDED" || f.target === undefined || !toleratedIds.has(f.target)) return false;
        tolerated.push({ target: f.target, state: t.state, taskId: f.id });
        return true;
    };
    const notJudged = { older: tasks.length - recent.length, otherTargets: 0, earlier: 0 };
    if (!req.expectTargets) return { judged: recent.filter((t) => !setAside(t)), recent: recent.length, notJudged, missing: [], tolerated };
    const expected = new Set(req.expectTargets);
    const newest = new Map<string, T>();
    for (const t of recent) {
        const target = facts(t).target;
        if (target === undefined || !expected.has(target)) {
            notJudged.otherTargets++;
            continue;
        }
        const held = newest.get(target);
        if (held) notJudged.earlier++;
        if (!held || !isOlder(facts(t).createdAt, facts(held).createdAt)) newest.set(target, t);
    }
    const judged: T[] = [];
    const missing: string[] = [];
    for (const target of req.expectTargets) {
        const t = newest.get(target);
        if (!t && toleratedIds.has(target)) tolerated.push({ target });
        else if (!t) missing.push(target);
        else if (!setAside(t)) judged.push(t);
    }
    return { judged, recent: recent.length, notJudged, missing, tolerated };
}

/** A time rounded down to its whole second, in ms. */
const wholeSecond = (iso: string) => Math.floor(Date.parse(iso) / 1000) * 1000;

/** Whether `a` is older than `b`; a missing time is the newest (the task has not started), and equal times keep the later task read. */
function isOlder(a: string | undefined, b: string | undefined): boolean {
    if (a === undefined) return false;
    if (b === undefined) return true;
    return Date.parse(a) < Date.parse(b);
}

/**
 * A tally of the selected tasks with what the selection found: with `expectTargets` it counts the
 * expected targets (one missing is one failed); `tasks` counts every task read that was recent
 * enough, so that a list of tolerated failures is not taken for an empty one.
 * @param judged the tally of `sel.judged`, as {@link tally} counts them.
 */
export function withSelection(judged: GateTally, sel: Selection<unknown>, req: ResolvedRequirements): GateTally {
    const missing = sel.missing.length;
    const n = sel.notJudged;
    return {
        ...judged,
        ...(req.expectTargets ? { unit: "targets" as const, total: judged.total + missing, failed: judged.failed + missing, missingTargets: sel.missing } : {}),
        tasks: sel.recent,
        ...(req.tolerateFailuresOn ? { tolerated: sel.tolerated } : {}),
        ...(n.older + n.otherTargets + n.earlier > 0 ? { notJudged: n } : {}),
    };
}

/**
 * Tasks whose targets the per-target counts miss. A task that failed, timed out or was cancelled
 * before reaching any machine reports no failed target; a task still pending or running may report
 * no pending target (Workspace counts only desktops that finished). Each counts as one target of
 * its kind, so that neither vanishes from a gate's count.
 */
export interface TargetGaps {
    /** Failed tasks that report no failed target. */
    readonly failedWithoutTargets: number;
    /** Unfinished tasks that report no target still to run. */
    readonly unfinishedWithoutTargets: number;
}

const NO_GAPS: TargetGaps = { failedWithoutTargets: 0, unfinishedWithoutTargets: 0 };

/** Counts a summary in the gate's unit (see {@link TargetGaps} for tasks the target counts miss). */
export function tally(summary: TaskSummary, traits: GateSourceTraits, gaps: TargetGaps = NO_GAPS): GateTally {
    const base = { tasks: summary.total, unknownTasks: summary.unknown, noOutcome: summary.finished };
    if (traits.hasTargets && summary.targets) {
        const t = summary.targets;
        const pending = Math.max(0, t.total - t.succeeded - t.failed - t.skipped) + gaps.unfinishedWithoutTargets;
        const failed = t.failed + gaps.failedWithoutTargets;
        return {
            ...base,
            unit: "targets",
            total: t.total + gaps.failedWithoutTargets + gaps.unfinishedWithoutTargets,
            succeeded: t.succeeded,
            failed,
            skipped: t.skipped,
            pending,
        };
    }
    return {
        ...base,
        unit: "tasks",
        total: summary.total,
        succeeded: summary.succeeded,
        failed: summary.failed + summary.timedOut + summary.cancelled,
        pending: summary.pending + summary.running,
        skipped: 0,
    };
}

/** The outcome of judging one read. */
export interface Verdict {
    /** Whether every requirement holds. */
    readonly passed: boolean;
    /** The requirements can no longer be met, whatever the unfinished tasks do. */
    readonly hopeless: boolean;
    /** Each requirement not met, in words. */
    readonly reasons: string[];
    /** The counts judged. */
    readonly tally: GateTally;
}

/** A verdict that passed: what `check()` returns (the reasons are empty). */
export type PassedVerdict = Verdict & {
    /** Always true. */
    readonly passed: true;
};

/** A ratio as a percentage with one decimal, rounded down: 99.96% must never read as 100.0%. */
export const pct = (ratio: number): string => `${(Math.floor(ratio * 1000) / 10).toFixed(1)}%`;

/**
 * Why an empty list fails a gate, with the query in words (see `describeQuery` in the source
 * registry), and the way out for a list that may rightly be empty.
 * @param words how to name the requirement that allows it.
 */
export function noTasksReason(query: string | undefined, words: Wording = PROGRAM_WORDS, createdAfter?: string, older = 0): string {
    const since = createdAfter ? ` created at or after ${createdAfter}` : "";
    const ignored = older > 0 ? `, and ${plural(older, "older task")} ${nounFor(older, ["was", "were"])} ignored` : "";
    return `no tasks${since} matched the query${query ? ` (${query})` : ""}${ignored}: check the filters, or ${words.enable("allowEmpty")} to accept an empty list`;
}

/**
 * Judges a tally. Rules that are easy to get wrong: an empty list fails unless `allowEmpty` (and
 * then still fails `minSucceeded`); TIMED_OUT, CANCELLED and unknown states count against success;
 * failures are final, so exceeding `maxFailed` is hopeless at once. An empty list is not hopeless:
 * tasks can appear a moment after their invocation (a waiting gate gives them a grace period).
 * @param query the query in words, for the message of an empty list.
 * @param words how the reasons name requirements.
 */
export function evaluate(t: GateTally, req: ResolvedRequirements, traits: GateSourceTraits, query?: string, words: Wording = PROGRAM_WORDS): Verdict {
    const reasons: string[] = [];
    let hopeless = false;
    const unit = unitNoun(t, traits);
    if (t.tasks === 0 && !req.allowEmpty) {
        return { passed: false, hopeless: false, reasons: [noTasksReason(query, words, req.createdAfter, t.notJudged?.older)], tally: t };
    }
    if (t.total === 0 && (t.tolerated?.length ?? 0) > 0 && !req.allowEmpty) {
        // Every task read was a tolerated failure: a gate that judged nothing must not pass quietly.
        reasons.push(
            `every task ran on a tolerated target and none succeeded (${toleratedInWords(t.tolerated!)}), so nothing was judged; ${words.enable("allowEmpty")} to accept that`,
        );
    }
    // Expected targets without a task count as failed, but one may still get its task: never hopeless by themselves.
    const missing = t.missingTargets ?? [];
    const missingNote = missing.length > 0 ? `${missing.length} never got a task (${namesInWords(missing)})` : undefined;
    let noted = false;
    if (t.unknownTasks > 0) {
        reasons.push(
            `${plural(t.unknownTasks, ["task is", "tasks are"])} in a state taskgate does not know, so it cannot tell whether ${nounFor(t.unknownTasks, ["it", "they"])} succeeded`,
        );
        hopeless = true;
    }
    const ran = t.failed - missing.length;
    if (t.failed > req.maxFailed) {
        const failedRuns = `failed, timed out or ${nounFor(ran, ["was", "were"])} cancelled`;
        const what =
            missing.length === 0
                ? `${plural(ran, unit)} ${failedRuns}`
                : ran === 0
                  ? `${plural(missing.length, [`expected ${unit[0]}`, `expected ${unit[1]}`])} never got a task (${namesInWords(missing)}), which counts as failed`
                  : `${plural(ran, unit)} ${failedRuns} and ${missingNote}`;
        reasons.push(`${what}; at most ${req.maxFailed} allowed`);
        noted = missing.length > 0;
        if (ran > req.maxFailed) hopeless = true;
    }
    // A target that may still get its task may still succeed.
    const open = t.pending + missing.length;
    const withMissing = (reason: string) => {
        if (noted || !missingNote) return reason;
        noted = true;
        return `${reason}; ${missingNote}`;
    };
    if (req.minSucceeded !== undefined && t.succeeded < req.minSucceeded) {
        reasons.push(withMissing(`${plural(t.succeeded, unit)} succeeded; at least ${req.minSucceeded} required`));
        if (t.succeeded + open < req.minSucceeded) hopeless = true;
    }
    if (req.minSuccessRatio !== undefined && t.total > 0) {
        // A tolerance of one part in a million keeps 19/20 >= 0.95 true despite floating point.
        const ok = (n: number) => n / t.total >= req.minSuccessRatio! - 1e-6;
        if (!ok(t.succeeded)) {
            reasons.push(withMissing(`${pct(t.succeeded / t.total)} of ${plural(t.total, unit)} succeeded; at least ${pct(req.minSuccessRatio)} required`));
            if (!ok(t.succeeded + open)) hopeless = true;
        }
    }
    if (req.allDone && t.pending > 0) reasons.push(`${plural(t.pending, unit)} ${nounFor(t.pending, ["is", "are"])} still pending or running`);
    return { passed: reasons.length === 0, hopeless, reasons, tally: t };
}

/** A failing task, as a gate reports it. */
export interface FailedTask {
    /** The task's id, as its source names it (`invt-...`, a CPH job id). */
    readonly id: string;
    /** The instance, phone, machine count or desktop pool the task ran on. */
    readonly target?: string;
    /** Its normalized state. */
    readonly state: TaskState;
    /** The cloud's code for the failure, or the raw status where the API gives no code (TAT, MPS, Workspace). */
    readonly errorCode?: string;
    /** The cloud's message for the failure (TAT error info, CPH error message, Bare Metal script name, Workspace counts). */
    readonly errorMessage?: string;
    /** The command's exit code (TAT). */
    readonly exitCode?: number;
}

/** The noun of a tally's unit, both forms: tasks, or the source's targets (machines, desktops). */
export function unitNoun(t: GateTally, traits: GateSourceTraits): Noun {
    if (t.unit === "tasks") return ["task", "tasks"];
    return traits.targetIds ?? [traits.targetOne ?? "target", traits.targetName ?? "targets"];
}

/** Describes the requirements in words. */
export function describeRequirements(req: ResolvedRequirements, unit: Noun): string {
    const parts: string[] = [];
    if (req.minSuccessRatio !== undefined) parts.push(`at least ${pct(req.minSuccessRatio)} of ${unit[1]} succeeded`);
    if (req.minSucceeded !== undefined) parts.push(`at least ${plural(req.minSucceeded, unit)} succeeded`);
    parts.push(`at most ${req.maxFailed} failed`);
    if (req.allDone) parts.push("all done");
    if (req.allowEmpty) parts.push("an empty list allowed");
    if (req.expectTargets) parts.push(`a task on each of ${plural(req.expectTargets.length, [`expected ${unit[0]}`, `expected ${unit[1]}`])}`);
    if (req.createdAfter) parts.push(`only tasks created at or after ${req.createdAfter}`);
    if (req.tolerateFailuresOn) parts.push(`failures tolerated on ${namesInWords(req.tolerateFailuresOn)}`);
    return parts.join(", ");
}

/** Tolerated targets in words: `ins-a (FAILED, invt-1) and ins-b (no task)`, the first ten. */
export function toleratedInWords(tolerated: readonly ToleratedTarget[]): string {
    // The state and task id come from the cloud: shown, never obeyed.
    return namesInWords(tolerated.map((x) => `${x.target} (${x.state ? `${x.state}, ${terminalText(x.taskId ?? "")}` : "no task"})`));
}

/** Describes what a read found, in words. */
export function describeTally(t: GateTally, unit: Noun): string {
    const parts = [plural(t.total, unit), `${t.succeeded} succeeded${t.total ? ` (${pct(t.succeeded / t.total)})` : ""}`, `${t.failed} failed`];
    if (t.pending) parts.push(`${t.pending} pending or running`);
    if (t.skipped) parts.push(`${t.skipped} skipped`);
    if (t.noOutcome) parts.push(`${t.noOutcome} finished (no outcome reported)`);
    if (t.unknownTasks) parts.push(`${plural(t.unknownTasks, "task")} in ${nounFor(t.unknownTasks, ["an unknown state", "unknown states"])}`);
    if (t.missingTargets?.length) parts.push(`${t.missingTargets.length} never got a task`);
    if (t.tolerated?.length) parts.push(`tolerated: ${toleratedInWords(t.tolerated)}`);
    const n = t.notJudged;
    if (n) {
        const left = [
            n.older ? `${plural(n.older, "older task")}` : undefined,
            n.otherTargets ? `${plural(n.otherTargets, "task")} on other targets` : undefined,
            n.earlier ? `${plural(n.earlier, "earlier task")} of the same ${unit[1]}` : undefined,
        ].filter((x) => x !== undefined);
        parts.push(`not judged: ${left.join(", ")}`);
    }
    return parts.join(", ");
}

/**
 * The one error a failed gate raises: what was required, what was found, why it failed, and the
 * first failing tasks with their errors. It names no credential.
 */
export class GateFailedError extends TaskgateError {
    /** `GateFailedError`. */
    override readonly name = "GateFailedError";
    /** `TASKGATE_GATE_FAILED`. */
    readonly code = "TASKGATE_GATE_FAILED";
    /** The gate's name; undefined for `check()` without a name and for the command line. */
    readonly gate: string | undefined;
    /** The verdict: each requirement not met (`reasons`) and the counts judged (`tally`). */
    readonly verdict: Verdict;
    /** The failing tasks: id, target, state, error code and message, exit code. */
    readonly failedTasks: readonly FailedTask[];
    /** The requirements judged, defaults applied. */
    readonly requirements: ResolvedRequirements;
    /** What the gate knows about its source: its label, and whether it counts targets and outcomes. */
    readonly traits: GateSourceTraits;
    /** Why the gate stopped, when that is not plain: `timed out after 600 s`, `stopped early: ...`. */
    readonly note?: string;
    /** The tasks still pending or running when a waiting gate timed out; empty otherwise. */
    readonly pendingTasks: readonly FailedTask[];

    /**
     * @param gate the gate's name, or undefined for an unnamed gate.
     * @param verdict the verdict that did not pass.
     * @param failedTasks the failing tasks, as the source reports them.
     * @param requirements the requirements judged, defaults applied.
     * @param traits what the gate knows about its source.
     * @param note why it stopped, when that is not plain (a timeout, fail-fast).
     * @param pendingTasks the tasks still pending or running, when it timed out.
     */
    constructor(
        gate: string | undefined,
        verdict: Verdict,
        failedTasks: readonly FailedTask[],
        requirements: ResolvedRequirements,
        traits: GateSourceTraits,
        note?: string,
        pendingTasks: readonly FailedTask[] = [],
    ) {
        super(formatGateFailure(gate, verdict, failedTasks, requirements, traits, note, pendingTasks));
        this.gate = gate;
        this.verdict = verdict;
        this.failedTasks = failedTasks;
        this.requirements = requirements;
        this.traits = traits;
        this.note = note;
        this.pendingTasks = pendingTasks;
    }

    override toJSON(): Record<string, unknown> {
        const { gate, verdict, failedTasks, requirements, traits, note, pendingTasks } = this;
        return { ...super.toJSON(), gate, verdict, failedTasks, requirements, traits, note, pendingTasks };
    }
}

/** How many failing tasks an error message lists. */
export const FAILED_TASKS_IN_MESSAGE = 10;

/**
 * A failed gate's message: what was required, what was found, each requirement not met, then the
 * first failing tasks and, when the gate timed out waiting, the first tasks still pending or
 * running (`pending`), each list with how many there were in all.
 */
export function formatGateFailure(
    gate: string | undefined,
    v: Verdict,
    failed: readonly FailedTask[],
    req: ResolvedRequirements,
    traits: GateSourceTraits,
    note?: string,
    pending: readonly FailedTask[] = [],
): string {
    const unit = unitNoun(v.tally, traits);
    const lines = [
        `taskgate: gate ${gate ? `"${terminalText(gate)}" ` : ""}failed on ${traits.label}${note ? ` (${note})` : ""}`,
        `  required: ${describeRequirements(req, unit)}`,
        `  found:    ${describeTally(v.tally, unit)}`,
        ...v.reasons.map((r) => `  not met:  ${r}`),
        ...taskList(failed, ["failing task", "failing tasks"], (t) => [
            t.state,
            // A raw status that says what the state says (FAILED, FAILED) would only stutter.
            t.errorCode === t.state ? undefined : t.errorCode,
            t.exitCode !== undefined ? `exit ${t.exitCode}` : undefined,
            t.errorMessage,
        ]),
        ...taskList(pending, ["task still pending or running", "tasks still pending or running"], (t) => [t.state]),
    ];
    return lines.join("\n");
}

/** `first failing tasks (10 of 37):` and a line per task: id, target, then `details`; nothing for no task. */
function taskList(tasks: readonly FailedTask[], noun: Noun, details: (t: FailedTask) => Array<string | undefined>): string[] {
    if (tasks.length === 0) return [];
    const shown = tasks.slice(0, FAILED_TASKS_IN_MESSAGE);
    // Ids, targets, codes and messages are the cloud's text: one line each, controls shown, not obeyed.
    return [
        `  first ${nounFor(tasks.length, noun)} (${shown.length} of ${tasks.length}):`,
        ...shown.map(
            (t) =>
                `    ${[t.id, t.target ? `on ${t.target}` : undefined, ...details(t)]
                    .filter((x) => x !== undefined && x !== "")
                    .map((x) => terminalText(x!))
                    .join("  ")}`,
        ),
    ];
}
