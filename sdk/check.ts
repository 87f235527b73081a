import { TaskgateValidationError } from "../provider/errors";
import { evaluate, GateFailedError, GateRequirements, resolveRequirements, tally, validateGateSettings } from "../provider/gateRules";
import { failedTasksWithoutFailedTargets, failingTasks, sourceDefinition, sourceKindOfResult } from "../provider/sources";
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
    const def = sourceDefinition(kind);
    const problems = validateGateSettings(require, undefined, def.traits);
    if (problems.length > 0) throw new TaskgateValidationError(problems[0].property, problems[0].reason);
    const req = resolveRequirements(require);
    const verdict = evaluate(tally(result.summary, def.traits, failedTasksWithoutFailedTargets(kind, result.tasks)), req, def.traits);
    if (!verdict.passed) throw new GateFailedError(name, verdict, failingTasks(kind, result.tasks), req, def.traits);
    return { passed: true, reasons: [] };
}
