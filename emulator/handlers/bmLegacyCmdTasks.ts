/**
 * Bare Metal legacy v2 GetUserCmdTaskList (`bm.api.qcloud.com/v2/index.php`): the same store
 * as DescribeUserCmdTasks, rendered the legacy way.
 *
 * Documented rules (seed doc): offset default 0; limit default 20; orderBy runBeginTime |
 * runEndTime | status (18021 OrderByInvalid otherwise); orderType 1 descending (default) or 0
 * ascending (18022 OrderTypeInvalid). The emulator caps limit at 100 like the 3.0 API and
 * answers 10001 InvalidParameter for a bad offset or limit. Counts go out as strings and times
 * as Beijing local `YYYY-MM-DD HH:mm:ss`, as in the doc example. Unknown parameters are
 * ignored, as legacy endpoints do.
 */
import { LegacyErrors } from "../errors";
import type { BmUserCmdTask } from "../types";
import { bmPage, bmSorted, type BmOrderField } from "./bmCmdTasks";
import { type HandlerContext, pageStart } from "./context";

/** The legacy action this handler serves. */
export const BM_LEGACY_ACTION = "GetUserCmdTaskList";

const ORDER_BY: Record<string, BmOrderField> = {
    runBeginTime: "RunBeginTime",
    runEndTime: "RunEndTime",
    status: "Status",
};

/** Renders a record as the legacy API sends it (counts as strings). */
export function renderLegacyTask(r: BmUserCmdTask): Record<string, unknown> {
    return {
        taskId: r.TaskId,
        status: r.Status,
        cmdAlias: r.Alias,
        cmdId: r.CmdId,
        instanceCount: String(r.InstanceCount),
        successCount: String(r.SuccessCount),
        failureCount: String(r.FailureCount),
        runBeginTime: r.RunBeginTime,
        runEndTime: r.RunEndTime,
    };
}

function intParam(params: Map<string, string>, name: string, fallback: number, min: number, max: number): number {
    const raw = params.get(name);
    if (raw === undefined || raw === "") return fallback;
    if (!/^-?\d{1,12}$/.test(raw)) throw LegacyErrors.invalidParameter(`${name} must be an integer, got ${raw}`);
    const v = Number(raw);
    if (v < min || v > max) throw LegacyErrors.invalidParameter(`${name} must be between ${min} and ${max}, got ${v}`);
    return v;
}

/** Serves GetUserCmdTaskList; returns the `data` object. */
export function getUserCmdTaskList(params: Map<string, string>, ctx: HandlerContext): Record<string, unknown> {
    const offset = intParam(params, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(params, "limit", 20, 1, 100);
    const orderByRaw = params.get("orderBy");
    const orderBy = orderByRaw === undefined || orderByRaw === "" ? "RunBeginTime" : ORDER_BY[orderByRaw];
    if (!orderBy) throw LegacyErrors.orderByInvalid(orderByRaw!);
    const orderTypeRaw = params.get("orderType");
    if (orderTypeRaw !== undefined && orderTypeRaw !== "" && orderTypeRaw !== "0" && orderTypeRaw !== "1") {
        throw LegacyErrors.orderTypeInvalid(orderTypeRaw);
    }
    const descending = orderTypeRaw !== "0";

    const snap = ctx.store.bm.snapshot(ctx.nowMs);
    const sorted = bmSorted(snap, orderBy);
    return {
        list: bmPage(sorted, pageStart(offset, ctx), limit, descending).map(renderLegacyTask),
        totalNum: sorted.length,
    };
}
