import { withWireWatch, type WireWatch } from "./clouds/wire";
import { TaskgateCloudError, TaskgateReadError } from "./errors";
import { spacerFor, type RequestSlot, type RequestSpacer } from "./rateLimit";
import { safeLogger } from "./safeText";
import {
    checkMaxResponseBytes,
    checkRateLimitDir,
    DEFAULT_MAX_RESPONSE_BYTES,
    maxResponseBytesSetting,
    rateLimitDirSetting,
    type RateLimitDirChoice,
    type SettingsSources,
} from "./settings";
import { type Clock, DEFAULT_RETRY, REAL_CLOCK, type RetryContext, type RetryPolicy, withRetry } from "./retry";
import { type ApiName, type Logger, silentLogger } from "./types";
import { plural, seconds } from "./words";

/** Tuning of one read. Every field has a default suited to `pulumi up`. */
export interface ReadOptions {
    /** Deadline of the whole read, retries included. Default 300 s. */
    timeoutSeconds?: number;
    /** Timeout of one HTTP request. Default 30 s (never beyond the read's deadline). */
    requestTimeoutMs?: number;
    /** Retry policy overrides. */
    retry?: Partial<RetryPolicy>;
    /** Pages in flight at once in one read. Default 8; the rate limit is the real bound. */
    concurrency?: number;
    /** Full re-reads allowed when the list changes between pages. Default 4. */
    maxRereads?: number;
    /** Where retries and re-reads are reported. */
    log?: Logger;
    /** Source of jitter, for tests. */
    random?: () => number;
    /** The time the read's deadline is measured in and its backoffs and re-read pauses wait on. Default
     * real time; a test's clock can skip the pauses (request timeouts stay on real time). */
    clock?: Clock;
    /** The largest answer one request may bring, in bytes (after decompression). A larger one is cut off
     * while it streams and fails the read, unretried. Default: the `taskgate:maxResponseBytes` stack
     * config, the `TASKGATE_MAX_RESPONSE_BYTES` environment variable, else 32 MiB. */
    maxResponseBytes?: number;
    /** How long a request may go unanswered before the read logs what it is waiting for, and again while the
     * silence lasts. Default 10 s ({@link WAIT_NOTICE_MS}). */
    waitNoticeMs?: number;
    /** Where the processes on this machine that read one API with one account share its rate limit: a directory
     * holding a small ledger per API and account (created if missing), or `false` to limit this process's requests
     * on their own. Default: the `taskgate:rateLimitDir` stack config, the `TASKGATE_RATE_LIMIT_DIR` environment
     * variable (a directory, or `off`), else `taskgate-ratelimit-<uid>` in the system's temporary folder. */
    rateLimitDir?: string | false;
    /** Called after each page: records read so far and the total the API reported (summed over the read's
     * queries; undefined where none is reported, as CPH). For progress display only: a re-read counts again. */
    onPage?: (read: number, total?: number) => void;
}

/** State of one read: its deadline, its rate limiter, the RequestIds it saw. */
export interface ReadContext extends RetryContext {
    readonly clock: Clock;
    readonly spacer: RequestSpacer;
    readonly concurrency: number;
    readonly requestTimeoutMs: number;
    readonly maxRereads: number;
    readonly maxResponseBytes: number;
    readonly waitNoticeMs: number;
    /** Appended to as responses arrive; the read's own list, never shared. */
    readonly requestIds: string[];
    /** Set by the first request that fails for good: requests still waiting are not sent. */
    failure?: Error;
    /** Progress of the read, kept only when {@link ReadOptions.onPage} asks for it. */
    readonly progress?: { readonly onPage: (read: number, total?: number) => void; read: number; total?: number };
    /** When the read last said it was still waiting for an answer (see {@link WAIT_NOTICE_MS}). */
    lastWaitNotice: number;
}

export const DEFAULT_TIMEOUT_SECONDS = 300;

export { DEFAULT_MAX_RESPONSE_BYTES };

/**
 * After this long without an answer a read says what it is waiting for, and again as long as the
 * silence lasts, so a hanging endpoint never leaves `pulumi up` or the command line mute until a
 * timeout (30 s per request by default).
 */
