import { createHash } from "node:crypto";
import type { CloudName, TaskListResult, TaskSummary } from "./types";

/**
 * A stable id for a query: the same cloud, API, region and normalized args give the same id on
 * every run and machine. Credentials are never part of it (callers pass the normalized query only).
 */
export function queryId(cloud: CloudName, api: string, region: string | undefined, query: unknown): string {
    const canonical = JSON.stringify({ cloud, api, region: region ?? null, query: sortKeys(query) });
    return `${api}-${createHash("sha256").update(canonical).digest("hex").slice(0, 24)}`;
}

/** Plain data with object keys sorted and undefined values left out (Dates as ISO strings): a canonical form to hash. */
export function sortKeys(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v instanceof Date) return v.toISOString();
    if (v !== null && typeof v === "object") {
        return Object.fromEntries(Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort()
            .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
    }
    return v;
}

/** Assembles the result frame. */
export function taskListResult<T>(id: string, tasks: T[], totalCount: number, summary: TaskSummary, requestIds: string[]): TaskListResult<T> {
    return { id, tasks, totalCount, summary, requestIds: [...new Set(requestIds)] };
}
