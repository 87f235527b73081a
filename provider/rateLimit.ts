import { TaskgateValidationError } from "./errors";
import { defaultLedgerDir, ledgerFile, prepareLedgerDir, SharedBudgetStore } from "./rateLedger";
import { safeRender, type RateLimitDirChoice } from "./settings";
import type { ApiName } from "./types";

/** At most `requests` requests in any window of `perMs` milliseconds. */
export interface RateLimit {
    /** Requests allowed per window; 0 turns the limiter off. */
    readonly requests: number;
    /** The window, in milliseconds (1000 for a limit per second). */
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

/** A place a released request holds under the limit until its slot closes. */
export interface OpenPlace {
    /** Tells this spacer's own places apart. */
    readonly id: string;
    /** Held by this spacer, not by another process sharing the budget. */
    readonly mine: boolean;
    /** Its holder is gone (its process ended, or its lease ran out): the place frees as if closed now. */
    readonly gone: boolean;
}

/** A spacer waiting for room, in line by the time its oldest waiting request asked. */
export interface WaitingSpacer {
    readonly mine: boolean;
    /** When its oldest waiting request asked for a slot. */
    readonly since: number;
    /** Its turn passes to those behind it when it has not come back by then. */
    readonly until: number;
    readonly gone: boolean;
    /** Breaks ties between equal `since`: the owner's name in its store. */
    readonly owner: string;
}

/**
 * What the cloud counts against one API, account and region, as every spacer sharing it sees it,
 * in the spacer's clock's time.
 */
export interface BudgetState {
    /** Places of released requests whose slots have not closed: where the cloud counts them is not known yet. */
    open: OpenPlace[];
    /** When closed places free, earliest first. */
    frees: number[];
    /** The limit in force right after the last throttled answer, and when that was. */
    cut?: { readonly allowed: number; readonly at: number };
    /** Spacers waiting for room, first come first served. */
    line: WaitingSpacer[];
}

/**
 * Where a spacer keeps its {@link BudgetState}: in memory for this process alone, or in a ledger
 * that spacers in other processes on this machine share (see ./rateLedger).
 */
export interface BudgetStore {
    /** Other processes may change the state between transactions: a spacer then looks again now and then. */
    readonly shared: boolean;
    /** The name this store's places and turns go by. */
    readonly owner: string;
    /** Runs `change` on the state with no other spacer of the store changing it meanwhile; what it leaves is kept. */
    transact<T>(now: number, change: (state: BudgetState) => T): T;
    /** A problem the store worked around (e.g. a ledger it could not use), once, for the read's log. */
    takeNotice(): string | undefined;
}

/** A budget for this process alone. */
export class LocalBudgetStore implements BudgetStore {
    readonly shared = false;
    readonly owner = "local";
    private readonly state: BudgetState = { open: [], frees: [], line: [] };

    constructor(private notice?: string) {}

    transact<T>(_now: number, change: (state: BudgetState) => T): T {
        return change(this.state);
    }

    takeNotice(): string | undefined {
        const n = this.notice;
        this.notice = undefined;
        return n;
    }
}

/**
 * How often a spacer sharing its budget looks again while other processes hold every place or
 * stand before it in line: their answers and turns reach it through the ledger, not as events.
 */
export const SHARED_POLL_MS = 25;

/**
 * How long past the moment it said it would look again a waiting spacer keeps its turn: a busy
 * event loop wakes late, and a process that died or stalled must not hold up the others for long.
 */
export const LINE_GRACE_MS = 200;

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
 * - After a throttled answer (a client that does not share the budget, a cloud that counts a little
 *   differently) the limit in force halves, at most once per window, then grows back by a tenth of
 *   the limit per clean window: a burst that was throttled cannot repeat at once.
 * - The places, the cut limit and the line live in a {@link BudgetStore}: spacers of several
 *   processes sharing one store keep the limit together, by the same rules, first come first served.
 */
export class RequestSpacer {
    /** The shortest time in which `requests + 1` requests may be counted. */
    readonly windowMs: number;
    /** Wire starts of the last window, oldest first, for {@link SpacerStats.busiestWindow}. */
    private readonly wire: number[] = [];
    /** The shortest time from a request's wire start to its answer. */
    private shortestRoundTrip = Infinity;
    private readonly waiting: Array<{ readonly since: number; readonly resolve: (slot: RequestSlot) => void }> = [];
    private timer: unknown;
    private timerAt = Infinity;
    private counts = { sent: 0, throttled: 0, busiestWindow: 0 };
    private readonly recoveryStep: number;
    private placeSeq = 0;
    /** Changes (slots closing) for the next transaction, and whether one is queued. */
    private pending: Array<(s: BudgetState, now: number) => void> = [];
    private pumpQueued = false;

