/**
 * Bare Metal 2018-04-23 DescribeUserCmdTasks (API 3.0), and the sort orders it shares with the
 * legacy v2 GetUserCmdTaskList (bmLegacyCmdTasks.ts); both read the store of store/bm.ts.
 *
 * Documented rules: Region required (frontend); Offset and Limit both REQUIRED; Limit 1..100;
 * OrderField RunBeginTime | RunEndTime | InstanceCount | SuccessCount | FailureCount (default
 * RunBeginTime, the emulator's choice); Order 1 descending (default) or 0 ascending.
 *
 * Each order field has one ascending array (ties broken by TaskId ascending), built once per
 * snapshot; a descending page is read backwards from the end, so ties come TaskId-descending.
 */
import { TencentErrors } from "../errors";
import type { Snapshot } from "../store/collection";
import type { BmUserCmdTask } from "../types";
import { compareIds, type HandlerContext, pageStart, wireFields } from "./context";
import { readInt, readString, rejectUnknown, type TcParams } from "./tencentParams";

/** The action, version and product this handler serves. */
export const BM_ACTION = { product: "bm", action: "DescribeUserCmdTasks", version: "2018-04-23" } as const;

const PARAMS = ["Offset", "Limit", "OrderField", "Order"] as const;

/** Fields a page can be ordered by (3.0 names; the legacy API maps its own onto these). */
export type BmOrderField = "RunBeginTime" | "RunEndTime" | "InstanceCount" | "SuccessCount" | "FailureCount" | "Status";

const ORDER_FIELDS_3: readonly BmOrderField[] = ["RunBeginTime", "RunEndTime", "InstanceCount", "SuccessCount", "FailureCount"];

/** The records sorted ascending by `field`, then TaskId; cached on the snapshot. */
export function bmSorted(snap: Snapshot<BmUserCmdTask>, field: BmOrderField): readonly BmUserCmdTask[] {
    return snap.view(`bm:${field}`, (records) =>
        [...records].sort((a, b) => {
            const x = a[field];
            const y = b[field];
            if (x !== y) return x < y ? -1 : 1;
            return compareIds(a.TaskId, b.TaskId);
        }),
    );
}

/** One page of an ascending array, read forwards (asc) or backwards from the end (desc). */
export function bmPage<T>(ascending: readonly T[], offset: number, limit: number, descending: boolean): T[] {
    const n = ascending.length;
    if (!descending) return ascending.slice(offset, offset + limit);
    const out: T[] = [];
    for (let i = n - 1 - offset; i >= 0 && out.length < limit; i--) out.push(ascending[i]);
    return out;
}

/** Renders a record as the 3.0 API sends it. */
export function renderBmTask(r: BmUserCmdTask): Record<string, unknown> {
    return wireFields(r, ["TaskId", "Status", "Alias", "CmdId", "InstanceCount", "SuccessCount", "FailureCount", "RunBeginTime", "RunEndTime"]);
}

/** Serves DescribeUserCmdTasks. */
export function describeUserCmdTasks(params: TcParams, ctx: HandlerContext): Record<string, unknown> {
    rejectUnknown(params, PARAMS);
    const offset = readInt(params, "Offset");
    const limit = readInt(params, "Limit");
    if (offset === undefined) throw TencentErrors.missingParameter("Offset");
    if (limit === undefined) throw TencentErrors.missingParameter("Limit");
    if (offset < 0) throw TencentErrors.invalidParameterValue(`Offset must be >= 0, got ${offset}.`);
    if (limit < 1 || limit > 100) throw TencentErrors.invalidParameterValue(`Limit must be between 1 and 100, got ${limit}.`);
    const orderField = readString(params, "OrderField") ?? "RunBeginTime";
    if (!ORDER_FIELDS_3.includes(orderField as BmOrderField)) {
        throw TencentErrors.invalidParameterValue(`OrderField must be one of ${ORDER_FIELDS_3.join(", ")}, got \`${orderField}\`.`);
    }
    const order = readInt(params, "Order") ?? 1;
    if (order !== 0 && order !== 1) throw TencentErrors.invalidParameterValue(`Order must be 0 or 1, got ${order}.`);

    const snap = ctx.store.bm.snapshot(ctx.nowMs);
    const sorted = bmSorted(snap, orderField as BmOrderField);
    return {
        TotalCount: sorted.length,
        UserCmdTasks: bmPage(sorted, pageStart(offset, ctx), limit, order === 1).map(renderBmTask),
    };
}
