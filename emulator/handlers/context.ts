/**
 * What every handler receives: the stores, the emulator clock reading for this request, the
 * configuration and the request id. Handlers are pure functions of (params, context).
 */
import type { Store } from "../store";
import type { EmulatorConfig } from "../types";

/** Per-request context of a handler. */
export interface HandlerContext {
    store: Store;
    /** Emulator clock (real clock + offset), epoch ms, fixed for the whole request. */
    nowMs: number;
    config: EmulatorConfig;
    /** This API call's request id (CPH returns it as `request_id`). */
    requestId: string;
    /**
     * Fault `duplicate`: serve the page as if it started this many records earlier (a stale
     * replica), so it repeats the end of the previous page. 0 or absent: the page as asked.
     */
    pageShift?: number;
}

/** The first index a page really starts at: `start`, moved back by a `duplicate` fault. */
export function pageStart(start: number, ctx: HandlerContext): number {
    return Math.max(0, start - (ctx.pageShift ?? 0));
}

/** Code-unit order of two ids, the tie-breaker of every sort order (stable pages). */
export function compareIds(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A record as the API sends it: these fields, in this order (the cloud's documented order). A field
 * the record lacks is left out, as the JSON the cloud sends leaves it out; fields the emulator keeps
 * server-side are never named, so never sent.
 */
export function wireFields<R extends object>(record: R, fields: readonly (keyof R & string)[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of fields) if (record[k] !== undefined) out[k] = record[k];
    return out;
}

/** Binary search: first index in [0, n) for which `pred` is true, assuming pred is monotone. */
export function firstIndex(n: number, pred: (i: number) => boolean): number {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (pred(mid)) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}