    constructor(
        readonly limit: RateLimit,
        guardShare = DEFAULT_GUARD_SHARE,
        private readonly clock: SpacerClock = realClock,
        private readonly store: BudgetStore = new LocalBudgetStore(),
    ) {
        this.windowMs = limit.perMs * (1 + guardShare);
        this.recoveryStep = Math.max(1, Math.round(limit.requests / 10));
    }

    /** Resolves with a slot when the caller may send its request; call the slot's `done` when the attempt ends. */
    acquire(): Promise<RequestSlot> {
        if (this.limit.requests <= 0) return Promise.resolve(UNLIMITED_SLOT);
        return new Promise((resolve) => {
            this.waiting.push({ since: this.clock.now(), resolve });
            this.schedulePump();
        });
    }

    /** Requests waiting for a slot. */
    get queued(): number {
        return this.waiting.length;
    }

    /** What this spacer has seen so far. */
    get stats(): SpacerStats {
        const now = this.clock.now();
        return { ...this.counts, allowed: this.store.transact(now, (s) => this.allowedAt(s, now)) };
    }

    /** A problem the spacer's store worked around, once (see {@link BudgetStore.takeNotice}). */
    takeNotice(): string | undefined {
        return this.store.takeNotice();
    }

    /**
     * Reports a throttled answer: the cloud counted more than it allows, so this client backs off.
     * Answers to a burst arrive together; only the first in a window halves the limit.
     */
    throttled(): void {
        const now = this.clock.now();
        this.counts.throttled++;
        if (this.limit.requests <= 0) return;
        this.store.transact(now, (s) => {
            if (s.cut && now - s.cut.at < this.windowMs) return;
            s.cut = { allowed: Math.max(1, Math.floor(this.allowedAt(s, now) / 2)), at: now };
        });
    }

    /** The limit in force at `now`: the configured one, or a cut one growing back window by window. */
    private allowedAt(s: BudgetState, now: number): number {
        const n = this.limit.requests;
        if (!s.cut) return n;
        const windows = Math.floor((now - s.cut.at) / this.windowMs);
        const allowed = Math.min(n, s.cut.allowed + windows * this.recoveryStep);
        if (allowed >= n) s.cut = undefined;
        return allowed;
    }

    /**
     * Pumps once the code running now is done: the requests a read releases together and the
     * answers that arrive together take one transaction of the store between them.
     */
    private schedulePump(change?: (s: BudgetState, now: number) => void): void {
        if (change) this.pending.push(change);
        if (this.pumpQueued) return;
        this.pumpQueued = true;
        queueMicrotask(() => {
            this.pumpQueued = false;
            this.pump();
        });
    }

    /**
     * Grants waiting requests their slots while there is room, in one transaction of the store
     * (after the pending changes, slots closing), then sleeps until room may come.
     */
    private pump(): void {
        const now = this.clock.now();
        const changes = this.pending;
        this.pending = [];
        const granted: Array<{ readonly id: string; readonly resolve: (slot: RequestSlot) => void }> = [];
        const wait = this.store.transact(now, (s) => {
            for (const change of changes) change(s, now);
            this.settle(s, now);
            let wait: number | undefined = 0;
            while (granted.length < this.waiting.length) {
                wait = this.waitMs(s, now, this.waiting[granted.length].since);
                if (wait !== 0) break;
                const id = String(++this.placeSeq);
                s.open.push({ id, mine: true, gone: false });
                granted.push({ id, resolve: this.waiting[granted.length].resolve });
            }
            this.standInLine(s, now, this.waiting[granted.length]?.since, wait);
            return wait;
        });
        this.waiting.splice(0, granted.length);
        for (const g of granted) g.resolve(this.slot(g.id));
        if (this.waiting.length === 0) return;
        // Without a time to wait for, a slot of this process closing pumps again; another process's closing is only seen by looking.
        if (wait !== undefined) this.wake(now + wait);
        else if (this.store.shared) this.wake(now + SHARED_POLL_MS);
    }

