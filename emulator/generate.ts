/**
 * Deterministic record generation: the same {@link GenerateSpec} (seed, counts, mix and
 * baseTime) always yields the same records, ids included. Statuses are allotted exactly
 * (largest-remainder split of `count` by the mix weights) and then shuffled by the seeded
 * PRNG, so a test can assert exact counts per status.
 *
 * Times: record i is created `i * spacingMs` before `baseTime`; run times follow from the
 * creation time and a drawn duration. With `finishOverMs`, every record starts running and
 * gets a timeline step that finishes it; finish offsets are spread evenly over
 * `(0, finishOverMs]` in a shuffled order, so tasks finish one by one while a gate polls.
 */
import { Prng } from "./prng";
import { beijingTime, isoSeconds, MPS_ZERO_TIME, tatTime } from "./timefmt";
import { TAT_TASK_STATUSES, type GenerateSpec, type StoreId, type Transition } from "./types";

const BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Records plus their grouping ids, ready for `Collection.upsert`. */
export interface GeneratedBatch {
    api: StoreId;
    records: Array<Record<string, unknown>>;
    groups: Record<string, string>;
}

/** Splits `count` by weights exactly (largest remainder; ties by mix order). */
export function allot(count: number, mix: Record<string, number>): string[] {
    const entries = Object.entries(mix).filter(([, w]) => w > 0);
    if (entries.length === 0) throw new Error("status mix needs at least one positive weight");
    const total = entries.reduce((s, [, w]) => s + w, 0);
    const shares = entries.map(([k, w], i) => {
        const exact = (count * w) / total;
        return { k, i, n: Math.floor(exact), rest: exact - Math.floor(exact) };
    });
    let left = count - shares.reduce((s, x) => s + x.n, 0);
    for (const s of [...shares].sort((a, b) => b.rest - a.rest || a.i - b.i)) {
        if (left <= 0) break;
        s.n++;
        left--;
    }
    return shares.flatMap((s) => Array<string>(s.n).fill(s.k));
}

function checkMix(mix: Record<string, number>, allowed: readonly string[], what: string): void {
    for (const k of Object.keys(mix)) if (!allowed.includes(k)) throw new Error(`${what}: unknown status ${k} (allowed: ${allowed.join(", ")})`);
}

function baseTimeOf(spec: GenerateSpec, nowMs: number): number {
    if (spec.baseTime === undefined) return Math.floor((nowMs - 60_000) / 1000) * 1000;
    const t = typeof spec.baseTime === "number" ? spec.baseTime : Date.parse(spec.baseTime);
    if (Number.isNaN(t)) throw new Error(`baseTime ${String(spec.baseTime)} is not a time`);
    return t;
}

/** Unique ids from a generator function (re-drawn on the rare collision). */
function uniqueIds(n: number, draw: () => string): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    while (out.length < n) {
        const id = draw();
        if (!seen.has(id)) {
            seen.add(id);
            out.push(id);
        }
    }
    return out;
}

interface Plan {
    rng: Prng;
    base: number;
    spacing: number;
    /** Initial statuses, one per record. */
    statuses: string[];
    /** With finishOverMs: per record, [afterMs, final status]. */
    finishes?: Array<[number, string]>;
}

function plan(spec: GenerateSpec, nowMs: number, allowed: readonly string[], defaultMix: string, running: string, finals: readonly string[]): Plan {
    if (!Number.isInteger(spec.count) || spec.count < 0) throw new Error("count must be a non-negative integer");
    // The API is part of the seed, so two APIs generated with the same seed share no ids.
    const rng = new Prng(`${spec.api === "bmLegacy" ? "bm" : spec.api}:${spec.seed ?? 1}`);
    const base = baseTimeOf(spec, nowMs);
    const spacing = spec.spacingMs ?? 1000;
    if (spec.finishOverMs !== undefined) {
        if (!(spec.finishOverMs > 0)) throw new Error("finishOverMs must be > 0");
        const mix = spec.finalStatusMix ?? { [finals[0]]: 1 };
        checkMix(mix, finals, `${spec.api} finalStatusMix`);
        const finalStatuses = rng.shuffle(allot(spec.count, mix));
        const order = rng.shuffle([...Array(spec.count).keys()]);
        const finishes: Array<[number, string]> = new Array(spec.count);
        order.forEach((recordIndex, k) => {
            finishes[recordIndex] = [Math.max(1, Math.round((spec.finishOverMs! * (k + 1)) / spec.count)), finalStatuses[recordIndex]];
        });
        return { rng, base, spacing, statuses: Array<string>(spec.count).fill(running), finishes };
    }
    const mix = spec.statusMix ?? { [defaultMix]: 1 };
    checkMix(mix, allowed, `${spec.api} statusMix`);
    return { rng, base, spacing, statuses: rng.shuffle(allot(spec.count, mix)) };
}

