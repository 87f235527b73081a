import { pct } from "../provider/gateRules";
import { htmlText, truncate } from "../provider/safeText";
import { plural as countWords } from "../provider/words";

/**
 * Small, pure helpers for writing HTML as strings. Every piece of text that reaches the page goes
 * through {@link esc}: task ids, error messages and command output come from the machines the
 * tasks ran on, so they are attacker-controlled.
 */

/** Text for an HTML text node or a quoted attribute value: the sanitizer's {@link htmlText}. */
export const esc = htmlText;

/**
 * Cuts text longer than `max` characters, saying how much was cut (before escaping, so no entity
 * is split; never inside a surrogate pair, which would leave half a character).
 */
export function clip(text: string, max: number): string {
    if (text.length <= max) return text;
    const kept = truncate(text, max);
    return `${kept}… (${plural(text.length - kept.length, "more character", "more characters")})`;
}

/** A whole number with thousands separators (`10,000`), the same on every machine (no locale). */
export function num(n: number): string {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A share as a percentage, written as the gate's messages write it (see the gate rules' `pct`). */
export function share(part: number, whole: number): string {
    return whole > 0 ? pct(part / whole) : "0.0%";
}

/** `n noun` with the plural where needed, thousands grouped: `1 task`, `3 tasks`, `1,200 tasks` (the package's one rule, provider/words). */
export function plural(n: number, one: string, many: string): string {
    return countWords(n, [one, many], num);
}

/** An ISO-8601 time as `2024-05-01 12:00:05 UTC`, or a dash when there is none. */
export function when(iso: string | Date | undefined): string {
    if (iso === undefined) return "–";
    const d = typeof iso === "string" ? new Date(iso) : iso;
    return Number.isNaN(d.getTime()) ? String(iso) : `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** A column of {@link table}: its heading and a class for its cells (`num`, `msg`, `id`). */
export type Column = readonly [heading: string, className?: string];

/** A table from already-escaped cells; `rows` holds one array of cell HTML per row. */
export function table(className: string, columns: readonly Column[], rows: readonly (readonly string[])[], footer?: string): string {
    const cls = (i: number) => (columns[i][1] ? ` class="${columns[i][1]}"` : "");
    const th = columns.map(([h], i) => `<th scope="col"${cls(i)}>${esc(h)}</th>`).join("");
    const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join("")}</tr>`).join("\n");
    const foot = footer ? `<tfoot><tr><td colspan="${columns.length}">${footer}</td></tr></tfoot>` : "";
    // The wrapper lets a wide table scroll on its own on a narrow screen instead of the whole page.
    return `<div class="tablewrap"><table class="${className}"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody>${foot}</table></div>`;
}
