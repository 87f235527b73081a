import { strict as assert } from "node:assert";
import { TaskgateCloudError, TaskgateValidationError } from "../../provider/errors";
import { configureRateLimits, DEFAULT_RATE_LIMITS, type RequestSlot, RequestSpacer, spacerFor } from "../../provider/rateLimit";
import { backoffMs, DEFAULT_RETRY } from "../../provider/retry";
import { ask, FakeClock } from "./fakeClock";

describe("rate limiting (RequestSpacer, on a hand-driven clock)", () => {
    const limit = { requests: 10, perMs: 1000 };

    it("lets a burst of the limit go at once, then frees each place one window (plus guard) after the cloud can have counted it", async () => {
        const clock = new FakeClock();
        const spacer = new RequestSpacer(limit, 0.1, clock);
        const reqs = ask(spacer, clock, 12);
        await clock.advanceTo(0);
        assert.equal(reqs.filter((r) => r.slot).length, 10, "the first 10 go at once");
        // Each leaves at once and is answered 50 ms later: the shortest round trip is 50 ms, so the
        // cloud counted it by 50 - 50 = 0 ms at the latest; the place frees at 0 + 1100.
        for (const r of reqs.slice(0, 10)) r.slot!.sent(0);
        await clock.advanceTo(50);
        for (const r of reqs.slice(0, 10)) {
            r.slot!.answered(50);
            r.slot!.done();
        }
        await clock.advanceTo(1099);
        assert.equal(reqs.filter((r) => r.slot).length, 10, "no 11th start within the window and its guard");
        await clock.advanceTo(1100);
        assert.deepEqual(
            reqs.slice(10).map((r) => r.at),
            [1100, 1100],
        );
        assert.equal(spacer.stats.busiestWindow, 10);
    });

    it("holds a released request's place while it waits for the socket, however long the event loop is busy", async () => {
        const clock = new FakeClock();
        const spacer = new RequestSpacer(limit, 0.1, clock);
        const reqs = ask(spacer, clock, 11);
        await clock.advanceTo(5000);
        assert.equal(reqs.filter((r) => r.slot).length, 10, "ten released at 0 and not yet on the wire hold every place, for 5 s");
        reqs[0].slot!.sent(5000);
        reqs[0].slot!.answered(5000);
        reqs[0].slot!.done();
        await clock.advanceTo(10_000);
        assert.equal(reqs[10].at, 6100, "the 11th goes one window (and guard) after the first of them reached the cloud");
    });

    it("counts a request the cloud answered late as counted late: a stalled cloud (or an emulator on a busy event loop) cannot bunch two windows", async () => {
        const clock = new FakeClock();
        const spacer = new RequestSpacer({ requests: 2, perMs: 1000 }, 0.1, clock);
        const first = ask(spacer, clock, 2);
        await clock.advanceTo(0);
        // A fast request teaches the shortest round trip (10 ms).
        first[0].slot!.sent(0);
        first[0].slot!.answered(10);
        first[0].slot!.done();
        // The other leaves at 0 but its answer comes 400 ms later: the cloud may have counted it as late as 390.
        first[1].slot!.sent(0);
        const next = ask(spacer, clock, 2);
        await clock.advanceTo(400);
        first[1].slot!.answered(400);
        first[1].slot!.done();
        await clock.advanceTo(5000);
        assert.deepEqual(
            next.map((r) => r.at),
            [1100, 1490],
            "one window after 0 and after 390, not both at 1100",
        );
    });

    it("keeps the client's own count within the limit on a random schedule of sends, answers and failures", async () => {
        let seed = 7;
        const random = () => {
            seed = (seed * 1103515245 + 12345) % 2 ** 31;
            return seed / 2 ** 31;
        };
        const clock = new FakeClock();
        const spacer = new RequestSpacer(limit, 0.1, clock);
        const reqs = ask(spacer, clock, 200);
        const plans = new Map<RequestSlot, { wireAt: number; answerAt: number; fail: boolean; sent?: boolean }>();
        const planned = new Set<RequestSlot>();
        const starts: number[] = [];
        for (let t = 0; t < 600_000 && starts.length < 200; t += 1 + Math.floor(random() * 40)) {
            await clock.advanceTo(t);
            for (const r of reqs) {
                if (!r.slot || planned.has(r.slot)) continue;
                planned.add(r.slot);
                // One in five waits on the socket for up to 300 ms; round trips of 5 to 600 ms; one in ten fails unanswered.
                const wireAt = t + (random() < 0.2 ? Math.floor(random() * 300) : 0);
                plans.set(r.slot, { wireAt, answerAt: wireAt + 5 + Math.floor(random() * 595), fail: random() < 0.1 });
            }
            for (const [slot, p] of plans) {
                if (!p.sent && p.wireAt <= t) {
                    p.sent = true;
                    slot.sent(p.wireAt);
                    starts.push(p.wireAt);
                }
                if (p.answerAt <= t) {
                    if (!p.fail) slot.answered(p.answerAt);
                    slot.done();
                    plans.delete(slot);
                }
            }
        }
        assert.equal(starts.length, 200, "every request got a slot and went out");
        starts.sort((a, b) => a - b);
        for (let i = limit.requests; i < starts.length; i++) {
            assert.ok(starts[i] - starts[i - limit.requests] >= limit.perMs, `11 wire starts within ${starts[i] - starts[i - limit.requests]} ms`);
        }
        assert.ok(spacer.stats.busiestWindow <= limit.requests, `busiest window ${spacer.stats.busiestWindow}`);
        assert.ok(spacer.stats.busiestWindow >= limit.requests - 1, "and it used the room it had");
        assert.equal(spacer.stats.sent, 200);
    });

    it("halves the limit after a throttled answer (once per window), then grows it back by a tenth per clean window", async () => {
        const clock = new FakeClock();
        const spacer = new RequestSpacer({ requests: 20, perMs: 1000 }, 0.1, clock);
        assert.equal(spacer.stats.allowed, 20);
        spacer.throttled();
        spacer.throttled(); // the same burst's other throttled answers
        assert.equal(spacer.stats.allowed, 10);
        assert.equal(spacer.stats.throttled, 2);
        await clock.advanceTo(1100);
        assert.equal(spacer.stats.allowed, 12);
        spacer.throttled();
        assert.equal(spacer.stats.allowed, 6);
        await clock.advanceTo(1100 + 7 * 1100);
        assert.equal(spacer.stats.allowed, 20, "back to the limit, not beyond");
        for (let i = 0; i < 8; i++) {
            spacer.throttled();
            await clock.advanceTo(clock.now() + 1100);
        }
        assert.ok(spacer.stats.allowed >= 1, "never below one request per window");
    });

    it("paces to the cut limit after a throttled answer", async () => {
        const clock = new FakeClock();
        const spacer = new RequestSpacer({ requests: 20, perMs: 1000 }, 0.1, clock);
        spacer.throttled();
        const reqs = ask(spacer, clock, 20);
        await clock.advanceTo(0);
        assert.equal(reqs.filter((r) => r.slot).length, 10, "half the burst");
        for (const r of reqs.filter((x) => x.slot)) {
            r.slot!.sent(0);
            r.slot!.answered(0);
            r.slot!.done();
        }
        await clock.advanceTo(1100);
        assert.equal(reqs.filter((r) => r.slot).length, 20, "after a window: the ten freed places, and two more of the growing limit");
    });

    it("lets requests through at once when the limit is off", async () => {
        const clock = new FakeClock();
        const spacer = new RequestSpacer({ requests: 0, perMs: 1000 }, 0.1, clock);
        const reqs = ask(spacer, clock, 100);
        await clock.advanceTo(0);
        assert.equal(reqs.filter((r) => r.slot).length, 100);
    });

    it("shares one spacer per API and scope, and follows configured limits", () => {
        assert.equal(spacerFor("mps", "acct|r"), spacerFor("mps", "acct|r")); // hygiene: two look-ups of one key, a check that they share one spacer
        assert.notEqual(spacerFor("mps", "acct|r"), spacerFor("mps", "other|r"));
        assert.deepEqual(DEFAULT_RATE_LIMITS.tat, { requests: 20, perMs: 1000 });
        configureRateLimits({ cph: 40 });
        assert.equal(spacerFor("cph", "s").limit.requests, 40);
        configureRateLimits({ cph: DEFAULT_RATE_LIMITS.cph });
        assert.throws(() => configureRateLimits({ cph: -1 }), TaskgateValidationError);
    });
});

describe("retry backoff", () => {
    const err = (kind: "throttled" | "transient", retryAfterSeconds?: number) =>
        new TaskgateCloudError({ cloud: "huaweicloud", api: "cph", operation: "ListJobs", code: "c", message: "m", kind, retryAfterSeconds });

    it("doubles, jitters within [ceiling/2, ceiling] and caps in seconds", () => {
        assert.equal(
            backoffMs(DEFAULT_RETRY, 1, err("transient"), () => 0),
            100,
        );
        assert.equal(
            backoffMs(DEFAULT_RETRY, 1, err("transient"), () => 1),
            200,
        );
        assert.equal(
            backoffMs(DEFAULT_RETRY, 3, err("transient"), () => 1),
            800,
        );
        assert.equal(
            backoffMs(DEFAULT_RETRY, 20, err("transient"), () => 1),
            DEFAULT_RETRY.maxDelayMs,
        );
        assert.equal(
            backoffMs(DEFAULT_RETRY, 1, err("throttled"), () => 1),
            500,
        );
    });

    it("waits at least what Retry-After asks", () => {
        assert.equal(
            backoffMs(DEFAULT_RETRY, 1, err("throttled", 3), () => 0),
            3000,
        );
    });
});
