/**
 * check() without a cloud: the verdict it returns, the malformed results it refuses by field, and
 * the query in words that an empty result's error names. Results are built by the same function
 * the sources use (taskListResult), so they have the shape a data source returns.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { TaskgateValidationError } from "../../provider/errors";
import { GateFailedError } from "../../provider/gateRules";
import { taskListResult, type QueryFrame } from "../../provider/result";
import { describeQuery } from "../../provider/sources";
import { summarize } from "../../provider/summary";
import { TASK_STATES, type TaskListResult, type TaskState } from "../../provider/types";
import { check } from "../../sdk/check";
import { hostileValue, SEED } from "../reliability/arbitraries";

type Task = { invocationTaskId: string; state: TaskState };

const TAT: QueryFrame = { cloud: "tencentcloud", api: "tat", region: "ap-guangzhou", query: { filters: { invocationId: ["inv-typo0001"] }, hideOutput: true } };

function tatResult(states: TaskState[], frame: QueryFrame = TAT): TaskListResult<Task> {
    const tasks = states.map((state, i) => ({ invocationTaskId: `invt-${i}`, state }));
    return taskListResult(frame, tasks, tasks.length, summarize(tasks), ["req-1"]);
}

/** The validation error `fn` throws, asserting it is one (not a TypeError). */
function validationError(fn: () => unknown): TaskgateValidationError {
    try {
        fn();
    } catch (e) {
        assert.ok(e instanceof TaskgateValidationError, `expected a TaskgateValidationError, got ${(e as Error)?.stack ?? e}`);
        return e;
    }
    throw new assert.AssertionError({ message: "check() accepted it" });
}

