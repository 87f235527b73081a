/** Readers of a seed row's fields: a missing or mistyped field takes the record type's default. */

/** Checks a seed row's id field and returns it. */
export function requireId(input: Record<string, unknown>, field: string, store: string): string {
    const id = input[field];
    if (typeof id !== "string" || id === "") throw new Error(`${store} records need a non-empty string ${field}`);
    return id;
}

/** `value` if it is a string, else `fallback`. */
export function str(value: unknown, fallback: string): string {
    return typeof value === "string" ? value : fallback;
}

/** `value` if it is a finite number (or numeric string), else `fallback`. */
export function num(value: unknown, fallback: number): number {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
    return fallback;
}
