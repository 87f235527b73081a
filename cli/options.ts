import type { GateRequirements, GateWait } from "../provider/gateRules";
import { SOURCES } from "../provider/sources";
import { type OptionSpec, parseCommandArgs, UsageError } from "./args";
import { type AnyCliSource, CONNECTION_OPTIONS, findCliSource, type FilterSpec, kebab, CLI_SOURCES } from "./sources";

export { UsageError } from "./args";

/**
 * The command line's grammar: `taskgate <command> <source> [--filter value ...] [options]`.
 * cli/args.ts does the tokenizing and the usage errors (the parser every command line here shares);
 * this module decides which options exist for a command and source, and shapes their text into
 * data-source args and gate requirements for the library's validators to judge.
 */

export const COMMANDS = ["list", "summary", "report", "wait"] as const;
export type Command = (typeof COMMANDS)[number];

export const FORMATS = ["table", "json", "csv", "markdown", "junit"] as const;
export type Format = (typeof FORMATS)[number];

/** The `--require` keys, in kebab case, and the requirement each sets. */
export const REQUIREMENT_KEYS: Readonly<Record<string, keyof GateRequirements>> = {
    "min-succeeded": "minSucceeded",
    "min-success-ratio": "minSuccessRatio",
    "max-failed": "maxFailed",
    "all-done": "allDone",
    "allow-empty": "allowEmpty",
    "created-after": "createdAfter",
};

/**
 * The requirements that take a list of target ids, as options of their own (`--expect-targets a,b`):
 * a list inside `--require`'s comma-separated rules would need a second separator, which either
 * needs quoting in a shell (`;`, a space) or may be part of an id (`+`, `:`). As options they read
 * `a,b` and repeat like every list filter here, and `paste -sd, hosts.txt` makes one.
 */
export const TARGET_LIST_OPTIONS: Readonly<Record<string, "expectTargets" | "tolerateFailuresOn">> = {
    "expect-targets": "expectTargets",
    "tolerate-failures-on": "tolerateFailuresOn",
};

/** A general option (not a data-source arg), and the commands that take it. */
interface GeneralOption extends OptionSpec {
    readonly commands: readonly Command[];
}

/** Options every source takes, per command. */
export const GENERAL_OPTIONS: readonly GeneralOption[] = [
    {
        name: "output",
        short: "o",
        value: FORMATS.join("|"),
        help: "output format (default table); json is the full result, for jq; junit a test report, a case per task, for CI",
        commands: ["list", "summary", "wait"],
    },
    { name: "html", value: "FILE", help: "where to write the self-contained HTML report (- for stdout); required", commands: ["report"] },
    {
        name: "require",
        value: "RULES",
        multiple: true,
        help: "gate the exit code: min-succeeded=N, min-success-ratio=R (0..1 or N%), max-failed=N (default 0), all-done[=true|false] (default true), allow-empty[=true|false] (default false: no matching task fails), created-after=TIME (ignore older tasks; ISO-8601 with a zone), comma-separated; exit 1 when not met",
        commands: ["list", "summary", "report", "wait"],
    },
    {
        name: "expect-targets",
        value: "A,B,...",
        multiple: true,
        help: "gate on these targets (TAT instances, CPH phones or servers): each must have a task, and the rules count them; one without a task fails, named",
        commands: ["list", "summary", "report", "wait"],
    },
    {
        name: "tolerate-failures-on",
        value: "A,B,...",
        multiple: true,
        help: "targets whose failure does not count (TAT instances, CPH phones or servers); still listed, as tolerated",
        commands: ["list", "summary", "report", "wait"],
    },
    {
        name: "stack",
        value: "NAME",
        help: "read credentials, region and endpoint from this Pulumi stack's config (runs `pulumi config`)",
        commands: ["list", "summary", "report", "wait"],
    },
    {
        name: "cwd",
        value: "DIR",
        help: "the Pulumi project folder for --stack (default: the current folder)",
        commands: ["list", "summary", "report", "wait"],
    },
    { name: "timeout", value: "SECONDS", help: "give up the read after this long, retries included (default 300)", commands: ["list", "summary", "report"] },
    // The gate's wait settings (TaskGate's `wait`), checked by the gate's own validator.
    { name: "timeout", value: "SECONDS", help: "stop waiting after this long, 0 < s <= 86400 (default 600); exit 3 then", commands: ["wait"] },
    {
        name: "poll-interval",
        value: "SECONDS",
        help: "first pause between reads, 0.1 to 3600 (default 5); grows by half while nothing finishes",
        commands: ["wait"],
    },
    {
        name: "no-fail-fast",
        help: "keep waiting when the rules can no longer hold (default: stop at once, exit 1)",
        commands: ["wait"],
    },
    { name: "quiet", short: "q", help: "no progress or status lines on stderr (errors still)", commands: ["list", "summary", "report", "wait"] },
    { name: "help", short: "h", help: "show this help", commands: ["list", "summary", "report", "wait"] },
];

