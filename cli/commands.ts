import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { findOwnPackage } from "../provider/packageInfo";
import { terminalLines } from "../provider/safeText";
import { type TaskgateCloudError, TaskgateError, type TaskgateErrorCode, type TaskgateReadError, type TaskgateValidationError } from "../provider/errors";
import {
    GateFailedError,
    describeRequirements,
    rejectInvalid,
    type ResolvedRequirements,
    type ResolvedWait,
    resolveWait,
    toleratedInWords,
    unitNoun,
    validateGateSettings,
    type Verdict,
} from "../provider/gateRules";
import { gateFailure, runGate } from "../provider/dynamic/gateRuntime";
import { describeQuery, judgeResult, readArgs, requirementsFor, type SourceKind, sourceDefinition, sourceNoun } from "../provider/sources";
import type { SettingsSources } from "../provider/settings";
import type { TaskListResult, TaskState } from "../provider/types";
import type { Wording } from "../provider/wording";
import { seconds } from "../provider/words";
import { renderHtmlReport } from "../report/htmlReport";
import { renderJunit } from "../report/junit";
import { formatList, formatSummary } from "./format";
import { commandHelp, rootHelp, sourceHelp } from "./help";
import { type Invocation, parseCommandLine, REQUIREMENT_KEYS, sourceOptions, TARGET_LIST_OPTIONS, UsageError } from "./options";
import { createProgress, type ProgressStream } from "./progress";
import { type AnyCliSource, kebab } from "./sources";
import { readStackConfig, type StackConfigError } from "./stackConfig";

/**
 * The commands: parse, validate everything that can be validated before any request, resolve the
 * settings (options, then `--stack` config, then environment), read with progress, print, and
 * judge by `--require` with the rules `check()` and `TaskGate` use.
 */

/**
 * Exit codes: the read passed (or nothing was required), a requirement failed, an error, `wait`
 * ran out of time before the requirements held, or `wait` was interrupted (Ctrl-C: 128 + SIGINT,
 * as a shell reports a command it stopped).
 */
export const EXIT = { ok: 0, gateFailed: 1, error: 2, timedOut: 3, interrupted: 130 } as const;

/** Every error the command line expects, each told apart by its `code`. */
type KnownError = TaskgateValidationError | TaskgateCloudError | TaskgateReadError | GateFailedError | UsageError | StackConfigError;

/** What the command line does with each kind of failure: the exit code, and the message in its words. */
type Handling = { [C in TaskgateErrorCode]: { exit: number; text: (e: Extract<KnownError, { code: C }>, words: Wording) => string } };

/**
 * The exit code and the message of each failure, by its code: a failed requirement exits 1, any
 * other failure 2. Bad input names the option (`--invocation-id`, `--require max-failed`) rather
 * than the arg; a cloud error keeps its code, message and RequestId, and says how many attempts failed.
 */
export const BY_CODE: Handling = {
    TASKGATE_INVALID_INPUT: { exit: EXIT.error, text: (e, words) => e.describe(words) },
    TASKGATE_CLOUD_ERROR: { exit: EXIT.error, text: (e) => `taskgate: ${e.message}${e.attempts > 1 ? ` (after ${e.attempts} attempts)` : ""}` },
    TASKGATE_READ_FAILED: { exit: EXIT.error, text: (e) => e.message },
    TASKGATE_GATE_FAILED: { exit: EXIT.gateFailed, text: (e) => e.message },
    TASKGATE_USAGE: { exit: EXIT.error, text: (e) => `taskgate: ${e.message}\nRun 'taskgate ${e.helpFor ? `${e.helpFor} ` : ""}--help' for usage.` },
    TASKGATE_STACK_CONFIG: { exit: EXIT.error, text: (e) => e.message },
};

/** The process's streams and surroundings, so tests and `main` share one entry point. */
export interface CliIo {
    readonly stdout: { write(chunk: string): unknown };
    readonly stderr: ProgressStream;
    readonly env: Record<string, string | undefined>;
    readonly cwd: string;
    /**
     * Calls `stop` on Ctrl-C (SIGINT) while `wait` waits; returns what undoes that. Without it a
     * wait runs to its end.
     */
    readonly onInterrupt?: (stop: () => void) => () => void;
}