    /** Drops places that have freed, frees the places of holders that are gone, and lets go of stale turns. */
    private settle(s: BudgetState, now: number): void {
        let expired = 0;
        while (expired < s.frees.length && s.frees[expired] <= now) expired++;
        if (expired > 0) s.frees.splice(0, expired);
        // Its holder may have sent the request at any moment until now.
        for (const p of s.open.filter((x) => x.gone)) {
            s.open.splice(s.open.indexOf(p), 1);
            insertSorted(s.frees, now + this.windowMs);
        }
        s.line = s.line.filter((w) => !w.gone && w.until >= now);
    }

    /**
     * How long until one more request, waiting since `since`, may go: 0 now, undefined until an
     * open place closes. Room first goes to whoever has waited longest.
     */
    private waitMs(s: BudgetState, now: number, since: number): number | undefined {
        const room = this.allowedAt(s, now) - s.open.length;
        if (room <= 0) return undefined;
        const over = s.frees.length - (room - 1);
        if (over > 0) {
            // The `over`-th place to free must free; a recovery step may come sooner.
            const free = s.frees[over - 1] - now;
            const step = s.cut ? s.cut.at + (Math.floor((now - s.cut.at) / this.windowMs) + 1) * this.windowMs - now : Infinity;
            const wait = Math.min(free, step);
            if (wait > 0) return wait;
        }
        const owner = this.store.owner;
        const ahead = s.line.find((w) => !w.mine && (w.since < since || (w.since === since && w.owner < owner)));
        return ahead ? Math.max(1, Math.min(ahead.until - now, SHARED_POLL_MS)) : 0;
    }

    /** Takes this spacer's turn in line (by its oldest waiting request), or leaves the line when none waits. */
    private standInLine(s: BudgetState, now: number, since: number | undefined, wait: number | undefined): void {
        const others = s.line.filter((w) => !w.mine);
        if (since === undefined) {
            if (others.length !== s.line.length) s.line = others;
            return;
        }
        const until = now + (wait ?? SHARED_POLL_MS) + LINE_GRACE_MS;
        s.line = [...others, { mine: true, since, until, gone: false, owner: this.store.owner }];
    }

    private wake(at: number): void {
        if (this.timer !== undefined && this.timerAt <= at) return;
        if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
        this.timerAt = at;
        this.timer = this.clock.setTimeout(
            () => {
                this.timer = undefined;
                this.timerAt = Infinity;
                this.pump();
            },
            Math.max(1, Math.ceil(at - this.clock.now())),
        );
    }

