import { createHash } from "node:crypto";
import type { RuleFailure } from "../gateRules";
import { sortKeys } from "../result";
import { SECRET_ARG_NAMES, type SettingsSources } from "../settings";
import { type SourceKind, SOURCE_KINDS, sourceDefinition } from "../sources";

/**
 * What the dynamic resources (TaskGate, TaskSnapshot) do alike with their `source` input: find
 * the one source it names, validate it without I/O, keep credentials out of what state holds in
 * plain text, and hash what decides a result. Pure functions: each runtime passes its settings.
 */

/** The value Pulumi sends for an input still unknown during preview, whatever its declared type. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether a value is, or holds anywhere inside it, the unknown sentinel. */
export function containsUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(containsUnknown);
    if (v !== null && typeof v === "object") return Object.values(v).some(containsUnknown);
    return false;
}

/** The one source kind named by `source`, with its args; or a failure naming the allowed kinds. */
export function sourceOf(source: unknown): { kind: SourceKind; args: Record<string, unknown> } | RuleFailure {
    if (source === null || typeof source !== "object" || Array.isArray(source)) {
        return { property: "source", reason: `must be an object with exactly one of ${SOURCE_KINDS.join(", ")}` };
    }
    const keys = Object.keys(source).filter((k) => (source as Record<string, unknown>)[k] !== undefined);
    if (keys.length !== 1 || !SOURCE_KINDS.includes(keys[0] as SourceKind)) {
        return { property: "source", reason: `must name exactly one source, one of ${SOURCE_KINDS.join(", ")}; got ${keys.length ? keys.join(", ") : "none"}` };
    }
    const args = (source as Record<string, unknown>)[keys[0]];
    return { kind: keys[0] as SourceKind, args: (args ?? {}) as Record<string, unknown> };
}

/**
 * Validates a `source` input: the kind, then the query args (the more useful error when both are
 * wrong), then the connection settings, each as the data source would, sending nothing. Parts
 * still unknown during preview are skipped, never failed. `kind` is set when the kind is known and
 * valid; without it, `failures` say why the source itself is wrong.
 */
export function checkSource(source: unknown, settings: SettingsSources): { kind?: SourceKind; failures: RuleFailure[] } {
    if (containsUnknown(source) && (source === null || typeof source !== "object")) return { failures: [] };
    const src = sourceOf(source);
    if ("property" in src) return { failures: [src] };
    if (containsUnknown(src.args)) return { kind: src.kind, failures: [] };
    const e = argsError(src.kind, src.args, settings);
    if (e === undefined) return { kind: src.kind, failures: [] };
    const field = (e as { field?: string }).field;
    return { kind: src.kind, failures: [{ property: `source.${src.kind}${field ? `.${field}` : ""}`, reason: (e as Error).message }] };
}

/**
 * What is wrong with a source's args, as its data source would find it before sending anything:
 * the query args first (the more useful error when both are wrong), then the connection settings.
 * The error thrown, or undefined when both hold.
 */
export function argsError(kind: SourceKind, args: unknown, settings: SettingsSources): unknown {
    const def = sourceDefinition(kind);
    for (const step of [() => def.plan(args), () => def.connection(args, settings)]) {
        try {
            step();
        } catch (e) {
            return e;
        }
    }
    return undefined;
}

/** The source args without credentials: what state may hold in plain text and what a result depends on. */
export function publicQuery(args: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(args).filter(([k, v]) => !SECRET_ARG_NAMES.includes(k) && v !== undefined));
}

/** The credential args alone (`secretKey`, `securityToken`, `authToken`), or undefined when none was given. */
export function credentialArgs(args: Record<string, unknown>): Record<string, unknown> | undefined {
    const found = Object.entries(args).filter(([k, v]) => SECRET_ARG_NAMES.includes(k) && v !== undefined && v !== null && v !== "");
    return found.length ? Object.fromEntries(found) : undefined;
}

/** `source` as it goes into a hash: credentials left out, so that rotating a key changes nothing. */
export function publicSource(source: unknown): unknown {
    const src = sourceOf(source);
    return "property" in src ? source : { [src.kind]: publicQuery(src.args) };
}

/** A short stable hash of plain data (keys sorted, undefined left out). */
export function hashOf(value: unknown): string {
    return createHash("sha256")
        .update(JSON.stringify(sortKeys(value)))
        .digest("hex")
        .slice(0, 32);
}
