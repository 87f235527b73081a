import { TaskgateValidationError } from "../provider/errors";
import { describeRequirements, describeTally, type FailedTask, type GateRequirements, unitNoun, type Verdict } from "../provider/gateRules";
import { CREDENTIAL_ARG_NAMES } from "../provider/settings";
import { taskRecord } from "../provider/snapshotRecord";
import { countOf } from "../provider/summary";
import { failingTasks, judgeResult, requirementsFor, SOURCE_KINDS, sourceDefinition, type SourceKind, sourceKindOfResult } from "../provider/sources";
import type { TaskListResult, TaskState, TaskSummary } from "../provider/types";
import { clip, type Column, esc, num, plural, share, table, when } from "./html";
import { CSS, SEGMENT_STYLE } from "./style";
import { addUnits, emptyUnits, FAILING_SEGMENTS, groupTargets, type Segment, SEGMENTS, type SourceView, sourceView, type TargetGroup } from "./targetGroups";

/** What a report is made of. */
export interface ReportInput {
    kind: SourceKind;
    result: TaskListResult<{ state: TaskState }>;
    /** The gate's requirements; with them the report carries the gate's verdict. */
    require?: GateRequirements;
    generatedAt: Date;
    /** The filters of the query, secrets already removed. */
    query?: Record<string, unknown>;
}

/** How much of a huge list the page lists row by row (the counts and bars always cover every task). */
export const REPORT_LIMITS = {
    /** Groups drawn as their own bar; the rest are folded into "others". */
    groups: 12,
    failingRows: 100,
    /** Rows of the collapsed table of every task. */
    taskRows: 1000,
    /** Characters of one error message. */
    messageChars: 400,
    requestIds: 500,
} as const;

/**
 * Connection settings never belong on the page, even if a caller forgets to remove them: keys,
 * tokens, and the endpoint (a URL may carry a password). Region and project id are not secret
 * and say where the tasks ran.
 */
const CONNECTION_KEYS: ReadonlySet<string> = new Set([...CREDENTIAL_ARG_NAMES, "endpoint"]);

const CLOUD_NAMES = { tencentcloud: "Tencent Cloud", huaweicloud: "Huawei Cloud" } as const;

/**
 * Renders a task list as one self-contained HTML page: the query, the gate's verdict (when
 * `require` is given, judged by the same rules and in the same words as a gate), the counts by
 * state, a stacked bar of states per target group (see `VIEWS` in targetGroups.ts), the failing
 * tasks with their errors, and every task in a collapsed table. The page has inline CSS only, no
 * script, font, image or link to fetch, and a Content-Security-Policy that forbids them, so it
 * works offline and an error message that smuggles markup stays text.
 *
 * Pure: no I/O, and the same input always gives the same page.
 * @throws TaskgateValidationError when `kind` is not a source, the result's id names another
 *   source, or `require` is invalid for the source (as a gate would refuse it).
 */
