import type { GateSourceTraits } from "../provider/gateRules";
import { csvCell, jsonText, markdownCell, terminalText, truncate } from "../provider/safeText";
import { sourceNoun } from "../provider/sources";
import { countOf } from "../provider/summary";
import { TASK_STATES, type TaskListResult } from "../provider/types";
import { nounFor, plural, type Noun } from "../provider/words";
import type { Format } from "./options";
import type { AnyCliSource, Column } from "./sources";

/**
 * Renders results for people (an aligned table), for spreadsheets (RFC 4180 CSV), for documents
 * (Markdown) and for programs (JSON, the library's own result unchanged). Pure: text in, text out.
 * Every cell goes through the sanitizer of its format (provider/safeText): records hold what the
 * cloud sent, and the cloud's text must not drive the terminal, a spreadsheet or a Markdown page.
 */

type Row = Record<string, unknown>;
type Result = TaskListResult<Row>;

/** The widest a table cell gets before it is cut (error messages can be long). */
const MAX_CELL = 60;

/** Reads a column's value from a record: its `value` function, or the field at its dotted path. */
function columnValue(c: Column<Row>, t: Row): unknown {
    if (c.value) return c.value(t);
    let v: unknown = t;
    for (const part of c.key.split(".")) v = v !== null && typeof v === "object" ? (v as Row)[part] : undefined;
    return Array.isArray(v) ? v.join(";") : v;
}

function cut(s: string, max: number): string {
    return s.length > max ? `${truncate(s, max - 1)}…` : s;
}

/** An aligned table: two spaces between columns, `-` for an empty cell, numbers right-aligned. */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
    const cells = rows.map((r) => r.map((v) => (v === undefined || v === null || v === "" ? "-" : cut(terminalText(v), MAX_CELL))));
    const numeric = headers.map((_, i) => rows.some((r) => typeof r[i] === "number") && rows.every((r) => r[i] === undefined || typeof r[i] === "number"));
    const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
    const line = (r: readonly string[]) =>
        r
            .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
            .join("  ")
            .trimEnd();
    return `${[line(headers), ...cells.map(line)].join("\n")}\n`;
}

/** RFC 4180: CRLF line ends; a field with a comma, quote or line break is quoted, quotes doubled (see csvCell). */
export function renderCsv(headers: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
    return `${[headers, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

/** A GitHub-flavoured Markdown table (see markdownCell for what a cell escapes). */
export function renderMarkdown(headers: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
    const line = (r: readonly unknown[]) => `| ${r.map(markdownCell).join(" | ")} |`;
    return `${[line(headers), `|${headers.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n")}\n`;
}

function render(format: Exclude<Format, "json">, headers: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
    return format === "csv" ? renderCsv(headers, rows) : format === "markdown" ? renderMarkdown(headers, rows) : renderTable(headers, rows);
}

/** `taskgate list`: one row per task, the source's columns (CSV headers are the field paths). */
export function formatList(format: Format, source: AnyCliSource, _traits: GateSourceTraits, result: Result): string {
    if (format === "json") return `${jsonText(result, 2)}\n`;
    const rows = result.tasks.map((t) => source.columns.map((c) => columnValue(c, t)));
    const headers = source.columns.map((c) => (format === "csv" ? c.key : c.header));
    const body = render(format, headers, rows);
    return format === "table" ? `${body}${countsLine(sourceNoun(source.kind), result)}\n` : body;
}

/** `taskgate summary`: counts by state, then targets where the API reports them. */
export function formatSummary(format: Format, source: AnyCliSource, traits: GateSourceTraits, result: Result): string {
    const s = result.summary;
    if (format === "json") {
        return `${jsonText({ source: source.name, id: result.id, totalCount: result.totalCount, summary: s, requestIds: result.requestIds }, 2)}\n`;
    }
    const rows: unknown[][] = TASK_STATES.map((state) => [state, countOf(s, state)]);
    rows.push(["TOTAL", s.total]);
    const t = s.targets;
    if (format === "csv") {
        // One two-column table, so that a spreadsheet or `cut` reads it whole: targets as `targets.x` rows.
        const targetRows = t ? Object.entries(t).map(([k, n]) => [`targets.${k}`, n]) : [];
        return renderCsv(["name", "count"], [...rows, ...targetRows]);
    }
    let out = render(format, ["STATE", "TASKS"], rows);
    if (t) {
        const noun = (traits.targetName ?? "targets").toUpperCase();
        out += `\n${render(
            format,
            [noun, "COUNT"],
            [
                ["total", t.total],
                ["succeeded", t.succeeded],
                ["failed", t.failed],
                ["skipped", t.skipped],
            ],
        )}`;
    }
    return format === "table" ? `${out}\n${countsLine(sourceNoun(source.kind), result)}\n` : out;
}

/** One line under a table: what was read and whether it is done. */
export function countsLine(label: Noun, result: Result): string {
    const s = result.summary;
    const parts: Array<[number, string]> = [
        [s.succeeded, "succeeded"],
        [s.failed + s.timedOut + s.cancelled, "failed, timed out or cancelled"],
        [s.pending + s.running, "pending or running"],
        [s.finished, "finished (no outcome reported)"],
        [s.unknown, nounFor(s.unknown, ["in an unknown state", "in unknown states"])],
    ];
    const shown = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
    const of = result.totalCount !== s.total ? ` (of ${result.totalCount} reported)` : "";
    return `${plural(s.total, label)}${of}${shown.length ? `: ${shown.join(", ")}` : ""}; ${s.done ? "all done" : "not done"}`;
}