function b64(text: string): string {
    return Buffer.from(text, "utf8").toString("base64");
}

// ------------------------------------------------------------------------------------------ tat

const TAT_STARTED = new Set(["RUNNING", "SUCCESS", "FAILED", "TIMEOUT", "TASK_TIMEOUT", "CANCELLING", "TERMINATED"]);
const TAT_DONE = new Set(["SUCCESS", "FAILED", "TIMEOUT", "TASK_TIMEOUT", "CANCELLED", "TERMINATED", "DELIVER_FAILED", "START_FAILED"]);

/** How a generated TAT task of a status ended: exit code, output and error text; other statuses have none. */
const TAT_OUTCOMES: Readonly<Record<string, { exit: number; output: string; error: string }>> = {
    SUCCESS: { exit: 0, output: "ok\n", error: "" },
    FAILED: { exit: 1, output: "error: command failed\n", error: "" },
    TIMEOUT: { exit: -1, output: "", error: "command timed out" },
    TASK_TIMEOUT: { exit: -1, output: "", error: "agent did not respond" },
    DELIVER_FAILED: { exit: 0, output: "", error: "agent offline" },
    START_FAILED: { exit: 0, output: "", error: "command could not start" },
    TERMINATED: { exit: -1, output: "", error: "terminated by user" },
};
const NO_OUTCOME = { exit: 0, output: "", error: "" };

function tatOutcome(status: string): { exit: number; output: string; error: string } {
    return Object.hasOwn(TAT_OUTCOMES, status) ? TAT_OUTCOMES[status] : NO_OUTCOME;
}

function generateTat(spec: GenerateSpec, nowMs: number): GeneratedBatch {
    const p = plan(spec, nowMs, TAT_TASK_STATUSES, "SUCCESS", "RUNNING", ["SUCCESS", "FAILED", "TIMEOUT", "TASK_TIMEOUT", "CANCELLED", "TERMINATED"]);
    const { rng } = p;
    const invocationId = spec.invocationId ?? `inv-${rng.chars(8, BASE36)}`;
    const commandId = spec.commandId ?? `cmd-${rng.chars(8, BASE36)}`;
    const ids = uniqueIds(spec.count, () => `invt-${rng.chars(8, BASE36)}`);
    const instances = spec.instanceIds?.length ? spec.instanceIds : uniqueIds(spec.count, () => `ins-${rng.chars(8, BASE36)}`);
    const records = ids.map((id, i) => {
        const status = p.statuses[i];
        const created = p.base - i * p.spacing;
        const startMs = created + 1000;
        const endMs = startMs + rng.int(1, 30) * 1000;
        const started = TAT_STARTED.has(status);
        const done = TAT_DONE.has(status);
        const o = tatOutcome(status);
        const record: Record<string, unknown> = {
            InvocationId: invocationId,
            InvocationTaskId: id,
            CommandId: commandId,
            TaskStatus: status,
            InstanceId: instances[i % instances.length],
            TaskResult: {
                ExitCode: o.exit,
                Output: b64(o.output),
                ExecStartTime: started ? tatTime(startMs) : null,
                ExecEndTime: started && done ? tatTime(endMs) : null,
                Dropped: 0,
                OutputUrl: "",
                OutputUploadCOSErrorInfo: "",
            },
            StartTime: started ? tatTime(startMs) : null,
            EndTime: done ? tatTime(endMs) : null,
            CreatedTime: tatTime(created),
            UpdatedTime: tatTime(done ? endMs : started ? startMs : created),
            CommandDocument: {
                Content: b64("echo taskgate"),
                CommandType: "SHELL",
                Timeout: 60,
                WorkingDirectory: "/root/",
                Username: "root",
                OutputCOSBucketUrl: "",
                OutputCOSKeyPrefix: "",
            },
            ErrorInfo: o.error,
            InvocationSource: "USER",
            CommandName: "taskgate-generated",
        };
        if (p.finishes) {
            const [afterMs, final] = p.finishes[i];
            const at = tatTime(nowMs + afterMs);
            const fo = tatOutcome(final);
            record.transitions = [
                {
                    afterMs,
                    patch: {
                        TaskStatus: final,
                        EndTime: at,
                        UpdatedTime: at,
                        ErrorInfo: fo.error,
                        TaskResult: { ExitCode: fo.exit, Output: b64(fo.output), ExecEndTime: at },
                    },
                },
            ] satisfies Transition[];
        }
        return record;
    });
    return { api: "tat", records, groups: { invocationId, commandId } };
}

