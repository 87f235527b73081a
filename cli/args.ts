/**
 * The one argument parser of every command line in this repository: `taskgate` (cli/), the
 * emulator (emulator/cli.ts) and the benchmark (bench/run.ts). Node's util.parseArgs does the
 * tokenizing (`--x=v`, `--x v`, `-o json`, repeats, `--`); this module turns its errors into ones
 * that name the option and what it takes, reads values with those same clear errors, and prints
 * option tables for `--help`.
 *
 * It imports nothing but Node and the errors' base (provider/errorBase.ts, which imports nothing):
 * the emulator uses it, and the emulator shares no other code with the provider (design.md section 1).
 */
import { parseArgs } from "node:util";
import { TaskgateError } from "../provider/errorBase";

/** Bad command-line input: the command prints the message and a pointer to `--help`, and exits 2. */
export class UsageError extends TaskgateError {
    override readonly name = "UsageError";
    /** `TASKGATE_USAGE`. */
    readonly code = "TASKGATE_USAGE";
    /** @param helpFor what to put between the command and `--help` in the pointer, e.g. `list tat` */
    constructor(
        message: string,
        readonly helpFor = "",
    ) {
        super(message);
    }

    override toJSON(): Record<string, unknown> {
        return { ...super.toJSON(), helpFor: this.helpFor };
    }
}

/** One option of a command line. */
export interface OptionSpec {
    /** The long name, without `--`. */
    readonly name: string;
    /** A one-letter alias, without `-`. */
    readonly short?: string;
    /** What the option takes, as help shows it (`N`, `FILE`, `table|json`); none for a flag. */
    readonly value?: string;
    readonly help: string;
    /** May be given more than once (the values add up); otherwise a second one is refused. */
    readonly multiple?: boolean;
}

/** A parsed command line: its positionals, and typed readers of its options that fail with a {@link UsageError}. */
export interface Args {
    readonly positionals: readonly string[];
    /** Whether `--help` or `-h` was given (anywhere before `--`). */
    readonly help: boolean;
    /** The text of an option that takes a value, or undefined when absent. */
    text(name: string): string | undefined;
    /** Every text given for an option that may repeat, in order. */
    texts(name: string): string[];
    /** Whether a flag was given. */
    flag(name: string): boolean;
    /** An integer in `[min, max]`, or undefined when absent. */
    integer(name: string, range: { min: number; max: number }): number | undefined;
    /** A comma-separated list; each item one of `allowed` when given, else any non-empty text. */
    list(name: string, allowed?: readonly string[]): string[] | undefined;
    /** A comma-separated list of integers in `[min, max]`. */
    integers(name: string, range: { min: number; max: number }): number[] | undefined;
}

/**
 * Parses `argv` against `options`. Throws a {@link UsageError} (pointing at `helpFor`) for an
 * unknown option (naming the valid ones, and the nearest when it is a near miss), a missing
 * value, a value given to a flag, a single option given twice, or a positional when none are
 * allowed. `--help` is recognized everywhere, whatever else is wrong with the line.
 */