export const WAIT_NOTICE_MS = 10_000;

/**
 * Creates the context of one read.
 * @param scope what the cloud counts a rate limit against (account and region), never a secret.
 * @param sources where read settings the options leave out come from (`taskgate:maxResponseBytes`, `taskgate:rateLimitDir`).
 */
export function createReadContext(api: ApiName, scope: string, o: ReadOptions = {}, sources?: SettingsSources): ReadContext {
    const timeoutSeconds = o.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    const maxResponseBytes = o.maxResponseBytes ?? (sources && maxResponseBytesSetting(sources)) ?? DEFAULT_MAX_RESPONSE_BYTES;
    checkMaxResponseBytes("maxResponseBytes", maxResponseBytes);
    const ledger: RateLimitDirChoice | undefined =
        o.rateLimitDir !== undefined
            ? { dir: checkRateLimitDir("rateLimitDir", o.rateLimitDir), field: "rateLimitDir" }
            : sources && rateLimitDirSetting(sources);
    const clock = o.clock ?? REAL_CLOCK;
    return {
        policy: { ...DEFAULT_RETRY, ...o.retry },
        clock,
        deadline: clock.now() + timeoutSeconds * 1000,
        log: safeLogger(o.log ?? silentLogger),
        random: o.random,
        spacer: spacerFor(api, scope, ledger),
        concurrency: Math.max(1, Math.floor(o.concurrency ?? 8)),
        requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
        maxRereads: o.maxRereads ?? 4,
        maxResponseBytes,
        waitNoticeMs: o.waitNoticeMs ?? WAIT_NOTICE_MS,
        requestIds: [],
        progress: o.onPage && { onPage: o.onPage, read: 0 },
        lastWaitNotice: -Infinity,
    };
}

/** Reports a page to {@link ReadOptions.onPage}: `records` new records, and the total of a query when it starts. */
function progressed(ctx: ReadContext, records: number, total?: number): void {
    const p = ctx.progress;
    if (!p) return;
    p.read += records;
    if (total !== undefined) p.total = (p.total ?? 0) + total;
    p.onPage(p.read, p.total);
}

/** What a transport call returns: the parsed body and the cloud's RequestId. */
export interface CallResult<B> {
    body: B;
    requestId?: string;
}

/**
 * Sends one request through the rate limiter with retries. `send` gets the timeout for this attempt.
 * RequestIds of failed attempts are recorded too: they are what a support ticket needs.
 */
export async function request<B>(ctx: ReadContext, what: string, send: (timeoutMs: number) => Promise<CallResult<B>>): Promise<CallResult<B>> {
    try {
        return await withRetry(what, ctx, async (attempt) => {
            const slot = await ctx.spacer.acquire();
            const notice = ctx.spacer.takeNotice();
            if (notice) ctx.log.warn(notice);
            try {
                // Another page of this read already failed for good: that error is the read's answer,
                // and sending more requests (or retrying them) would only add load.
                if (ctx.failure) throw new ReadAborted(ctx.failure);
                return await sendOnce(ctx, what, attempt, slot, send);
            } finally {
                slot.done();
            }
        });
    } catch (e) {
        if (e instanceof ReadAborted) throw e.failure;
        ctx.failure ??= e as Error;
        throw e;
    }
}

/** Not a cloud error, so {@link withRetry} passes it straight through. */
class ReadAborted extends Error {
    constructor(readonly failure: Error) {
        super(failure.message);
    }
}

