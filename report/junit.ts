import type { FailedTask, GateFailedError, ToleratedTarget } from "../provider/gateRules";
import { truncate, xmlAttr, xmlText } from "../provider/safeText";
import { failingTasks, sourceDefinition, type SourceKind } from "../provider/sources";
import type { TaskListResult, TaskState } from "../provider/types";

/**
 * A task list as a JUnit XML report, the file CI systems (GitLab's test reports, Jenkins, the
 * JUnit reporters of GitHub Actions) read to show which tests failed: here, which tasks failed
 * and on which host. One test case per task: the APIs that count targets (Bare Metal machines,
 * Workspace desktops) report how many failed, not which, so a task is the finest unit with a
 * name; its case says how many of its targets failed. With requirements, one more case holds the
 * gate's verdict, so that a list that fails the gate (an empty one, one still running) can never
 * show as a green report.
 *
 * Pure: no I/O, and the same input always gives the same file. Every value the cloud controls
 * goes through xmlText or xmlAttr, so the file is well-formed whatever the cloud sent.
 */

/** What a JUnit report is made of. */
export interface JunitInput {
    readonly kind: SourceKind;
    readonly result: TaskListResult<{ state: TaskState }>;
    /** The suite's name: what was read, in words (the command and its query). */
    readonly suite: string;
    /** The class name of every case (`taskgate.tat`): what CI systems group cases by. */
    readonly classname: string;
    /** The gate's verdict, when requirements were given: them in words, and the error when they did not hold. */
    readonly gate?: {
        readonly requirements: string;
        readonly failure?: GateFailedError;
        /** With `expectTargets`: the expected targets that had no task, each a failing case of its own. */
        readonly missingTargets?: readonly string[];
        /** With `tolerateFailuresOn`: the targets whose failure was set aside; their cases are skipped, not failed. */
        readonly tolerated?: readonly ToleratedTarget[];
        /** With expectations: the ids of the tasks the gate judged; the others' cases are skipped, whatever their state. */
        readonly judgedIds?: ReadonlySet<string>;
    };
    /** When the read, or the wait, started. */
    readonly startedAt?: Date;
    /** How long the read, or the wait, took. */
    readonly seconds?: number;
    /** How long a task ran, where its source reports when it started and ended. */
    readonly taskSeconds?: (task: { state: TaskState }) => number | undefined;
}

/** Characters of a failure's `message` attribute (its body has the whole text). */
const MESSAGE_CHARS = 500;

const UNFINISHED: ReadonlySet<TaskState> = new Set(["PENDING", "RUNNING"]);

/** One test case, before it is written. */
interface Case {
    readonly name: string;
    readonly time?: number;
    readonly failure?: { readonly type: string; readonly message: string; readonly body: string };
    readonly skipped?: string;
}

/** The one-line account of a failing task: state, the cloud's code, exit code and message, as a failed gate lists it. */
function failureLine(t: FailedTask): string {
    const code = t.errorCode && t.errorCode !== t.state ? ` ${t.errorCode}` : "";
    const exit = t.exitCode !== undefined ? ` exit ${t.exitCode}` : "";
    return `${t.state}${code}${exit}${t.errorMessage ? `: ${t.errorMessage}` : ""}`;
}

/** Every field of a failing task, one per line, for the failure's body. */
function failureBody(t: FailedTask): string {
    const fields: Array<[string, unknown]> = [
        ["task", t.id],
        ["target", t.target],
        ["state", t.state],
        ["error code", t.errorCode],
        ["exit code", t.exitCode],
        ["error", t.errorMessage],
    ];
    return fields
        .filter(([, v]) => v !== undefined && v !== "")
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join("\n");
}

/** Why a tolerated target's case is skipped rather than failed. */
const TOLERATED = "failure tolerated (tolerateFailuresOn)";

/** Why a task the gate left out is skipped. */
const NOT_JUDGED = "not judged (older than createdAfter, on a target expectTargets does not list, or an earlier run of an expected target)";