export function renderHtmlReport(input: ReportInput): string {
    const { kind, result } = input;
    if (!SOURCE_KINDS.includes(kind)) throw new TaskgateValidationError("kind", `is not a source; one of ${SOURCE_KINDS.join(", ")}`, JSON.stringify(kind));
    const fromId = sourceKindOfResult(result);
    if (fromId && fromId !== kind) throw new TaskgateValidationError("kind", `does not match the result, which was read from ${fromId}`, JSON.stringify(kind));
    const def = sourceDefinition(kind);
    const failing = failingTasks(kind, result.tasks);
    const verdict = input.require === undefined ? undefined : judge(kind, result, input.require);
    const label = def.traits.label;
    const body = [
        header(input, label, CLOUD_NAMES[def.cloud]),
        verdictSection(verdict, label),
        summarySection(kind, result),
        groupsSection(kind, result.tasks),
        failingSection(kind, failing, result.tasks.length),
        allTasksSection(kind, result.tasks),
        footer(result),
    ].join("\n");
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="generator" content="taskgate">
<title>${esc(`${verdict ? `${verdict.verdict.passed ? "PASSED" : "FAILED"}: ` : ""}${label} · taskgate report`)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

interface Judgement {
    readonly verdict: Verdict;
    readonly required: string;
    readonly found: string;
}

/** The gate's verdict, composed exactly as `check()` composes it, so the report and the gate never disagree. */
function judge(kind: SourceKind, result: TaskListResult<{ state: TaskState }>, require: GateRequirements): Judgement {
    const traits = sourceDefinition(kind).traits;
    const req = requirementsFor(kind, require);
    const { verdict } = judgeResult(kind, result, req);
    const unit = unitNoun(verdict.tally, traits);
    return { verdict, required: describeRequirements(req, unit), found: describeTally(verdict.tally, unit) };
}

function header(input: ReportInput, label: string, cloud: string): string {
    const entries = Object.entries(input.query ?? {}).filter(([k, v]) => !CONNECTION_KEYS.has(k) && v !== undefined && v !== null);
    const query =
        entries.length === 0
            ? `<p class="meta">Query: every task the API lists (no filters).</p>`
            : `<dl class="query" aria-label="Query">${entries.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(clip(queryValue(v), 300))}</dd></div>`).join("")}</dl>`;
    const r = input.result;
    return `<header>
<p class="eyebrow">taskgate report · ${esc(cloud)}</p>
<h1>${esc(label)}</h1>
${query}
<p class="meta">Generated ${esc(when(input.generatedAt))} · query id <span class="mono">${esc(r.id)}</span> · ${esc(plural(r.requestIds.length, "request id", "request ids"))}</p>
</header>`;
}

function queryValue(v: unknown): string {
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.length > 20 ? `${v.slice(0, 20).map(queryValue).join(", ")} and ${num(v.length - 20)} more` : v.map(queryValue).join(", ");
    return typeof v === "string" ? v : (JSON.stringify(v) ?? String(v));
}

function verdictSection(j: Judgement | undefined, label: string): string {
    if (!j) return `<section class="verdict none" aria-label="Verdict"><p>No requirements were given, so this report carries no verdict.</p></section>`;
    const { passed, reasons } = j.verdict;
    // The mark beside the word keeps the verdict readable without colour (and in print).
    const badge = passed ? "✓ PASSED" : "✗ FAILED";
    const notMet = reasons.length === 0 ? "" : `<ul>${reasons.map((r) => `<li><span class="k">not met:</span> ${esc(r)}</li>`).join("")}</ul>`;
    return `<section class="verdict ${passed ? "passed" : "failed"}" aria-label="Verdict" data-verdict="${passed ? "passed" : "failed"}">
<p><span class="badge">${badge}</span>the gate's requirements ${passed ? "hold" : "do not hold"} on these ${esc(label)}</p>
<p><span class="k">required:</span> ${esc(j.required)}</p>
<p><span class="k">found:</span> ${esc(j.found)}</p>
${notMet}
</section>`;
}

const swatch = (s: Segment) => `<span class="sw s-${SEGMENT_STYLE[s].cls}" aria-hidden="true"></span>`;
const stateChip = (s: Segment) => `<span class="state">${swatch(s)}${esc(s)}</span>`;

/** Summary counts, per state, as the summary holds them (and always succeeded and failed, where a source reports outcomes). */
function summaryCounts(s: TaskSummary, reportsOutcome: boolean): Array<[Segment, number]> {
    const order: TaskState[] = ["SUCCEEDED", "FINISHED", "RUNNING", "PENDING", "CANCELLED", "TIMED_OUT", "FAILED", "UNKNOWN"];
    const counts = order.map((st): [Segment, number] => [st, countOf(s, st)]);
    const always = new Set<Segment>(reportsOutcome ? ["SUCCEEDED", "FAILED"] : ["FINISHED"]);
    return counts.filter(([st, n]) => n > 0 || always.has(st));
}

function summarySection(kind: SourceKind, result: TaskListResult<{ state: TaskState }>): string {
    const { summary: s } = result;
    const def = sourceDefinition(kind);
    const view = sourceView(kind);
    const card = (cls: string, labelHtml: string, n: number, share?: string) =>
        `<div class="card ${cls}"><span class="n">${num(n)}</span><span class="l">${labelHtml}</span>${share ? `<span class="p">${share}</span>` : ""}</div>`;
    const [one, many] = view.taskNoun;
    const cards = [
        card("total", `${esc(many)} read`, s.total),
        ...summaryCounts(s, def.traits.reportsOutcome).map(([st, n]) =>
            card(`c-${SEGMENT_STYLE[st].cls}`, `${swatch(st)}${esc(SEGMENT_STYLE[st].short)}`, n, `${share(n, s.total)} of ${esc(many)}`),
        ),
    ];
    const t = s.targets;
    const targets =
        t && def.traits.hasTargets
            ? `<p class="targets"><strong>${esc(def.traits.targetName ?? "targets")}:</strong> ${num(t.total)} in all · ${num(t.succeeded)} succeeded · ${num(t.failed)} failed · ${num(t.skipped)} skipped</p>`
            : "";
    const unfinished = s.pending + s.running + s.unknown;
    const state = s.done ? `Every ${one} is done.` : `${plural(unfinished, `${one} is`, `${many} are`)} not done (pending, running or in an unknown state).`;
    const short = result.totalCount > s.total ? ` The API reported ${num(result.totalCount)}; this report covers the ${num(s.total)} read (maxResults).` : "";
    const all = emptyUnits();
    for (const task of result.tasks) addUnits(all, view.units(task));
    const total = SEGMENTS.reduce((a, x) => a + all[x], 0);
    const legend = SEGMENTS.filter((x) => all[x] > 0)
        .map((x) => `<li>${swatch(x)}${esc(SEGMENT_STYLE[x].word)} <strong>${num(all[x])}</strong></li>`)
        .join("");
    return `<section aria-labelledby="h-summary">
<h2 id="h-summary">Summary</h2>
<p class="hint">${esc(state + short)}</p>
<div class="cards">${cards.join("")}</div>
${targets}
${bar(all, total, view.unit, `All ${view.unit}`, "big overall")}
<ul class="legend" aria-label="Legend">${legend}</ul>
</section>`;
}

/**
 * A stacked bar, each segment as wide as its share. `data-count` and `data-total` let a test (or
 * a reader with developer tools) check the widths against the numbers.
 */
function bar(units: Readonly<Record<Segment, number>>, total: number, unit: string, name: string, cls = ""): string {
    const present = SEGMENTS.filter((s) => units[s] > 0);
    const words = present.map((s) => `${num(units[s])} ${SEGMENT_STYLE[s].word}`).join(", ");
    const segs = present
        .map((s) => {
            const title = `${SEGMENT_STYLE[s].word}: ${num(units[s])} of ${num(total)} ${unit} (${share(units[s], total)})`;
            return `<span class="seg s-${SEGMENT_STYLE[s].cls}" style="width:${((units[s] / total) * 100).toFixed(4)}%" data-state="${s}" data-count="${units[s]}" title="${esc(title)}"></span>`;
        })
        .join("");
    return `<div class="bar ${cls}" role="img" data-total="${total}" aria-label="${esc(`${name}: ${total === 0 ? `no ${unit}` : `${num(total)} ${unit}, ${words}`}`)}">${segs}</div>`;
}

/** A group's counts in words, failures first and in bold; its number of tasks where the bar counts targets. */
function counts(g: TargetGroup, view: SourceView<{ state: TaskState }>): string {
    const parts = SEGMENTS.filter((s) => g.units[s] > 0)
        .reverse()
        .map((s) => {
            const text = `${num(g.units[s])} ${esc(SEGMENT_STYLE[s].short)}`;
            return FAILING_SEGMENTS.has(s) ? `<b>${text}</b>` : text;
        });
    const tasks = view.unit === view.taskNoun[1] || g.tasks === 1 ? "" : ` (${esc(plural(g.tasks, ...view.taskNoun))})`;
    return parts.join(" · ") + tasks;
}

function groupsSection(kind: SourceKind, tasks: ReadonlyArray<{ state: TaskState }>): string {
    const view = sourceView(kind);
    const [one, many] = view.groupNoun;
    const grouping = groupTargets(kind, tasks, REPORT_LIMITS.groups);
    const title = `${view.unit[0].toUpperCase()}${view.unit.slice(1)} by ${one}`;
    const scope = grouping.others
        ? `The ${grouping.groups.length} of ${num(grouping.groupCount)} ${many} with the most failures (then the most unfinished, then the largest); the other ${num(grouping.others.folded ?? 0)} are folded into one bar.`
        : `${plural(grouping.groupCount, one, many)}, most failures first.`;
    const row = (g: TargetGroup, others: boolean) =>
        `<div class="g${others ? " others" : ""}" title="${esc(g.label)}">${esc(g.label)}</div>${bar(g.units, g.total, view.unit, g.label)}<div class="c">${counts(g, view)}</div>`;
    const rows = [...grouping.groups.map((g) => row(g, false)), ...(grouping.others ? [row(grouping.others, true)] : [])];
    const content =
        rows.length === 0
            ? `<p class="empty">No tasks matched the query.</p>`
            : `<div class="groups"><div class="gh">${esc(one)}</div><div class="gh">${esc(view.unit)} by state</div><div class="gh">counts</div>\n${rows.join("\n")}\n</div>`;
    return `<section aria-labelledby="h-groups">
<h2 id="h-groups">${esc(title)}</h2>
<p class="hint">${esc(scope)} Each bar is one ${esc(one)}, 100% wide.${view.unitNote ? ` ${esc(view.unitNote)}` : ""}</p>
${content}
</section>`;
}

const FAILING_COLUMNS: readonly Column[] = [["Task", "id"], ["Target", "id"], ["State"], ["Error code", "id"], ["Message", "msg"], ["Exit code", "num"]];

function failingSection(kind: SourceKind, failing: readonly FailedTask[], total: number): string {
    const [one, many] = sourceView(kind).taskNoun;
    const shown = failing.slice(0, REPORT_LIMITS.failingRows);
    const rows = shown.map((f) => [
        esc(f.id),
        esc(f.target ?? "–"),
        stateChip(f.state),
        esc(f.errorCode ?? "–"),
        esc(clip(f.errorMessage ?? "", REPORT_LIMITS.messageChars)),
        f.exitCode === undefined ? "–" : esc(f.exitCode),
    ]);
    const more = failing.length - shown.length;
    const content =
        failing.length === 0
            ? `<p class="empty">No failing ${esc(many)}: none failed, timed out, was cancelled or is in an unknown state${total === 0 ? ` (no ${esc(many)} were read)` : ""}.</p>`
            : table(
                  "failing",
                  FAILING_COLUMNS,
                  rows,
                  more > 0 ? `and ${esc(plural(more, `more failing ${one}`, `more failing ${many}`))}, not listed here` : undefined,
              );
    return `<section aria-labelledby="h-failing">
<h2 id="h-failing">Failing ${esc(many)} (${num(failing.length)})</h2>
<p class="hint">Failed, timed out, cancelled or in an unknown state, or with failed targets: the tasks a gate names.</p>
${content}
</section>`;
}

function allTasksSection(kind: SourceKind, tasks: ReadonlyArray<{ state: TaskState }>): string {
    if (tasks.length === 0) return "";
    const view = sourceView(kind);
    const shown = tasks.slice(0, REPORT_LIMITS.taskRows);
    const idOf = sourceDefinition(kind).idOf;
    const rows = shown.map((t) => {
        const r = taskRecord(kind, t);
        return [esc(idOf(t)), esc(view.group(t).label), stateChip(t.state), esc(r.status ?? "–"), esc(when(r.startTime)), esc(when(r.endTime))];
    });
    const more = tasks.length - shown.length;
    const [one, many] = view.taskNoun;
    const columns: Column[] = [[one[0].toUpperCase() + one.slice(1), "id"], [view.groupNoun[0]], ["State"], ["Raw status", "id"], ["Started"], ["Ended"]];
    return `<details>
<summary>All ${esc(plural(tasks.length, one, many))}${more > 0 ? ` (the first ${num(shown.length)} listed)` : ""}</summary>
${table("all", columns, rows, more > 0 ? `and ${esc(plural(more, `more ${one}`, `more ${many}`))}, not listed here` : undefined)}
</details>`;
}

function footer(result: TaskListResult<unknown>): string {
    const ids = result.requestIds.slice(0, REPORT_LIMITS.requestIds);
    const more = result.requestIds.length - ids.length;
    const list =
        ids.length === 0
            ? ""
            : `<details><summary>Request ids of the read (${num(result.requestIds.length)}), for support tickets</summary>
<ol>${ids.map((id) => `<li>${esc(id)}</li>`).join("")}</ol>${more > 0 ? `<p>and ${num(more)} more</p>` : ""}</details>`;
    return `<footer>
<p>Written by taskgate from one read of the API. A self-contained page: no scripts, and nothing is loaded from the network.</p>
${list}
</footer>`;
}