/** A parsed command line, ready to run. */
export interface Invocation {
    readonly command: Command;
    readonly source: AnyCliSource;
    /** The data-source args: filters and connection settings (never a credential). */
    readonly args: Record<string, unknown>;
    /** The filters alone, for reports. */
    readonly filters: Record<string, unknown>;
    readonly require?: GateRequirements;
    /** `wait`: how to wait, as TaskGate's `wait` takes it (values shaped, not yet judged). */
    readonly wait?: GateWait;
    readonly output: Format;
    readonly html?: string;
    readonly stack?: string;
    readonly cwd?: string;
    /** The read's deadline (ReadOptions.timeoutSeconds). */
    readonly timeoutSeconds?: number;
    readonly quiet: boolean;
}

/** What the first arguments asked for. */
export type Parsed =
    | { readonly kind: "run"; readonly invocation: Invocation }
    | { readonly kind: "help"; readonly command?: Command; readonly source?: AnyCliSource }
    | { readonly kind: "version" };

/** The data-source options of a source: its filters, then its cloud's connection settings. */
export function sourceOptions(source: AnyCliSource): readonly FilterSpec[] {
    return [...source.filters, ...CONNECTION_OPTIONS[SOURCES[source.kind].cloud]];
}

/** Every option name a command and source accept, as users type them. */
export function validOptionNames(command: Command, source: AnyCliSource): string[] {
    return [...sourceOptions(source).map((f) => `--${kebab(f.arg)}`), ...GENERAL_OPTIONS.filter((o) => o.commands.includes(command)).map((o) => `--${o.name}`)];
}

const isHelp = (a: string) => a === "--help" || a === "-h";

/**
 * Parses the arguments after `taskgate`. Throws a {@link UsageError} for an unknown command,
 * source or option; data-source values are shaped but not judged here (the source's validator does).
 */
export function parseCommandLine(argv: readonly string[]): Parsed {
    const [first, second] = argv;
    if (first === undefined || (isHelp(first) && argv.length === 1)) return { kind: "help" };
    if (first === "--version" || first === "-v") return { kind: "version" };
    if (first === "help") return helpFor(argv[1], argv[2]);
    if (!COMMANDS.includes(first as Command)) {
        throw new UsageError(
            first.startsWith("-")
                ? `unknown option ${first}; a command comes first: ${COMMANDS.join(", ")}`
                : `unknown command "${first}"; commands: ${COMMANDS.join(", ")}`,
        );
    }
    const command = first as Command;
    if (second === undefined || isHelp(second)) {
        if (second === undefined) throw new UsageError(`"${command}" needs a source: ${CLI_SOURCES.map((s) => s.name).join(", ")}`, command);
        return { kind: "help", command };
    }
    const source = findCliSource(second);
    if (!source) throw new UsageError(`unknown source "${second}"; sources: ${CLI_SOURCES.map((s) => s.name).join(", ")}`, command);
    const rest = argv.slice(2);
    if (rest.some(isHelp)) return { kind: "help", command, source };
    return { kind: "run", invocation: parseOptions(command, source, rest) };
}