describe("check(): verdicts, malformed results, empty lists", () => {
    it("returns the verdict it computed: passed, no reasons, the counts judged", () => {
        const v = check(tatResult(["SUCCEEDED", "SUCCEEDED", "FAILED"]), { maxFailed: 1 });
        assert.equal(v.passed, true);
        assert.deepEqual(v.reasons, []);
        assert.equal(v.hopeless, false);
        assert.deepEqual(v.tally, { unit: "tasks", tasks: 3, total: 3, succeeded: 2, failed: 1, pending: 0, skipped: 0, unknownTasks: 0, noOutcome: 0 });
    });

    it("fails an empty list under the default rules, with the query in words", () => {
        const empty = tatResult([]);
        assert.throws(
            () => check(empty),
            (e: unknown) =>
                e instanceof GateFailedError &&
                e.verdict.reasons[0] ===
                    "no tasks matched the query (TAT invocation tasks with invocationId inv-typo0001 in ap-guangzhou): check the filters, or set allowEmpty to accept an empty list",
        );
        assert.throws(
            () => check(empty, { maxFailed: 3, allDone: false }, "typo"),
            (e: unknown) =>
                e instanceof GateFailedError &&
                /^taskgate: gate "typo" failed on TAT invocation tasks\n {2}required: at most 3 failed\n {2}found: {4}0 tasks, 0 succeeded, 0 failed\n {2}not met: {2}no tasks matched the query \(/.test(
                    e.message,
                ),
        );
        assert.equal(check(empty, { allowEmpty: true }).tally.tasks, 0);
    });

    it("refuses allowEmpty that is not a boolean, naming it", () => {
        const e = validationError(() => check(tatResult(["SUCCEEDED"]), { allowEmpty: "yes" as never }));
        assert.equal(e.field, "require.allowEmpty");
    });

    it("refuses a malformed result with an error naming the field, never a TypeError", () => {
        const good = tatResult(["SUCCEEDED", "RUNNING"]);
        const cases: Array<[unknown, string]> = [
            [null, "result"],
            [undefined, "result"],
            ["tat-1", "result"],
            [42, "result"],
            [[good], "result"],
            [{ ...good, id: undefined }, "result.id"],
            [{ ...good, id: 7 }, "result.id"],
            [{ ...good, id: "other-1" }, "result.id"],
            [{ ...good, id: "nodash" }, "result.id"],
            [{ ...good, summary: undefined }, "result.summary"],
            [{ ...good, summary: [] }, "result.summary"],
            [{ ...good, summary: { ...good.summary, failed: "0" } }, "result.summary.failed"],
            [{ ...good, summary: { ...good.summary, unknown: undefined } }, "result.summary.unknown"],
            [{ ...good, summary: { ...good.summary, total: -1 } }, "result.summary.total"],
            [{ ...good, summary: { ...good.summary, done: "no" } }, "result.summary.done"],
            [{ ...good, summary: { ...good.summary, total: 3 } }, "result.summary.total"],
            [{ ...good, summary: { ...good.summary, targets: 5 } }, "result.summary.targets"],
            [{ ...good, summary: { ...good.summary, targets: { total: 1 } } }, "result.summary.targets.succeeded"],
            [{ ...good, tasks: undefined }, "result.tasks"],
            [{ ...good, tasks: {} }, "result.tasks"],
            [{ ...good, tasks: [good.tasks[0], null] }, "result.tasks[1]"],
            [{ ...good, tasks: [good.tasks[0], { ...good.tasks[1], state: "DONE" }] }, "result.tasks[1].state"],
            [{ ...good, tasks: [good.tasks[0]] }, "result.summary.total"],
            [{ ...good, query: "x" }, "result.query"],
        ];
        for (const [result, field] of cases) {
            const e = validationError(() => check(result as never));
            assert.equal(e.field, field, `${e.message}`);
            assert.match(e.message, /^taskgate: invalid /);
        }
        assert.match(
            validationError(() => check({ ...good, id: "other-1" })).message,
            /does not name a source \(a data-source result's id starts with tat-, mps-, bm-, bmLegacy-, cph-, workspace-\)/,
        );
    });

    it("judges a result without a query (read back from an older version) by its label", () => {
        const { query: _, ...old } = tatResult([]);
        assert.throws(
            () => check(old as never),
            (e: unknown) => e instanceof GateFailedError && e.verdict.reasons[0].startsWith("no tasks matched the query (TAT invocation tasks): "),
        );
    });

    it("property: whatever a field holds, check() returns a verdict or throws GateFailedError or TaskgateValidationError", () => {
        const good = tatResult(["SUCCEEDED", "FAILED", "RUNNING", "UNKNOWN"]);
        const field = fc.constantFrom("id", "summary", "tasks", "query", "totalCount", "requestIds");
        const summaryField = fc.constantFrom("total", "pending", "failed", "done", "targets", "unknown");
        const mutated = fc.oneof(
            hostileValue,
            fc.tuple(field, hostileValue).map(([k, v]) => ({ ...good, [k]: v })),
            fc.tuple(summaryField, hostileValue).map(([k, v]) => ({ ...good, summary: { ...good.summary, [k]: v } })),
            fc.tuple(fc.nat({ max: 3 }), hostileValue).map(([i, v]) => ({ ...good, tasks: good.tasks.map((t, j) => (i === j ? v : t)) })),
            fc.array(fc.constantFrom(...TASK_STATES), { maxLength: 8 }).map((states) => tatResult(states)),
        );
        fc.assert(
            fc.property(mutated, hostileValue, (result, require) => {
                try {
                    const v = check(result as never, require as never);
                    assert.equal(v.passed, true);
                } catch (e) {
                    if (!(e instanceof GateFailedError || e instanceof TaskgateValidationError)) throw e;
                }
            }),
            { seed: SEED, numRuns: 2000, endOnFailure: true },
        );
    });
});

describe("describeQuery: a result's query in words", () => {
    it("names the source, the filters as args and the region", () => {
        assert.equal(describeQuery("tatInvocationTasks", tatResult([]).query), "TAT invocation tasks with invocationId inv-typo0001 in ap-guangzhou");
        assert.equal(
            describeQuery("tatInvocationTasks", { region: "ap-shanghai", filters: { instanceId: ["ins-1", "ins-2"], commandId: ["cmd-1"] } }),
            "TAT invocation tasks with instanceId ins-1 or ins-2 and commandId cmd-1 in ap-shanghai",
        );
        assert.equal(
            describeQuery("tatInvocationTasks", { region: "ap-guangzhou", invocationTaskIds: ["invt-1", "invt-2", "invt-3", "invt-4", "invt-5"] }),
            "TAT invocation tasks with invocationTaskIds invt-1, invt-2, invt-3 or 2 others in ap-guangzhou",
        );
        assert.equal(describeQuery("mpsTasks", { statuses: ["WAITING", "PROCESSING"], maxResults: 10 }), "MPS tasks with status WAITING or PROCESSING");
        assert.equal(
            describeQuery("bmCmdTasks", { region: "ap-guangzhou", orderBy: "runBeginTime", order: "desc" }),
            "Bare Metal script tasks in ap-guangzhou",
        );
        assert.equal(
            describeQuery("cphJobs", { region: "cn-east-3", projectId: "p1", requestIds: ["6837531fd3f54550927b930180a706bf"] }),
            "CPH jobs with requestIds 6837531fd3f54550927b930180a706bf in cn-east-3 (project p1)",
        );
        assert.equal(
            describeQuery("workspaceScriptTasks", {
                region: "cn-north-4",
                filters: { desktop_pool_id: "pool-1", script_name: "nightly clean", execute_time_start: "2024-01-01T00:00:00Z" },
            }),
            'Workspace script execution tasks with desktopPoolId pool-1 and scriptName "nightly clean" and executeTimeStart 2024-01-01T00:00:00Z in cn-north-4',
        );
    });

    it("quotes text with odd characters, and copes with a missing or odd query", () => {
        assert.equal(describeQuery("workspaceScriptTasks", { filters: { script_name: "a\nb" } }), 'Workspace script execution tasks with scriptName "a\\nb"');
        assert.equal(describeQuery("mpsTasks", undefined), "MPS tasks");
        assert.equal(describeQuery("mpsTasks", [] as never), "MPS tasks");
    });
});
