import { SOURCES } from "../provider/sources";
import { helpTable, optionRows } from "./args";
import { type Command, filterValue, GENERAL_OPTIONS, REQUIREMENT_KEYS, sourceOptions } from "./options";
import { type AnyCliSource, CLI_SOURCES, type FilterSpec, kebab } from "./sources";

/**
 * The `--help` texts, built from the same tables the parser uses (sources, options, formats), so
 * that what help lists is exactly what the parser accepts.
 */

const WHAT: Readonly<Record<Command, { usage: string; does: string }>> = {
    list: { usage: "taskgate list <source> [filters] [options]", does: "Prints every matching task: a table, or JSON, CSV or Markdown." },
    summary: { usage: "taskgate summary <source> [filters] [options]", does: "Prints the counts by state (and by target, where the API reports targets)." },
    report: {
        usage: "taskgate report <source> [filters] --html FILE [options]",
        does: "Writes a self-contained HTML page: counts, failing tasks, every task.",
    },
    wait: {
        usage: "taskgate wait <source> [filters] [--require RULES] [--timeout S] [--poll-interval S] [--no-fail-fast] [options]",
        does: "Reads again until the --require rules hold (default max-failed=0,all-done), they no longer can, or the timeout: TaskGate's wait.",
    },
};

const EXIT_CODES = [
    "Exit codes:",
    "  0  read, and the --require rules hold (or none were given)",
    "  1  read, but the --require rules do not hold: the reasons and the failing tasks are printed on stderr",
    "  2  an error: bad input (named), missing credentials, a cloud error (code, message, RequestId), a network failure",
    "  3  wait only: the timeout passed before the --require rules held (the tasks still running are named on stderr)",
    "  130  wait only: interrupted (Ctrl-C); nothing was judged",
];

const CREDENTIALS = [
    "Credentials (never taken as options, so they stay out of shell history):",
    "  Tencent Cloud  TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_SECURITY_TOKEN, TENCENTCLOUD_REGION",
    "  Huawei Cloud   HW_ACCESS_KEY, HW_SECRET_KEY, HW_SECURITY_TOKEN or HW_AUTH_TOKEN, HW_PROJECT_ID, HW_REGION_NAME",
    "  endpoint       TASKGATE_ENDPOINT (or --endpoint), e.g. the emulator's http://127.0.0.1:4566",
    "  --stack NAME   reads tencentcloud:*, huaweicloud:* and taskgate:endpoint from that stack's config instead",
    "                 (options win over the stack config, which wins over the environment)",
];

function filterRow(f: FilterSpec): [string, string] {
    const values = f.values && (f.type === "list" || f.type === "stringOrList") ? ` (${f.values.join(", ")})` : "";
    return [`--${kebab(f.arg)} ${filterValue(f)}`, `${f.help}${values}`];
}

function generalRows(command: Command): string[] {
    return optionRows(GENERAL_OPTIONS.filter((o) => o.commands.includes(command)));
}

function example(command: Command, s: AnyCliSource): string {
    const tail = { report: " --html report.html", list: " --output csv > tasks.csv", summary: "", wait: " --timeout 900 --output junit > taskgate.xml" }[
        command
    ];
    return `  taskgate ${command} ${s.name} ${s.example}${tail}`;
}

/** `taskgate --help`. */
export function rootHelp(version: string): string {
    return [
        `taskgate ${version}: the task lists of Tencent Cloud (TAT, MPS, Bare Metal) and Huawei Cloud (CPH, Workspace),`,
        "read whole (every page), printed, summarized, reported, and judged by the rules of a deployment gate.",
        "",
        "Usage:",
        ...helpTable([
            ...(Object.keys(WHAT) as Command[]).map((c): [string, string] => [WHAT[c].usage, WHAT[c].does]),
            ["taskgate <command> --help", "the sources and options of a command"],
            ["taskgate <command> <source> --help", "the filters and columns of a source"],
            ["taskgate --version", "the version of pulumi-taskgate"],
        ]),
        "",
        "Sources:",
        ...helpTable(CLI_SOURCES.map((s) => [s.name, s.title])),
        "",
        ...EXIT_CODES,
        "",
        ...CREDENTIALS,
        "",
        "Examples:",
        "  taskgate list tat --invocation-id inv-1vll7hda",
        "  taskgate list tat --invocation-id inv-1vll7hda --require min-success-ratio=0.95,max-failed=5 --output json | jq .summary",
        "  taskgate summary workspace --desktop-pool-id pool-1 --stack prod",
        "  taskgate report cph --request-id 6837531fd3f54550927b930180a706bf --html jobs.html",
        "  taskgate wait tat --invocation-id inv-1vll7hda --require min-success-ratio=0.95,max-failed=2 --timeout 900 --output junit > taskgate.xml",
        "",
    ].join("\n");
}

/** `taskgate <command> --help`. */
export function commandHelp(command: Command): string {
    return [
        `Usage: ${WHAT[command].usage}`,
        "",
        WHAT[command].does,
        "",
        `Sources (each takes its data source's args as --kebab-case filters; \`taskgate ${command} <source> --help\` lists them):`,
        ...helpTable(CLI_SOURCES.map((s) => [s.name, `${s.title}: ${s.filters.map((f) => `--${kebab(f.arg)}`).join(", ")}`])),
        "",
        "Options:",
        ...generalRows(command),
        "",
        ...requireHelp(),
        ...EXIT_CODES,
        "",
        "Examples:",
        ...CLI_SOURCES.map((s) => example(command, s)),
        "",
    ].join("\n");
}

function requireHelp(): string[] {
    return [
        `--require takes ${Object.keys(REQUIREMENT_KEYS).join(", ")} (the rules of TaskGate and check()):`,
        "  counts are of machines (bm) and desktops (workspace) where reported, else of tasks; a query that matches no task",
        "  fails (a mistyped id is no clean rollout) unless allow-empty is given; TIMED_OUT, CANCELLED and unknown states count",
        "  as failed; MPS reports no outcome (all-done only).",
        "",
    ];
}

/** `taskgate <command> <source> --help`. */
export function sourceHelp(command: Command, s: AnyCliSource): string {
    const def = SOURCES[s.kind];
    return [
        `Usage: taskgate ${command} ${s.name} [filters] [options]${command === "report" ? " --html FILE" : ""}`,
        "",
        `${s.title}. ${WHAT[command].does}`,
        "",
        "Filters (the data source's args; each is checked before any request):",
        ...helpTable(s.filters.map(filterRow)),
        "",
        `Connection (${def.cloud}):`,
        ...helpTable(
            sourceOptions(s)
                .filter((f) => !s.filters.includes(f))
                .map(filterRow),
        ),
        "",
        "Options:",
        ...generalRows(command),
        "",
        ...requireHelp(),
        ...(command === "report" ? [] : [`Columns (table, csv, markdown): ${s.columns.map((c) => c.key).join(", ")}`, ""]),
        ...EXIT_CODES,
        "",
        "Example:",
        example(command, s),
        "",
    ].join("\n");
}
