import { strict as assert } from "node:assert";
import { TaskgateCloudError } from "../../provider/errors";
import { configureRateLimits, DEFAULT_RATE_LIMITS, RequestSpacer, spacerFor } from "../../provider/rateLimit";
import { backoffMs, DEFAULT_RETRY } from "../../provider/retry";

describe("rate limiting", () => {
    it("never starts more than the limit in any window plus its guard, bursting up to the limit", async () => {
        const spacer = new RequestSpacer({ requests: 10, perMs: 200 }, 0.1);
        const starts: number[] = [];
        const t0 = performance.now();
        await Promise.all(Array.from({ length: 35 }, async () => {
            await spacer.acquire();
            starts.push(performance.now() - t0);
        }));
        starts.sort((a, b) => a - b);
        // Any 11 consecutive starts span at least the window plus the 10% guard (220 ms).
        for (let i = 10; i < starts.length; i++) assert.ok(starts[i] - starts[i - 10] >= 219, `11 starts within ${starts[i] - starts[i - 10]} ms`);
        // The first 10 go at once: the limit allows a burst, so the first page's round trip is not paid again.
        assert.ok(starts[9] < 20, `first burst took ${starts[9]} ms`);
        // 35 requests need 3 more windows after the first burst, and not much more.
        assert.ok(starts[34] >= 3 * 220 - 1 && starts[34] < 3 * 220 + 100, `last start at ${starts[34]} ms`);
    });

    it("lets requests through at once when the limit is off", async () => {
        const spacer = new RequestSpacer({ requests: 0, perMs: 1000 });
        const t0 = performance.now();
        await Promise.all(Array.from({ length: 100 }, () => spacer.acquire()));
        assert.ok(performance.now() - t0 < 20);
    });

    it("shares one spacer per API and scope, and follows configured limits", () => {
        assert.equal(spacerFor("mps", "acct|r"), spacerFor("mps", "acct|r")); // hygiene: two look-ups of one key, a check that they share one spacer
        assert.notEqual(spacerFor("mps", "acct|r"), spacerFor("mps", "other|r"));
        assert.deepEqual(DEFAULT_RATE_LIMITS.tat, { requests: 20, perMs: 1000 });
        configureRateLimits({ cph: 40 });
        assert.equal(spacerFor("cph", "s").limit.requests, 40);
        configureRateLimits({ cph: DEFAULT_RATE_LIMITS.cph });
        assert.throws(() => configureRateLimits({ cph: -1 }), RangeError);
    });
});

describe("retry backoff", () => {
    const err = (kind: "throttled" | "transient", retryAfterSeconds?: number) =>
        new TaskgateCloudError({ cloud: "huaweicloud", api: "cph", operation: "ListJobs", code: "c", message: "m", kind, retryAfterSeconds });

    it("doubles, jitters within [ceiling/2, ceiling] and caps in seconds", () => {
        assert.equal(backoffMs(DEFAULT_RETRY, 1, err("transient"), () => 0), 100);
        assert.equal(backoffMs(DEFAULT_RETRY, 1, err("transient"), () => 1), 200);
        assert.equal(backoffMs(DEFAULT_RETRY, 3, err("transient"), () => 1), 800);
        assert.equal(backoffMs(DEFAULT_RETRY, 20, err("transient"), () => 1), DEFAULT_RETRY.maxDelayMs);
        assert.equal(backoffMs(DEFAULT_RETRY, 1, err("throttled"), () => 1), 500);
    });

    it("waits at least what Retry-After asks", () => {
        assert.equal(backoffMs(DEFAULT_RETRY, 1, err("throttled", 3), () => 0), 3000);
    });
});
