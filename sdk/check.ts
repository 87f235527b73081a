import { GateFailedError, type GateRequirements, type PassedVerdict } from "../provider/gateRules";
import { checkResultShape } from "../provider/resultShape";
import { judgeResult, requirementsFor, sourceDefinition } from "../provider/sources";
import type { TaskListResult, TaskState } from "../provider/types";
import { programCall } from "./runtime";

/**
 * Judges a data-source result by the same rules as {@link TaskGate}, and throws the same
 * `GateFailedError` when they do not hold. Call it inside `apply` to fail a `pulumi preview`:
 *
 * ```typescript
 * const run = taskgate.tencentcloud.getTatInvocationTasksOutput({ invocationId });
 * export const verified = run.apply((r) => taskgate.check(r, { minSuccessRatio: 0.95 }).passed);
 * ```
 *
 * An empty task list fails by default ("no tasks matched the query", with the query in words):
 * a mistyped id must not look like a clean rollout. Pass `allowEmpty: true` where none is fine.
 * @param result what a data source returned; anything else (null, a result missing its summary or
 *   tasks, counts that do not add up) is a `TaskgateValidationError` naming the field.
 * @param require what must hold (see {@link GateRequirements}); by default nothing failed, every
 *   task done, and at least one task.
 * @param name names the gate in the error message.
 * @returns the verdict when the requirements hold: `passed`, no `reasons`, and the counts judged (`tally`).
 * @throws GateFailedError when they do not hold; TaskgateValidationError for bad requirements or a malformed result.
 */
export function check(result: TaskListResult<{ state: TaskState }>, require: GateRequirements = {}, name?: string): PassedVerdict {
    return programCall("check", () => {
        const kind = checkResultShape(result);
        const req = requirementsFor(kind, require);
        const { verdict, failed } = judgeResult(kind, result, req);
        if (!verdict.passed) throw new GateFailedError(name, verdict, failed, req, sourceDefinition(kind).traits);
        return verdict as PassedVerdict;
    });
}
