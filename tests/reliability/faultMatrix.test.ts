/**
 * The fault matrix: every API behind the five data sources, read through the real SDKs from the
 * emulator while it throttles, fails, hangs, resets, sends broken or slow bodies, repeats pages,
 * skews its clock, or changes the list between two pages. For each case the read either returns
 * the exact list (the same records, every field, as a clean read) or fails with a clear taskgate
 * error, and never runs past its deadline. The counts are printed at the end of `npm test`.
 *
 * Each read runs on a {@link SkippingClock}: its backoffs and re-read pauses take no real time, and
 * its deadline is kept in that clock's time. What no clock can skip stays real and short: an
 * answer the emulator holds ends at the request's timeout (100 ms in those cases), and the
 * emulator's own rate limit counts real seconds.
 */
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator/server";
import type { FaultRule, Mutation } from "../../emulator/types";
import { TaskgateCloudError } from "../../provider/errors";
import type { ReadOptions } from "../../provider/paging";
import { REAL_CLOCK } from "../../provider/retry";
import { SkippingClock } from "./skippingClock";
import {
    type AnyResult,
    assertClearError,
    assertSameList,
    assertSoundList,
    NO_EMULATOR_RATE_LIMITS,
    quick,
    recordingLogger,
    type Subject,
    SUBJECTS,
    timed,
    withoutClientRateLimits,
} from "./subjects";
import { recordCase, summary } from "./tally";

// Printed once, after every suite of the run.
after(() => {
    const s = summary();
    if (s) console.log(s);
});

/** Slack allowed past a read's deadline: the last attempt's own end, socket teardown, a busy CI box. */
const DEADLINE_SLACK_MS = 1500;

/**
 * For faults the emulator answers late or never: the read waits out real request timeouts (only an
 * answer or the timer ends a request), so they are short. A page that is merely slow is retried.
 */
const HELD_ANSWER: ReadOptions = { requestTimeoutMs: 100 };

/** A fault that clears after a few shots: the read must return the exact list. */
interface TransientCase {
    kind: string;
    label: string;
    rule: Omit<FaultRule, "api" | "match" | "skip">;
    /** Pages to aim at (indexes); default first, a middle one and the last. */
    pages?: (s: Subject) => number[];
    /** The read retries (logs "retry") or re-reads (logs "changed while it was read"). */
    logs: RegExp;
    options?: ReadOptions;
}

const notFirst = (s: Subject) => [1, s.pages - 1];
const RETRY = /retry \d+\/\d+/;

const TRANSIENT: TransientCase[] = [
    { kind: "throttle", label: "a burst of 3 throttled answers", rule: { kind: "throttle", times: 3 }, logs: RETRY },
    ...[500, 502, 503, 504].map(
        (status): TransientCase => ({ kind: "5xx", label: `HTTP ${status} twice`, rule: { kind: "http5xx", status, times: 2 }, logs: RETRY }),
    ),
    { kind: "5xx", label: "the cloud's internal error twice", rule: { kind: "internalError", times: 2 }, logs: RETRY },
    { kind: "timeout", label: "an answer that never comes", rule: { kind: "timeout", times: 1 }, logs: RETRY, options: HELD_ANSWER },
    {
        kind: "timeout",
        label: "an answer later than the request timeout",
        rule: { kind: "timeout", delayMs: 1500, times: 1 },
        logs: RETRY,
        options: HELD_ANSWER,
    },
    { kind: "timeout", label: "a body trickling in for 30 s", rule: { kind: "slowBody", delayMs: 30_000, times: 1 }, logs: RETRY, options: HELD_ANSWER },
    { kind: "reset", label: "the connection reset twice", rule: { kind: "reset", times: 2 }, logs: RETRY },
    { kind: "malformed body", label: "invalid JSON twice", rule: { kind: "malformed", times: 2 }, logs: RETRY },
    { kind: "malformed body", label: "an empty body twice", rule: { kind: "empty", times: 2 }, logs: RETRY },
    { kind: "truncated body", label: "a body cut in half twice", rule: { kind: "truncated", times: 2 }, logs: RETRY },
    { kind: "wrong content type", label: "a proxy's HTML page (200)", rule: { kind: "wrongContentType", times: 1 }, logs: RETRY },
    { kind: "wrong content type", label: "a proxy's HTML page (502)", rule: { kind: "wrongContentType", status: 502, times: 1 }, logs: RETRY },
    {
        kind: "duplicate records",
        label: "a page repeating the previous page's last record",
        rule: { kind: "duplicate", times: 1 },
        pages: notFirst,
        logs: /changed while it was read/,
    },
    {
        kind: "duplicate records",
        label: "a page repeating the previous page's last 30 records",
        rule: { kind: "duplicate", count: 30, times: 1 },
        pages: notFirst,
        logs: /changed while it was read/,
    },
];

