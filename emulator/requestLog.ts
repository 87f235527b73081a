/**
 * What the emulator served: a log of requests (oldest dropped past the configured limit) and
 * per-API counters, for `requests()`, `stats()` and the command line's tail. An entry never holds
 * a secret, a signature, a token or a string-to-sign: the frontends log params without them.
 */
import { API_IDS, type ApiId, type ApiStats, type RequestLogEntry } from "./types";

function emptyCounters(): Record<ApiId, ApiStats> {
    return Object.fromEntries(API_IDS.map((a) => [a, { requests: 0, ok: 0, errors: 0, throttled: 0, faults: 0 }])) as Record<ApiId, ApiStats>;
}

/** The request log and counters of one emulator. */
export class RequestLog {
    private counters = emptyCounters();
    private entries: RequestLogEntry[] = [];
    private seq = 0;
    private started = new Date();

    /** When counting started (the emulator's start, or the last reset). */
    get startedAt(): Date {
        return this.started;
    }

    /** Counts a finished request and, unless `limit` is 0, logs it (keeping about `limit` entries). */
    record(entry: RequestLogEntry, api: ApiId | undefined, limit: number): void {
        if (api) {
            const c = this.counters[api];
            c.requests++;
            if (entry.throttled) c.throttled++;
            if (entry.faulted) c.faults++;
            // A `mutate` fault changes the data, not the answer: that answer is a success.
            if (entry.status === 200 && entry.code === "" && (!entry.faulted || entry.faulted === "mutate")) c.ok++;
            else c.errors++;
        }
        if (limit === 0) return;
        entry.seq = ++this.seq;
        this.entries.push(entry);
        // Trimmed in batches: the array may hold up to twice the limit, and shows only the limit.
        if (this.entries.length > limit * 2) this.trim(limit);
    }

    /** Drops all but the newest `limit` entries (after the limit was lowered). */
    trim(limit: number): void {
        if (this.entries.length > limit) this.entries = this.entries.slice(this.entries.length - limit);
    }

    /** The newest `limit` entries, oldest first (optionally one API's, optionally the last `filter.limit`), as copies. */
    list(limit: number, filter: { api?: ApiId | "unknown"; limit?: number } = {}): RequestLogEntry[] {
        const log = this.entries.slice(Math.max(0, this.entries.length - limit));
        let out = filter.api ? log.filter((e) => e.api === filter.api) : log;
        if (filter.limit !== undefined && filter.limit >= 0) out = out.slice(Math.max(0, out.length - filter.limit));
        return out.map((e) => structuredClone(e));
    }

    /** A copy of the per-API counters. */
    apiStats(): Record<ApiId, ApiStats> {
        return structuredClone(this.counters);
    }

    /** Empties the log and zeroes the counters. */
    reset(): void {
        this.counters = emptyCounters();
        this.entries = [];
        this.started = new Date();
    }
}