/**
 * Runs one command line (the arguments after `taskgate`) and returns the exit code. Never throws:
 * every error is printed on stderr as one readable message, without a stack trace.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
    let source: AnyCliSource | undefined;
    try {
        const parsed = parseCommandLine(argv);
        if (parsed.kind === "version") {
            io.stdout.write(`${packageVersion()}\n`);
            return EXIT.ok;
        }
        if (parsed.kind === "help") {
            io.stdout.write(
                parsed.source ? sourceHelp(parsed.command!, parsed.source) : parsed.command ? commandHelp(parsed.command) : rootHelp(packageVersion()),
            );
            return EXIT.ok;
        }
        source = parsed.invocation.source;
        return await execute(parsed.invocation, io);
    } catch (e) {
        io.stderr.write(`${describeError(e, source, io.env)}\n`);
        return exitCodeOf(e);
    }
}

async function execute(inv: Invocation, io: CliIo): Promise<number> {
    const kind = inv.source.kind;
    const def = sourceDefinition(kind);
    // Everything that can be wrong with the input is found before the stack is read or a request sent.
    def.plan(inv.args);
    const require = inv.require || inv.command === "wait" ? requirementsFor(kind, inv.require) : undefined;
    const wait = inv.command === "wait" ? waitSettings(kind, inv) : undefined;
    if (inv.cwd !== undefined && inv.stack === undefined)
        throw new UsageError("--cwd is the Pulumi project folder for --stack; give --stack too", `${inv.command} ${inv.source.name}`);
    const sources: SettingsSources = {
        config: inv.stack === undefined ? () => undefined : await readStackConfig(inv.stack, path.resolve(io.cwd, inv.cwd ?? "."), io.env),
        env: io.env,
    };
    def.connection(inv.args, sources);
    if (wait) return waitFor(inv, require!, wait, sources, io);

    const progress = createProgress(io.stderr, sourceNoun(kind), inv.quiet);
    const startedAt = new Date();
    let result: TaskListResult<{ state: TaskState }>;
    try {
        const args = require ? readArgs(kind, inv.args, require) : inv.args;
        result = await def.read(args, sources, { onPage: progress.onPage, log: progress.log, timeoutSeconds: inv.timeoutSeconds });
    } finally {
        progress.clear();
    }
    progress.finish(result.tasks.length, result.totalCount);
    const gate = require && judge(inv, require, result);
    const elapsed = (Date.now() - startedAt.getTime()) / 1000;

    if (inv.command === "report") {
        const html = renderHtmlReport({ kind, result, require: inv.require, generatedAt: new Date(), query: inv.filters });
        if (inv.html === "-") {
            io.stdout.write(html);
        } else {
            const file = path.resolve(io.cwd, inv.html!);
            writeFileSync(file, html);
            if (!inv.quiet) io.stderr.write(`wrote ${file} (${Math.ceil(Buffer.byteLength(html) / 1024)} KB)\n`);
        }
    } else {
        io.stdout.write(output(inv, result, { gate, startedAt, seconds: elapsed }));
    }
    if (gate?.failure) throw gate.failure;
    return passed(inv, gate, io);
}

/**
 * `taskgate wait`: TaskGate's own loop (runGate), with the settings of this command line and its
 * words; progress on stderr; the last read on stdout. Exits 0 when the requirements hold, 1 when
 * they do not (or can no longer), 3 when the time ran out first, 130 on Ctrl-C.
 */
