/**
 * Wire types of the five emulated task-list APIs, and the emulator's own public types
 * (seed files, generator specs, fault rules, configuration, request log).
 *
 * The wire types mirror what the clouds send (field names, casing, value types). The
 * `*Record` types are what the emulator stores: the wire record plus a few fields the
 * clouds keep server-side and never return (MPS `Status`, the CPH job's `request_id`,
 * the Workspace `task_type`), which the emulator needs for filtering.
 *
 * @packageDocumentation
 */

/** The six emulated APIs. `bmLegacy` (v2 `GetUserCmdTaskList`) reads the same store as `bm`. */
export type ApiId = "tat" | "mps" | "bm" | "bmLegacy" | "cph" | "workspace";

/** The five record stores (`bmLegacy` shares `bm`). */
export type StoreId = "tat" | "mps" | "bm" | "cph" | "workspace";

/** Every {@link ApiId}, in a stable order. */
export const API_IDS: readonly ApiId[] = ["tat", "mps", "bm", "bmLegacy", "cph", "workspace"];

/** Every {@link StoreId}, in a stable order. */
export const STORE_IDS: readonly StoreId[] = ["tat", "mps", "bm", "cph", "workspace"];

// ---------------------------------------------------------------------------------------------
// Tencent Cloud TAT 2020-10-28 DescribeInvocationTasks
// ---------------------------------------------------------------------------------------------

/** Every TAT task status (tat_models.d.ts `InvocationTask.TaskStatus`), in the documented order. */
export const TAT_TASK_STATUSES = [
    "PENDING",
    "DELIVERING",
    "DELIVER_DELAYED",
    "DELIVER_FAILED",
    "START_FAILED",
    "RUNNING",
    "SUCCESS",
    "FAILED",
    "TIMEOUT",
    "TASK_TIMEOUT",
    "CANCELLING",
    "CANCELLED",
    "TERMINATED",
] as const;

/** TAT `TaskStatus` values: one of {@link TAT_TASK_STATUSES}. */
export type TatTaskStatus = (typeof TAT_TASK_STATUSES)[number];

/** TAT `TaskResult`. `Output` is Base64. */
export interface TatTaskResult {
    ExitCode: number;
    Output: string;
    ExecStartTime: string | null;
    ExecEndTime: string | null;
    Dropped: number;
    OutputUrl: string;
    OutputUploadCOSErrorInfo: string;
}

/** TAT `CommandDocument`. `Content` is Base64. */
export interface TatCommandDocument {
    Content: string;
    CommandType: string;
    Timeout: number;
    WorkingDirectory: string;
    Username: string;
    OutputCOSBucketUrl: string;
    OutputCOSKeyPrefix: string;
}

/** TAT `InvocationTask`, as on the wire. Times look like `2020-11-05T07:49:58+00:00`. */
export interface TatInvocationTask {
    InvocationId: string;
    InvocationTaskId: string;
    CommandId: string;
    TaskStatus: TatTaskStatus | string;
    InstanceId: string;
    TaskResult: TatTaskResult;
    StartTime: string | null;
    EndTime: string | null;
    CreatedTime: string;
    UpdatedTime: string;
    CommandDocument: TatCommandDocument;
    ErrorInfo: string;
    InvocationSource: string;
    CommandName?: string;
}

// ---------------------------------------------------------------------------------------------
// Tencent Cloud MPS 2019-06-12 DescribeTasks
// ---------------------------------------------------------------------------------------------

/** MPS task status; a request filter, never a field of the returned records. */
export type MpsStatus = "WAITING" | "PROCESSING" | "FINISH";

/** MPS `TaskSimpleInfo`, as on the wire (it has no status field). */
export interface MpsTaskSimpleInfo {
    TaskId: string;
    TaskType: string;
    CreateTime: string;
    /** `0000-00-00T00:00:00Z` until the task starts. */
    BeginProcessTime: string;
    /** `0000-00-00T00:00:00Z` until the task finishes. */
    FinishTime: string;
    SubTaskTypes: string[];
}

