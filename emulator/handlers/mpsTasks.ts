/**
 * MPS 2019-06-12 DescribeTasks.
 *
 * Documented rules: Status required, one of WAITING | PROCESSING | FINISH; Limit default 10,
 * max 100 (InvalidParameterValue.Limit), sent as a number or a numeric string (the doc example
 * sends "5"); ScrollToken paging; only tasks created in the last 168 hours are visible.
 *
 * Paging semantics, fitted to both doc examples: records are ordered by CreateTime descending
 * then TaskId ascending; ScrollToken is the TaskId of the first record of the next page ("" at
 * the end); TotalCount counts the matching records from the scroll position on (the whole set
 * on the first page, `1` on the doc's second page). A ScrollToken naming no visible record of
 * that status is InvalidParameterValue.
 *
 * Each status keeps its own ordered list with a TaskId -> position map, and the retention
 * cut-off is a binary search on the creation times, so a page costs O(log n + limit).
 */
import { TencentErrors } from "../errors";
import { MPS_STATUSES } from "../store/mps";
import { parseWireTime } from "../timefmt";
import type { MpsStatus, MpsTaskRecord } from "../types";
import { compareIds, firstIndex, type HandlerContext, pageStart, wireFields } from "./context";
import { readBool, readInt, readString, rejectUnknown, type TcParams } from "./tencentParams";

/** The action, version and product this handler serves. */
export const MPS_ACTION = { product: "mps", action: "DescribeTasks", version: "2019-06-12" } as const;

const PARAMS = ["Status", "Limit", "ScrollToken", "SubTaskHasFailed", "StartTime", "EndTime"] as const;

interface StatusList {
    list: MpsTaskRecord[];
    createdMs: number[];
    position: Map<string, number>;
}

function buildView(records: readonly MpsTaskRecord[]): Map<MpsStatus, StatusList> {
    const keyed = records.map((r) => ({ r, t: parseWireTime(r.CreateTime) }));
    keyed.sort((a, b) => b.t - a.t || compareIds(a.r.TaskId, b.r.TaskId));
    const out = new Map<MpsStatus, StatusList>(MPS_STATUSES.map((s) => [s, { list: [], createdMs: [], position: new Map() }]));
    for (const { r, t } of keyed) {
        const bucket = out.get(r.Status);
        if (!bucket) continue;
        bucket.position.set(r.TaskId, bucket.list.length);
        bucket.list.push(r);
        bucket.createdMs.push(t);
    }
    return out;
}

/** Renders a record as MPS sends it: TaskSimpleInfo has no status field. */
export function renderMpsTask(r: MpsTaskRecord): Record<string, unknown> {
    return wireFields(r, ["TaskId", "TaskType", "SubTaskTypes", "CreateTime", "BeginProcessTime", "FinishTime"]);
}

function readTime(params: TcParams, name: string): number | undefined {
    const v = readString(params, name);
    if (v === undefined) return undefined;
    const t = Date.parse(v);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(t)) {
        throw TencentErrors.invalidParameterValue(`${name} must be an ISO 8601 time such as 2019-06-12T00:00:00Z, got \`${v}\`.`);
    }
    return t;
}

/** Serves DescribeTasks. */
export function describeTasks(params: TcParams, ctx: HandlerContext): Record<string, unknown> {
    rejectUnknown(params, PARAMS);
    const status = readString(params, "Status");
    if (status === undefined || status === "") throw TencentErrors.missingParameter("Status");
    if (!MPS_STATUSES.includes(status as MpsStatus)) {
        throw TencentErrors.invalidParameterValue(`Status must be one of ${MPS_STATUSES.join(", ")}, got \`${status}\`.`);
    }
    let limit: number;
    try {
        limit = readInt(params, "Limit") ?? 10;
    } catch {
        throw TencentErrors.invalidParameterValue("Limit must be an integer between 1 and 100.", "Limit");
    }
    if (limit < 1 || limit > 100) throw TencentErrors.invalidParameterValue(`Limit must be between 1 and 100, got ${limit}.`, "Limit");
    const token = readString(params, "ScrollToken") ?? "";
    const subTaskHasFailed = readBool(params, "SubTaskHasFailed");
    const startTime = readTime(params, "StartTime");
    const endTime = readTime(params, "EndTime");

    const snap = ctx.store.mps.snapshot(ctx.nowMs);
    const view = snap.view("mps", buildView);
    const bucket = view.get(status as MpsStatus)!;
    const cutoff = ctx.nowMs - ctx.config.quirks.mpsRetentionHours * 3600 * 1000;
    const visible = firstIndex(bucket.list.length, (i) => bucket.createdMs[i] < cutoff);

    let list: readonly MpsTaskRecord[] = bucket.list;
    let size = visible;
    let start = 0;
    if (subTaskHasFailed !== undefined || startTime !== undefined || endTime !== undefined) {
        // Rarely used filters: a scan over the visible records of this status.
        const key = `mps:${JSON.stringify([status, visible, subTaskHasFailed, startTime, endTime])}`;
        list = snap.view(key, () =>
            bucket.list.slice(0, visible).filter((r, i) => {
                const t = bucket.createdMs[i];
                if (startTime !== undefined && t < startTime) return false;
                if (endTime !== undefined && t >= endTime) return false;
                if (subTaskHasFailed !== undefined && (r.SubTaskHasFailed ?? false) !== subTaskHasFailed) return false;
                return true;
            }),
        );
        size = list.length;
        if (token) start = list.findIndex((r) => r.TaskId === token);
    } else if (token) {
        start = bucket.position.get(token) ?? -1;
    }
    if (token && (start < 0 || start >= size)) {
        throw TencentErrors.invalidParameterValue(`ScrollToken \`${token}\` is invalid or has expired.`);
    }
    start = pageStart(start, ctx);
    const end = Math.min(start + limit, size);
    return {
        TotalCount: size - start,
        TaskSet: list.slice(start, end).map(renderMpsTask),
        ScrollToken: end < size ? list[end].TaskId : "",
    };
}
