import { type JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import { UNKNOWN } from "../dynamic/sourceInputs";

/**
 * Pulumi's property values as they cross the plugin protocol, a protobuf `Struct` each way. A
 * secret arrives as an object tagged with Pulumi's signature key (the plugin tells the engine it
 * accepts secrets, so it gets them marked rather than silently plain), and a value still unknown
 * during a preview as a fixed string ({@link UNKNOWN}). The core wants plain values; what was
 * secret must go back secret.
 */

export { UNKNOWN };

/** The key Pulumi marks its special values with, and the value that says "a secret". */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Plain values, and whether any of them was a secret. */
export interface Unwrapped {
    readonly value: Record<string, unknown>;
    readonly secret: boolean;
}

/** A Struct's values with every secret unwrapped, remembering whether there was one; an absent Struct is `{}`. */
export function fromStruct(s: Struct | undefined): Unwrapped {
    const seen = { secret: false };
    const value = unwrapSecrets(s?.toJavaScript() ?? {}, seen) as Record<string, unknown>;
    return { value, secret: seen.secret };
}

function unwrapSecrets(v: unknown, seen: { secret: boolean }): unknown {
    if (Array.isArray(v)) return v.map((x) => unwrapSecrets(x, seen));
    if (v === null || typeof v !== "object") return v;
    const o = v as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) {
        seen.secret = true;
        return unwrapSecrets(o.value, seen);
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x, seen)]));
}

/** `v` marked as a secret for the engine. */
export function secret(v: unknown): Record<string, unknown> {
    return { [SIG_KEY]: SECRET_SIG, value: v };
}

/** `o` with the values of `keys` (where present) marked secret. */
export function withSecrets(o: Record<string, unknown>, keys: Iterable<string>): Record<string, unknown> {
    const out = { ...o };
    for (const k of keys) if (out[k] !== undefined) out[k] = secret(out[k]);
    return out;
}

/** `o` with every value marked secret: the result of an invoke whose args held a secret. */
export function allSecret(o: Record<string, unknown>): Record<string, unknown> {
    return withSecrets(o, Object.keys(o));
}

/**
 * Plain data as a Struct: `undefined` dropped (a Struct has no such value), a Date as its ISO
 * text, and the dynamic providers' serialized-provider property `__provider`, which means
 * nothing to the plugin, left out.
 */
export function toStruct(o: Record<string, unknown>): Struct {
    const { __provider: _dynamicOnly, ...rest } = o;
    return Struct.fromJavaScript(plain(rest) as Record<string, JavaScriptValue>);
}

function plain(v: unknown): unknown {
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : plain(x)));
    if (v === null || typeof v !== "object") return v;
    return Object.fromEntries(
        Object.entries(v)
            .filter(([, x]) => x !== undefined && typeof x !== "function")
            .map(([k, x]) => [k, plain(x)]),
    );
}
