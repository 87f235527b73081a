import type { ApiName } from "./types";

/** At most `requests` requests in any window of `perMs` milliseconds. */
export interface RateLimit {
    readonly requests: number;
    readonly perMs: number;
}

/**
 * The documented limits (TAT 20/s, MPS 100/s, BM API 3.0 10/s). The legacy BM API and the Huawei
 * APIs publish no per-API number; 10/s is a conservative default, changed with
 * {@link configureRateLimits}.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<ApiName, RateLimit>> = {
    tat: { requests: 20, perMs: 1000 },
    mps: { requests: 100, perMs: 1000 },
    bm: { requests: 10, perMs: 1000 },
    bmLegacy: { requests: 10, perMs: 1000 },
    cph: { requests: 10, perMs: 1000 },
    workspace: { requests: 10, perMs: 1000 },
};

/**
 * Slack added to the window, as a share of it: requests that leave the client a full window apart
 * may reach the cloud closer together (network jitter, a pause on either side), and a
 * sliding-window limit counts them as they arrive. 10% of one second tolerates 100 ms of jitter.
 */
export const DEFAULT_GUARD_SHARE = 0.1;

/**
 * Keeps request starts within the cloud's limit read as strictly as possible: at most
 * `requests` starts in any window of `perMs` plus a guard. Unlike evenly spaced requests, this lets
 * the pages after the first go out together (the cloud allows a burst of `requests` per window), so
 * a read is not slowed by the first page's round trip, while the guard keeps arrival jitter from
 * ever putting `requests + 1` into one window.
 */
export class RequestSpacer {
    /** The shortest time in which `requests + 1` starts may happen. */
    readonly windowMs: number;
    private readonly starts: number[] = [];
    private readonly waiting: Array<() => void> = [];
    private timer: NodeJS.Timeout | undefined;

    constructor(readonly limit: RateLimit, guardShare = DEFAULT_GUARD_SHARE) {
        this.windowMs = limit.perMs * (1 + guardShare);
    }

    /** Resolves when the caller may send its request. */
    acquire(): Promise<void> {
        if (this.limit.requests <= 0) return Promise.resolve();
        return new Promise((resolve) => {
            this.waiting.push(resolve);
            this.pump();
        });
    }

    /** Requests waiting for a slot. */
    get queued(): number {
        return this.waiting.length;
    }

    private pump(): void {
        if (this.timer) return;
        const n = this.limit.requests;
        while (this.waiting.length > 0) {
            const now = performance.now();
            // Start times are recorded when a request is released, so a late timer can only
            // spread requests out, never bunch them.
            const wait = this.starts.length < n ? 0 : this.starts[this.starts.length - n] + this.windowMs - now;
            if (wait > 0) {
                this.timer = setTimeout(() => {
                    this.timer = undefined;
                    this.pump();
                }, Math.ceil(wait));
                return;
            }
            this.starts.push(now);
            if (this.starts.length > n) this.starts.splice(0, this.starts.length - n);
            this.waiting.shift()!();
        }
    }
}

let overrides: Partial<Record<ApiName, RateLimit>> = {};
const spacers = new Map<string, RequestSpacer>();

/**
 * Changes the client-side rate limit of APIs for this process, e.g. when an account has a raised
 * quota or a Huawei API publishes a different limit. `0` requests turns the limiter off.
 */
export function configureRateLimits(limits: Partial<Record<ApiName, number | RateLimit>>): void {
    const next = { ...overrides };
    for (const [api, v] of Object.entries(limits) as Array<[ApiName, number | RateLimit | undefined]>) {
        if (v === undefined) continue;
        const limit = typeof v === "number" ? { requests: v, perMs: 1000 } : v;
        if (!Number.isFinite(limit.requests) || limit.requests < 0 || !Number.isFinite(limit.perMs) || limit.perMs <= 0) {
            throw new RangeError(`taskgate: rate limit for ${api} must be a non-negative number of requests per positive window`);
        }
        next[api] = limit;
    }
    overrides = next;
}

/** The limit in force for an API. */
export function rateLimitOf(api: ApiName): RateLimit {
    return overrides[api] ?? DEFAULT_RATE_LIMITS[api];
}

/**
 * The spacer shared by every read of one API with one account in one region, in this process:
 * the cloud counts their requests together, so concurrent reads must too.
 */
export function spacerFor(api: ApiName, scope: string): RequestSpacer {
    const limit = rateLimitOf(api);
    const key = `${api}|${scope}|${limit.requests}/${limit.perMs}`;
    let s = spacers.get(key);
    if (!s) {
        s = new RequestSpacer(limit);
        spacers.set(key, s);
    }
    return s;
}
