/**
 * Task lists for the report tests, read from the emulator through each source's real read
 * function (SOURCES[kind].read, the official SDKs, HTTP on 127.0.0.1), never written by hand: the
 * report must draw what the data sources really return.
 */
import type { Emulator, GenerateSpec } from "../../emulator/server";
import { argsOnly } from "../../provider/settings";
import { type SourceKind, SOURCES } from "../../provider/sources";
import type { TaskListResult, TaskState } from "../../provider/types";
import { huaweiArgs, tencentArgs } from "../integration/helpers";

/** What a report is drawn from: the source, the query without connection settings, and what was read. */
export interface Read {
    readonly kind: SourceKind;
    readonly query: Record<string, unknown>;
    readonly result: TaskListResult<{ state: TaskState }>;
}

/** Markup an attacker could put into an error message; it must show as text and never run. */
export const HOSTILE = `<script>window.__pwned = 1; document.title = "pwned"</script><img src="http://127.0.0.1:9/x.png" onerror="window.__pwned = 2">`;

/** Reads `kind` with `query` from the emulator (connection settings added here, never part of `query`). */
export async function read(emu: Emulator, kind: SourceKind, query: Record<string, unknown>): Promise<Read> {
    const connection = SOURCES[kind].cloud === "tencentcloud" ? tencentArgs(emu) : huaweiArgs(emu);
    const def = SOURCES[kind] as unknown as { read: (a: unknown, s: typeof argsOnly) => Promise<TaskListResult<{ state: TaskState }>> };
    return { kind, query, result: await def.read({ ...connection, ...query }, argsOnly) };
}

/** Generates one batch and returns its grouping ids. */
function gen(emu: Emulator, spec: GenerateSpec): Record<string, string> {
    return emu.generate(spec)[0].groups;
}

/**
 * A TAT rollout: `count` tasks of one invocation over `instances` instances (round-robin), in the
 * given status mix, plus one failed task on `ins-hostile0` whose error message is {@link HOSTILE}.
 */
export async function tatRollout(emu: Emulator, count: number, statusMix: Record<string, number>, instances = count): Promise<Read> {
    const invocationId = "inv-report01";
    const instanceIds = Array.from({ length: instances }, (_, i) => `ins-${String(i).padStart(8, "0")}`);
    gen(emu, { api: "tat", count, statusMix, invocationId, instanceIds, seed: 7 });
    emu.seed({
        tat: [
            {
                InvocationTaskId: "invt-hostile0",
                InvocationId: invocationId,
                InstanceId: "ins-hostile0",
                TaskStatus: "FAILED",
                ErrorInfo: HOSTILE,
                TaskResult: { ExitCode: 2 } as never,
            },
        ],
    });
    return read(emu, "tatInvocationTasks", { invocationId });
}

/** One read of every source, each with successes, failures and unfinished tasks where the API has them. */
export async function everySource(emu: Emulator): Promise<Record<SourceKind, Read>> {
    const tat = await tatRollout(emu, 40, { SUCCESS: 30, FAILED: 4, TIMEOUT: 2, RUNNING: 4 }, 10);
    gen(emu, { api: "mps", count: 30, statusMix: { FINISH: 20, PROCESSING: 6, WAITING: 4 }, taskType: "WorkflowTask", seed: 1 });
    gen(emu, { api: "mps", count: 10, statusMix: { FINISH: 8, PROCESSING: 2 }, taskType: "EditMediaTask", seed: 2 });
    gen(emu, { api: "bm", count: 12, statusMix: { SUCCESS: 8, FAILED: 3, RUNNING: 1 }, alias: "kernel-patch", seed: 3 });
    const cphA = gen(emu, { api: "cph", count: 25, statusMix: { SUCCESS: 20, FAILED: 3, RUNNING: 2 }, seed: 4 });
    const cphB = gen(emu, { api: "cph", count: 15, statusMix: { SUCCESS: 15 }, seed: 5 });
    const ws = gen(emu, { api: "workspace", count: 12, statusMix: { FINISH: 8, FAILED: 2, RUNNING: 1, INIT: 1 }, desktopPoolName: "finance-pool", seed: 6 });
    return {
        tatInvocationTasks: tat,
        mpsTasks: await read(emu, "mpsTasks", {}),
        bmCmdTasks: await read(emu, "bmCmdTasks", { orderBy: "runBeginTime" }),
        cphJobs: await read(emu, "cphJobs", { requestIds: [cphA.requestId, cphB.requestId] }),
        workspaceScriptTasks: await read(emu, "workspaceScriptTasks", { desktopPoolId: ws.desktopPoolId }),
    };
}