async function sendOnce<B>(
    ctx: ReadContext,
    what: string,
    attempt: number,
    slot: RequestSlot,
    send: (timeoutMs: number) => Promise<CallResult<B>>,
): Promise<CallResult<B>> {
    const left = ctx.deadline - ctx.clock.now();
    if (left <= 0) throw new TaskgateReadError("deadline", `taskgate: ${what} was not sent: the read's deadline passed`);
    const watch: WireWatch = { maxResponseBytes: ctx.maxResponseBytes, onSent: (at) => slot.sent(at), onAnswered: (at) => slot.answered(at) };
    // The notice times a real wait for an answer: real time, whatever clock the read runs on.
    const started = performance.now();
    const notice = setInterval(() => {
        const now = performance.now();
        if (now - ctx.lastWaitNotice < ctx.waitNoticeMs * 0.9) return; // pages in flight together say it once
        ctx.lastWaitNotice = now;
        ctx.log.warn(
            `taskgate: ${what}: waiting for ${watch.host ?? "the cloud"} (attempt ${attempt} of ${ctx.policy.maxAttempts}), no answer for ${seconds((now - started) / 1000)}`,
        );
    }, ctx.waitNoticeMs);
    try {
        const r = await withWireWatch(watch, () => send(Math.max(1, Math.round(Math.min(ctx.requestTimeoutMs, left)))));
        if (r.requestId) ctx.requestIds.push(r.requestId);
        return r;
    } catch (e) {
        if (watch.tooLarge) throw answerTooLarge(what, watch.tooLarge, ctx.maxResponseBytes);
        if (e instanceof TaskgateCloudError) {
            if (e.requestId) ctx.requestIds.push(e.requestId);
            if (e.kind === "throttled") ctx.spacer.throttled();
        }
        throw e;
    } finally {
        clearInterval(notice);
    }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes % 2 ** 20 === 0 ? 0 : 1)} MiB`;

/**
 * An answer over the cap: never retried, since the same query brings the same answer, and never read
 * whole, since one such answer could exhaust the process's memory.
 */
function answerTooLarge(what: string, seen: NonNullable<WireWatch["tooLarge"]>, cap: number): TaskgateReadError {
    const size = seen.declared ? `declared ${seen.bytes} bytes (${mib(seen.bytes)})` : `passed ${cap} bytes and was cut off after ${seen.bytes}`;
    return new TaskgateReadError(
        "answerTooLarge",
        `taskgate: ${what}: the answer ${size}, over the cap of ${mib(cap)} per answer; ` +
            "narrow the query (fewer ids, hideOutput, maxResults) or raise maxResponseBytes",
    );
}

/** One page as the sources hand it to the pagers: records already mapped. */
export interface Page<T> {
    items: T[];
    /** Total the API reported for the query (offset-paged APIs). */
    total?: number;
    /** Token of the next page (scroll-token APIs); empty or undefined at the end. */
    nextToken?: string;
}

/** What a pager returns. */
export interface PagedList<T> {
    items: T[];
    /** The total the API reported, or the number of items where it reports none. */
    total: number;
}

/** Runs `fn` over `inputs` with at most `limit` in flight, keeping the input order. */
export async function mapConcurrent<I, O>(inputs: readonly I[], limit: number, fn: (input: I, index: number) => Promise<O>): Promise<O[]> {
    const out = new Array<O>(inputs.length);
    let next = 0;
    let failed = false;
    async function worker(): Promise<void> {
        while (!failed && next < inputs.length) {
            const i = next++;
            try {
                out[i] = await fn(inputs[i], i);
            } catch (e) {
                failed = true;
                throw e;
            }
        }
    }
    await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
    return out;
}

/** What every pager takes: how to fetch a page, and how to tell records apart. */
export interface PagerOptions<T, F> {
    /** Names the read in logs and errors. */
    what: string;
    pageSize: number;
    maxResults?: number;
    idOf: (t: T) => string;
    fetch: F;
}

/** Fetches the page at `offset` holding at most `limit` records. */
export type OffsetFetch<T> = (offset: number, limit: number) => Promise<Page<T>>;

/**
 * Sends one page request and parses it. Parsing happens inside the retried attempt, so a body
 * that arrives malformed or truncated is retried like a failed request.
 */
export async function fetchPage<P>(
    ctx: ReadContext,
    what: string,
    call: (timeoutMs: number) => Promise<CallResult<unknown>>,
    parse: (body: unknown, requestId?: string) => P,
): Promise<P> {
    const r = await request(ctx, what, async (timeoutMs) => {
        const res = await call(timeoutMs);
        return { body: parse(res.body, res.requestId), requestId: res.requestId };
    });
    return r.body;
}

class ListChanged extends Error {}

function collect<T>(pages: ReadonlyArray<Page<T>>, idOf: (t: T) => string): T[] {
    const seen = new Set<string>();
    const items: T[] = [];
    for (const p of pages) {
        for (const t of p.items) {
            const id = idOf(t);
            // A record on two pages means the list shifted under us; a re-read is the only way
            // to know what else moved.
            if (seen.has(id)) throw new ListChanged(`record ${id} appeared on two pages`);
            seen.add(id);
            items.push(t);
        }
    }
    return items;
}

async function rereadOnChange<T>(ctx: ReadContext, what: string, readOnce: () => Promise<PagedList<T>>): Promise<PagedList<T>> {
    for (let attempt = 0; ; attempt++) {
        try {
            return await readOnce();
        } catch (e) {
            if (!(e instanceof ListChanged)) throw e;
            if (attempt >= ctx.maxRereads) {
                throw new TaskgateReadError(
                    "listChanged",
                    `taskgate: ${what}: the list kept changing while it was read (${e.message}), ${plural(attempt + 1, "time")}; no partial list is returned`,
                );
            }
            ctx.log.warn(`taskgate: ${what}: the list changed while it was read (${e.message}); reading it again`);
            await ctx.clock.sleep(Math.min(2000, 100 * 2 ** attempt));
        }
    }
}

/**
 * Offset pages overlap by one record: each page after the first starts at the previous page's last
 * record, which must come back first. Without that, a record removed before the read position while
 * another is added after it between two pages leaves the total unchanged, repeats nothing and
 * shortens no page, yet the record that slid across the boundary is read by neither page. With it,
 * any shift across a boundary shows as a mismatch and the list is read again. It costs one record
 * per page (101 requests instead of 100 for 10 000 records).
 */
function checkOverlap<T>(prev: Page<T>, next: Page<T>, index: number, idOf: (t: T) => string): void {
    const last = prev.items[prev.items.length - 1];
    const head = next.items[0];
    if (!last || !head || idOf(last) !== idOf(head)) {
        throw new ListChanged(`page ${index + 1} does not begin with the record page ${index} ended with`);
    }
}

/**
 * The most records one read holds. Mapped records take about half a kilobyte each, so this is a
 * few gigabytes: a query reporting more is a mistake to narrow, not a list to read.
 */
export const MAX_RECORDS_PER_READ = 5_000_000;

/**
 * Fails a read at once, before any further request, when the total the API reports cannot be read:
 * more records than {@link MAX_RECORDS_PER_READ}, or more pages than the rate limit lets through
 * before the read's deadline. Otherwise a huge (but well-formed) total would plan millions of pages
 * and end, minutes later, in a timeout or out of memory.
 */
function assertReadable(ctx: ReadContext, what: string, records: number, pages: number): void {
    const narrow = "narrow the query (ids, time range, status) or set maxResults";
    if (records > MAX_RECORDS_PER_READ) {
        throw new TaskgateReadError(
            "tooManyRecords",
            `taskgate: ${what}: the API reports ${plural(records, "record")}, more than one read holds (${MAX_RECORDS_PER_READ}); ${narrow}`,
        );
    }
    const { requests } = ctx.spacer.limit;
    if (requests <= 0) return;
    // The earliest the last page can start: the first `requests` go at once, then one window per `requests`.
    const earliestLastStartMs = Math.floor((pages - 1) / requests) * ctx.spacer.windowMs;
    const leftMs = ctx.deadline - ctx.clock.now();
    if (earliestLastStartMs > leftMs) {
        throw new TaskgateReadError(
            "deadline",
            `taskgate: ${what}: the API reports ${plural(records, "record")} (${plural(pages, "page")}); at the rate limit of ${plural(requests, "request")} ` +
                `per ${ctx.spacer.limit.perMs / 1000} s that takes at least ${Math.ceil(earliestLastStartMs / 1000)} s, more than the ` +
                `${Math.max(0, Math.floor(leftMs / 1000))} s left of the read's timeout; ${narrow}, or raise timeoutSeconds`,
        );
    }
}