/** A fault that never clears: the read must fail clearly (or, where the API allows, still be exact). */
interface PersistentCase {
    kind: string;
    label: string;
    rule: Omit<FaultRule, "api" | "match" | "skip">;
    /** What the failure must look like. */
    error: (s: Subject) => RegExp;
    /** The read retries the page until its attempts run out, and fails with the cloud's retryable error. */
    exhaustsAttempts?: true;
    options?: ReadOptions;
}

const THROTTLE_CODE: Record<string, string> = {
    tat: "RequestLimitExceeded",
    mps: "RequestLimitExceeded",
    bm: "RequestLimitExceeded",
    bmLegacy: "4400",
    cph: "APIGW.0308",
    workspace: "APIGW.0308",
};
/** A deadline that a read of answers that never come reaches after five request timeouts. */
const SHORT_DEADLINE = quick({ ...HELD_ANSWER, timeoutSeconds: 0.5 });

const PERSISTENT: PersistentCase[] = [
    {
        kind: "throttle",
        label: "throttled on every attempt",
        rule: { kind: "throttle", times: -1 },
        error: (s) => new RegExp(`failed: ${THROTTLE_CODE[s.api].replace(".", "\\.")}`),
        exhaustsAttempts: true,
    },
    {
        kind: "5xx",
        label: "HTTP 503 on every attempt",
        rule: { kind: "http5xx", status: 503, times: -1 },
        error: () => /failed: (HttpError|APIGW\.0201|CPS\.0003|WKS\.0003): .*HTTP 503/,
        exhaustsAttempts: true,
    },
    {
        kind: "5xx",
        label: "the cloud's internal error on every attempt",
        rule: { kind: "internalError", times: -1 },
        error: () => /failed: (InternalError|9001|CPS\.0003|WKS\.0003)\b/,
        exhaustsAttempts: true,
    },
    { kind: "timeout", label: "no answer, ever", rule: { kind: "timeout", times: -1 }, options: SHORT_DEADLINE, error: () => /deadline|failed: Timeout/ },
    {
        kind: "timeout",
        label: "a body trickling in for 30 s, every time",
        rule: { kind: "slowBody", delayMs: 30_000, times: -1 },
        options: SHORT_DEADLINE,
        error: () => /deadline|failed: Timeout/,
    },
    {
        kind: "reset",
        label: "the connection reset every time",
        rule: { kind: "reset", times: -1 },
        error: () => /failed: NetworkError: .*(ECONNRESET|socket hang up)/,
        exhaustsAttempts: true,
    },
    {
        kind: "malformed body",
        label: "invalid JSON every time",
        rule: { kind: "malformed", times: -1 },
        error: () => /failed: MalformedResponse: /,
        exhaustsAttempts: true,
    },
    {
        kind: "malformed body",
        label: "an empty body every time",
        rule: { kind: "empty", times: -1 },
        error: () => /failed: MalformedResponse: /,
        exhaustsAttempts: true,
    },
    {
        kind: "truncated body",
        label: "a body cut in half every time",
        rule: { kind: "truncated", times: -1 },
        error: () => /failed: MalformedResponse: /,
        exhaustsAttempts: true,
    },
    {
        kind: "wrong content type",
        label: "a proxy's HTML page every time",
        rule: { kind: "wrongContentType", times: -1 },
        error: () => /failed: MalformedResponse: /,
        exhaustsAttempts: true,
    },
    {
        kind: "duplicate records",
        label: "every page repeating the previous page's end",
        rule: { kind: "duplicate", times: -1 },
        error: () => /kept changing while it was read .*no partial list is returned/,
    },
];

