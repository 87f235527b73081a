/**
 * Workspace records: seed rows as stored script execution tasks, with the task type the API
 * filters by (kept server-side when given; otherwise derived from whether the task ran scripts).
 */
import { isoSeconds } from "../timefmt";
import type { WorkspaceScript, WorkspaceTaskRecord } from "../types";
import type { RecordSpec } from "./collection";
import { num, requireId, str } from "./fields";

/** The record's task type: explicit, else SCRIPT when it ran scripts, COMMAND otherwise. */
export function taskTypeOf(r: WorkspaceTaskRecord): "SCRIPT" | "COMMAND" {
    return r.task_type ?? (r.scripts.length > 0 ? "SCRIPT" : "COMMAND");
}

/** Seed rows -> complete Workspace task records. */
export const workspaceSpec: RecordSpec<WorkspaceTaskRecord> = {
    name: "workspace",
    idOf: (r) => r.id,
    normalize(input, nowMs) {
        const id = requireId(input, "id", "workspace");
        const status = str(input.status, "FINISH");
        const started = status !== "INIT";
        const start = str(input.start_time, started ? isoSeconds(nowMs) : "");
        const scripts: WorkspaceScript[] = Array.isArray(input.scripts)
            ? input.scripts.map((s: Record<string, unknown>) => ({ id: str(s?.id, ""), name: str(s?.name, "") }))
            : [];
        const taskType = input.task_type === "SCRIPT" || input.task_type === "COMMAND" ? input.task_type : undefined;
        return {
            id,
            desktop_pool_id: str(input.desktop_pool_id, ""),
            desktop_pool_name: str(input.desktop_pool_name, ""),
            scripts,
            command_content: str(input.command_content, ""),
            command_type: str(input.command_type, ""),
            start_time: start,
            end_time: str(input.end_time, status === "FINISH" || status === "FAILED" ? start : ""),
            status,
            success_num: num(input.success_num, 0),
            failed_num: num(input.failed_num, 0),
            skip_num: num(input.skip_num, 0),
            ...(taskType ? { task_type: taskType } : {}),
        };
    },
};
