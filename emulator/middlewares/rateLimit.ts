/**
 * Sliding-window rate limiting: at most N accepted requests in ANY 1-second window, per API
 * and credential. This is the strictest reading of "N 次/秒"; a client that spaces its calls
 * evenly with a little headroom never trips it, a burst of N+1 always does.
 *
 * Each (api, credential) keeps a ring of the last N acceptance times; a request is accepted
 * iff the N-th previous acceptance is at least 1000 ms old. O(1) per request. Rejected
 * requests do not count. Uses the monotonic clock: the emulator's configurable clock offset
 * is for signatures and task timelines, not for pacing.
 */
import { performance } from "node:perf_hooks";

const WINDOW_MS = 1000;

interface Ring {
    limit: number;
    times: Float64Array;
    head: number;
    size: number;
}

/** Per-key sliding-window limiter. */
export class SlidingWindowLimiter {
    private readonly rings = new Map<string, Ring>();

    constructor(private readonly now: () => number = () => performance.now()) {}

    /**
     * Tries to accept one request under `limit` per second (0 = unlimited).
     * Returns 0 when accepted, else the number of requests already in the window.
     */
    tryAcquire(key: string, limit: number): number {
        if (limit <= 0) return 0;
        const t = this.now();
        let ring = this.rings.get(key);
        if (!ring || ring.limit !== limit) {
            ring = { limit, times: new Float64Array(limit), head: 0, size: 0 };
            this.rings.set(key, ring);
        }
        if (ring.size === limit) {
            // head points at the oldest of the last `limit` acceptances.
            if (t - ring.times[ring.head] < WINDOW_MS) return limit;
        } else {
            ring.size++;
        }
        ring.times[ring.head] = t;
        ring.head = (ring.head + 1) % limit;
        return 0;
    }

    /** Forgets all windows. */
    clear(): void {
        this.rings.clear();
    }
}
