/**
 * Reading Tencent API 3.0 action parameters, whichever way they arrived.
 *
 * POST bodies are JSON; GET queries (and v1-signed form bodies) are flat
 * (`Filters.0.Name=...&Filters.0.Values.0=...`) with every value a string. Both are turned
 * into the same nested object, and the readers below accept a number or a numeric string for
 * Integer parameters (the MPS doc example itself sends `"Limit": "5"`) and `true`/`false` or
 * their strings for Booleans, the way the API gateway coerces them.
 *
 * Error codes: a value of the wrong type is `InvalidParameter`; a well-typed value outside the
 * documented range is `InvalidParameterValue` (or the API's own sub-code); an undocumented
 * parameter is `UnknownParameter`.
 */
import { TencentErrors } from "../errors";

/** Parsed action parameters. */
export type TcParams = Record<string, unknown>;

/** Rebuilds nested params from flat `a.0.b` keys; all-numeric keys become arrays. */
export function unflatten(flat: Iterable<[string, string]>): TcParams {
    const root: Record<string, unknown> = {};
    for (const [key, value] of flat) {
        const parts = key.split(".");
        if (parts.some((p) => p === "__proto__" || p === "constructor" || p === "prototype")) continue;
        let node = root;
        for (let i = 0; i < parts.length - 1; i++) {
            const next = node[parts[i]];
            if (typeof next === "object" && next !== null) node = next as Record<string, unknown>;
            else {
                const created: Record<string, unknown> = {};
                node[parts[i]] = created;
                node = created;
            }
        }
        node[parts[parts.length - 1]] = value;
    }
    return arrayify(root) as TcParams;
}

function arrayify(v: unknown): unknown {
    if (typeof v !== "object" || v === null) return v;
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    for (const k of keys) obj[k] = arrayify(obj[k]);
    if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
        return keys.sort((a, b) => Number(a) - Number(b)).map((k) => obj[k]);
    }
    return obj;
}

/** Throws UnknownParameter for a parameter the action does not define. */
export function rejectUnknown(params: TcParams, allowed: readonly string[]): void {
    for (const name of Object.keys(params)) {
        if (!allowed.includes(name)) throw TencentErrors.unknownParameter(name);
    }
}

function present(params: TcParams, name: string): boolean {
    return params[name] !== undefined && params[name] !== null;
}

/** An Integer parameter: a JSON integer or a string of digits. */
export function readInt(params: TcParams, name: string): number | undefined {
    if (!present(params, name)) return undefined;
    const v = params[name];
    if (typeof v === "number" && Number.isInteger(v)) return v;
    if (typeof v === "string" && /^-?\d{1,15}$/.test(v.trim())) return Number(v.trim());
    throw TencentErrors.invalidParameter(`The value type of parameter \`${name}\` is invalid: it must be an Integer.`);
}

/** A Boolean parameter: true/false or "true"/"false". */
export function readBool(params: TcParams, name: string): boolean | undefined {
    if (!present(params, name)) return undefined;
    const v = params[name];
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    throw TencentErrors.invalidParameter(`The value type of parameter \`${name}\` is invalid: it must be a Boolean.`);
}

/** A String parameter (numbers are not strings). */
export function readString(params: TcParams, name: string): string | undefined {
    if (!present(params, name)) return undefined;
    const v = params[name];
    if (typeof v === "string") return v;
    throw TencentErrors.invalidParameter(`The value type of parameter \`${name}\` is invalid: it must be a String.`);
}

/** An Array of String parameter. */
export function readStringArray(params: TcParams, name: string): string[] | undefined {
    if (!present(params, name)) return undefined;
    const v = params[name];
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
    throw TencentErrors.invalidParameter(`The value type of parameter \`${name}\` is invalid: it must be an Array of String.`);
}