export function parseCommandArgs(argv: readonly string[], options: readonly OptionSpec[], settings: { helpFor?: string; positionals?: boolean } = {}): Args {
    const helpFor = settings.helpFor ?? "";
    const end = argv.indexOf("--");
    const help = (end < 0 ? argv : argv.slice(0, end)).some((a) => a === "--help" || a === "-h") && options.some((o) => o.name === "help");
    const config: NonNullable<Parameters<typeof parseArgs>[0]>["options"] = {};
    // Every option is read as repeatable, so that one given twice is refused with a message below
    // rather than silently taking the last.
    for (const o of options) config[o.name] = { type: o.value ? "string" : "boolean", multiple: true, ...(o.short ? { short: o.short } : {}) };
    let values: Record<string, Array<string | boolean> | undefined> = {};
    let positionals: string[] = [];
    if (!help) {
        try {
            ({ values, positionals } = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: true }) as never);
        } catch (e) {
            throw usageErrorOf(e as Error & { code?: string }, options, helpFor);
        }
        if (positionals.length > 0 && !settings.positionals) throw new UsageError(`unexpected argument "${positionals[0]}"`, helpFor);
    }
    const spec = (name: string): OptionSpec => {
        const o = options.find((x) => x.name === name);
        if (!o) throw new Error(`bug: no option --${name}`);
        return o;
    };
    const texts = (name: string) => (values[spec(name).name] ?? []) as string[];
    const text = (name: string): string | undefined => {
        const given = texts(name);
        if (given.length > 1 && !spec(name).multiple) throw new UsageError(`--${name} was given ${given.length} times; give it once`, helpFor);
        return given[given.length - 1];
    };
    const integer = (name: string, given: string, range: { min: number; max: number }, what = "an integer"): number => {
        const n = Number(given);
        if (!/^-?\d+$/.test(given.trim()) || n < range.min || n > range.max) {
            throw new UsageError(`--${name} must be ${what} from ${range.min} to ${range.max}, got "${given}"`, helpFor);
        }
        return n;
    };
    const items = (name: string): string[] | undefined => {
        const given = text(name);
        if (given === undefined) return undefined;
        const list = given.split(",").map((s) => s.trim());
        if (list.some((s) => s === "")) throw new UsageError(`--${name} takes a comma-separated list (${spec(name).value}), got "${given}"`, helpFor);
        return list;
    };
    return {
        positionals,
        help,
        text,
        texts,
        flag: (name) => texts(name).length > 0,
        integer(name, range) {
            const given = text(name);
            return given === undefined ? undefined : integer(name, given, range);
        },
        list(name, allowed) {
            const list = items(name);
            const wrong = allowed && list?.find((s) => !allowed.includes(s));
            if (wrong !== undefined) throw new UsageError(`--${name}: unknown value "${wrong}"; allowed: ${allowed!.join(", ")}`, helpFor);
            return list;
        },
        integers(name, range) {
            return items(name)?.map((s) => integer(name, s, range, "a list of integers, each"));
        },
    };
}

/** The rows of an option table for `--help`: `  -o, --output table|json   what it does`. */
export function optionRows(options: readonly OptionSpec[]): string[] {
    return helpTable(options.map((o) => [`${o.short ? `-${o.short}, ` : ""}--${o.name}${o.value ? ` ${o.value}` : ""}`, o.help]));
}

/** Two columns, the first padded to its widest cell, indented by two spaces. */
export function helpTable(rows: ReadonlyArray<readonly [string, string]>): string[] {
    const width = Math.max(...rows.map(([a]) => a.length));
    return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`);
}

/** Turns util.parseArgs' errors into ours, each naming the option and what it takes. */
function usageErrorOf(e: Error & { code?: string }, options: readonly OptionSpec[], helpFor: string): Error {
    const named = /'(?:-\w, )?(--?[\w-]+)/.exec(e.message)?.[1] ?? "?";
    const spec = options.find((o) => `--${o.name}` === named || `-${o.short}` === named);
    switch (e.code) {
        case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
            const valid = options.map((o) => `--${o.name}`);
            const given = /'([^']+)'/.exec(e.message)?.[1] ?? named;
            const near = closest(given.replace(/=.*$/, ""), valid);
            return new UsageError(
                `unknown option ${given}${near ? ` (did you mean ${near}?)` : ""}; valid options${helpFor ? ` for "${helpFor}"` : ""}: ${valid.join(", ")}`,
                helpFor,
            );
        }
        case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
            if (spec && !spec.value) return new UsageError(`--${spec.name} takes no value`, helpFor);
            // A missing value, or the next option where the value should be (`--port --quiet`).
            if (spec) return new UsageError(`--${spec.name} needs a value: ${spec.value}`, helpFor);
            return new UsageError(e.message, helpFor);
        default:
            return e;
    }
}

/** The valid name within edit distance 2 of `given`, else the one valid name it begins (`--latency`). */
function closest(given: string, valid: readonly string[]): string | undefined {
    let best: { name: string; d: number } | undefined;
    for (const name of valid) {
        const d = editDistance(given, name);
        if (d <= 2 && (!best || d < best.d)) best = { name, d };
    }
    const longer = valid.filter((name) => name.startsWith(given));
    return best?.name ?? (longer.length === 1 ? longer[0] : undefined);
}

function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
    }
    return prev[b.length];
}