/** Tolerances of each cloud's clock check, and a skew well inside and well outside them. */
const SKEW: Record<string, { inside: number; outside: number; code: RegExp }> = {
    tat: { inside: 200_000, outside: 600_000, code: /AuthFailure\.SignatureExpire/ },
    mps: { inside: 200_000, outside: 600_000, code: /AuthFailure\.SignatureExpire/ },
    bm: { inside: 200_000, outside: 600_000, code: /AuthFailure\.SignatureExpire/ },
    bmLegacy: { inside: 3_600_000, outside: 3 * 3_600_000, code: /failed: 4500\b/ },
    cph: { inside: 600_000, outside: 20 * 60_000, code: /APIGW\.0303/ },
    workspace: { inside: 600_000, outside: 20 * 60_000, code: /APIGW\.0303/ },
};

describe("reliability: fault matrix (every API, through the real SDKs, against the emulator)", function () {
    this.timeout(120_000);
    withoutClientRateLimits();
    let emu: Emulator;
    before(async () => {
        emu = await startEmulator({ port: 0, rateLimits: NO_EMULATOR_RATE_LIMITS });
    });
    after(() => emu.close());

    /** A fresh emulator state with the subject's records; returns a clean read of them. */
    async function setUp(s: Subject, seed = 7): Promise<AnyResult> {
        emu.reset();
        s.fill(emu, seed);
        const clean = await s.read(emu, quick());
        assert.equal(clean.tasks.length, s.count);
        emu.reset(["stats"]);
        return clean;
    }

    const fired = () => emu.faults().reduce((n, f) => n + f.fired, 0);

    /** Reads on a skipping clock (unless the options name one), and checks the deadline was kept, in that clock's time, whatever the outcome. */
    async function readWithin(s: Subject, options: ReadOptions) {
        const clock = options.clock ?? new SkippingClock();
        const r = await timed(() => s.read(emu, { ...options, clock }), clock);
        const limit = (options.timeoutSeconds ?? 300) * 1000 + DEADLINE_SLACK_MS;
        assert.ok(r.ms < limit, `${s.name}: the read took ${Math.round(r.ms)} ms, past its deadline of ${options.timeoutSeconds} s`);
        return r;
    }

    for (const s of SUBJECTS) {
        describe(s.name, () => {
            describe("faults that clear: the exact list", () => {
                for (const c of TRANSIENT) {
                    const pages = (c.pages ?? ((x: Subject) => [0, Math.floor(x.pages / 2), x.pages - 1]))(s);
                    for (const page of [...new Set(pages)]) {
                        it(`${c.label}, on page ${page + 1} of ${s.pages}`, async () => {
                            const clean = await setUp(s);
                            emu.addFault({ api: s.api, ...c.rule, ...s.atPage(page) });
                            const log = recordingLogger();
                            const r = await readWithin(s, quick({ log, ...c.options }));
                            const shots = fired();
                            try {
                                assert.ok(shots >= 1, "the fault fired");
                                assert.equal(r.error, undefined, `the read failed: ${(r.error as Error)?.message}`);
                                assertSameList(s, r.value!, clean);
                                // A scroll drops a repeated record silently: it skipped nothing, so there is nothing to read again.
                                if (!(c.rule.kind === "duplicate" && s.paging === "scroll")) {
                                    assert.ok(
                                        log.lines.some((l) => c.logs.test(l)),
                                        `logged: ${log.lines.join(" / ")}`,
                                    );
                                }
                            } catch (e) {
                                recordCase(s.name, c.kind, r.value ? "wrong" : "error", shots);
                                throw e;
                            }
                            recordCase(s.name, c.kind, "exact", shots);
                        });
                    }
                }
            });

            describe("faults that never clear: a clear error, within the deadline", () => {
                for (const c of PERSISTENT) {
                    it(c.label, async () => {
                        await setUp(s);
                        const page = Math.floor(s.pages / 2);
                        emu.addFault({ api: s.api, ...c.rule, ...s.atPage(page) });
                        const options = c.options ?? quick();
                        const r = await readWithin(s, options);
                        const shots = fired();
                        if (c.rule.kind === "duplicate" && s.paging === "scroll") {
                            // A scroll goes on from where each page ends: repeated records are dropped, nothing is skipped.
                            recordCase(s.name, c.kind, r.value ? "exact" : "error", shots);
                            assert.equal(r.error, undefined);
                            assert.equal(new Set(r.value!.tasks.map(s.idOf)).size, s.count);
                            return;
                        }
                        recordCase(s.name, c.kind, r.value ? "wrong" : "error", shots);
                        assert.equal(r.value, undefined, `${s.name}: a read under a permanent fault returned ${r.value?.tasks.length} records`);
                        const err = assertClearError(s, r.error);
                        assert.match(err.message, c.error(s));
                        assert.ok(shots >= 1);
                        if (c.exhaustsAttempts) {
                            assert.ok(err instanceof TaskgateCloudError && err.retryable, `${s.name}: not the cloud's retryable error: ${err.message}`);
                            assert.equal(err.attempts, options.retry?.maxAttempts, "every attempt was used");
                        }
                    });
                }
            });

            describe("the list changes between pages: a sound list", () => {
                const drifts: Array<{ label: string; mutation: (ids: string[]) => Mutation[]; only?: (s: Subject) => boolean }> = [
                    {
                        label: "a record added before the read position",
                        only: (x) => !!x.headRecord,
                        mutation: () => [{ api: s.store, op: "insert", records: [s.headRecord!(s.newId(1))] }],
                    },
                    { label: "a record added after the read position", mutation: () => [{ api: s.store, op: "insert", records: [s.tailRecord(s.newId(2))] }] },
                    { label: "a record removed after the read position", mutation: (ids) => [{ api: s.store, op: "remove", ids: [ids[ids.length - 1]] }] },
                    { label: "a record removed before the read position", mutation: (ids) => [{ api: s.store, op: "remove", ids: [ids[0]] }] },
                    {
                        // Same total, no record twice, no short page: only pages that overlap and must join up see it.
                        label: "a record removed before and one added after (same total: a record slides across a page boundary)",
                        mutation: (ids) => [
                            { api: s.store, op: "remove", ids: [ids[0]] },
                            { api: s.store, op: "insert", records: [s.tailRecord(s.newId(4))] },
                        ],
                    },
                    {
                        label: "a record added before and one removed after (same total: a record on two pages)",
                        only: (x) => !!x.headRecord,
                        mutation: (ids) => [
                            { api: s.store, op: "insert", records: [s.headRecord!(s.newId(3))] },
                            { api: s.store, op: "remove", ids: [ids[ids.length - 1]] },
                        ],
                    },
                    {
                        label: "records changing status",
                        mutation: (ids) => [{ api: s.store, op: "update", ids: ids.filter((_, i) => i % 7 === 0), patch: statusPatch(s) }],
                    },
                ];
                for (const d of drifts) {
                    if (d.only && !d.only(s)) continue;
                    for (const page of [1, s.pages - 1]) {
                        it(`${d.label}, between pages ${page} and ${page + 1}`, async () => {
                            const before = await setUp(s);
                            const ids = before.tasks.map(s.idOf);
                            emu.addFault({ api: s.api, kind: "mutate", mutation: d.mutation(ids), times: 1, ...s.atPage(page) });
                            const log = recordingLogger();
                            const r = await readWithin(s, quick({ log }));
                            const shots = fired();
                            emu.clearFaults();
                            const after = await s.read(emu, quick());
                            try {
                                assert.equal(shots, 1, "the list changed during the read");
                                assert.equal(r.error, undefined, `the read failed: ${(r.error as Error)?.message}`);
                                assertSoundList(s, r.value!, before, after);
                                if (s.paging === "offset+total" && r.value!.totalCount !== after.totalCount)
                                    assert.fail("an offset read returned a total that is not the list's");
                            } catch (e) {
                                recordCase(s.name, "drift", r.value ? "wrong" : "error", shots);
                                throw e;
                            }
                            recordCase(s.name, "drift", "sound", shots);
                        });
                    }
                }

                it("the list changing on every pass: a clear error, never a partial list", async () => {
                    await setUp(s);
                    let n = 100;
                    emu.addFault({
                        api: s.api,
                        kind: "timeout",
                        delayMs: 0,
                        times: -1,
                        match: (p) => {
                            // Every request after the first page adds a record: no two passes agree.
                            if (!laterPage(s, p)) return false;
                            emu.mutate({ api: s.store, op: "insert", records: [(s.headRecord ?? s.tailRecord)(s.newId(n++))] });
                            return false;
                        },
                    });
                    const r = await readWithin(s, quick());
                    if (s.paging === "offset+total") {
                        recordCase(s.name, "drift", r.value ? "wrong" : "error", n - 100);
                        assert.equal(r.value, undefined);
                        assert.match(assertClearError(s, r.error).message, /kept changing while it was read .*no partial list is returned/);
                    } else {
                        // A scroll or a read to the short page sees each record once, old or new.
                        recordCase(s.name, "drift", r.value ? "sound" : "error", n - 100);
                        assert.equal(r.error, undefined);
                        const ids = r.value!.tasks.map(s.idOf);
                        assert.equal(new Set(ids).size, ids.length);
                        assert.ok(ids.length >= s.count);
                    }
                });
            });

            describe("clock skew", () => {
                for (const sign of [1, -1]) {
                    it(`${sign > 0 ? "ahead" : "behind"} within the cloud's tolerance: the exact list`, async () => {
                        const clean = await setUp(s);
                        emu.configure({ clockOffsetMs: sign * SKEW[s.api].inside });
                        const r = await readWithin(s, quick());
                        recordCase(s.name, "clock skew", r.value ? "exact" : "error", 0);
                        assert.equal(r.error, undefined, (r.error as Error)?.message);
                        assertSameList(s, r.value!, clean);
                    });
                    it(`${sign > 0 ? "ahead" : "behind"} beyond it: the cloud's signature error at once, not retried`, async () => {
                        await setUp(s);
                        emu.configure({ clockOffsetMs: sign * SKEW[s.api].outside });
                        const r = await readWithin(s, quick());
                        recordCase(s.name, "clock skew", r.value ? "wrong" : "error", 0);
                        const err = assertClearError(s, r.error);
                        assert.ok(err instanceof TaskgateCloudError);
                        assert.equal(err.kind, "auth");
                        assert.match(err.message, SKEW[s.api].code);
                        assert.equal(emu.requests({ api: s.api }).length, 1, "one request, no retry");
                    });
                }
            });

            it("a real throttling burst: the emulator allows fewer requests than the client sends", async () => {
                const clean = await setUp(s);
                emu.configure({ rateLimits: { [s.api]: 2 } });
                // Real time: the emulator's limiter counts real seconds, so skipped backoffs would only meet it again.
                const r = await readWithin(
                    s,
                    quick({ retry: { throttleBaseDelayMs: 200, maxDelayMs: 1000, maxAttempts: 12 }, timeoutSeconds: 30, clock: REAL_CLOCK }),
                );
                const throttled = emu.stats().apis[s.api].throttled;
                recordCase(s.name, "throttle", r.value ? "exact" : "error", throttled);
                assert.ok(throttled >= 1, "the burst was throttled");
                assert.equal(r.error, undefined, (r.error as Error)?.message);
                assertSameList(s, r.value!, clean);
            });

            it("a wrong secret key: the cloud's auth error at once, not retried", async () => {
                await setUp(s);
                const bad = await timed(() => s.read(emu, quick(), { secretKey: "wrong-secret-key-000" }));
                recordCase(s.name, "auth", bad.value ? "wrong" : "error", 0);
                const err = assertClearError(s, bad.error);
                assert.ok(err instanceof TaskgateCloudError && err.kind === "auth", err.message);
                assert.ok(!`${err.message}${JSON.stringify(err)}${err.stack}`.includes("wrong-secret-key-000"));
            });
        });
    }
});

/** A status change that keeps a record in the subject's query. */
function statusPatch(s: Subject): Record<string, unknown> {
    switch (s.store) {
        case "tat":
            return { TaskStatus: "FAILED" };
        case "mps":
            return { BeginProcessTime: "2024-01-01T00:00:00Z" };
        case "bm":
            return { Status: 0, FailureCount: 1 };
        case "cph":
            return { status: -1, error_code: "CPS0005", error_msg: "Phone not found." };
        case "workspace":
            return { status: "FAILED", failed_num: 1 };
    }
}

/** Whether a request is for a page after the first. */
function laterPage(s: Subject, params: Record<string, unknown>): boolean {
    if (s.paging === "scroll") return typeof params.ScrollToken === "string" && params.ScrollToken !== "";
    return Number(params.Offset ?? params.offset ?? 0) > 0;
}
