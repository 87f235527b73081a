/**
 * Defensive readers for API payloads. The clouds send numbers as strings, zero dates,
 * local-time timestamps and nulls; a payload of the wrong shape must never crash the mapping,
 * so every reader accepts `unknown` and returns `undefined` for what it cannot read.
 */

/** A non-empty string, or undefined. Numbers are rendered, since ids sometimes arrive as numbers. */
export function str(v: unknown): string | undefined {
    if (typeof v === "string") return v === "" ? undefined : v;
    if (typeof v === "number" && Number.isFinite(v)) return String(v);
    return undefined;
}

/** A string, keeping "" (for fields where empty is meaningful, such as error codes). */
export function rawStr(v: unknown): string | undefined {
    if (typeof v === "string") return v;
    if (typeof v === "number" && Number.isFinite(v)) return String(v);
    return undefined;
}

/** A finite number; numeric strings (the legacy BM API sends `"1"`) are converted. */
export function num(v: unknown): number | undefined {
    if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
    if (typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
    return undefined;
}

/**
 * A count (a total the API reports): a whole number from 0 up, as a number or a numeric string.
 * Anything else, -1, 1.5 or 1e21 say, is undefined: a read must not plan its pages from it.
 */
export function count(v: unknown): number | undefined {
    const n = num(v);
    return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** A boolean; "true"/"false" strings are accepted. */
export function bool(v: unknown): boolean | undefined {
    if (typeof v === "boolean") return v;
    if (v === "true") return true;
    if (v === "false") return false;
    return undefined;
}

/** A plain object, or undefined. */
export function obj(v: unknown): Record<string, unknown> | undefined {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** An array, or undefined. */
export function arr(v: unknown): unknown[] | undefined {
    return Array.isArray(v) ? v : undefined;
}

/** Non-empty strings of an array; other elements are dropped. */
export function strList(v: unknown): string[] | undefined {
    const a = arr(v);
    if (!a) return undefined;
    return a.map(str).filter((s): s is string => s !== undefined);
}

const ZERO_DATE = /^0{4}-0{2}-0{2}([ T]0{2}:0{2}:0{2})?(\.0+)?(Z|[+-]0{2}:?0{2})?$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;
const ZONED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Parses an API timestamp to `Date.prototype.toISOString()` form (UTC, `...Z`).
 *
 * - zero dates (`0000-00-00T00:00:00Z`, MPS) and empty strings give `undefined`;
 * - a time with a zone (`Z`, `+00:00`) is converted to UTC;
 * - a time without a zone is read in `zoneOffsetMinutes`: Tencent Bare Metal sends Beijing
 *   time (`2017-10-19 18:04:02`, UTC+8), Huawei documents UTC;
 * - anything else gives `undefined` (never a wrong date).
 */
export function isoTime(v: unknown, zoneOffsetMinutes = 0): string | undefined {
    if (typeof v !== "string") return undefined;
    const s = v.trim();
    if (s === "" || ZERO_DATE.test(s)) return undefined;
    if (ZONED_DATE_TIME.test(s)) {
        // Date.parse rolls 2023-02-31 over to March: such a value is not a real time.
        if (!dayExists(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)))) return undefined;
        const ms = Date.parse(s.length > 5 && /[+-]\d{4}$/.test(s) ? `${s.slice(0, -2)}:${s.slice(-2)}` : s);
        return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
    }
    const m = LOCAL_DATE_TIME.exec(s);
    if (!m) return undefined;
    const [, y, mo, d, h, mi, se, frac] = m;
    const fields = [y, mo, d, h, mi, se].map(Number);
    if (!dayExists(fields[0], fields[1], fields[2]) || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) return undefined;
    // Not Date.UTC, which reads years 0-99 as 1900-1999.
    const date = new Date(0);
    date.setUTCFullYear(fields[0], fields[1] - 1, fields[2]);
    date.setUTCHours(fields[3], fields[4], fields[5], frac ? Math.round(Number(frac) * 1000) : 0);
    return new Date(date.getTime() - zoneOffsetMinutes * 60_000).toISOString();
}

/** Whether a calendar day exists (no 2023-02-29, no 2024-11-31). */
function dayExists(year: number, month: number, day: number): boolean {
    if (!(month >= 1 && month <= 12 && day >= 1)) return false;
    const probe = new Date(0);
    probe.setUTCFullYear(year, month - 1, day);
    return probe.getUTCDate() === day;
}

/** Beijing time, the zone of the Bare Metal APIs' zone-less timestamps. */
export const BEIJING_OFFSET_MINUTES = 8 * 60;

/** Base64 to UTF-8 text; invalid UTF-8 becomes U+FFFD rather than failing the read. */
export function decodeBase64(v: unknown): string | undefined {
    if (typeof v !== "string") return undefined;
    return Buffer.from(v, "base64").toString("utf8");
}

/** Formats a time for the Huawei query strings, which take `2021-10-01T12:00:00Z` (no milliseconds). */
export function huaweiQueryTime(d: Date): string {
    return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