/**
 * Reads an offset-paged list that reports its total: the first page, then the rest concurrently.
 * If the total changes between pages, a record appears twice, a page comes back short, or pages do
 * not join up (see {@link checkOverlap}), the whole list is read again rather than returned with
 * holes or duplicates.
 */
export function readOffsetPaged<T>(ctx: ReadContext, o: PagerOptions<T, OffsetFetch<T>>): Promise<PagedList<T>> {
    const cap = o.maxResults ?? Infinity;
    const step = o.pageSize - 1;
    return rereadOnChange(ctx, o.what, async () => {
        const first = await o.fetch(0, Math.min(o.pageSize, cap));
        const total = first.total ?? 0;
        const want = Math.min(total, cap);
        assertReadable(ctx, o.what, want, want <= o.pageSize ? 1 : 1 + Math.ceil((want - o.pageSize) / step));
        progressed(ctx, first.items.length, want);
        // A page at `off` repeats record `off` and brings records off + 1 onwards.
        const offsets: number[] = [];
        for (let off = step; off + 1 < want; off += step) offsets.push(off);
        // Every page asks for a full page, as a hand-written client would; only a maxResults cap
        // trims the last one.
        const rest = await mapConcurrent(offsets, ctx.concurrency, (off) =>
            o.fetch(off, Math.min(o.pageSize, cap - off)).then((p) => {
                progressed(ctx, Math.max(0, p.items.length - 1));
                return p;
            }),
        );
        const pages = [first, ...rest];
        const moved = pages.find((p) => p.total !== total);
        if (moved) throw new ListChanged(`total went from ${total} to ${moved.total}`);
        for (let k = 1; k < pages.length; k++) checkOverlap(pages[k - 1], pages[k], k - 1, o.idOf);
        const items = collect([first, ...rest.map((p) => ({ ...p, items: p.items.slice(1) }))], o.idOf);
        if (items.length < want) throw new ListChanged(`expected ${plural(want, "record")}, pages held ${items.length}`);
        if (items.length > total) throw new ListChanged(`pages held ${plural(items.length, "record")}, more than the total ${total}`);
        return { items: items.slice(0, want), total };
    });
}

