import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { findOwnPackage } from "../provider/packageInfo";
import { terminalLines } from "../provider/safeText";
import { TaskgateCloudError, TaskgateReadError, TaskgateValidationError } from "../provider/errors";
import { GateFailedError, describeRequirements, type ResolvedRequirements, unitNoun } from "../provider/gateRules";
import { judgeResult, requirementsFor, sourceDefinition, sourceNoun } from "../provider/sources";
import type { SettingsSources } from "../provider/settings";
import type { TaskListResult, TaskState } from "../provider/types";
import { renderHtmlReport } from "../report/htmlReport";
import { formatList, formatSummary } from "./format";
import { commandHelp, rootHelp, sourceHelp } from "./help";
import { type Invocation, parseCommandLine, REQUIREMENT_KEYS, sourceOptions, UsageError } from "./options";
import { createProgress, type ProgressStream } from "./progress";
import { type AnyCliSource, kebab } from "./sources";
import { readStackConfig, StackConfigError } from "./stackConfig";

/**
 * The commands: parse, validate everything that can be validated before any request, resolve the
 * settings (options, then `--stack` config, then environment), read with progress, print, and
 * judge by `--require` with the rules `check()` and `TaskGate` use.
 */

/** Exit codes: the read passed (or nothing was required), a requirement failed, or an error. */
export const EXIT = { ok: 0, gateFailed: 1, error: 2 } as const;

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
        return EXIT.error;
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
 * Applies `--require` by the rules of `check()` and `TaskGate` (judgeResult): exit 1 with the
 * gate's message (reasons, failing tasks) when not met.
 */
function judge(inv: Invocation, require: ResolvedRequirements | undefined, result: TaskListResult<{ state: TaskState }>, io: CliIo): number {
    if (!require) return EXIT.ok;
    const traits = sourceDefinition(inv.source.kind).traits;
    const { verdict, failed } = judgeResult(inv.source.kind, result, require);
    if (!verdict.passed) {
        // The reasons in the command line's words: `--invocation-id inv-1`, `--require allow-empty`.
        const names = optionNames(inv.source);
        const reasons = verdict.reasons.map((r) => cliWords(r.replace(/\bset allowEmpty\b/g, "add --require allowEmpty"), names));
        io.stderr.write(`${new GateFailedError(undefined, { ...verdict, reasons }, failed, require, traits).message}\n`);
        return EXIT.gateFailed;
    }
    if (!inv.quiet) io.stderr.write(`taskgate: passed: ${describeRequirements(require, unitNoun(verdict.tally, traits))}\n`);
    return EXIT.ok;
}

/**
 * One message per error, in the command line's words: a validation error names the option
 * (`--invocation-id`, `--require max-failed`) rather than the arg; a cloud error keeps its code,
 * message and RequestId. No stack trace, except for a bug with TASKGATE_DEBUG set. Safe for the
 * terminal: whatever an error quotes (a cloud's message, a value given) cannot drive it.
 */
export function describeError(e: unknown, source: AnyCliSource | undefined, env: Record<string, string | undefined>): string {
    return terminalLines(errorText(e, source, env));
}

function errorText(e: unknown, source: AnyCliSource | undefined, env: Record<string, string | undefined>): string {
    if (e instanceof UsageError) return `taskgate: ${e.message}\nRun 'taskgate ${e.helpFor ? `${e.helpFor} ` : ""}--help' for usage.`;
    if (e instanceof TaskgateValidationError) {
        const names = optionNames(source);
        const value = e.value === undefined ? "" : ` (${e.value})`;
        return `taskgate: invalid ${cliField(e.field, names)}${value}: ${cliWords(e.problem, names)}`;
    }
    if (e instanceof TaskgateCloudError) {
        const attempts = e.attempts > 1 ? ` (after ${e.attempts} attempts)` : "";
        return `taskgate: ${e.message}${attempts}`;
    }
    if (e instanceof TaskgateReadError || e instanceof StackConfigError || e instanceof GateFailedError) return e.message;
    const err = e as Error;
    const detail = env.TASKGATE_DEBUG ? `\n${err?.stack ?? ""}` : "";
    return `taskgate: ${err?.message ?? String(e)}${detail}`;
}

/** Arg and requirement names to the options that set them. */
function optionNames(source: AnyCliSource | undefined): Map<string, string> {
    const names = new Map<string, string>();
    for (const f of source ? sourceOptions(source) : []) names.set(f.arg, `--${kebab(f.arg)}`);
    for (const [key, name] of Object.entries(REQUIREMENT_KEYS)) names.set(name, key);
    return names;
}

function cliField(field: string, names: Map<string, string>): string {
    const require = /^require(?:\.(\w+))?$/.exec(field);
    if (require) return require[1] ? `--require ${names.get(require[1]) ?? require[1]}` : "--require";
    // `instanceId[3]`: the value shown beside it tells which one.
    return names.get(field.replace(/\[\d+\]$/, "")) ?? field;
}

/** Rewrites arg names inside a message (`instanceId`, `` `requestIds` ``) as their options. */
function cliWords(problem: string, names: Map<string, string>): string {
    return (
        problem
            .replace(/set the `(\w+)` argument, /g, (_m, arg: string) => (names.has(arg) ? `set ${names.get(arg)}, ` : "set "))
            // Not inside a config key (`huaweicloud:projectId` stays as it is spelled in the stack).
            .replace(/(?<![\w:])`?([a-z]+(?:[A-Z][a-z0-9]*)+)`?(?![\w:])/g, (m, word: string) => names.get(word) ?? m)
    );
}

/** The version in package.json (from cli/ under ts-node, and from dist/cli/ once built). */
function packageVersion(): string {
    return findOwnPackage(__dirname)?.version ?? "unknown";
}
