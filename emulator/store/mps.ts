/**
 * MPS records: seed rows as stored tasks, with the status the API filters by (kept server-side:
 * `TaskSimpleInfo` has no status field).
 */
import { isoSeconds, MPS_ZERO_TIME, parseWireTime } from "../timefmt";
import type { MpsStatus, MpsTaskRecord } from "../types";
import type { RecordSpec } from "./collection";
import { requireId, str } from "./fields";

/** The statuses an MPS task can have (and DescribeTasks filters by). */
export const MPS_STATUSES: readonly MpsStatus[] = ["WAITING", "PROCESSING", "FINISH"];

/** Seed rows -> complete MPS task records. */
export const mpsSpec: RecordSpec<MpsTaskRecord> = {
    name: "mps",
    idOf: (r) => r.TaskId,
    normalize(input, nowMs) {
        const id = requireId(input, "TaskId", "mps");
        const status = str(input.Status, "FINISH") as MpsStatus;
        if (!MPS_STATUSES.includes(status)) throw new Error(`mps ${id}: Status must be one of ${MPS_STATUSES.join(", ")}`);
        const created = str(input.CreateTime, isoSeconds(nowMs));
        if (Number.isNaN(parseWireTime(created))) throw new Error(`mps ${id}: CreateTime ${created} is not a time`);
        return {
            TaskId: id,
            TaskType: str(input.TaskType, "WorkflowTask"),
            CreateTime: created,
            BeginProcessTime: str(input.BeginProcessTime, status === "WAITING" ? MPS_ZERO_TIME : created),
            FinishTime: str(input.FinishTime, status === "FINISH" ? created : MPS_ZERO_TIME),
            SubTaskTypes: Array.isArray(input.SubTaskTypes) ? input.SubTaskTypes.map(String) : [],
            Status: status,
            ...(typeof input.SubTaskHasFailed === "boolean" ? { SubTaskHasFailed: input.SubTaskHasFailed } : {}),
        };
    },
};
