/**
 * pulumi-taskgate: the task lists of Tencent Cloud (TAT, MPS, Bare Metal) and Huawei Cloud (CPH,
 * Workspace) as typed Pulumi data sources.
 *
 * ```typescript
 * import * as taskgate from "pulumi-taskgate";
 * const run = taskgate.tencentcloud.getTatInvocationTasksOutput({ invocationId: "inv-1vll7hda" });
 * export const succeeded = run.summary.succeeded;
 * ```
 * @packageDocumentation
 */
export * as tencentcloud from "./tencentcloud";
export * as huaweicloud from "./huaweicloud";
export * from "./types";
export { TaskgateError, TaskgateCloudError, TaskgateValidationError, TaskgateReadError, TASKGATE_ERROR_CODES } from "../provider/errors";
export type { ErrorKind, CloudErrorInfo, ReadFailureReason, TaskgateErrorCode } from "../provider/errors";
export type { Phrase, Wording } from "../provider/wording";
export { configureRateLimits, DEFAULT_RATE_LIMITS } from "../provider/rateLimit";
export type { RateLimit } from "../provider/rateLimit";
export type { GetOutputOptions, InputArgs, InputOf } from "./runtime";
export { TaskGate } from "./taskGate";
export type { TaskGateArgs, GateSource } from "./taskGate";
export { TaskSnapshot, type TaskSnapshotArgs, type SnapshotSource, type SnapshotTask, type RecordTasks } from "./taskSnapshot";
export { check } from "./check";
export { GateFailedError } from "../provider/gateRules";
export type {
    GateRequirements,
    GateWait,
    FailedTask,
    Verdict,
    PassedVerdict,
    GateTally,
    GateSourceTraits,
    ResolvedRequirements,
    ToleratedTarget,
    NotJudged,
} from "../provider/gateRules";