/**
 * Reads an offset-paged list without a total (CPH): page after page, overlapping by one record
 * (see {@link checkOverlap}), until a short page.
 */
export function readUntilShortPage<T>(ctx: ReadContext, o: PagerOptions<T, OffsetFetch<T>>): Promise<PagedList<T>> {
    const cap = o.maxResults ?? Infinity;
    return rereadOnChange(ctx, o.what, async () => {
        const pages: Page<T>[] = [];
        let got = 0;
        let off = 0;
        while (got < cap) {
            const prev = pages[pages.length - 1];
            // After the first page, one more record: the overlap.
            const limit = Math.min(o.pageSize, cap - got + (prev ? 1 : 0));
            const p = await o.fetch(off, limit);
            if (prev) checkOverlap(prev, p, pages.length - 1, o.idOf);
            pages.push(p);
            got += prev ? p.items.length - 1 : p.items.length;
            progressed(ctx, prev ? Math.max(0, p.items.length - 1) : p.items.length);
            if (p.items.length < limit) break;
            off += p.items.length - 1;
        }
        const items = collect([pages[0], ...pages.slice(1).map((p) => ({ ...p, items: p.items.slice(1) }))], o.idOf);
        return { items, total: items.length };
    });
}

/**
 * Reads a scroll-token list (MPS) page after page until the token is empty. `TotalCount` on a
 * scrolled page counts what is left, not the whole list, so completeness rests on the token and
 * records are de-duplicated by id instead. A token seen twice is a loop and fails the read.
 */