function helpFor(command: string | undefined, source: string | undefined): Parsed {
    if (command === undefined) return { kind: "help" };
    if (!COMMANDS.includes(command as Command)) throw new UsageError(`unknown command "${command}"; commands: ${COMMANDS.join(", ")}`);
    const s = source === undefined ? undefined : findCliSource(source);
    if (source !== undefined && !s) throw new UsageError(`unknown source "${source}"; sources: ${CLI_SOURCES.map((x) => x.name).join(", ")}`, command);
    return { kind: "help", command: command as Command, source: s };
}

/** What a data-source option takes, as help and usage errors show it. */
export function filterValue(f: FilterSpec): string {
    if (f.type === "list" || f.type === "stringOrList") return "A,B,...";
    if (f.type === "boolean") return "true|false";
    if (f.type === "number") return "N";
    if (f.type === "date") return "TIME";
    return f.values ? f.values.join("|") : "VALUE";
}

function parseOptions(command: Command, source: AnyCliSource, rest: string[]): Invocation {
    const helpAt = `${command} ${source.name}`;
    const specs = sourceOptions(source);
    // A list option may repeat (the lists concatenate); any other option given twice is refused.
    const options: OptionSpec[] = [
        ...specs.map((f) => ({ name: kebab(f.arg), value: filterValue(f), help: f.help, multiple: isList(f) })),
        ...GENERAL_OPTIONS.filter((o) => o.commands.includes(command)),
    ];
    const parsed = parseCommandArgs(rest, options, { helpFor: helpAt, positionals: true });
    if (parsed.positionals.length > 0) {
        throw new UsageError(
            `unexpected argument "${parsed.positionals[0]}": filters are options, e.g. taskgate ${command} ${source.name} ${source.example}`,
            helpAt,
        );
    }
    const args: Record<string, unknown> = {};
    for (const f of specs) {
        const given = parsed.texts(kebab(f.arg));
        if (given.length > 0) args[f.arg] = shapeValue(f, isList(f) ? given : parsed.text(kebab(f.arg))!);
    }
    const connection = new Set(CONNECTION_OPTIONS[SOURCES[source.kind].cloud].map((f) => f.arg));
    const filters = Object.fromEntries(Object.entries(args).filter(([k]) => !connection.has(k)));
    // Options a command does not take are not read (report has no --output, list no --html).
    const takes = (name: string) => options.some((o) => o.name === name);
    const output = (takes("output") ? parsed.text("output") : undefined) ?? "table";
    if (!FORMATS.includes(output as Format)) throw new UsageError(`--output must be one of ${FORMATS.join(", ")}, got "${output}"`, helpAt);
    const html = takes("html") ? parsed.text("html") : undefined;
    if (command === "report" && !html) throw new UsageError("report needs --html FILE (or --html - for stdout)", helpAt);
    const requirements = requirementsOf(parsed, helpAt);
    const timeout = parsed.text("timeout");
    // `wait` takes TaskGate's wait settings, judged by the gate's validator; the other commands a read's deadline.
    const wait = command === "wait" ? waitOf(parsed, timeout) : undefined;
    const timeoutSeconds = timeout === undefined || wait ? undefined : Number(timeout);
    if (timeoutSeconds !== undefined && !(/^\d+(\.\d+)?$/.test(timeout!) && timeoutSeconds > 0 && timeoutSeconds <= 86_400)) {
        throw new UsageError(`--timeout must be a number of seconds greater than 0 and at most 86400, got "${timeout}"`, helpAt);
    }
    return {
        command,
        source,
        args,
        filters,
        require: requirements,
        wait,
        output: output as Format,
        html,
        stack: parsed.text("stack"),
        cwd: parsed.text("cwd"),
        timeoutSeconds,
        quiet: parsed.flag("quiet"),
    };
}

