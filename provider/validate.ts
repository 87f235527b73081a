import { TaskgateValidationError } from "./errors";
import { safeRender, SECRET_ARG_NAMES } from "./settings";

/**
 * Validators for data-source args. Each throws a {@link TaskgateValidationError} that names the
 * field, shows the value (never a secret) and says what is allowed, before any request is sent.
 */

/** Connection settings every Tencent source accepts. */
export const TENCENT_CONNECTION_ARGS = ["secretId", "secretKey", "securityToken", "region", "endpoint"] as const;
/** Connection settings every Huawei source accepts. */
export const HUAWEI_CONNECTION_ARGS = ["accessKey", "secretKey", "securityToken", "authToken", "region", "projectId", "endpoint"] as const;

/**
 * Rejects names the source does not know. A typo (`instanceIds` for `instanceId`) must not
 * silently widen a query: a gate would then judge the wrong tasks.
 */
export function rejectUnknownArgs(args: unknown, allowed: readonly string[]): Record<string, unknown> {
    if (args === undefined || args === null) return {};
    if (typeof args !== "object" || Array.isArray(args)) {
        throw new TaskgateValidationError("args", "must be an object of named arguments", safeRender(args));
    }
    const known = new Set(allowed);
    for (const key of Object.keys(args)) {
        if (!known.has(key) && (args as Record<string, unknown>)[key] !== undefined) {
            throw new TaskgateValidationError(key, (w) => `is not an argument of this data source; allowed: ${allowed.map(w.arg).join(", ")}`);
        }
    }
    return args as Record<string, unknown>;
}

/** Renders a value unless the field holds a secret. */
function show(field: string, v: unknown): string | undefined {
    return SECRET_ARG_NAMES.includes(field) ? undefined : safeRender(v);
}

/** `maxResults`: a positive integer, or undefined for every record. */
export function maxResults(v: unknown): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 10_000_000) {
        throw new TaskgateValidationError("maxResults", "must be a whole number from 1 to 10000000, or omitted to read every record", show("maxResults", v));
    }
    return v;
}

/** One of a closed set of strings. */
export function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
        throw new TaskgateValidationError(field, `must be one of ${allowed.join(", ")}`, show(field, v));
    }
    return v as T;
}

/** An optional boolean. */
export function optionalBool(field: string, v: unknown): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "boolean") throw new TaskgateValidationError(field, "must be true or false", show(field, v));
    return v;
}

const ID_TEXT = /^[\x21-\x7e]{1,128}$/;

/** What {@link id} accepts before its pattern: 1-128 printable ASCII characters, no spaces. */
export const isIdText = (v: unknown): v is string => typeof v === "string" && ID_TEXT.test(v);

/** An identifier: 1-128 printable ASCII characters, no spaces; `pattern` narrows it further. */
export function id(field: string, v: unknown, pattern?: { re: RegExp; hint: string }): string {
    if (!isIdText(v)) {
        throw new TaskgateValidationError(
            field,
            `must be a non-empty identifier of up to 128 printable ASCII characters without spaces${pattern ? `, ${pattern.hint}` : ""}`,
            show(field, v),
        );
    }
    if (pattern && !pattern.re.test(v)) throw new TaskgateValidationError(field, `must be ${pattern.hint}`, show(field, v));
    return v;
}

/** A free-text filter value (e.g. a script name): 1-256 characters, no control characters. */
export function text(field: string, v: unknown): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string" || v.length === 0 || v.length > 256 || /[\u0000-\u001f\u007f]/.test(v)) {
        throw new TaskgateValidationError(field, "must be a string of 1 to 256 characters without control characters", show(field, v));
    }
    return v;
}

/**
 * A string or a list of strings, each an identifier; duplicates are dropped, the order kept.
 * @returns undefined when absent; an empty list is an error, since it would match everything.
 */
export function idList(field: string, v: unknown, pattern?: { re: RegExp; hint: string }): string[] | undefined {
    if (v === undefined || v === null) return undefined;
    const list = typeof v === "string" ? [v] : v;
    if (!Array.isArray(list)) throw new TaskgateValidationError(field, "must be a string or an array of strings", show(field, v));
    if (list.length === 0) {
        throw new TaskgateValidationError(field, "must not be empty: an empty list would match every task; omit the argument instead");
    }
    if (list.length > 100_000) throw new TaskgateValidationError(field, "must hold at most 100000 ids", `${list.length} ids`);
    const out: string[] = [];
    const seen = new Set<string>();
    list.forEach((x, i) => {
        const s = id(typeof v === "string" ? field : `${field}[${i}]`, x, pattern);
        if (!seen.has(s)) {
            seen.add(s);
            out.push(s);
        }
    });
    return out;
}

/**
 * A point in time given as an ISO-8601 string with a zone (`2021-10-01T12:00:00Z`,
 * `2021-10-01T20:00:00+08:00`) or a Date.
 */
export function instant(field: string, v: unknown): Date | undefined {
    if (v === undefined || v === null) return undefined;
    const d = parseInstant(v);
    if (!d) throw new TaskgateValidationError(field, `must be a Date or ${INSTANT_TEXT}`, show(field, v instanceof Date ? "Invalid Date" : v));
    return d;
}

/** What {@link parseInstant} accepts as text, for messages. */
export const INSTANT_TEXT = "an ISO-8601 time with a zone between 1970 and 9999, e.g. 2021-10-01T12:00:00Z";

/** The point in time {@link instant} accepts (a Date, or ISO-8601 text with a zone, 1970 to 9999); undefined for anything else. */
export function parseInstant(v: unknown): Date | undefined {
    let d: Date | undefined;
    if (v instanceof Date) d = v;
    else if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(v) && isCalendarDate(v)) d = new Date(v);
    return d && Number.isFinite(d.getTime()) && d.getUTCFullYear() >= 1970 && d.getUTCFullYear() <= 9999 ? d : undefined;
}

/**
 * Whether the date of an ISO-8601 string exists: `Date` rolls 2021-02-30 over to March 2 and
 * 2021-11-31 to December 1, which would send a different time than the one written.
 */
function isCalendarDate(v: string): boolean {
    const [y, m, d] = v.slice(0, 10).split("-").map(Number);
    const probe = new Date(0);
    probe.setUTCFullYear(y, m - 1, d);
    return m >= 1 && m <= 12 && probe.getUTCDate() === d;
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(list: readonly T[], size: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
    return out;
}
