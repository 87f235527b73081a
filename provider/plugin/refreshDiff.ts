import { hashOf } from "../dynamic/sourceInputs";

/**
 * The detailed diff of a refresh, for the engine to print only what the read changed. Pulumi
 * frames a refresh's diff as the `up` that would follow it and then inverts it: it asks the
 * provider to diff the refreshed outputs (as the old state) against the state before the refresh
 * (as the new inputs). So a task the refresh found is absent from `before`: `DELETE` here, which
 * the engine turns into the `+` a person reads.
 *
 * Paths go one level into objects (`tasks["invt-1"]`, `summary.failed`), where a large record
 * changes a few entries; deeper values are compared whole. Pure.
 */

/** The kinds of a property diff, as Pulumi's protocol numbers them (`PropertyDiff.Kind`). */
export type DiffKind = "ADD" | "DELETE" | "UPDATE";

/**
 * @param refreshed the outputs the refresh read.
 * @param before the outputs before it.
 * @returns each changed path and its kind, in the engine's frame (from `refreshed` to `before`).
 */
export function refreshDetailedDiff(refreshed: Record<string, unknown>, before: Record<string, unknown>): Map<string, DiffKind> {
    const diffs = new Map<string, DiffKind>();
    for (const key of keysOf(refreshed, before)) {
        const [a, b] = [refreshed[key], before[key]];
        if (same(a, b)) continue;
        if (isObject(a) && isObject(b)) {
            for (const inner of keysOf(a, b)) {
                const kind = kindOf(a[inner], b[inner]);
                if (kind) diffs.set(`${key}${/^[A-Za-z_][A-Za-z0-9_]*$/.test(inner) ? `.${inner}` : `[${JSON.stringify(inner)}]`}`, kind);
            }
        } else diffs.set(key, kindOf(a, b) ?? "UPDATE");
    }
    return diffs;
}

function kindOf(a: unknown, b: unknown): DiffKind | undefined {
    if (same(a, b)) return undefined;
    if (a === undefined) return "ADD";
    if (b === undefined) return "DELETE";
    return "UPDATE";
}

const keysOf = (a: Record<string, unknown>, b: Record<string, unknown>) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => a === b || (a !== undefined && b !== undefined && hashOf(a) === hashOf(b));
