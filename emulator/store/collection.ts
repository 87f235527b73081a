/**
 * One in-memory record store (a {@link Collection}), with per-record timelines.
 *
 * A record is kept as a base state plus an optional timeline of patches at absolute times on
 * the emulator clock. A request resolves every record's state "as of now", so tasks progress
 * while a client polls, and tests can fast-forward by moving the clock offset (backwards too).
 *
 * Speed: resolving and indexing cost O(n log n), so they are cached per (store version,
 * timeline phase): the phase is the number of transition times already passed, so the cache
 * is rebuilt only when data changes or some task's state actually changes. Handlers hang
 * their own indexes (sort orders, id maps) on the snapshot with `view()`, built once per
 * snapshot and reused by every request that sees the same state.
 */
import type { StoreId, Transition } from "../types";

/** How a store recognises and completes its records. */
export interface RecordSpec<T> {
    /** Which store this is (for messages). */
    readonly name: StoreId;
    /** The record's natural id (InvocationTaskId, TaskId, job_id, id). */
    idOf(record: T): string;
    /**
     * Turns a seed row into a complete stored record, filling missing fields with plausible
     * defaults relative to `nowMs`. Throws an Error naming the problem for unusable rows.
     */
    normalize(input: Record<string, unknown>, nowMs: number): T;
}

/** The state of a store as of one instant. */
export interface Snapshot<T> {
    /** Every record, in insertion order. */
    readonly records: readonly T[];
    /** A derived structure (index, sort order), built at most once per snapshot. */
    view<V>(name: string, build: (records: readonly T[]) => V): V;
}

/** Views kept per snapshot before the cache is dropped and rebuilt on demand. */
const MAX_VIEWS = 512;

interface Entry<T> {
    base: T;
    timeline: Array<{ at: number; patch: Record<string, unknown> }>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Deep-merges `patch` into a copy of `target`: plain objects merge key by key; arrays,
 * `null` and scalars replace; `undefined` leaves the target alone.
 */
export function deepMerge<T>(target: T, patch: Record<string, unknown>): T {
    const out: Record<string, unknown> = { ...(target as Record<string, unknown>) };
    for (const [k, v] of Object.entries(patch)) {
        if (v === undefined || k === "__proto__") continue;
        out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k], v) : v;
    }
    return out as T;
}

function lowerBoundAfter(sorted: number[], t: number): number {
    // number of elements <= t
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid] <= t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

function parseTimeline(input: unknown, nowMs: number): Entry<unknown>["timeline"] {
    if (input === undefined) return [];
    if (!Array.isArray(input)) throw new Error("transitions must be an array of {afterMs, patch}");
    return input
        .map((t: Transition, i) => {
            if (!isPlainObject(t) || typeof t.afterMs !== "number" || !(t.afterMs >= 0) || !isPlainObject(t.patch)) {
                throw new Error(`transitions[${i}] must be {afterMs: number >= 0, patch: object}`);
            }
            return { at: nowMs + t.afterMs, patch: t.patch as Record<string, unknown> };
        })
        .sort((a, b) => a.at - b.at);
}

function resolve<T>(entry: Entry<T>, nowMs: number): T {
    let state = entry.base;
    for (const step of entry.timeline) {
        if (step.at > nowMs) break;
        state = deepMerge(state, step.patch);
    }
    return state;
}

/** One store: records by id, insertion-ordered, with timelines and a snapshot cache. */
export class Collection<T> {
    private entries = new Map<string, Entry<T>>();
    private version = 0;
    private times: number[] | undefined;
    private cache: { version: number; phase: number; records: T[]; views: Map<string, unknown> } | undefined;

    constructor(readonly spec: RecordSpec<T>) {}

    /** Number of records. */
    get size(): number {
        return this.entries.size;
    }

    /** Inserts or replaces records (by id). `transitions` are relative to `nowMs`. Returns the ids. */
    upsert(inputs: ReadonlyArray<Record<string, unknown>>, nowMs: number): string[] {
        const prepared = inputs.map((raw, i) => {
            if (!isPlainObject(raw)) throw new Error(`${this.spec.name}[${i}] must be an object`);
            const { transitions, ...fields } = raw;
            const base = this.spec.normalize(fields, nowMs);
            return { id: this.spec.idOf(base), entry: { base, timeline: parseTimeline(transitions, nowMs) } };
        });
        for (const { id, entry } of prepared) this.entries.set(id, entry);
        this.touch();
        return prepared.map((p) => p.id);
    }

    /** Removes records; returns how many existed and which ids did not. */
    remove(ids: readonly string[]): { removed: number; missing: string[] } {
        let removed = 0;
        const missing: string[] = [];
        for (const id of ids) {
            if (this.entries.delete(id)) removed++;
            else missing.push(id);
        }
        if (removed) this.touch();
        return { removed, missing };
    }

    /**
     * Patches records' current state (deep merge, then re-normalised) and optionally replaces
     * their remaining timelines (relative to `nowMs`). The id cannot change.
     */
    update(
        ids: readonly string[],
        patch: Record<string, unknown> | undefined,
        transitions: Transition[] | undefined,
        nowMs: number,
    ): { updated: number; missing: string[] } {
        const missing: string[] = [];
        const changes: Array<[string, Entry<T>]> = [];
        for (const id of ids) {
            const entry = this.entries.get(id);
            if (!entry) {
                missing.push(id);
                continue;
            }
            // Steps already passed are folded into the base first, so the patch wins over them.
            const current = resolve(entry, nowMs);
            const base = patch ? this.spec.normalize(deepMerge(current, patch) as Record<string, unknown>, nowMs) : current;
            if (this.spec.idOf(base) !== id) throw new Error(`update cannot change the id of ${id}`);
            const timeline = transitions ? parseTimeline(transitions, nowMs) : entry.timeline.filter((s) => s.at > nowMs);
            changes.push([id, { base, timeline }]);
        }
        for (const [id, entry] of changes) this.entries.set(id, entry);
        if (changes.length) this.touch();
        return { updated: changes.length, missing };
    }

    /** Removes every record. */
    clear(): void {
        this.entries.clear();
        this.touch();
    }

    /** Whether a record exists. */
    has(id: string): boolean {
        return this.entries.has(id);
    }

    /** The state of every record as of `nowMs`. */
    snapshot(nowMs: number): Snapshot<T> {
        if (!this.times) {
            this.times = [];
            for (const e of this.entries.values()) for (const step of e.timeline) this.times.push(step.at);
            this.times.sort((a, b) => a - b);
        }
        const phase = lowerBoundAfter(this.times, nowMs);
        let cache = this.cache;
        if (!cache || cache.version !== this.version || cache.phase !== phase) {
            const records: T[] = [];
            for (const e of this.entries.values()) records.push(resolve(e, nowMs));
            cache = { version: this.version, phase, records, views: new Map() };
            this.cache = cache;
        }
        const views = cache.views;
        const records = cache.records;
        return {
            records,
            view<V>(name: string, build: (r: readonly T[]) => V): V {
                let v = views.get(name) as V | undefined;
                if (v === undefined) {
                    // Query-keyed views (one per distinct filter) could pile up on a long-lived snapshot.
                    if (views.size >= MAX_VIEWS) views.clear();
                    v = build(records);
                    views.set(name, v);
                }
                return v;
            },
        };
    }

    private touch(): void {
        this.version++;
        this.times = undefined;
    }
}