// ------------------------------------------------------------------------------------------ mps

function generateMps(spec: GenerateSpec, nowMs: number): GeneratedBatch {
    const p = plan(spec, nowMs, ["WAITING", "PROCESSING", "FINISH"], "FINISH", "PROCESSING", ["FINISH"]);
    const { rng } = p;
    const taskType = spec.taskType ?? "WorkflowTask";
    const ids = uniqueIds(spec.count, () => `1250000000-${taskType}-${rng.hex(32)}t0`);
    const records = ids.map((id, i) => {
        const status = p.statuses[i];
        const created = p.base - i * p.spacing;
        const begin = created + 1000;
        const finish = begin + rng.int(1, 120) * 1000;
        const record: Record<string, unknown> = {
            TaskId: id,
            TaskType: taskType,
            SubTaskTypes: ["action-trans"],
            CreateTime: isoSeconds(created),
            BeginProcessTime: status === "WAITING" ? MPS_ZERO_TIME : isoSeconds(begin),
            FinishTime: status === "FINISH" ? isoSeconds(finish) : MPS_ZERO_TIME,
            Status: status,
        };
        if (p.finishes) {
            const [afterMs] = p.finishes[i];
            record.transitions = [{ afterMs, patch: { Status: "FINISH", FinishTime: isoSeconds(nowMs + afterMs) } }];
        }
        return record;
    });
    return { api: "mps", records, groups: { taskType } };
}

// ------------------------------------------------------------------------------------------- bm

function bmCounts(rng: Prng, status: string, instances: number): { success: number; failure: number } {
    if (status === "RUNNING") return { success: 0, failure: 0 };
    if (status === "SUCCESS") return { success: instances, failure: 0 };
    const failure = rng.int(1, instances);
    return { success: instances - failure, failure };
}

function generateBm(spec: GenerateSpec, nowMs: number): GeneratedBatch {
    const p = plan(spec, nowMs, ["RUNNING", "SUCCESS", "FAILED"], "SUCCESS", "RUNNING", ["SUCCESS", "FAILED"]);
    const { rng } = p;
    const cmdId = spec.cmdId ?? `cmd-${rng.chars(8, BASE36)}`;
    const alias = spec.alias ?? "taskgate-script";
    const ids = uniqueIds(spec.count, () => `cmdtask-${rng.chars(8, BASE36)}`);
    const records = ids.map((id, i) => {
        const status = p.statuses[i];
        const begin = p.base - i * p.spacing;
        const end = begin + rng.int(5, 300) * 1000;
        const instances = rng.int(1, 5);
        const c = bmCounts(rng, status, instances);
        const record: Record<string, unknown> = {
            TaskId: id,
            Status: status === "RUNNING" ? -1 : 0,
            Alias: alias,
            CmdId: cmdId,
            InstanceCount: instances,
            SuccessCount: c.success,
            FailureCount: c.failure,
            RunBeginTime: beijingTime(begin),
            RunEndTime: status === "RUNNING" ? "" : beijingTime(end),
        };
        if (p.finishes) {
            const [afterMs, final] = p.finishes[i];
            const fc = bmCounts(rng, final, instances);
            record.transitions = [
                {
                    afterMs,
                    patch: { Status: 0, SuccessCount: fc.success, FailureCount: fc.failure, RunEndTime: beijingTime(nowMs + afterMs) },
                },
            ];
        }
        return record;
    });
    return { api: "bm", records, groups: { cmdId, alias } };
}

// ------------------------------------------------------------------------------------------ cph

const CPH_STATUS: Record<string, number> = { RUNNING: 1, SUCCESS: 2, FAILED: -1 };

function cphOutcome(status: string): { error_code: string; error_msg: string; execute_msg: string } {
    if (status === "FAILED") return { error_code: "CPS0005", error_msg: "Phone not found.", execute_msg: "" };
    if (status === "SUCCESS") return { error_code: "", error_msg: "", execute_msg: "ok" };
    return { error_code: "", error_msg: "", execute_msg: "" };
}

