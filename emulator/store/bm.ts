/**
 * Bare Metal records: seed rows (the 3.0 shape, or the legacy v2 shape with `taskId` and string
 * counts) as stored `UserCmdTask`s. Both BM APIs read this one store.
 */
import { beijingTime } from "../timefmt";
import type { BmUserCmdTask } from "../types";
import type { RecordSpec } from "./collection";
import { num, requireId, str } from "./fields";

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
