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
 * Share of the limit left unused, so that evenly spaced requests stay under a sliding-window
 * limit even when the network delivers two of them closer together than they were sent.
 */
export const DEFAULT_HEADROOM = 0.05;

/**
 * Spaces requests evenly: each request starts at least `interval` after the previous one actually
 * started. Measuring from the real start (not the planned one) means a late timer can never bunch
 * two requests together, which is what trips a sliding-window limit.
 */
export class RequestSpacer {
    readonly intervalMs: number;
    private lastStart = -Infinity;
    private readonly waiting: Array<() => void> = [];
    private timer: NodeJS.Timeout | undefined;

    constructor(readonly limit: RateLimit, headroom = DEFAULT_HEADROOM) {
        this.intervalMs = limit.requests > 0 ? limit.perMs / (limit.requests * (1 - headroom)) : 0;
    }

    /** Resolves when the caller may send its request. */
    acquire(): Promise<void> {
        if (this.intervalMs === 0) return Promise.resolve();
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
        if (this.timer || this.waiting.length === 0) return;
        const now = performance.now();
        const wait = this.lastStart + this.intervalMs - now;
        if (wait <= 0) {
            this.lastStart = now;
            this.waiting.shift()!();
            if (this.waiting.length > 0) this.pump();
            return;
        }
        this.timer = setTimeout(() => {
            this.timer = undefined;
            this.pump();
        }, Math.ceil(wait));
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
