/**
 * The time formats the five APIs put on the wire, and their parsers.
 *
 * Each cloud picked its own: TAT writes `2020-11-05T07:49:58+00:00`, MPS and the Huawei APIs
 * `2018-12-27T13:57:15Z` (MPS with a `0000-00-00T00:00:00Z` placeholder for "not yet"), and the
 * Bare Metal APIs `2017-10-19 18:04:02` in Beijing time with no zone. The emulator stores records
 * in those wire forms, so these helpers are shared by the generator and the handlers.
 */

/** MPS placeholder for a time that has not happened yet (not started, not finished). */
export const MPS_ZERO_TIME = "0000-00-00T00:00:00Z";

const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

function pad(n: number, width = 2): string {
    return String(n).padStart(width, "0");
}

function utcParts(ms: number): string {
    const d = new Date(ms);
    return (
        `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
        `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
    );
}

/** `YYYY-MM-DDTHH:mm:ssZ` (UTC, whole seconds): MPS, CPH and Workspace. */
export function isoSeconds(ms: number): string {
    return `${utcParts(ms)}Z`;
}

/** `YYYY-MM-DDTHH:mm:ss+00:00`: what TAT actually returns (its docs say `Z`, its examples `+00:00`). */
export function tatTime(ms: number): string {
    return `${utcParts(ms)}+00:00`;
}

/** `YYYY-MM-DD HH:mm:ss` in Beijing time (UTC+8), no zone: both Bare Metal APIs. */
export function beijingTime(ms: number): string {
    return utcParts(ms + BEIJING_OFFSET_MS).replace("T", " ");
}

const BEIJING_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * Parses any of the wire forms above to epoch milliseconds.
 * Returns NaN for empty strings, `null`, and the MPS zero date, so callers can treat
 * "not happened" uniformly.
 */
export function parseWireTime(value: string | null | undefined): number {
    if (!value || value === MPS_ZERO_TIME) return Number.NaN;
    const bj = BEIJING_RE.exec(value);
    if (bj) {
        const [, y, mo, d, h, mi, s] = bj;
        return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - BEIJING_OFFSET_MS;
    }
    return Date.parse(value);
}

/** The Workspace query-time form `2021-10-01T12:00:00Z`, exactly (no fraction, no offset). */
export const WORKSPACE_QUERY_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