    private slot(id: string): RequestSlot {
        let sentAt: number | undefined;
        let closed = false;
        /** The slot leaves the open ones; its place frees one window after `countedBy`. */
        const close = (countedBy: number) => {
            if (closed) return;
            closed = true;
            this.schedulePump((s) => {
                const i = s.open.findIndex((p) => p.mine && p.id === id);
                if (i >= 0) s.open.splice(i, 1);
                insertSorted(s.frees, countedBy + this.windowMs);
            });
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

/** Inserts `at` into the ascending list `times`, after any equal time. */
function insertSorted(times: number[], at: number): void {
    let i = times.length;
    while (i > 0 && times[i - 1] > at) i--;
    times.splice(i, 0, at);
}

const UNLIMITED_SLOT: RequestSlot = { sent() {}, answered() {}, done() {} };

let overrides: Partial<Record<ApiName, RateLimit>> = {};
const spacers = new Map<string, RequestSpacer>();

/**
 * Changes the client-side rate limit of APIs for this process, e.g. when an account has a raised
 * quota or a Huawei API publishes a different limit. `0` requests turns the limiter off.
 * @param limits by API (`tat`, `mps`, `bm`, `bmLegacy`, `cph`, `workspace`): requests per second,
 *   or `{ requests, perMs }` for another window.
 * @throws TaskgateValidationError naming the API (`tat`, `tat.perMs`) for an unknown API or a
 *   limit that is not a number of requests >= 0 per window > 0; nothing changes then.
 */
export function configureRateLimits(limits: Partial<Record<ApiName, number | RateLimit>>): void {
    const next = { ...overrides };
    for (const [api, v] of Object.entries(limits ?? {}) as Array<[ApiName, unknown]>) {
        if (v === undefined) continue;
        if (!Object.hasOwn(DEFAULT_RATE_LIMITS, api)) {
            throw new TaskgateValidationError(api, `is not an API taskgate reads; allowed: ${Object.keys(DEFAULT_RATE_LIMITS).join(", ")}`);
        }
        next[api] = checkRateLimit(api, v);
    }
    overrides = next;
}

/** A rate limit as given to {@link configureRateLimits}: a number per second, or a `{ requests, perMs }` object. */
function checkRateLimit(api: string, v: unknown): RateLimit {
    const limit = typeof v === "number" ? { requests: v, perMs: 1000 } : (v as Partial<RateLimit> | null);
    const field = typeof v === "number" ? api : `${api}.requests`;
    if (limit === null || typeof limit !== "object") {
        throw new TaskgateValidationError(api, "must be a number of requests per second, or { requests, perMs }", safeRender(v));
    }
    if (typeof limit.requests !== "number" || !Number.isFinite(limit.requests) || limit.requests < 0) {
        throw new TaskgateValidationError(field, "must be a number of requests >= 0 (0 turns the limiter off)", safeRender(limit.requests));
    }
    if (typeof limit.perMs !== "number" || !Number.isFinite(limit.perMs) || limit.perMs <= 0) {
        throw new TaskgateValidationError(`${api}.perMs`, "must be a window of milliseconds > 0", safeRender(limit.perMs));
    }
    return { requests: limit.requests, perMs: limit.perMs };
}

/** The limit in force for an API. */
export function rateLimitOf(api: ApiName): RateLimit {
    return overrides[api] ?? DEFAULT_RATE_LIMITS[api];
}

/**
 * The spacer shared by every read of one API with one account in one region, in this process:
 * the cloud counts their requests together, so concurrent reads must too. Unless `ledger` turns it
 * off, the spacer shares its budget with the other processes on this machine that use the same
 * ledger directory (by default one per user under the temporary folder; see ./rateLedger).
 * @throws TaskgateValidationError when a directory the user chose cannot hold the ledger
 */
export function spacerFor(api: ApiName, scope: string, ledger: RateLimitDirChoice = { dir: defaultLedgerDir() }): RequestSpacer {
    const limit = rateLimitOf(api);
    const key = `${api}|${scope}|${limit.requests}/${limit.perMs}|${ledger.dir}`;
    let s = spacers.get(key);
    if (!s) {
        s = new RequestSpacer(limit, DEFAULT_GUARD_SHARE, realClock, budgetStore(api, scope, ledger));
        spacers.set(key, s);
    }
    return s;
}

/**
 * The store of one API's and scope's budget: the ledger file in the chosen directory, or this
 * process's memory when sharing is off, or when the default directory cannot be used (said once in
 * the read's log: the reads still work, counted by this process alone).
 */
function budgetStore(api: ApiName, scope: string, ledger: RateLimitDirChoice): BudgetStore {
    if (ledger.dir === false || rateLimitOf(api).requests <= 0) return new LocalBudgetStore();
    try {
        prepareLedgerDir(ledger.dir, ledger.field === undefined);
    } catch (e) {
        const why = (e as Error).message;
        if (ledger.field !== undefined) {
            throw new TaskgateValidationError(ledger.field, `must be a directory this process can create and write (${why}), or off`, safeRender(ledger.dir));
        }
        return new LocalBudgetStore(
            `taskgate: the rate-limit ledger directory cannot be used (${why}): ${api} requests are limited in this process ` +
                "only, not together with other processes on this machine; set TASKGATE_RATE_LIMIT_DIR to a directory to use, or to off",
        );
    }
    return new SharedBudgetStore(ledgerFile(ledger.dir, api, scope));
}