/** A stored MPS task: the wire record plus the server-side status and failure flag. */
export interface MpsTaskRecord extends MpsTaskSimpleInfo {
    Status: MpsStatus;
    /** Matched by the `SubTaskHasFailed` request filter; never returned. */
    SubTaskHasFailed?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Tencent Cloud Bare Metal: API 3.0 DescribeUserCmdTasks and legacy v2 GetUserCmdTaskList
// ---------------------------------------------------------------------------------------------

/** bm 2018-04-23 `UserCmdTask` (also the stored form). Times are Beijing `YYYY-MM-DD HH:mm:ss`. */
export interface BmUserCmdTask {
    TaskId: string;
    /** -1 running, 0 finished. */
    Status: number;
    Alias: string;
    CmdId: string;
    InstanceCount: number;
    SuccessCount: number;
    FailureCount: number;
    RunBeginTime: string;
    /** `""` while running. */
    RunEndTime: string;
}

/** Legacy v2 list item: counts are strings (`"1"`), times Beijing local. */
export interface BmLegacyUserCmdTask {
    taskId: string;
    status: number;
    cmdAlias: string;
    cmdId: string;
    instanceCount: string;
    successCount: string;
    failureCount: string;
    runBeginTime: string;
    runEndTime: string;
}

// ---------------------------------------------------------------------------------------------
// Huawei Cloud CPH ListJobs and Workspace script execution tasks
// ---------------------------------------------------------------------------------------------

/** CPH `Job`. `status`: 1 running, 2 success, -1 failed. Times UTC `YYYY-MM-DDTHH:MM:SSZ`. */
export interface CphJob {
    phone_id?: string;
    server_id?: string;
    node_id?: string;
    encode_server_id?: string;
    job_id: string;
    begin_time: string;
    end_time: string;
    status: number;
    error_code: string;
    error_msg: string;
    execute_msg?: string;
}

/** A stored CPH job: the wire job plus the `request_id` of the call that created it. */
export interface CphJobRecord extends CphJob {
    request_id: string;
}

/** Workspace `ScriptExecutionTask.status` (the response vocabulary). */
export type WorkspaceTaskStatus = "FINISH" | "FAILED" | "RUNNING" | "INIT";

/** Workspace `Script`. */
export interface WorkspaceScript {
    id: string;
    name: string;
}

/** Workspace `ScriptExecutionTask`, as on the wire. */
export interface WorkspaceScriptExecutionTask {
    id: string;
    desktop_pool_id: string;
    desktop_pool_name: string;
    scripts: WorkspaceScript[];
    command_content: string;
    command_type: string;
    start_time: string;
    end_time: string;
    status: WorkspaceTaskStatus | string;
    success_num: number;
    failed_num: number;
    skip_num: number;
}

/** A stored Workspace task: the wire task plus its type (derived from `scripts` when absent). */
export interface WorkspaceTaskRecord extends WorkspaceScriptExecutionTask {
    task_type?: "SCRIPT" | "COMMAND";
}

// ---------------------------------------------------------------------------------------------
// Seeds, timelines, generation, mutation
// ---------------------------------------------------------------------------------------------

/** A plain-object deep partial, for patches. Arrays are replaced whole. */
export type DeepPartial<T> = {
    [K in keyof T]?: T[K] extends Array<unknown> ? T[K] : T[K] extends object | null ? DeepPartial<T[K]> | null : T[K];
};

/**
 * One step of a record's timeline: `afterMs` after the record was seeded (on the emulator's
 * clock), `patch` is deep-merged into the record (plain objects merge, everything else,
 * arrays and `null` included, replaces).
 */
export interface Transition<T = Record<string, unknown>> {
    afterMs: number;
    patch: DeepPartial<T>;
}

/** A seedable record: the stored form, any field optional except the id, plus a timeline. */
export type SeedRecord<T> = Partial<T> & { transitions?: Transition<T>[] };

/**
 * The seed file / `seed()` payload. Each key holds wire-format records of one store; missing
 * fields are filled with plausible defaults. `bm` also accepts legacy-shaped rows
 * (`taskId`, string counts). `generate` runs generator specs after the records are stored.
 */
export interface SeedData {
    tat?: SeedRecord<TatInvocationTask>[];
    mps?: SeedRecord<MpsTaskRecord>[];
    bm?: Array<SeedRecord<BmUserCmdTask> | SeedRecord<BmLegacyUserCmdTask>>;
    cph?: SeedRecord<CphJobRecord>[];
    workspace?: SeedRecord<WorkspaceTaskRecord>[];
    generate?: GenerateSpec[];
}

/**
 * Deterministic data generation. The same spec (and `baseTime`) always gives the same records.
 *
 * Status vocabularies for `statusMix` / `finalStatusMix` (weights, split exactly by largest
 * remainder, then shuffled by the seeded PRNG):
 * - tat: the TaskStatus values (default `{SUCCESS: 1}`)
 * - mps: `WAITING | PROCESSING | FINISH` (default `{FINISH: 1}`)
 * - bm / bmLegacy: `RUNNING | SUCCESS | FAILED` (FAILED = finished with failures; default `{SUCCESS: 1}`)
 * - cph: `RUNNING | SUCCESS | FAILED` (status 1 / 2 / -1; default `{SUCCESS: 1}`)
 * - workspace: `FINISH | FAILED | RUNNING | INIT` (default `{FINISH: 1}`)
 */
export interface GenerateSpec {
    api: StoreId | "bmLegacy";
    count: number;
    /** PRNG seed (number or string). Default 1. */
    seed?: number | string;
    statusMix?: Record<string, number>;
    /** Creation time of the newest record (ISO string or epoch ms). Default: emulator clock - 60 s, whole seconds. */
    baseTime?: string | number;
    /** Gap between consecutive records' creation times. Default 1000 ms. */
    spacingMs?: number;
    /**
     * Progressing tasks: every record starts running and reaches a final status (drawn from
     * `finalStatusMix`) at a time spread evenly over `(0, finishOverMs]` after generation.
     */
    finishOverMs?: number;
    finalStatusMix?: Record<string, number>;
    /** Clear the store before adding. */
    replace?: boolean;
    // grouping ids (each defaults to one generated id shared by the whole batch)
    /** tat */
    invocationId?: string;
    /** tat */
    commandId?: string;
    /** tat: instances are assigned round-robin; default one new instance per task. */
    instanceIds?: string[];
    /** bm */
    cmdId?: string;
    /** bm */
    alias?: string;
    /** cph */
    requestId?: string;
    /** workspace */
    desktopPoolId?: string;
    /** workspace */
    desktopPoolName?: string;
    /** workspace: SCRIPT (default) or COMMAND; mps: the TaskType (default WorkflowTask). */
    taskType?: string;
}

/** What {@link GenerateSpec} produced. */
export interface GenerateResult {
    api: StoreId;
    count: number;
    ids: string[];
    /** The grouping ids used, e.g. `{ requestId }` for cph. */
    groups: Record<string, string>;
}

/** A runtime change to a store, for drift tests. `id`s are each API's natural id. */
export type Mutation =
    | { api: StoreId | "bmLegacy"; op: "insert"; records: SeedRecord<Record<string, unknown>>[] }
    | { api: StoreId | "bmLegacy"; op: "remove"; ids: string[] }
    | {
          api: StoreId | "bmLegacy";
          op: "update";
          ids: string[];
          patch?: Record<string, unknown>;
          /** Replaces the records' timelines, relative to now. */
          transitions?: Transition[];
      };

/** Counts of what a mutation did. */
export interface MutationResult {
    inserted: number;
    removed: number;
    updated: number;
    missing: string[];
}

// ---------------------------------------------------------------------------------------------
// Faults, latency, configuration
// ---------------------------------------------------------------------------------------------

/** Every fault kind. See emulator/README.md for what each one looks like per cloud. */
export const FAULT_KINDS = [
    "throttle",
    "http5xx",
    "internalError",
    "timeout",
    "reset",
    "malformed",
    "truncated",
    "wrongContentType",
    "empty",
    "slowBody",
    "hugeBody",
    "duplicate",
    "mutate",
    "cloudError",
] as const;

/** Fault kinds: one of {@link FAULT_KINDS}. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * What a fault does when it fires, beyond its kind: each field applies to the kinds it names, and
 * the emulator hands the fired fault these same fields.
 */
export interface FaultEffect {
    /** http5xx: the status (default 503); wrongContentType: the status (default 200). */
    status?: number;
    /**
     * timeout: hold the response this long, then answer normally; absent = until the client goes away.
     * slowBody: trickle the real answer's body over this long (default 30000), a chunk every 50 ms.
     */
    delayMs?: number;
    /** duplicate: how many records of the previous page the page repeats at its start (default 1). */
    count?: number;
    /**
     * hugeBody: a 200 answer of this many bytes (default 2 GiB), streamed from a generator, never held in
     * memory: a JSON object whose one string field never seems to end.
     */
    bytes?: number;
    /** hugeBody: send no Content-Length (chunked), so the client learns the size only as it streams. */
    chunked?: boolean;
    /** hugeBody: gzip the body (chunked, `Content-Encoding: gzip`): `bytes` is the size it inflates to. */
    gzip?: boolean;
    /** mutate: the store change applied when the rule fires, before the request is answered normally. */
    mutation?: Mutation | Mutation[];
    /**
     * cloudError: the error code and message the cloud's error envelope carries, any text (a test
     * of how a client shows what a cloud says); `status` is the Huawei HTTP status (default 400).
     * Legacy v2 codes are numbers: give a numeric string there.
     */
    code?: string;
    message?: string;
}

/** Every field of a {@link FaultEffect}: a record, so that the compiler refuses a field left out (it would be dropped when a rule is copied). */
const FAULT_EFFECT_FIELD_SET: Record<keyof FaultEffect, true> = {
    status: true,
    delayMs: true,
    count: true,
    bytes: true,
    chunked: true,
    gzip: true,
    mutation: true,
    code: true,
    message: true,
};

/** Every field of a {@link FaultEffect}. */
export const FAULT_EFFECT_FIELDS = Object.keys(FAULT_EFFECT_FIELD_SET) as readonly (keyof FaultEffect)[];

/**
 * A scripted fault. Faults apply only to requests that passed authentication and the rate
 * limiter, so an auth failure is always an auth failure and a real throttle always a throttle.
 */
export interface FaultRule extends FaultEffect {
    api: ApiId | "*";
    kind: FaultKind;
    /** How many matching requests it fires on. Default 1; -1 = every matching request. */
    times?: number;
    /** Let this many matching requests pass before firing. Default 0. */
    skip?: number;
    /**
     * Only requests whose params match: a map compared by `String(value)` against the API's
     * own param names (e.g. `{ offset: 200 }`, `{ Offset: 200 }`, `{ ScrollToken: "x" }`), or a
     * predicate (programmatic use only).
     */
    match?: Record<string, string | number | boolean> | ((params: Record<string, unknown>) => boolean);
}

/** A fault rule as reported back, with its counters. */
export interface FaultState extends FaultEffect {
    id: string;
    api: ApiId | "*";
    kind: FaultKind;
    times: number;
    skip: number;
    match?: Record<string, string | number | boolean> | "predicate";
    /** Matching requests seen (skipped ones included). */
    seen: number;
    fired: number;
}

/** Latency injected before each response of an API is written. */
export interface LatencySpec {
    fixedMs?: number;
    /** Uniform extra delay in `[0, jitterMs)`, from a seeded PRNG. */
    jitterMs?: number;
}

/** Latency: a global default plus per-API overrides. */
export interface LatencyConfig extends LatencySpec {
    perApi?: Partial<Record<ApiId, LatencySpec>>;
}

/** Cloud behaviours that vary, or that tests want to switch. */
export interface Quirks {
    /** Legacy v2: send `"code":"0"` (a string), as some doc examples show. Default false. */
    legacyCodeAsString?: boolean;
    /** MPS: only tasks created within this many hours are visible. Default 168. */
    mpsRetentionHours?: number;
}

/** Everything `configure()` can change at runtime. */
export interface EmulatorConfig {
    latency: LatencyConfig;
    /** Requests per sliding second per API and credential; 0 = unlimited. */
    rateLimits: Record<ApiId, number>;
    /** Added to the real clock: signature skew checks, MPS retention, task timelines. */
    clockOffsetMs: number;
    quirks: Required<Quirks>;
    /** Request log capacity (oldest entries are dropped). */
    requestLogLimit: number;
}

/** A partial {@link EmulatorConfig} for `configure()` (rate limits and quirks merge key by key). */
export interface EmulatorConfigPatch {
    latency?: LatencyConfig;
    rateLimits?: Partial<Record<ApiId, number>>;
    clockOffsetMs?: number;
    quirks?: Quirks;
    requestLogLimit?: number;
}

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

/** A Tencent key pair; with `token`, a temporary (STS) credential whose X-TC-Token must match. */
export interface TencentKey {
    secretId: string;
    secretKey: string;
    token?: string;
}

/** A Huawei AK/SK; with `securityToken`, a temporary credential whose X-Security-Token must match. */
export interface HuaweiKey {
    accessKey: string;
    secretKey: string;
    securityToken?: string;
}

/** A Huawei IAM token accepted in `X-Auth-Token`, scoped to one project. */
export interface HuaweiToken {
    token: string;
    projectId: string;
}

/** The credentials the emulator accepts. */
export interface EmulatorCredentials {
    tencent: TencentKey[];
    huawei: HuaweiKey[];
    huaweiTokens: HuaweiToken[];
}

// ---------------------------------------------------------------------------------------------
// Request log and stats
// ---------------------------------------------------------------------------------------------

/** One served request. Never holds a secret, signature, token or string-to-sign. */
export interface RequestLogEntry {
    seq: number;
    /** ISO time on the emulator clock. */
    time: string;
    api: ApiId | "unknown";
    action: string;
    method: string;
    path: string;
    /** HTTP status written (0 when the connection was reset or abandoned). */
    status: number;
    /** The cloud's error code, `""` on success (legacy: the numeric code as a string). */
    code: string;
    throttled: boolean;
    /** The fault kind that fired, if any. */
    faulted?: FaultKind;
    durationMs: number;
    /** SecretId / AK of the caller, or `token` for IAM-token calls; `""` if unauthenticated. */
    credential: string;
    /** The API params (signature, nonce, token and credential fields removed). */
    params: Record<string, unknown>;
    requestId: string;
}

/** Counters of one API. */
export interface ApiStats {
    requests: number;
    ok: number;
    errors: number;
    throttled: number;
    faults: number;
}

/** Counters since start or the last reset. */
export interface EmulatorStats {
    startedAt: string;
    apis: Record<ApiId, ApiStats>;
    faults: FaultState[];
    records: Record<StoreId, number>;
}
