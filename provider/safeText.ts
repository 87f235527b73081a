/**
 * Text a cloud controls (error messages, codes, RequestIds, ids, names, command output) is
 * hostile until it is made safe for where it goes. This module is the one place that does it,
 * with one function per destination: a terminal or log line, a CSV cell, a Markdown cell, HTML,
 * and JSON for a terminal. Structured fields keep the raw text (a program reading JSON or the
 * state gets exactly what the cloud sent); every rendering of it goes through here.
 *
 * Characters that never pass raw, in any destination (besides the line breaks a destination
 * keeps, see each function):
 * - C0 controls, DEL and C1 controls: a terminal acts on them (ESC starts a sequence that clears
 *   the screen or paints a line green, CR returns to the start of the line, BEL rings, U+009B is
 *   CSI to an 8-bit terminal);
 * - Unicode bidi controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069): they reorder
 *   the text around them ("Trojan Source"), so a table, a report or a diff would read differently
 *   from what was sent;
 * - U+2028 and U+2029, which some viewers and editors treat as line breaks;
 * - lone surrogates: not text at all (UTF-8 cannot encode them; they arrive as U+FFFD).
 *
 * They become visible escapes, not U+FFFD and not nothing, so that whoever reads the output sees
 * that the cloud sent something and what: `\x1b`, `\u202e`, `\n`, `\ud800`. Backslashes are not
 * doubled: an escape stays readable and escaping twice changes nothing; a program that needs to
 * tell a sent `\x1b` from an ESC reads the JSON output, which has the raw text.
 */

import type { Logger } from "./types";