function generateCph(spec: GenerateSpec, nowMs: number): GeneratedBatch {
    const p = plan(spec, nowMs, ["RUNNING", "SUCCESS", "FAILED"], "SUCCESS", "RUNNING", ["SUCCESS", "FAILED"]);
    const { rng } = p;
    const requestId = spec.requestId ?? rng.hex(32);
    const serverId = rng.uuid();
    const ids = uniqueIds(spec.count, () => rng.hex(32));
    const records = ids.map((id, i) => {
        const status = p.statuses[i];
        const begin = p.base - i * p.spacing;
        const end = begin + rng.int(1, 60) * 1000;
        const record: Record<string, unknown> = {
            request_id: requestId,
            phone_id: rng.hex(32),
            server_id: serverId,
            node_id: serverId,
            job_id: id,
            begin_time: isoSeconds(begin),
            end_time: status === "RUNNING" ? "" : isoSeconds(end),
            status: CPH_STATUS[status],
            ...cphOutcome(status),
        };
        if (p.finishes) {
            const [afterMs, final] = p.finishes[i];
            record.transitions = [{ afterMs, patch: { status: CPH_STATUS[final], end_time: isoSeconds(nowMs + afterMs), ...cphOutcome(final) } }];
        }
        return record;
    });
    return { api: "cph", records, groups: { requestId } };
}

// ------------------------------------------------------------------------------------ workspace

function wsCounts(rng: Prng, status: string, targets: number): { success_num: number; failed_num: number; skip_num: number } {
    switch (status) {
        case "FINISH":
            return { success_num: targets, failed_num: 0, skip_num: 0 };
        case "FAILED": {
            const failed = rng.int(1, targets);
            return { success_num: targets - failed, failed_num: failed, skip_num: 0 };
        }
        case "RUNNING":
            return { success_num: rng.int(0, targets - 1), failed_num: 0, skip_num: 0 };
        default:
            return { success_num: 0, failed_num: 0, skip_num: 0 };
    }
}

function generateWorkspace(spec: GenerateSpec, nowMs: number): GeneratedBatch {
    const p = plan(spec, nowMs, ["FINISH", "FAILED", "RUNNING", "INIT"], "FINISH", "RUNNING", ["FINISH", "FAILED"]);
    const { rng } = p;
    const poolId = spec.desktopPoolId ?? rng.uuid();
    const poolName = spec.desktopPoolName ?? `pool-${rng.chars(6, BASE36)}`;
    const taskType = spec.taskType === "COMMAND" ? "COMMAND" : "SCRIPT";
    const script = { id: rng.uuid(), name: "taskgate-script" };
    const ids = uniqueIds(spec.count, () => rng.uuid());
    const records = ids.map((id, i) => {
        const status = p.statuses[i];
        const start = p.base - i * p.spacing;
        const end = start + rng.int(5, 600) * 1000;
        const targets = rng.int(1, 10);
        const record: Record<string, unknown> = {
            id,
            desktop_pool_id: poolId,
            desktop_pool_name: poolName,
            scripts: taskType === "SCRIPT" ? [script] : [],
            command_content: taskType === "COMMAND" ? "Get-Date" : "",
            command_type: taskType === "COMMAND" ? "POWERSHELL" : "",
            start_time: status === "INIT" ? "" : isoSeconds(start),
            end_time: status === "FINISH" || status === "FAILED" ? isoSeconds(end) : "",
            status,
            ...wsCounts(rng, status, targets),
            task_type: taskType,
        };
        if (p.finishes) {
            const [afterMs, final] = p.finishes[i];
            record.transitions = [{ afterMs, patch: { status: final, end_time: isoSeconds(nowMs + afterMs), ...wsCounts(rng, final, targets) } }];
        }
        return record;
    });
    return { api: "workspace", records, groups: { desktopPoolId: poolId, desktopPoolName: poolName } };
}

/** Generates one batch. `nowMs` is the emulator clock (timelines and the default baseTime). */
export function generateRecords(spec: GenerateSpec, nowMs: number): GeneratedBatch {
    if (!spec || typeof spec !== "object") throw new Error("a generate spec must be an object");
    switch (spec.api) {
        case "tat":
            return generateTat(spec, nowMs);
        case "mps":
            return generateMps(spec, nowMs);
        case "bm":
        case "bmLegacy":
            return generateBm(spec, nowMs);
        case "cph":
            return generateCph(spec, nowMs);
        case "workspace":
            return generateWorkspace(spec, nowMs);
        default:
            throw new Error(`unknown generate api: ${String((spec as { api?: unknown }).api)}`);
    }
}
