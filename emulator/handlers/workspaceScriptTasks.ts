/**
 * Workspace: `GET /v2/{project_id}/desktop-pools/script-execution-tasks/detail`.
 *
 * Query: desktop_pool_id, script_id, script_name, status, task_type (SCRIPT | COMMAND),
 * execute_time_start / execute_time_end (`2021-10-01T12:00:00Z` exactly), task_id (repeated
 * key = several ids), offset >= 0, limit 0..100 default 10. Response
 * `{script_execution_tasks, total_count}`.
 *
 * The status FILTER speaks SUCCESS | FAILED | RUNNING | WAITING while records say
 * FINISH | FAILED | RUNNING | INIT: SUCCESS matches FINISH and WAITING matches INIT.
 * execute_time_start keeps tasks that started at or after it, execute_time_end those that
 * started at or before it (tasks not started yet have no start time and drop out).
 * Order: start_time descending (not-yet-started tasks first), then id ascending.
 * Invalid parameters are 400 WKS.0002 with error_detail naming the parameter (see errors.ts).
 */
import { WorkspaceErrors } from "../errors";
import { taskTypeOf } from "../store/workspace";
import { parseWireTime, WORKSPACE_QUERY_TIME_RE } from "../timefmt";
import type { WorkspaceTaskRecord, WorkspaceTaskStatus } from "../types";
import { compareIds, type HandlerContext, pageStart, wireFields } from "./context";

const STATUS_FILTER: Record<string, WorkspaceTaskStatus> = {
    SUCCESS: "FINISH",
    FAILED: "FAILED",
    RUNNING: "RUNNING",
    WAITING: "INIT",
};

/** Renders a task as Workspace sends it (`task_type` stays server-side). */
export function renderWorkspaceTask(r: WorkspaceTaskRecord): Record<string, unknown> {
    return wireFields(r, [
        "id",
        "desktop_pool_id",
        "desktop_pool_name",
        "scripts",
        "command_content",
        "command_type",
        "start_time",
        "end_time",
        "status",
        "success_num",
        "failed_num",
        "skip_num",
    ]);
}

interface Keyed {
    r: WorkspaceTaskRecord;
    startMs: number;
}

function buildView(records: readonly WorkspaceTaskRecord[]): Keyed[] {
    const keyed = records.map((r) => ({ r, startMs: parseWireTime(r.start_time) }));
    const key = (k: Keyed) => (Number.isNaN(k.startMs) ? Number.POSITIVE_INFINITY : k.startMs);
    keyed.sort((a, b) => key(b) - key(a) || compareIds(a.r.id, b.r.id));
    return keyed;
}

function bad(name: string, rule: string): never {
    throw WorkspaceErrors.invalidParameter(`${name}: ${rule}`);
}

function intParam(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
    if (raw === undefined) return fallback;
    if (!/^\d{1,12}$/.test(raw)) bad(name, `must be an integer between ${min} and ${max}`);
    const v = Number(raw);
    if (v < min || v > max) bad(name, `must be an integer between ${min} and ${max}`);
    return v;
}

function timeParam(raw: string | undefined, name: string): number | undefined {
    if (raw === undefined) return undefined;
    const t = Date.parse(raw);
    if (!WORKSPACE_QUERY_TIME_RE.test(raw) || Number.isNaN(t)) bad(name, "must look like 2021-10-01T12:00:00Z");
    return t;
}

/** Serves the script execution task list; returns the whole body. */
export function listScriptExecutionTasks(query: Map<string, string[]>, ctx: HandlerContext): Record<string, unknown> {
    const one = (name: string) => query.get(name)?.[0];
    const offset = intParam(one("offset"), "offset", 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(one("limit"), "limit", 10, 0, 100);
    const statusRaw = one("status");
    let status: WorkspaceTaskStatus | undefined;
    if (statusRaw !== undefined) {
        status = STATUS_FILTER[statusRaw];
        if (!status) bad("status", "must be one of SUCCESS, FAILED, RUNNING, WAITING");
    }
    const taskType = one("task_type");
    if (taskType !== undefined && taskType !== "SCRIPT" && taskType !== "COMMAND") bad("task_type", "must be SCRIPT or COMMAND");
    const from = timeParam(one("execute_time_start"), "execute_time_start");
    const to = timeParam(one("execute_time_end"), "execute_time_end");
    const poolId = one("desktop_pool_id");
    const scriptId = one("script_id");
    const scriptName = one("script_name");
    const taskIds = query.get("task_id");
    const idSet = taskIds ? new Set(taskIds) : undefined;

    const snap = ctx.store.workspace.snapshot(ctx.nowMs);
    const keyed = snap.view("workspace", buildView);
    // The filtered list is cached per distinct filter on the snapshot, so reading page after
    // page of one query costs O(limit) per page after the first.
    const filterKey = JSON.stringify([poolId, scriptId, scriptName, statusRaw, taskType, from, to, taskIds]);
    const matched = snap.view(`workspace:${filterKey}`, () =>
        keyed.filter(({ r, startMs }) => {
            if (idSet && !idSet.has(r.id)) return false;
            if (poolId !== undefined && r.desktop_pool_id !== poolId) return false;
            // A seeded record may already use the filter vocabulary (SUCCESS/WAITING); accept both.
            if (status !== undefined && r.status !== status && r.status !== statusRaw) return false;
            if (taskType !== undefined && taskTypeOf(r) !== taskType) return false;
            if (scriptId !== undefined && !r.scripts.some((s) => s.id === scriptId)) return false;
            if (scriptName !== undefined && !r.scripts.some((s) => s.name === scriptName)) return false;
            if (from !== undefined && !(startMs >= from)) return false;
            if (to !== undefined && !(startMs <= to)) return false;
            return true;
        }),
    );
    return {
        script_execution_tasks: matched.slice(pageStart(offset, ctx), pageStart(offset, ctx) + limit).map((k) => renderWorkspaceTask(k.r)),
        total_count: matched.length,
    };
}
