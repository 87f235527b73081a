/**
 * Counts and durations in words, the same way in every message: gate errors, progress lines, the
 * command line and the report. Pure functions, no locale: a message must read the same on every
 * machine and in every log.
 */

/** A noun's two forms, `["task", "tasks"]`; most nouns here take a plain `s`. */
export type Noun = readonly [one: string, many: string];

/** The form of `noun` that agrees with `n`: `task` for 1, `tasks` for 0 and for 2 or more. */
export function nounFor(n: number, noun: string | Noun): string {
    const [one, many] = typeof noun === "string" ? [noun, `${noun}s`] : noun;
    return n === 1 ? one : many;
}

/**
 * A count and its noun in agreement: `plural(1, "task")` is `1 task`, `plural(3, "task")` is
 * `3 tasks`, `plural(0, "task")` is `0 tasks`. Give both forms where the plural is not a plain `s`.
 * @param format how the number is written (the report groups thousands); plain digits by default.
 */
export function plural(n: number, noun: string | Noun, format: (n: number) => string = String): string {
    return `${format(n)} ${nounFor(n, noun)}`;
}

/**
 * A duration in seconds as a person reads it: whole seconds from 10 s up (`600 s`, not
 * `600.0000001 s`), one decimal below (`0.5 s`, `2.3 s`), never `-0`.
 */
export function seconds(s: number): string {
    if (!Number.isFinite(s)) return `${s} s`;
    const rounded = Math.abs(s) >= 9.95 ? Math.round(s) : Math.round(s * 10) / 10;
    return `${rounded === 0 ? 0 : rounded} s`;
}
