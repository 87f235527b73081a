/**
 * A read runs on the clock its options name: its deadline is measured in that clock's time and its
 * pauses (retry backoffs, re-reads) wait on it, so a test's clock can skip them. Timers that bound
 * real I/O stay real (request timeouts, tested against the emulator elsewhere).
 */
import { strict as assert } from "node:assert";
import { TaskgateCloudError, TaskgateReadError } from "../../provider/errors";
import { createReadContext, type Page, readOffsetPaged, type ReadOptions, request } from "../../provider/paging";
import { configureRateLimits, DEFAULT_RATE_LIMITS } from "../../provider/rateLimit";
import type { Clock } from "../../provider/retry";
import { SkippingClock } from "../reliability/skippingClock";
import { sleepClock } from "./fakeClock";

let scopeSeq = 0;
function ctxOn(clock: Clock, o: ReadOptions = {}, api: "tat" | "bm" = "tat") {
    return createReadContext(api, `clock-${scopeSeq++}`, { clock, random: () => 0, rateLimitDir: false, ...o });
}

const transient = () =>
    new TaskgateCloudError({ cloud: "tencentcloud", api: "tat", operation: "DescribeInvocationTasks", code: "InternalError", message: "m", kind: "transient" });

type Rec = { id: string };
const recs = (n: number, from = 0): Rec[] => Array.from({ length: n }, (_, i) => ({ id: `r${from + i}` }));

describe("the clock a read runs on", () => {
    before(() => configureRateLimits({ tat: 0 }));
    after(() => configureRateLimits({ tat: DEFAULT_RATE_LIMITS.tat, bm: DEFAULT_RATE_LIMITS.bm }));

    it("retry backoffs wait on the read's clock", async () => {
        const clock = sleepClock();
        const ctx = ctxOn(clock, { retry: { baseDelayMs: 1000, maxDelayMs: 60_000 } });
        let n = 0;
        const r = await request(ctx, "page", async () => {
            if (++n < 3) throw transient();
            return { body: "ok" };
        });
        assert.equal(r.body, "ok");
        // Equal jitter with random() = 0: half of 1 s, then half of 2 s.
        assert.deepEqual(clock.sleeps, [500, 1000]);
    });

    it("the deadline is in the clock's time: a backoff that would pass it is not taken", async () => {
        const clock = sleepClock();
        const ctx = ctxOn(clock, { timeoutSeconds: 10, retry: { baseDelayMs: 1000 } });
        let n = 0;
        await assert.rejects(
            request(ctx, "page", async () => {
                n++;
                clock.t += 9_900; // the attempt took 9.9 s of the read's 10
                throw transient();
            }),
            (e: Error) => e instanceof TaskgateReadError && /page did not succeed before the read's deadline \(1 attempt\)/.test(e.message),
        );
        assert.equal(n, 1);
        assert.deepEqual(clock.sleeps, []);
    });

    it("a request is not sent once the clock has passed the deadline", async () => {
        const clock = sleepClock();
        const ctx = ctxOn(clock, { timeoutSeconds: 10 });
        clock.t = 10_001;
        let sent = 0;
        await assert.rejects(
            request(ctx, "page", async () => {
                sent++;
                return { body: "ok" };
            }),
            /page was not sent: the read's deadline passed/,
        );
        assert.equal(sent, 0);
    });

    it("re-reads of a list that changed pause on the clock", async () => {
        const clock = sleepClock();
        let reads = 0;
        const r = await readOffsetPaged(ctxOn(clock), {
            what: "t",
            pageSize: 100,
            idOf: (x: Rec) => x.id,
            fetch: async (offset, limit): Promise<Page<Rec>> => {
                if (offset === 0) reads++;
                // The first two passes see the total grow between their pages.
                const total = offset > 0 && reads <= 2 ? 251 : 250;
                return { items: recs(250).slice(offset, offset + limit), total };
            },
        });
        assert.equal(r.items.length, 250);
        assert.equal(reads, 3);
        assert.deepEqual(clock.sleeps, [100, 200]);
    });

    it("the time left for the pages a total needs is the clock's", async () => {
        // BM API 3.0: 10 requests/s. 100 000 records are 1 011 pages: at least 110 s, which fits 200 s
        // of real time but not the 50 s the clock leaves.
        configureRateLimits({ bm: 10 });
        const clock = sleepClock();
        const ctx = ctxOn(clock, { timeoutSeconds: 200 }, "bm");
        clock.t = 150_000;
        const calls: number[] = [];
        await assert.rejects(
            readOffsetPaged(ctx, {
                what: "BM tasks",
                pageSize: 100,
                idOf: (x: Rec) => x.id,
                fetch: async (offset) => {
                    calls.push(offset);
                    if (offset > 0) throw new Error("a page after the first was asked for");
                    return { items: recs(100), total: 100_000 };
                },
            }),
            (e: Error) => e instanceof TaskgateReadError && /more than the 50 s left of the read's timeout/.test(e.message),
        );
        assert.deepEqual(calls, [0]);
    });
});

describe("the skipping clock of the reliability suites", () => {
    it("ends a sleep at once, and its time moves on by the sleep's length", async () => {
        const clock = new SkippingClock();
        const t0 = clock.now();
        const realTimer = new Promise<string>((r) => setTimeout(() => r("real"), 2000).unref());
        const first = await Promise.race([clock.sleep(60_000).then(() => "skipped"), realTimer]);
        assert.equal(first, "skipped");
        assert.ok(clock.now() - t0 >= 60_000);
        assert.ok(clock.skippedMs <= 60_000);
    });

    it("sleeps that overlap move it by the longest, and wake shortest first", async () => {
        const clock = new SkippingClock();
        const t0 = clock.now();
        const woke: number[] = [];
        await Promise.all([80, 50].map((ms) => clock.sleep(ms).then(() => woke.push(ms))));
        assert.deepEqual(woke, [50, 80]);
        assert.ok(clock.now() - t0 >= 80);
        assert.ok(clock.skippedMs <= 80, `skipped ${clock.skippedMs} ms`);
    });

    it("sleeps one after another add up", async () => {
        const clock = new SkippingClock();
        const t0 = clock.now();
        await clock.sleep(50);
        await clock.sleep(50);
        assert.ok(clock.now() - t0 >= 100);
    });
});