/** Every character this module never lets through raw (see the module comment). */
const HOSTILE =
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const SHORT: Readonly<Record<string, string>> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** The visible escape of one hostile character: `\n`, `\x1b`, `\u202e`. */
function escapeChar(c: string): string {
    const code = c.charCodeAt(0);
    return SHORT[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`);
}

/** Replaces each hostile character by its visible escape, except the characters in `keep`. */
function visible(s: string, keep = ""): string {
    return s.replace(HOSTILE, (c) => (keep.includes(c) ? c : escapeChar(c)));
}

/** A value as text: nothing for undefined and null, JSON for objects. */
function asText(value: unknown): string {
    if (value === undefined || value === null) return "";
    if (typeof value === "string") return value;
    return typeof value === "object" ? (JSON.stringify(value) ?? String(value)) : String(value);
}

/** Text with Windows line ends as plain `\n`, for destinations that keep line breaks (a lone CR stays hostile). */
const lf = (s: string) => s.replace(/\r\n/g, "\n");

/**
 * Text for one line of a terminal or a log, or a cell of an aligned table: every hostile
 * character visible, line breaks and tabs included, so that a message can neither move the
 * cursor nor start a line of its own that looks like taskgate's ("taskgate: passed").
 */
export function terminalText(value: unknown): string {
    return visible(asText(value));
}

/**
 * A message of several lines for a terminal (the command line's error messages): like
 * {@link terminalText} but the message's own line breaks stay. Cloud text embedded in it should
 * already have gone through terminalText, so that it cannot add lines; this is the last guard at
 * the sink.
 */
export function terminalLines(text: string): string {
    return visible(text, "\n");
}

/** Leading characters that make a spreadsheet read a cell as a formula, full-width forms included. */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/**
 * One CSV field (RFC 4180). A string keeps its line breaks (the field is quoted, and spreadsheets
 * show them); other hostile characters become visible; and a string that starts like a formula
 * (`=`, `+`, `-`, `@`, tab, CR, or their full-width forms) gets a leading `'`, as csv-stringify's
 * `escape_formulas` does, so that `=cmd|'/c calc'!A1` is shown, not run.
 *
 * Numbers and booleans are written as they are: they are taskgate's own typed fields (an exit
 * code of `-1`), never cloud text, and the digits of a number cannot form a formula; prefixing
 * them would turn `-1` into text a spreadsheet cannot add up. A number the cloud sent as a string
 * stays a string, and is neutralised like any other.
 */
export function csvCell(value: unknown): string {
    let s: string;
    if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
        s = String(value);
    } else {
        s = visible(lf(asText(value)), "\n");
        if (FORMULA_START.test(s)) s = `'${s}`;
    }
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Characters with a meaning in a GitHub-flavoured Markdown table cell, and their escapes. */
const MARKDOWN: Readonly<Record<string, string>> = {
    "\\": "\\\\",
    "|": "\\|",
    "[": "\\[",
    "]": "\\]",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
};

/**
 * One cell of a GitHub-flavoured Markdown table. Escaped: pipes (which end the cell),
 * backslashes, `[` and `]` (links and images, whose target would be hidden or fetched), and
 * `<`, `>` and `&` (raw HTML, and entities such as `&#8238;` that would render as a bidi
 * control). Line breaks become `<br>`; other hostile characters become visible. Not escaped:
 * emphasis and code marks (they change only the look), and bare URLs, `@mentions` and `#refs`,
 * which GitHub links as shown (no escape stops that short of a code span).
 */
export function markdownCell(value: unknown): string {
    const escaped = lf(asText(value)).replace(/[\\|[\]<>&]/g, (c) => MARKDOWN[c]);
    return visible(escaped, "\n").replace(/\n/g, "<br>");
}

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Text for an HTML text node or a quoted attribute value: markup characters as entities, and
 * hostile characters visible (HTML forbids most controls, a terminal that later shows the file
 * must not act on them, and a bidi override would reorder the page). Newlines and tabs stay:
 * they are whitespace to HTML.
 */
export function htmlText(value: unknown): string {
    return visible(
        lf(asText(value)).replace(/[&<>"']/g, (c) => ENTITIES[c]),
        "\n\t",
    );
}

/** Characters JSON.stringify leaves raw that a terminal must not get (it already escapes C0 and lone surrogates). */
const JSON_HOSTILE = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/**
 * JSON for a terminal or a pipe: `JSON.stringify`, with the hostile characters it leaves raw
 * (DEL, C1, bidi controls, U+2028/U+2029) written as `\u` escapes. Still valid JSON, and it
 * parses back to exactly the raw values.
 */
export function jsonText(value: unknown, indent?: number): string {
    return (JSON.stringify(value, null, indent) ?? "null").replace(JSON_HOSTILE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * At most `max` UTF-16 units of `s`, cut where it splits neither a surrogate pair (which would
 * leave a lone surrogate) nor one of this module's visible escapes (`\x1`, `\u20`).
 */
export function truncate(s: string, max: number): string {
    if (s.length <= max) return s;
    let end = max;
    if (end > 0 && /[\ud800-\udbff]/.test(s[end - 1]) && /[\udc00-\udfff]/.test(s[end])) end--;
    const partial = /\\(?:x[0-9a-f]?|u[0-9a-f]{0,3})?$/.exec(s.slice(Math.max(0, end - 5), end));
    return s.slice(0, partial ? end - partial[0].length : end);
}

/**
 * A logger whose every message is one line safe for a terminal ({@link terminalText}): retries
 * and re-reads quote the cloud's error codes, RequestIds and record ids, and every sink (the
 * CLI's stderr, the engine's log, a caller's own logger) shows them as they are. No log message
 * of taskgate spans lines, so a line break in one can only be the cloud's, forging a line.
 */
export function safeLogger(log: Logger): Logger {
    return {
        debug: (m) => log.debug(terminalText(m)),
        info: (m) => log.info(terminalText(m)),
        warn: (m) => log.warn(terminalText(m)),
    };
}

/** Noncharacters XML 1.0 forbids even as references; {@link visible} lets them through raw elsewhere. */
const XML_NONCHARACTERS = /[\ufffe\uffff]/g;

/**
 * Text for an XML text node (the JUnit report): markup characters as entities, as {@link htmlText}
 * writes them (its entities are XML's too), and every character XML 1.0 forbids, even as a
 * reference (C0 controls but tab and newline, lone surrogates, U+FFFE, U+FFFF), made visible, so
 * that the file stays well-formed whatever the cloud sent and a CI page shows what it was.
 */
export function xmlText(value: unknown): string {
    return htmlText(value).replace(XML_NONCHARACTERS, escapeChar);
}

/**
 * A double-quoted XML attribute value: {@link xmlText}, with newlines and tabs as character
 * references, which a parser keeps (raw ones it would turn into spaces).
 */
export function xmlAttr(value: unknown): string {
    return xmlText(value).replace(/\n/g, "&#10;").replace(/\t/g, "&#9;");
}
