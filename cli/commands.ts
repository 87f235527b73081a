import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { findOwnPackage } from "../provider/packageInfo";
import { terminalLines } from "../provider/safeText";
import { type TaskgateCloudError, TaskgateError, type TaskgateErrorCode, type TaskgateReadError, type TaskgateValidationError } from "../provider/errors";
import { GateFailedError, describeRequirements, type ResolvedRequirements, unitNoun } from "../provider/gateRules";
import { judgeResult, requirementsFor, sourceDefinition, sourceNoun } from "../provider/sources";
import type { SettingsSources } from "../provider/settings";
import type { TaskListResult, TaskState } from "../provider/types";
import type { Wording } from "../provider/wording";
import { renderHtmlReport } from "../report/htmlReport";
import { formatList, formatSummary } from "./format";
import { commandHelp, rootHelp, sourceHelp } from "./help";
import { type Invocation, parseCommandLine, REQUIREMENT_KEYS, sourceOptions, UsageError } from "./options";
import { createProgress, type ProgressStream } from "./progress";
import { type AnyCliSource, kebab } from "./sources";
import { readStackConfig, type StackConfigError } from "./stackConfig";

/**
 * The commands: parse, validate everything that can be validated before any request, resolve the
 * settings (options, then `--stack` config, then environment), read with progress, print, and
 * judge by `--require` with the rules `check()` and `TaskGate` use.
 */

/** Exit codes: the read passed (or nothing was required), a requirement failed, or an error. */
export const EXIT = { ok: 0, gateFailed: 1, error: 2 } as const;

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
    const def = sourceDefinition(inv.source.kind);
    // Everything that can be wrong with the input is found before the stack is read or a request sent.
    def.plan(inv.args);
    const require = inv.require && requirementsFor(inv.source.kind, inv.require);
    if (inv.cwd !== undefined && inv.stack === undefined)
        throw new UsageError("--cwd is the Pulumi project folder for --stack; give --stack too", `${inv.command} ${inv.source.name}`);
    const sources: SettingsSources = {
        config: inv.stack === undefined ? () => undefined : await readStackConfig(inv.stack, path.resolve(io.cwd, inv.cwd ?? "."), io.env),
        env: io.env,
    };
    def.connection(inv.args, sources);

    const progress = createProgress(io.stderr, sourceNoun(inv.source.kind), inv.quiet);
    let result: TaskListResult<{ state: TaskState }>;
    try {
        result = await def.read(inv.args, sources, { onPage: progress.onPage, log: progress.log, timeoutSeconds: inv.timeoutSeconds });
    } finally {
        progress.clear();
    }
    progress.finish(result.tasks.length, result.totalCount);

    const rows = result as unknown as TaskListResult<Record<string, unknown>>;
    if (inv.command === "report") {
        const html = renderHtmlReport({ kind: inv.source.kind, result, require: inv.require, generatedAt: new Date(), query: inv.filters });
        if (inv.html === "-") {
            io.stdout.write(html);
        } else {
            const file = path.resolve(io.cwd, inv.html!);
            writeFileSync(file, html);
            if (!inv.quiet) io.stderr.write(`wrote ${file} (${Math.ceil(Buffer.byteLength(html) / 1024)} KB)\n`);
        }
    } else {
        const format = inv.command === "list" ? formatList : formatSummary;
        io.stdout.write(format(inv.output, inv.source, def.traits, rows));
    }
    return judge(inv, require, result, io);
}

/**
 * Applies `--require` by the rules of `check()` and `TaskGate` (judgeResult), its reasons in the
 * command line's words (`--invocation-id inv-1`, `--require allow-empty`): throws the gate's
 * GateFailedError (exit 1, with the reasons and failing tasks) when not met.
 */
function judge(inv: Invocation, require: ResolvedRequirements | undefined, result: TaskListResult<{ state: TaskState }>, io: CliIo): number {
    if (!require) return EXIT.ok;
    const traits = sourceDefinition(inv.source.kind).traits;
    const { verdict, failed } = judgeResult(inv.source.kind, result, require, cliWording(inv.source));
    if (!verdict.passed) throw new GateFailedError(undefined, verdict, failed, require, traits);
    if (!inv.quiet) io.stderr.write(`taskgate: passed: ${describeRequirements(require, unitNoun(verdict.tally, traits))}\n`);
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

/**
 * The command line's words for a source: each arg as its option (`--invocation-id`), each
 * requirement as its `--require` key (`min-success-ratio`). Credentials have no option, so a
 * missing one names the stack config and the environment only.
 */
export function cliWording(source: AnyCliSource | undefined): Wording {
    const options = new Map((source ? sourceOptions(source) : []).map((f) => [f.arg, `--${kebab(f.arg)}`]));
    const keys = new Map(Object.entries(REQUIREMENT_KEYS).map(([key, name]) => [name as string, key]));
    const requirement = (name: string) => keys.get(name) ?? name;
    return {
        arg: (name) => options.get(name) ?? name,
        argSetting: (name) => options.get(name),
        requirement,
        enable: (name) => `add --require ${requirement(name)}`,
        field: (path) => {
            const require = /^require(?:\.(\w+))?$/.exec(path);
            if (require) return require[1] ? `--require ${requirement(require[1])}` : "--require";
            // `instanceId[3]`: the value shown beside it tells which one.
            return options.get(path.replace(/\[\d+\]$/, "")) ?? path;
        },
    };
}

/** The version in package.json (from cli/ under ts-node, and from dist/cli/ once built). */
function packageVersion(): string {
    return findOwnPackage(__dirname)?.version ?? "unknown";
}
