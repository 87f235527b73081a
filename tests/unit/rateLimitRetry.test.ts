import { strict as assert } from "node:assert";
import { TaskgateCloudError } from "../../provider/errors";
import { configureRateLimits, DEFAULT_RATE_LIMITS, RequestSpacer, spacerFor } from "../../provider/rateLimit";
import { backoffMs, DEFAULT_RETRY } from "../../provider/retry";

describe("rate limiting", () => {
    it("spaces requests so no sliding second holds more than the limit", async () => {
        const spacer = new RequestSpacer({ requests: 50, perMs: 1000 }, 0.05);
        const starts: number[] = [];
        await Promise.all(Array.from({ length: 60 }, async () => {
            await spacer.acquire();
            starts.push(performance.now());
        }));
        starts.sort((a, b) => a - b);
        for (let i = 1; i < starts.length; i++) assert.ok(starts[i] - starts[i - 1] >= spacer.intervalMs - 1, `gap ${starts[i] - starts[i - 1]}`);
        for (let i = 0; i < starts.length; i++) {
            const inWindow = starts.filter((t) => t >= starts[i] && t < starts[i] + 1000).length;
            assert.ok(inWindow <= 50, `${inWindow} in one second`);
        }
    });

    it("shares one spacer per API and scope, and follows configured limits", () => {
        assert.equal(spacerFor("mps", "acct|r"), spacerFor("mps", "acct|r"));
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
