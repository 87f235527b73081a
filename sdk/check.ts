import { TaskgateValidationError } from "../provider/errors";
import { GateFailedError, GateRequirements } from "../provider/gateRules";
import { judgeResult, requirementsFor, sourceDefinition, sourceKindOfResult } from "../provider/sources";
import type { TaskListResult, TaskState } from "../provider/types";

/**
 * Judges a data-source result by the same rules as {@link TaskGate}, and throws the same
 * `GateFailedError` when they do not hold. Call it inside `apply` to fail a `pulumi preview`:
 *
 * ```typescript
 * const run = taskgate.tencentcloud.getTatInvocationTasksOutput({ invocationId });
 * export const verified = run.apply((r) => taskgate.check(r, { minSuccessRatio: 0.95 }).passed);
 * ```
 * @param name names the gate in the error message.
 * @returns the verdict when the requirements hold.
 */
export function check(result: TaskListResult<{ state: TaskState }>, require: GateRequirements = {}, name?: string): { passed: true; reasons: string[] } {
    const kind = sourceKindOfResult(result);
    if (!kind) throw new TaskgateValidationError("result", "is not a taskgate data-source result (its id does not name a source)", JSON.stringify(result?.id));
    const req = requirementsFor(kind, require);
    const { verdict, failed } = judgeResult(kind, result, req);
    if (!verdict.passed) throw new GateFailedError(name, verdict, failed, req, sourceDefinition(kind).traits);
    return { passed: true, reasons: [] };
}
