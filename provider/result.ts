import { createHash } from "node:crypto";
import type { CloudName, TaskListResult, TaskQuery, TaskSummary } from "./types";

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
        return Object.fromEntries(
            Object.keys(v)
                .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
                .sort()
                .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
        );
    }
    return v;
}

/** What a source read: its cloud and API, the region, and the normalized args (no credential, no endpoint). */
export interface QueryFrame {
    readonly cloud: CloudName;
    readonly api: string;
    readonly region: string | undefined;
    readonly query: Record<string, unknown>;
}

/**
 * Assembles the result frame. One query object gives both the id (its hash) and the `query` the
 * result carries, so the words a gate prints always describe what was hashed and read.
 */
export function taskListResult<T>(q: QueryFrame, tasks: T[], totalCount: number, summary: TaskSummary, requestIds: string[]): TaskListResult<T> {
    return {
        id: queryId(q.cloud, q.api, q.region, q.query),
        query: sortKeys({ region: q.region, ...q.query }) as TaskQuery,
        tasks,
        totalCount,
        summary,
        requestIds: [...new Set(requestIds)],
    };
}
