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
 * may reach the cloud's counter closer together (network jitter, unequal paths there and back), and
 * a sliding-window limit counts them as they arrive. 10% of one second tolerates 100 ms of it;
 * beyond that the spacer slows down after the first throttled answer (see {@link RequestSpacer.throttled}).
 */
export const DEFAULT_GUARD_SHARE = 0.1;

/** The clock a spacer runs on: real time in production, a hand-driven one in tests. */
export interface SpacerClock {
    now(): number;
    setTimeout(fn: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
}

const realClock: SpacerClock = {
    now: () => performance.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * One request's place under the limit, from {@link RequestSpacer.acquire} until it is done. The
 * transport reports what the socket saw: when the request's bytes left ({@link sent}) and when the
 * answer's headers came back ({@link answered}); the cloud counted the request somewhere in between.
 */
export interface RequestSlot {
    /** The request's bytes were handed to the socket at `at` (the spacer's clock). */
    sent(at?: number): void;
    /** The answer's status line and headers arrived at `at`: the cloud had counted the request by then. */
    answered(at?: number): void;
    /** The attempt is over (answered, failed or given up). */
    done(): void;
}

/** What a spacer has seen, for tests and diagnostics. */
export interface SpacerStats {
    /** Requests counted on the wire. */
    readonly sent: number;
    /** Throttled answers reported. */
    readonly throttled: number;
    /** The most wire starts this client put in any window of the limit's length (`perMs`, no guard). */
    readonly busiestWindow: number;
    /** The limit in force now: lower than the configured one for a while after a throttled answer. */
    readonly allowed: number;
}

/**
 * Keeps requests within the cloud's limit read as strictly as possible: at most `requests` in any
 * window of `perMs`, plus a guard, as the cloud's counter sees them.
 *
 * The cloud counts a request at some moment between the client's sending it and the answer's
 * coming back, a moment the client cannot see. So a request holds its place from its release until
 * one window after the latest moment the cloud can have counted it: the answer's arrival less the
 * shortest round trip seen (the answer needs at least that long on the way back, and the next
 * request at least that long on the way there). A busy event loop, a slow cloud or a request held
 * in a queue before the socket can therefore never bunch two windows' requests into one, yet on an
 * idle path a request frees its place about a window after it left.
 *
 * - The pages after the first go out together (the cloud allows a burst of `requests` per window),
 *   so a read is not slowed by the first page's round trip.
 * - After a throttled answer (another process on the same account, a cloud that counts a little
 *   differently) the limit in force halves, at most once per window, then grows back by a tenth of
 *   the limit per clean window: a burst that was throttled cannot repeat at once.
 */
export class RequestSpacer {
    /** The shortest time in which `requests + 1` requests may be counted. */
    readonly windowMs: number;
    /** Slots released and not answered or done: where the cloud counts them is not known yet. */
    private open = 0;
    /** When finished slots free their places, earliest first. */
    private frees: number[] = [];
    /** Wire starts of the last window, oldest first, for {@link SpacerStats.busiestWindow}. */
    private readonly wire: number[] = [];
    /** The shortest time from a request's wire start to its answer. */
    private shortestRoundTrip = Infinity;
    private readonly waiting: Array<(slot: RequestSlot) => void> = [];
    private timer: unknown;
    private timerAt = Infinity;
    /** The limit in force right after the last throttled answer, and when that was. */
    private cut?: { readonly allowed: number; readonly at: number };
    private counts = { sent: 0, throttled: 0, busiestWindow: 0 };
    private readonly recoveryStep: number;

    constructor(readonly limit: RateLimit, guardShare = DEFAULT_GUARD_SHARE, private readonly clock: SpacerClock = realClock) {
        this.windowMs = limit.perMs * (1 + guardShare);
        this.recoveryStep = Math.max(1, Math.round(limit.requests / 10));
    }

    /** Resolves with a slot when the caller may send its request; call the slot's `done` when the attempt ends. */
    acquire(): Promise<RequestSlot> {
        if (this.limit.requests <= 0) return Promise.resolve(UNLIMITED_SLOT);
        return new Promise((resolve) => {
            this.waiting.push(resolve);
            this.pump();
        });
    }

    /** Requests waiting for a slot. */
    get queued(): number {
        return this.waiting.length;
    }

    /** What this spacer has seen so far. */
    get stats(): SpacerStats {
        return { ...this.counts, allowed: this.allowedAt(this.clock.now()) };
    }

    /**
     * Reports a throttled answer: the cloud counted more than it allows, so this client backs off.
     * Answers to a burst arrive together; only the first in a window halves the limit.
     */
    throttled(): void {
        const now = this.clock.now();
        this.counts.throttled++;
        if (this.cut && now - this.cut.at < this.windowMs) return;
        this.cut = { allowed: Math.max(1, Math.floor(this.allowedAt(now) / 2)), at: now };
    }

    /** The limit in force at `now`: the configured one, or a cut one growing back window by window. */
    private allowedAt(now: number): number {
        const n = this.limit.requests;
        if (!this.cut) return n;
        const windows = Math.floor((now - this.cut.at) / this.windowMs);
        const allowed = Math.min(n, this.cut.allowed + windows * this.recoveryStep);
        if (allowed >= n) this.cut = undefined;
        return allowed;
    }

    private pump(): void {
        while (this.waiting.length > 0) {
            const now = this.clock.now();
            const wait = this.waitMs(now);
            if (wait === undefined) return; // an open slot's answer or end will pump again
            if (wait > 0) return this.wake(now + wait);
            this.open++;
            this.waiting.shift()!(this.slot());
        }
    }

    /** How long until one more request may go: 0 now, undefined until an open slot reports. */
    private waitMs(now: number): number | undefined {
        let expired = 0;
        while (expired < this.frees.length && this.frees[expired] <= now) expired++;
        if (expired > 0) this.frees = this.frees.slice(expired);
        const room = this.allowedAt(now) - this.open;
        if (room <= 0) return undefined;
        const over = this.frees.length - (room - 1);
        if (over <= 0) return 0;
        // The `over`-th place to free must free; a recovery step may come sooner.
        const free = this.frees[over - 1] - now;
        const step = this.cut ? this.cut.at + (Math.floor((now - this.cut.at) / this.windowMs) + 1) * this.windowMs - now : Infinity;
        return Math.max(0, Math.min(free, step));
    }

    private wake(at: number): void {
        if (this.timer !== undefined && this.timerAt <= at) return;
        if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
        this.timerAt = at;
        this.timer = this.clock.setTimeout(() => {
            this.timer = undefined;
            this.timerAt = Infinity;
            this.pump();
        }, Math.max(1, Math.ceil(at - this.clock.now())));
    }

    private slot(): RequestSlot {
        let sentAt: number | undefined;
        let closed = false;
        /** The slot leaves the open ones; its place frees one window after `countedBy`. */
        const close = (countedBy: number) => {
            if (closed) return;
            closed = true;
            this.open--;
            const at = countedBy + this.windowMs;
            let i = this.frees.length;
            while (i > 0 && this.frees[i - 1] > at) i--;
            this.frees.splice(i, 0, at);
            this.pump();
        };
        return {
            sent: (at = this.clock.now()) => {
                if (sentAt !== undefined || closed) return;
                sentAt = at;
                this.record(at);
            },
            answered: (at = this.clock.now()) => {
                if (closed) return;
                const from = sentAt ?? at;
                this.shortestRoundTrip = Math.min(this.shortestRoundTrip, at - from);
                close(Math.max(from, at - this.shortestRoundTrip));
            },
            // Without an answer the cloud may have counted the request at any moment until now.
            done: () => close(this.clock.now()),
        };
    }

    /** Records a wire start and the busiest window of the limit's length it makes. */
    private record(at: number): void {
        const perMs = this.limit.perMs;
        let i = this.wire.length;
        while (i > 0 && this.wire[i - 1] > at) i--;
        this.wire.splice(i, 0, at);
        while (this.wire.length > 0 && this.wire[0] <= this.wire[this.wire.length - 1] - perMs) this.wire.shift();
        this.counts.sent++;
        // The windows [from, from + perMs) that hold `at` begin at a start in (at - perMs, at].
        for (let a = 0; a < this.wire.length && this.wire[a] <= at; a++) {
            if (this.wire[a] <= at - perMs) continue;
            let k = a;
            while (k < this.wire.length && this.wire[k] < this.wire[a] + perMs) k++;
            this.counts.busiestWindow = Math.max(this.counts.busiestWindow, k - a);
        }
    }
}

const UNLIMITED_SLOT: RequestSlot = { sent() {}, answered() {}, done() {} };

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