/** `--require` and the target lists, as one set of requirements; undefined when none was given. */
function requirementsOf(parsed: { flag(name: string): boolean; texts(name: string): string[] }, helpAt: string): GateRequirements | undefined {
    const out: Record<string, unknown> = parsed.flag("require") ? { ...parseRequire(parsed.texts("require"), helpAt) } : {};
    for (const [option, name] of Object.entries(TARGET_LIST_OPTIONS)) {
        const given = parsed.texts(option);
        // Empty items are kept, for the validator to refuse: `--expect-targets ""` must not mean "no expectation".
        if (given.length > 0) out[name] = given.flatMap((g) => g.split(",")).map((x) => x.trim());
    }
    return Object.keys(out).length > 0 ? (out as GateRequirements) : undefined;
}

/** `wait`'s `--timeout`, `--poll-interval` and `--no-fail-fast` as TaskGate's `wait` (numbers shaped; text left for the validator to refuse). */
function waitOf(parsed: { text(name: string): string | undefined; flag(name: string): boolean }, timeout: string | undefined): GateWait {
    const poll = parsed.text("poll-interval");
    return {
        timeoutSeconds: timeout === undefined ? undefined : numberOrText(timeout),
        pollIntervalSeconds: poll === undefined ? undefined : numberOrText(poll),
        failFast: !parsed.flag("no-fail-fast"),
    } as GateWait;
}

const isList = (f: FilterSpec) => f.type === "list" || f.type === "stringOrList";

/**
 * Shapes an option's text into the arg's value. Text that does not look like the type is passed
 * on as text, so the source's validator refuses it with its own message (field, value, allowed).
 */
function shapeValue(f: FilterSpec, given: string[] | string): unknown {
    if (Array.isArray(given)) {
        const list = given.flatMap((g) => g.split(",")).map((s) => s.trim());
        return f.type === "stringOrList" && list.length === 1 ? list[0] : list;
    }
    const text = given;
    if (f.type === "number") return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text;
    if (f.type === "boolean") return text === "true" ? true : text === "false" ? false : text;
    return text;
}

/**
 * `--require min-success-ratio=0.95,max-failed=5,all-done`: kebab keys become the requirement
 * names `check()` takes; numbers, booleans and percentages are converted, anything else is passed
 * as text for validateGateSettings to refuse with its own message.
 */
export function parseRequire(given: readonly string[], helpAt = ""): GateRequirements {
    const out: Record<string, unknown> = {};
    for (const item of given
        .flatMap((g) => g.split(","))
        .map((s) => s.trim())
        .filter((s) => s !== "")) {
        const eq = item.indexOf("=");
        const key = (eq < 0 ? item : item.slice(0, eq)).trim();
        const text = eq < 0 ? undefined : item.slice(eq + 1).trim();
        const name = REQUIREMENT_KEYS[key];
        if (!name) {
            throw new UsageError(`--require: unknown requirement "${key}"; allowed: ${Object.keys(REQUIREMENT_KEYS).join(", ")}`, helpAt);
        }
        if (name in out) throw new UsageError(`--require: ${key} was given twice`, helpAt);
        out[name] = requirementValue(text);
    }
    if (Object.keys(out).length === 0) throw new UsageError(`--require needs at least one of ${Object.keys(REQUIREMENT_KEYS).join(", ")}`, helpAt);
    return out as GateRequirements;
}

function requirementValue(text: string | undefined): unknown {
    if (text === undefined || text === "true") return true;
    if (text === "false") return false;
    if (/^-?\d+(\.\d+)?%$/.test(text)) return Number(text.slice(0, -1)) / 100;
    return numberOrText(text);
}

/** A number when the text is one, else the text, for the validator to refuse with its own message. */
function numberOrText(text: string): number | string {
    return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}
