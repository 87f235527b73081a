/** TAT records: seed rows as stored `InvocationTask`s, every field the wire has filled in. */
import { parseWireTime, tatTime } from "../timefmt";
import type { TatInvocationTask, TatTaskResult } from "../types";
import type { RecordSpec } from "./collection";
import { num, requireId, str } from "./fields";

function result(input: unknown, fallbackTime: string | null): TatTaskResult {
    const r = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
    return {
        ExitCode: num(r.ExitCode, 0),
        Output: str(r.Output, ""),
        ExecStartTime: r.ExecStartTime === null ? null : str(r.ExecStartTime, fallbackTime ?? ""),
        ExecEndTime: r.ExecEndTime === null ? null : str(r.ExecEndTime, ""),
        Dropped: num(r.Dropped, 0),
        OutputUrl: str(r.OutputUrl, ""),
        OutputUploadCOSErrorInfo: str(r.OutputUploadCOSErrorInfo, ""),
    };
}

/** Seed rows -> complete InvocationTask records. */
export const tatSpec: RecordSpec<TatInvocationTask> = {
    name: "tat",
    idOf: (r) => r.InvocationTaskId,
    normalize(input, nowMs) {
        const id = requireId(input, "InvocationTaskId", "tat");
        const created = str(input.CreatedTime, tatTime(nowMs));
        if (Number.isNaN(parseWireTime(created))) throw new Error(`tat ${id}: CreatedTime ${created} is not a time`);
        const doc = (typeof input.CommandDocument === "object" && input.CommandDocument !== null ? input.CommandDocument : {}) as Record<string, unknown>;
        const start = input.StartTime === null ? null : str(input.StartTime, created);
        const end = input.EndTime === null || input.EndTime === undefined ? null : str(input.EndTime, "");
        return {
            InvocationId: str(input.InvocationId, "inv-00000000"),
            InvocationTaskId: id,
            CommandId: str(input.CommandId, "cmd-00000000"),
            TaskStatus: str(input.TaskStatus, "SUCCESS"),
            InstanceId: str(input.InstanceId, "ins-00000000"),
            TaskResult: result(input.TaskResult, start),
            StartTime: start,
            EndTime: end,
            CreatedTime: created,
            UpdatedTime: str(input.UpdatedTime, end ?? start ?? created),
            CommandDocument: {
                Content: str(doc.Content, ""),
                CommandType: str(doc.CommandType, "SHELL"),
                Timeout: num(doc.Timeout, 60),
                WorkingDirectory: str(doc.WorkingDirectory, "/root/"),
                Username: str(doc.Username, "root"),
                OutputCOSBucketUrl: str(doc.OutputCOSBucketUrl, ""),
                OutputCOSKeyPrefix: str(doc.OutputCOSKeyPrefix, ""),
            },
            ErrorInfo: str(input.ErrorInfo, ""),
            InvocationSource: str(input.InvocationSource, "USER"),
            ...(typeof input.CommandName === "string" ? { CommandName: input.CommandName } : {}),
        };
    },
};