async function waitFor(inv: Invocation, require: ResolvedRequirements, wait: ResolvedWait, settings: SettingsSources, io: CliIo): Promise<number> {
    const kind = inv.source.kind;
    const progress = createProgress(io.stderr, sourceNoun(kind), inv.quiet);
    const interrupt = new AbortController();
    const undo = io.onInterrupt?.(() => interrupt.abort());
    const startedAt = new Date();
    let run: Awaited<ReturnType<typeof runGate>>;
    try {
        run = await runGate(kind, readArgs(kind, inv.args, require), require, wait, progress.log, "wait", interrupt.signal, {
            settings,
            words: cliWording(inv.source),
        });
    } catch (e) {
        if (!interrupt.signal.aborted) throw e;
        io.stderr.write(`taskgate: interrupted after ${seconds((Date.now() - startedAt.getTime()) / 1000)}: stopped waiting; nothing was judged\n`);
        return EXIT.interrupted;
    } finally {
        undo?.();
    }
    const gate: Judged = {
        require,
        verdict: run.verdict,
        judgedIds: run.judgedIds,
        failure: run.verdict.passed ? undefined : gateFailure(undefined, kind, require, wait, run),
    };
    io.stdout.write(output(inv, run.result, { gate, startedAt, seconds: run.waitedMs / 1000 }));
    if (!gate.failure) return passed(inv, gate, io);
    io.stderr.write(`${describeError(gate.failure, inv.source, io.env)}\n`);
    return run.stopped === "timedOut" ? EXIT.timedOut : EXIT.gateFailed;
}

/**
 * `wait`'s settings, checked by the gate's validator (a poll interval longer than the timeout,
 * values out of range), its messages naming the options (`--poll-interval`).
 */
function waitSettings(kind: SourceKind, inv: Invocation): ResolvedWait {
    rejectInvalid(validateGateSettings(undefined, inv.wait, sourceDefinition(kind).traits));
    return resolveWait(inv.wait)!;
}

/** What a command prints on stdout, in its `--output` format. */
function output(inv: Invocation, result: TaskListResult<{ state: TaskState }>, run: { gate?: Judged; startedAt: Date; seconds: number }): string {
    const rows = result as unknown as TaskListResult<Record<string, unknown>>;
    const def = sourceDefinition(inv.source.kind);
    if (inv.output === "junit") {
        const [start, end] = inv.source.span;
        const gate = run.gate && {
            requirements: requirementsInWords(inv, run.gate),
            failure: run.gate.failure,
            missingTargets: run.gate.verdict.tally.missingTargets,
            tolerated: run.gate.verdict.tally.tolerated,
            judgedIds: run.gate.judgedIds,
        };
        return renderJunit({
            kind: inv.source.kind,
            result,
            suite: `taskgate ${inv.command} ${inv.source.name}: ${describeQuery(inv.source.kind, result.query, cliWording(inv.source))}`,
            classname: `taskgate.${inv.source.name}`,
            gate,
            startedAt: run.startedAt,
            seconds: run.seconds,
            taskSeconds: (t) => secondsBetween((t as Record<string, unknown>)[start], (t as Record<string, unknown>)[end]),
        });
    }
    const format = inv.command === "summary" ? formatSummary : formatList;
    return format(inv.output, inv.source, def.traits, rows);
}

/** Seconds from one ISO-8601 time to another; undefined unless both are times, in order. */
function secondsBetween(start: unknown, end: unknown): number | undefined {
    const ms = typeof start === "string" && typeof end === "string" ? Date.parse(end) - Date.parse(start) : Number.NaN;
    return ms >= 0 ? ms / 1000 : undefined;
}

/** A read judged by `--require`: the requirements, the verdict, and the error when they do not hold. */
interface Judged {
    readonly require: ResolvedRequirements;
    readonly verdict: Verdict;
    /** With expectations: the ids of the tasks judged (the others were older, on other targets, earlier runs or tolerated). */
    readonly judgedIds?: ReadonlySet<string>;
    readonly failure?: GateFailedError;
}

/**
 * Judges a read by `--require`, with the rules of `check()` and `TaskGate` (judgeResult), its
 * reasons in the command line's words (`--invocation-id inv-1`, `--require allow-empty`); the
 * failure is the gate's GateFailedError (exit 1, with the reasons and failing tasks).
 */
function judge(inv: Invocation, require: ResolvedRequirements, result: TaskListResult<{ state: TaskState }>): Judged {
    const { verdict, failed, judgedIds } = judgeResult(inv.source.kind, result, require, cliWording(inv.source));
    const failure = verdict.passed ? undefined : new GateFailedError(undefined, verdict, failed, require, sourceDefinition(inv.source.kind).traits);
    return { require, verdict, judgedIds, failure };
}

