import { strict as assert } from "node:assert";
import { evaluate, formatGateFailure, GateTally, resolveRequirements, resolveWait, tally, validateGateSettings } from "../../provider/gateRules";
import type { TaskSummary } from "../../provider/types";

const TASKS = { label: "TAT invocation tasks", hasTargets: false, reportsOutcome: true };
const TARGETS = { label: "Bare Metal script tasks", hasTargets: true, targetName: "machines", reportsOutcome: true };
const MPS = { label: "MPS tasks", hasTargets: false, reportsOutcome: false };

function summary(p: Partial<TaskSummary>): TaskSummary {
    const s = { pending: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, timedOut: 0, finished: 0, unknown: 0, ...p };
    const total = p.total ?? s.pending + s.running + s.succeeded + s.failed + s.cancelled + s.timedOut + s.finished + s.unknown;
    return { ...s, total, done: s.pending + s.running + s.unknown === 0 };
}
const judge = (s: TaskSummary, r: object, traits = TASKS, failedWithoutTargets = 0, unfinishedWithoutTargets = 0) =>
    evaluate(tally(s, traits, { failedWithoutTargets, unfinishedWithoutTargets }), resolveRequirements(r), traits);

describe("gate rules", () => {
    describe("thresholds", () => {
        it("maxFailed defaults to 0 and allDone to true", () => {
            assert.deepEqual(resolveRequirements({}), { minSucceeded: undefined, minSuccessRatio: undefined, maxFailed: 0, allDone: true });
            assert.equal(judge(summary({ succeeded: 10 }), {}).passed, true);
            const v = judge(summary({ succeeded: 9, failed: 1 }), {});
            assert.equal(v.passed, false);
            assert.equal(v.hopeless, true, "failures are final");
            assert.match(v.reasons[0], /1 tasks failed, timed out or were cancelled; at most 0 allowed/);
        });

        it("counts TIMED_OUT and CANCELLED as failures", () => {
            assert.equal(judge(summary({ succeeded: 8, timedOut: 1, cancelled: 1 }), { maxFailed: 2 }).passed, true);
            assert.equal(judge(summary({ succeeded: 8, timedOut: 2, cancelled: 1 }), { maxFailed: 2 }).passed, false);
        });

        it("minSucceeded: met, not yet met, and no longer possible", () => {
            assert.equal(judge(summary({ succeeded: 5 }), { minSucceeded: 5 }).passed, true);
            const waiting = judge(summary({ succeeded: 3, running: 2 }), { minSucceeded: 5, allDone: false });
            assert.deepEqual([waiting.passed, waiting.hopeless], [false, false]);
            const lost = judge(summary({ succeeded: 3, running: 1, failed: 1 }), { minSucceeded: 5, maxFailed: 5 });
            assert.deepEqual([lost.passed, lost.hopeless], [false, true]);
        });

        it("minSuccessRatio at its edges, without floating-point surprises", () => {
            assert.equal(judge(summary({ succeeded: 19, failed: 1 }), { minSuccessRatio: 0.95, maxFailed: 1 }).passed, true, "19/20 = 0.95");
            assert.equal(judge(summary({ succeeded: 189, failed: 11 }), { minSuccessRatio: 0.95, maxFailed: 20 }).passed, false, "189/200 = 0.945");
            assert.equal(judge(summary({ succeeded: 1, failed: 2 }), { minSuccessRatio: 1 / 3, maxFailed: 5 }).passed, true);
            assert.equal(judge(summary({ succeeded: 10 }), { minSuccessRatio: 1 }).passed, true);
            assert.equal(judge(summary({ succeeded: 0, failed: 3 }), { minSuccessRatio: 0, maxFailed: 3 }).passed, true, "a ratio of 0 asks nothing");
            const hopeless = judge(summary({ succeeded: 90, running: 4, failed: 6 }), { minSuccessRatio: 0.95, maxFailed: 10 });
            assert.deepEqual([hopeless.passed, hopeless.hopeless], [false, true], "(90 + 4) / 100 < 0.95");
            const possible = judge(summary({ succeeded: 90, running: 5, failed: 5 }), { minSuccessRatio: 0.95, maxFailed: 10 });
            assert.deepEqual([possible.passed, possible.hopeless], [false, false]);
        });

        it("allDone waits for pending and running tasks; allDone false does not", () => {
            const v = judge(summary({ succeeded: 10, pending: 1, running: 1 }), { minSucceeded: 10 });
            assert.deepEqual([v.passed, v.hopeless], [false, false]);
            assert.match(v.reasons[0], /2 tasks are still pending or running/);
            assert.equal(judge(summary({ succeeded: 10, running: 3 }), { minSucceeded: 10, allDone: false }).passed, true);
        });
    });

    describe("zero tasks", () => {
        it("never pass a gate that asks for successes, with their own message", () => {
            for (const r of [{ minSucceeded: 1 }, { minSuccessRatio: 0.5 }, { minSuccessRatio: 1, allDone: false }]) {
                const v = judge(summary({}), r);
                assert.equal(v.passed, false);
                assert.match(v.reasons.join(), /no tasks matched the query/);
            }
        });

        it("pass a gate that only asks that nothing failed", () => {
            assert.equal(judge(summary({}), {}).passed, true);
        });
    });

    describe("unknown states", () => {
        it("fail the gate at once, even when every threshold holds", () => {
            const v = judge(summary({ succeeded: 99, unknown: 1 }), { minSuccessRatio: 0.9, maxFailed: 5, allDone: false });
            assert.deepEqual([v.passed, v.hopeless], [false, true]);
            assert.match(v.reasons[0], /1 task\(s\) are in a state taskgate does not know/);
        });

        it("never count as successes (a ratio of known successes over all)", () => {
            assert.equal(judge(summary({ succeeded: 19, unknown: 1 }), { minSuccessRatio: 0.95, allDone: false }).passed, false);
        });
    });

    describe("targets (BM machines, Workspace desktops)", () => {
        it("counts machines, not tasks, where the API reports them", () => {
            const s = summary({ succeeded: 1, failed: 1, targets: { total: 100, succeeded: 96, failed: 4, skipped: 0 } } as never);
            const v = judge(s, { minSuccessRatio: 0.95, maxFailed: 4 }, TARGETS);
            assert.equal(v.tally.unit, "targets");
            assert.equal(v.passed, true, "96 of 100 machines");
            assert.match(judge(s, { minSuccessRatio: 0.97, maxFailed: 4 }, TARGETS).reasons[0], /96\.0% of 100 machines succeeded; at least 97\.0% required/);
        });

        it("counts a task that failed before reaching any target as one failed target", () => {
            const s = summary({ succeeded: 1, failed: 1, targets: { total: 10, succeeded: 10, failed: 0, skipped: 0 } } as never);
            const v = judge(s, { minSuccessRatio: 0.9 }, TARGETS, 1);
            assert.equal(v.passed, false);
            assert.equal(v.tally.failed, 1);
            assert.equal(v.tally.total, 11);
        });

        it("counts a running task that reports no desktop still to run (Workspace) as one pending target", () => {
            // Workspace reports desktops that finished; a running task's others are not in any count.
            const s = summary({ succeeded: 3, running: 1, targets: { total: 30, succeeded: 30, failed: 0, skipped: 0 } } as never);
            const v = judge(s, { minSucceeded: 1 }, TARGETS, 0, 1);
            assert.equal(v.passed, false);
            assert.equal(v.tally.pending, 1);
            assert.equal(v.tally.total, 31);
            assert.match(v.reasons.join("\n"), /1 desktops? (are|is) still pending or running|1 .* still pending or running/);
            assert.equal(judge(s, { minSucceeded: 1, allDone: false }, TARGETS, 0, 1).passed, true);
        });

        it("treats targets not yet counted as pending", () => {
            const t = tally(summary({ running: 1, targets: { total: 10, succeeded: 4, failed: 1, skipped: 2 } } as never), TARGETS);
            assert.equal(t.pending, 3);
        });
    });

    describe("settings validation (check time)", () => {
        const props = (f: { property: string }[]) => f.map((x) => x.property);
        it("rejects out-of-range and mistyped values", () => {
            assert.deepEqual(props(validateGateSettings({ minSuccessRatio: 95 }, undefined, TASKS)), ["require.minSuccessRatio"]);
            assert.deepEqual(props(validateGateSettings({ minSucceeded: -1, maxFailed: 1.5 }, undefined, TASKS)), ["require.minSucceeded", "require.maxFailed"]);
            assert.deepEqual(props(validateGateSettings({ minSuccesRatio: 0.9 }, undefined, TASKS)), ["require.minSuccesRatio"]);
            assert.deepEqual(props(validateGateSettings({}, { timeoutSeconds: 0 }, TASKS)), ["wait.timeoutSeconds"]);
            assert.deepEqual(props(validateGateSettings({}, { pollIntervalSeconds: 60, timeoutSeconds: 30 }, TASKS)), ["wait.pollIntervalSeconds"]);
        });
        it("rejects contradictions", () => {
            assert.match(validateGateSettings({ minSuccessRatio: 1, maxFailed: 2 }, undefined, TASKS)[0].reason, /contradicts minSuccessRatio 1/);
            assert.match(validateGateSettings({ allDone: false }, undefined, TASKS)[0].reason, /requires nothing/);
            assert.match(validateGateSettings({ minSucceeded: 1 }, undefined, MPS)[0].reason, /MPS tasks report no outcome/);
            assert.deepEqual(validateGateSettings({ allDone: true }, undefined, MPS), []);
        });
        it("lets unknown values (preview) through", () => {
            const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
            assert.deepEqual(validateGateSettings({ minSuccessRatio: unknown, allDone: false }, { timeoutSeconds: unknown }, TASKS, (v) => v === unknown), []);
        });
        it("applies wait defaults", () => {
            assert.equal(resolveWait(undefined), undefined);
            assert.deepEqual(resolveWait({}), { timeoutSeconds: 600, pollIntervalSeconds: 5, maxPollIntervalSeconds: 30, failFast: true });
        });
    });

    it("writes one readable error: required, found, why, first failing tasks", () => {
        const t: GateTally = { unit: "tasks", total: 1200, succeeded: 1150, failed: 40, pending: 10, skipped: 0, unknownTasks: 0, noOutcome: 0 };
        const v = evaluate(t, resolveRequirements({ minSuccessRatio: 0.95 }), TASKS);
        const msg = formatGateFailure("migration", v, [{ id: "invt-1", target: "ins-1", state: "TIMED_OUT", errorCode: "TIMEOUT", exitCode: -1, errorMessage: "command timed out" }],
            resolveRequirements({ minSuccessRatio: 0.95 }), TASKS, "timed out after 600 s");
        assert.equal(msg, [
            `taskgate: gate "migration" failed on TAT invocation tasks (timed out after 600 s)`,
            `  required: at least 95.0% of tasks succeeded, at most 0 failed, all done`,
            `  found:    1200 tasks, 1150 succeeded (95.8%), 40 failed, 10 pending or running`,
            `  not met:  40 tasks failed, timed out or were cancelled; at most 0 allowed`,
            `  not met:  10 tasks are still pending or running`,
            `  first failing tasks (1 of 1):`,
            `    invt-1  on ins-1  TIMED_OUT  TIMEOUT  exit -1  command timed out`,
        ].join("\n"));
    });
});
