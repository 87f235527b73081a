/**
 * Bare Metal 2018-04-23 DescribeUserCmdTasks (API 3.0), and the store and sort orders it
 * shares with the legacy v2 GetUserCmdTaskList (bmLegacyCmdTasks.ts).
 *
 * Documented rules: Region required (frontend); Offset and Limit both REQUIRED; Limit 1..100;
 * OrderField RunBeginTime | RunEndTime | InstanceCount | SuccessCount | FailureCount (default
 * RunBeginTime, the emulator's choice); Order 1 descending (default) or 0 ascending.
 *
 * Each order field has one ascending array (ties broken by TaskId ascending), built once per
 * snapshot; a descending page is read backwards from the end, so ties come TaskId-descending.
 */
import { TencentErrors } from "../errors";
import type { RecordSpec, Snapshot } from "../store";
import { beijingTime } from "../timefmt";
import type { BmUserCmdTask } from "../types";
import { compareIds, type HandlerContext, num, pageStart, requireId, str } from "./context";
import { readInt, readString, rejectUnknown, type TcParams } from "./tencentParams";

/** The action, version and product this handler serves. */
export const BM_ACTION = { product: "bm", action: "DescribeUserCmdTasks", version: "2018-04-23" } as const;

const PARAMS = ["Offset", "Limit", "OrderField", "Order"] as const;

/** Fields a page can be ordered by (3.0 names; the legacy API maps its own onto these). */
export type BmOrderField = "RunBeginTime" | "RunEndTime" | "InstanceCount" | "SuccessCount" | "FailureCount" | "Status";

const ORDER_FIELDS_3: readonly BmOrderField[] = ["RunBeginTime", "RunEndTime", "InstanceCount", "SuccessCount", "FailureCount"];

/**
 * Seed rows (3.0 shape, or legacy shape with `taskId` and string counts) -> stored records.
 * Timeline patches always use the 3.0 field names.
 */
export const bmSpec: RecordSpec<BmUserCmdTask> = {
    name: "bm",
    idOf: (r) => r.TaskId,
    normalize(raw, nowMs) {
        const input = "taskId" in raw && !("TaskId" in raw) ? fromLegacy(raw) : raw;
        const id = requireId(input, "TaskId", "bm");
        const status = num(input.Status, 0);
        const instances = num(input.InstanceCount, 1);
        const failures = num(input.FailureCount, 0);
        const begin = str(input.RunBeginTime, beijingTime(nowMs));
        return {
            TaskId: id,
            Status: status,
            Alias: str(input.Alias, ""),
            CmdId: str(input.CmdId, "cmd-00000000"),
            InstanceCount: instances,
            SuccessCount: num(input.SuccessCount, status === 0 ? Math.max(0, instances - failures) : 0),
            FailureCount: failures,
            RunBeginTime: begin,
            RunEndTime: str(input.RunEndTime, status === -1 ? "" : begin),
        };
    },
};

function fromLegacy(r: Record<string, unknown>): Record<string, unknown> {
    return {
        TaskId: r.taskId,
        Status: r.status,
        Alias: r.cmdAlias,
        CmdId: r.cmdId,
        InstanceCount: r.instanceCount,
        SuccessCount: r.successCount,
        FailureCount: r.failureCount,
        RunBeginTime: r.runBeginTime,
        RunEndTime: r.runEndTime,
    };
}

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
    return {
        TaskId: r.TaskId,
        Status: r.Status,
        Alias: r.Alias,
        CmdId: r.CmdId,
        InstanceCount: r.InstanceCount,
        SuccessCount: r.SuccessCount,
        FailureCount: r.FailureCount,
        RunBeginTime: r.RunBeginTime,
        RunEndTime: r.RunEndTime,
    };
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