export async function readScrollPaged<T>(
    ctx: ReadContext,
    o: PagerOptions<T, (token: string | undefined, limit: number) => Promise<Page<T>>>,
): Promise<PagedList<T>> {
    const cap = o.maxResults ?? Infinity;
    const seen = new Set<string>();
    const tokens = new Set<string>();
    const items: T[] = [];
    let total: number | undefined;
    let token: string | undefined;
    while (items.length < cap) {
        const p = await o.fetch(token, Math.min(o.pageSize, cap - items.length));
        const before = items.length;
        if (total === undefined) total = p.total;
        for (const t of p.items) {
            const id = o.idOf(t);
            if (seen.has(id)) continue;
            seen.add(id);
            items.push(t);
        }
        progressed(ctx, items.length - before, token === undefined && p.total !== undefined ? Math.min(p.total, cap) : undefined);
        if (!p.nextToken) break;
        if (tokens.has(p.nextToken)) {
            throw new TaskgateReadError(
                "scrollLoop",
                `taskgate: ${o.what}: the API returned ScrollToken ${JSON.stringify(p.nextToken)} twice; stopping rather than looping`,
            );
        }
        tokens.add(p.nextToken);
        token = p.nextToken;
    }
    const kept = items.slice(0, cap);
    return { items: kept, total: Math.max(total ?? 0, kept.length) };
}

/**
 * Runs several queries of one read (id batches, filter combinations) through the same context,
 * and merges their records in query order, each record once. `total` sums the totals the API
 * reported per query.
 */
export async function readQueries<Q, T>(
    ctx: ReadContext,
    queries: readonly Q[],
    idOf: (t: T) => string,
    maxResults: number | undefined,
    run: (q: Q) => Promise<PagedList<T>>,
): Promise<PagedList<T>> {
    const lists = await mapConcurrent(queries, ctx.concurrency, run);
    const seen = new Set<string>();
    const items: T[] = [];
    let total = 0;
    for (const l of lists) {
        total += l.total;
        for (const t of l.items) {
            const id = idOf(t);
            if (!seen.has(id)) {
                seen.add(id);
                items.push(t);
            }
        }
    }
    return { items: maxResults === undefined ? items : items.slice(0, maxResults), total };
}

/** Where one page of an offset-paged list starts, and how many records it asks for. */
export interface OffsetCursor {
    readonly offset: number;
    readonly limit: number;
}

/** The scroll token of one page (none for the first), and how many records it asks for. */
export interface TokenCursor {
    readonly token?: string;
    readonly limit: number;
}

/**
 * How an API pages: the pager that reads one query, how a page is named in logs and errors, and
 * whether the API reports a total. A source names one of the styles below, with its page size.
 */
export interface Paging<C> {
    read<T>(ctx: ReadContext, o: Omit<PagerOptions<T, (cursor: C) => Promise<Page<T>>>, "pageSize">): Promise<PagedList<T>>;
    /** What follows the read's name to name one page: ` offset 200`, ` after <token>`. */
    pageName(cursor: C): string;
    /** False where the API reports no total (CPH): a result then counts what was read. */
    readonly reportsTotal: boolean;
    /** The cursor of a query's first page of `limit` records: what counting a query asks for (see pipeline.ts, SelectByIds). */
    firstPage(limit: number): C;
}

const offsetName = (c: OffsetCursor) => ` offset ${c.offset}`;

/** Offset and limit, a total on every page (TAT, BM, Workspace): {@link readOffsetPaged}. */
export function offsetPages(pageSize: number): Paging<OffsetCursor> {
    return {
        read: (ctx, o) => readOffsetPaged(ctx, { ...o, pageSize, fetch: (offset, limit) => o.fetch({ offset, limit }) }),
        pageName: offsetName,
        reportsTotal: true,
        firstPage: (limit) => ({ offset: 0, limit }),
    };
}

/** Offset and limit, no total (CPH): {@link readUntilShortPage}. */
export function offsetPagesUntilShort(pageSize: number): Paging<OffsetCursor> {
    return {
        read: (ctx, o) => readUntilShortPage(ctx, { ...o, pageSize, fetch: (offset, limit) => o.fetch({ offset, limit }) }),
        pageName: offsetName,
        reportsTotal: false,
        firstPage: (limit) => ({ offset: 0, limit }),
    };
}

/** A scroll token (MPS): {@link readScrollPaged}. */
export function scrollPages(pageSize: number): Paging<TokenCursor> {
    return {
        read: (ctx, o) => readScrollPaged(ctx, { ...o, pageSize, fetch: (token, limit) => o.fetch({ token, limit }) }),
        pageName: (c) => (c.token ? ` after ${c.token}` : ""),
        reportsTotal: true,
        firstPage: (limit) => ({ limit }),
    };
}