/** The requirements in words, in the unit the verdict counted (`at least 95.0% of machines succeeded, ...`). */
function requirementsInWords(inv: Invocation, gate: Judged): string {
    return describeRequirements(gate.require, unitNoun(gate.verdict.tally, sourceDefinition(inv.source.kind).traits));
}

/** Says on stderr that the requirements hold (unless quiet, or none were given); exit 0. */
function passed(inv: Invocation, gate: Judged | undefined, io: CliIo): number {
    if (gate && !inv.quiet) {
        const tolerated = gate.verdict.tally.tolerated;
        io.stderr.write(
            `taskgate: passed: ${requirementsInWords(inv, gate)}\n${tolerated?.length ? `taskgate: tolerated: ${toleratedInWords(tolerated)}\n` : ""}`,
        );
    }
    return EXIT.ok;
}

/**
 * One message per error, in the command line's words (see {@link BY_CODE}). No stack trace, except
 * for a bug with TASKGATE_DEBUG set. Safe for the terminal: whatever an error quotes (a cloud's
 * message, a value given) cannot drive it.
 * @param source the source of the command line, whose options name the args; undefined before it is known.
 */
export function describeError(e: unknown, source: AnyCliSource | undefined, env: Record<string, string | undefined>): string {
    if (TaskgateError.isInstance(e)) return terminalLines(handlingOf(e).text(e as KnownError, cliWording(source)));
    const err = e as Error;
    const detail = env.TASKGATE_DEBUG ? `\n${err?.stack ?? ""}` : "";
    return terminalLines(`taskgate: ${err?.message ?? String(e)}${detail}`);
}

/** The exit code of a failure: by its code (see {@link BY_CODE}); 2 for anything else. */
export function exitCodeOf(e: unknown): number {
    return TaskgateError.isInstance(e) ? handlingOf(e).exit : EXIT.error;
}

/** Every class with a code has the fields its code's handling reads (KnownError). */
function handlingOf(e: TaskgateError): { exit: number; text: (e: KnownError, words: Wording) => string } {
    return BY_CODE[e.code] as { exit: number; text: (e: KnownError, words: Wording) => string };
}

/** `wait`'s options, by the gate's wait setting each sets. */
const WAIT_OPTIONS: Readonly<Record<string, string>> = {
    "wait.timeoutSeconds": "--timeout",
    "wait.pollIntervalSeconds": "--poll-interval",
    "wait.failFast": "--no-fail-fast",
};

/**
 * The command line's words for a source: each arg as its option (`--invocation-id`), each
 * requirement as its `--require` key (`min-success-ratio`). Credentials have no option, so a
 * missing one names the stack config and the environment only.
 */
export function cliWording(source: AnyCliSource | undefined): Wording {
    const options = new Map((source ? sourceOptions(source) : []).map((f) => [f.arg, `--${kebab(f.arg)}`]));
    const keys = new Map(Object.entries(REQUIREMENT_KEYS).map(([key, name]) => [name as string, key]));
    const lists = new Map(Object.entries(TARGET_LIST_OPTIONS).map(([option, name]) => [name as string, `--${option}`]));
    const requirement = (name: string) => lists.get(name) ?? keys.get(name) ?? name;
    return {
        arg: (name) => options.get(name) ?? name,
        argSetting: (name) => options.get(name),
        requirement,
        enable: (name) => `add --require ${requirement(name)}`,
        field: (path) => {
            // `require.expectTargets[3]`: the value shown beside it tells which one.
            const require = /^require(?:\.(\w+))?(?:\[\d+\])?$/.exec(path);
            if (require) return require[1] ? (lists.get(require[1]) ?? `--require ${requirement(require[1])}`) : "--require";
            const wait = WAIT_OPTIONS[path];
            if (wait) return wait;
            // `instanceId[3]`: the value shown beside it tells which one.
            return options.get(path.replace(/\[\d+\]$/, "")) ?? path;
        },
    };
}

/** The version in package.json (from cli/ under ts-node, and from dist/cli/ once built). */
function packageVersion(): string {
    return findOwnPackage(__dirname)?.version ?? "unknown";
}