function taskCase(kind: SourceKind, task: { state: TaskState }, seconds: number | undefined, gate: JunitInput["gate"]): Case {
    const t = sourceDefinition(kind).failedTask(task);
    const name = `${t.id}${t.target ? ` on ${t.target}` : ""}`;
    const time = seconds !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
    if (gate?.tolerated?.some((x) => x.taskId === t.id)) return { name, time, skipped: `${failureLine(t)}: ${TOLERATED}` };
    if (gate?.judgedIds && !gate.judgedIds.has(t.id)) return { name, time, skipped: `${failureLine(t)}: ${NOT_JUDGED}` };
    // The gate's own rule for a failing task: a failing state, or failed targets.
    if (failingTasks(kind, [task]).length > 0) return { name, time, failure: { type: t.state, message: failureLine(t), body: failureBody(t) } };
    if (UNFINISHED.has(task.state)) return { name, time, skipped: `${task.state}: not finished when last read` };
    return { name, time };
}

/** A case per expected target that had no task: failing, or skipped where its failure is tolerated. */
function targetCases(gate: NonNullable<JunitInput["gate"]>): Case[] {
    const name = (target: string) => `${target}: expected, no task`;
    const missing = (gate.missingTargets ?? []).map(
        (target): Case => ({ name: name(target), failure: { type: "MISSING", message: "an expected target never got a task", body: `target: ${target}` } }),
    );
    const tolerated = (gate.tolerated ?? [])
        .filter((t) => t.taskId === undefined)
        .map((t): Case => ({ name: name(t.target), skipped: `no task: ${TOLERATED}` }));
    return [...missing, ...tolerated];
}

function gateCase(gate: NonNullable<JunitInput["gate"]>): Case {
    const name = `gate: ${gate.requirements}`;
    const e = gate.failure;
    if (!e) return { name };
    const message = `${e.note ? `${e.note}: ` : ""}${e.verdict.reasons.join("; ")}`;
    return { name, failure: { type: e.code, message, body: e.message } };
}

const secondsAttr = (s: number | undefined) => (s === undefined ? "" : ` time="${s.toFixed(3)}"`);

function caseXml(c: Case, classname: string): string {
    const open = `    <testcase classname="${xmlAttr(classname)}" name="${xmlAttr(c.name)}"${secondsAttr(c.time)}`;
    if (c.failure) {
        const message = c.failure.message.length > MESSAGE_CHARS ? `${truncate(c.failure.message, MESSAGE_CHARS - 1)}…` : c.failure.message;
        return `${open}>\n      <failure type="${xmlAttr(c.failure.type)}" message="${xmlAttr(message)}">${xmlText(c.failure.body)}</failure>\n    </testcase>`;
    }
    if (c.skipped) return `${open}>\n      <skipped message="${xmlAttr(c.skipped)}"/>\n    </testcase>`;
    return `${open}/>`;
}

/**
 * Renders the report: `<testsuites>` holding one `<testsuite>` named after the query, a case per
 * task (failing tasks with a `<failure>` whose message is their state, the cloud's code, exit code
 * and error, and whose body lists every field; unfinished tasks and tolerated failures `<skipped>`),
 * a case per expected target that had no task, then the gate's case.
 * The suite's properties carry the source, the query's id and the counts the gate judged.
 */
export function renderJunit(input: JunitInput): string {
    const { kind, result } = input;
    const cases = [
        ...result.tasks.map((t) => taskCase(kind, t, input.taskSeconds?.(t), input.gate)),
        ...(input.gate ? [...targetCases(input.gate), gateCase(input.gate)] : []),
    ];
    const failures = cases.filter((c) => c.failure).length;
    const skipped = cases.filter((c) => c.skipped).length;
    const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}"${secondsAttr(input.seconds)}`;
    const stamp = input.startedAt ? ` timestamp="${input.startedAt.toISOString().slice(0, 19)}"` : "";
    const s = result.summary;
    const properties: Array<[string, unknown]> = [
        ["source", kind],
        ["queryId", result.id],
        ["totalCount", result.totalCount],
        ["done", s.done],
        ...(s.targets ? Object.entries(s.targets).map(([k, n]): [string, unknown] => [`targets.${k}`, n]) : []),
    ];
    return [
        '<?xml version="1.0" encoding="UTF-8"?>',
        `<testsuites name="taskgate" ${counts}>`,
        `  <testsuite name="${xmlAttr(input.suite)}" ${counts}${stamp}>`,
        "    <properties>",
        ...properties.map(([name, value]) => `      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`),
        "    </properties>",
        ...cases.map((c) => caseXml(c, input.classname)),
        "  </testsuite>",
        "</testsuites>",
        "",
    ].join("\n");
}
