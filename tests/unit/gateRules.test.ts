import { strict as assert } from "node:assert";
import { evaluate, formatGateFailure, type GateTally, resolveRequirements, resolveWait, tally, validateGateSettings } from "../../provider/gateRules";
import type { TaskSummary } from "../../provider/types";

const TASKS = { label: "TAT invocation tasks", hasTargets: false, reportsOutcome: true };
const TARGETS = { label: "Bare Metal script tasks", hasTargets: true, targetName: "machines", targetOne: "machine", reportsOutcome: true };
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
            assert.deepEqual(resolveRequirements({}), { minSucceeded: undefined, minSuccessRatio: undefined, maxFailed: 0, allDone: true, allowEmpty: false });
            assert.equal(judge(summary({ succeeded: 10 }), {}).passed, true);
            const v = judge(summary({ succeeded: 9, failed: 1 }), {});
            assert.equal(v.passed, false);
            assert.equal(v.hopeless, true, "failures are final");
            assert.equal(v.reasons[0], "1 task failed, timed out or was cancelled; at most 0 allowed");
            assert.equal(judge(summary({ succeeded: 8, failed: 2 }), {}).reasons[0], "2 tasks failed, timed out or were cancelled; at most 0 allowed");
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
        const QUERY = "TAT invocation tasks with invocationId inv-typo0001 in ap-guangzhou";
        const NO_TASKS = `no tasks matched the query (${QUERY}): check the filters, or set allowEmpty to accept an empty list`;

        it("fail every gate by default, the default rules too, naming the query in words", () => {
            for (const r of [
                {},
                { maxFailed: 5 },
                { allDone: true },
                { minSucceeded: 1 },
                { minSuccessRatio: 0.5 },
                { minSuccessRatio: 1, allDone: false },
                { maxFailed: 0, allDone: false },
            ]) {
                const v = evaluate(tally(summary({}), TASKS), resolveRequirements(r), TASKS, QUERY);
                assert.deepEqual([v.passed, v.hopeless, v.reasons], [false, false, [NO_TASKS]], JSON.stringify(r));
            }
            for (const traits of [TARGETS, MPS]) {
                assert.equal(judge(summary({ targets: { total: 0, succeeded: 0, failed: 0, skipped: 0 } } as never), {}, traits).passed, false, traits.label);
            }
        });

        it("say which rule failed even without the query's words", () => {
            assert.deepEqual(judge(summary({}), {}).reasons, ["no tasks matched the query: check the filters, or set allowEmpty to accept an empty list"]);
        });

        it("pass with allowEmpty, except where successes are counted", () => {
            assert.equal(judge(summary({}), { allowEmpty: true }).passed, true);
            assert.equal(judge(summary({}), { allowEmpty: true, minSuccessRatio: 0.95 }).passed, true, "no task to take a ratio of");
            const v = judge(summary({}), { allowEmpty: true, minSucceeded: 2 });
            assert.deepEqual([v.passed, v.hopeless, v.reasons], [false, true, ["0 tasks succeeded; at least 2 required"]]);
            assert.equal(judge(summary({ failed: 1 }), { allowEmpty: true }).passed, false, "allowEmpty allows nothing else");
        });

        it("count tasks, not targets: BM tasks on no machine are not an empty list", () => {
            const s = summary({ succeeded: 1, targets: { total: 0, succeeded: 0, failed: 0, skipped: 0 } } as never);
            const v = judge(s, {}, TARGETS);
            assert.equal(v.tally.tasks, 1);
            assert.ok(!v.reasons.some((r) => /no tasks matched/.test(r)));
        });

        it("are named in the requirements when allowed", () => {
            const msg = formatGateFailure(undefined, judge(summary({ failed: 1 }), { allowEmpty: true }), [], resolveRequirements({ allowEmpty: true }), TASKS);
            assert.match(msg, /^ {2}required: at most 0 failed, all done, an empty list allowed$/m);
        });
    });

    describe("unknown states", () => {
        it("fail the gate at once, even when every threshold holds", () => {
            const v = judge(summary({ succeeded: 99, unknown: 1 }), { minSuccessRatio: 0.9, maxFailed: 5, allDone: false });
            assert.deepEqual([v.passed, v.hopeless], [false, true]);
            assert.equal(v.reasons[0], "1 task is in a state taskgate does not know, so it cannot tell whether it succeeded");
            assert.match(
                judge(summary({ succeeded: 98, unknown: 2 }), {}).reasons[0],
                /^2 tasks are in a state taskgate does not know, so it cannot tell whether they succeeded$/,
            );
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
            assert.deepEqual(v.reasons, ["1 machine is still pending or running"]);
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
            assert.deepEqual(props(validateGateSettings({ minSucceeded: -1, maxFailed: 1.5 }, undefined, TASKS)), [
                "require.minSucceeded",
                "require.maxFailed",
            ]);
            assert.deepEqual(props(validateGateSettings({ minSuccesRatio: 0.9 }, undefined, TASKS)), ["require.minSuccesRatio"]);
            assert.deepEqual(validateGateSettings({}, { timeoutSeconds: 0 }, TASKS), [
                { property: "wait.timeoutSeconds", reason: "must be a number of seconds greater than 0 and at most 86400, got 0" },
            ]);
            assert.deepEqual(props(validateGateSettings({}, { pollIntervalSeconds: 60, timeoutSeconds: 30 }, TASKS)), ["wait.pollIntervalSeconds"]);
        });
        it("rejects contradictions", () => {
            assert.match(validateGateSettings({ minSuccessRatio: 1, maxFailed: 2 }, undefined, TASKS)[0].reason, /contradicts minSuccessRatio 1/);
            assert.match(validateGateSettings({ allDone: false }, undefined, TASKS)[0].reason, /requires nothing/);
            assert.match(validateGateSettings({ minSucceeded: 1 }, undefined, MPS)[0].reason, /MPS tasks report no outcome/);
            assert.deepEqual(validateGateSettings({ allDone: true }, undefined, MPS), []);
            assert.deepEqual(validateGateSettings({ allowEmpty: true, minSucceeded: 3 }, undefined, TASKS), [
                { property: "require.allowEmpty", reason: "contradicts minSucceeded 3, which no empty list meets; drop one of them" },
            ]);
            assert.deepEqual(validateGateSettings({ allowEmpty: true, minSucceeded: 0, minSuccessRatio: 0.9 }, undefined, TASKS), []);
        });
        it("takes allowEmpty as a boolean, named in errors and in the list of requirements", () => {
            assert.deepEqual(validateGateSettings({ allowEmpty: "yes" }, undefined, TASKS), [
                { property: "require.allowEmpty", reason: 'must be true or false, got "yes"' },
            ]);
            assert.deepEqual(validateGateSettings({ allowEmpty: false }, undefined, TASKS), []);
            assert.deepEqual(validateGateSettings({ allowEmpt: true }, undefined, TASKS), [
                {
                    property: "require.allowEmpt",
                    reason: "is not a requirement; allowed: minSucceeded, minSuccessRatio, maxFailed, allDone, allowEmpty, expectTargets, createdAfter, tolerateFailuresOn",
                },
            ]);
            assert.deepEqual(validateGateSettings([], undefined, TASKS), [
                {
                    property: "require",
                    reason: "must be an object with minSucceeded, minSuccessRatio, maxFailed, allDone, allowEmpty, expectTargets, createdAfter and/or tolerateFailuresOn",
                },
            ]);
        });
        it("lets unknown values (preview) through", () => {
            const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
            assert.deepEqual(
                validateGateSettings({ minSuccessRatio: unknown, allDone: false }, { timeoutSeconds: unknown }, TASKS, (v) => v === unknown),
                [],
            );
        });
        it("applies wait defaults", () => {
            assert.equal(resolveWait(undefined), undefined);
            assert.deepEqual(resolveWait({}), {
                timeoutSeconds: 600,
                pollIntervalSeconds: 5,
                maxPollIntervalSeconds: 30,
                failFast: true,
                emptyGraceSeconds: 30,
            });
            assert.equal(resolveWait({ timeoutSeconds: 12 })!.emptyGraceSeconds, 12, "never past the timeout");
        });
    });

    it("agrees counts with their nouns: 1 task, 1 machine, 1 failing task", () => {
        const one = judge(summary({ running: 1, targets: { total: 1, succeeded: 0, failed: 0, skipped: 0 } } as never), { minSucceeded: 1 }, TARGETS);
        const msg = formatGateFailure(undefined, one, [{ id: "cmdtask-1", state: "FAILED" }], resolveRequirements({ minSucceeded: 1 }), TARGETS);
        assert.match(msg, /^ {2}required: at least 1 machine succeeded, at most 0 failed, all done$/m);
        assert.match(msg, /^ {2}found: {4}1 machine, 0 succeeded \(0\.0%\), 0 failed, 1 pending or running$/m);
        assert.match(msg, /^ {2}not met: {2}0 machines succeeded; at least 1 required$/m);
        assert.match(msg, /^ {2}not met: {2}1 machine is still pending or running$/m);
        assert.match(msg, /^ {2}first failing task \(1 of 1\):$/m);
        assert.match(
            judge(summary({ succeeded: 0, failed: 1 }), { minSuccessRatio: 0.5, maxFailed: 1 }).reasons[0],
            /^0\.0% of 1 task succeeded; at least 50\.0% required$/,
        );
        const unknownOne = formatGateFailure(undefined, judge(summary({ unknown: 1 }), {}), [], resolveRequirements({}), TASKS);
        assert.match(unknownOne, /^ {2}found: {4}1 task, 0 succeeded \(0\.0%\), 0 failed, 1 task in an unknown state$/m);
    });

    it("a gate that timed out names the first tasks still pending or running, and how many in all, after the failing ones", () => {
        const t: GateTally = { unit: "tasks", tasks: 14, total: 14, succeeded: 1, failed: 1, pending: 12, skipped: 0, unknownTasks: 0, noOutcome: 0 };
        const req = resolveRequirements({});
        const pending = Array.from({ length: 12 }, (_, i) => ({
            id: `invt-p${i}`,
            target: `ins-p${i}`,
            state: i % 2 ? ("PENDING" as const) : ("RUNNING" as const),
        }));
        const msg = formatGateFailure(
            "slow",
            evaluate(t, req, TASKS),
            [{ id: "invt-f", target: "ins-f", state: "FAILED" }],
            req,
            TASKS,
            "timed out after 60 s",
            pending,
        );
        const lines = msg.split("\n");
        const at = lines.indexOf("  first tasks still pending or running (10 of 12):");
        assert.ok(at > lines.indexOf("  first failing task (1 of 1):"), msg);
        assert.deepEqual(
            lines.slice(at + 1),
            pending.slice(0, 10).map((p) => `    ${p.id}  on ${p.target}  ${p.state}`),
        );
        const one = formatGateFailure("slow", evaluate(t, req, TASKS), [], req, TASKS, "timed out after 60 s", [{ id: "invt-p\u001b[2J", state: "RUNNING" }]);
        assert.match(
            one,
            /^ {2}first task still pending or running \(1 of 1\):\n {4}invt-p\\x1b\[2J {2}RUNNING$/m,
            "one task, and the cloud's text shown, not obeyed",
        );
    });

    it("a failing task's raw status is shown once when it says what its state says (FAILED, not FAILED  FAILED), and beside it when it adds something", () => {
        const t: GateTally = { unit: "tasks", tasks: 3, total: 3, succeeded: 0, failed: 3, pending: 0, skipped: 0, unknownTasks: 0, noOutcome: 0 };
        const req = resolveRequirements({});
        const msg = formatGateFailure(
            undefined,
            evaluate(t, req, TASKS),
            [
                { id: "invt-a", target: "ins-a", state: "FAILED", errorCode: "FAILED", exitCode: 1 },
                { id: "invt-b", target: "ins-b", state: "TIMED_OUT", errorCode: "TIMEOUT", exitCode: -1 },
                { id: "w1", target: "pool-1", state: "FAILED", errorCode: "FAILED", errorMessage: "3 desktops failed" },
            ],
            req,
            TASKS,
        );
        assert.deepEqual(msg.split("\n").slice(-3), [
            "    invt-a  on ins-a  FAILED  exit 1",
            "    invt-b  on ins-b  TIMED_OUT  TIMEOUT  exit -1",
            "    w1  on pool-1  FAILED  3 desktops failed",
        ]);
    });

    it("writes one readable error: required, found, why, first failing tasks", () => {
        const t: GateTally = { unit: "tasks", tasks: 1200, total: 1200, succeeded: 1150, failed: 40, pending: 10, skipped: 0, unknownTasks: 0, noOutcome: 0 };
        const v = evaluate(t, resolveRequirements({ minSuccessRatio: 0.95 }), TASKS);
        const msg = formatGateFailure(
            "migration",
            v,
            [{ id: "invt-1", target: "ins-1", state: "TIMED_OUT", errorCode: "TIMEOUT", exitCode: -1, errorMessage: "command timed out" }],
            resolveRequirements({ minSuccessRatio: 0.95 }),
            TASKS,
            "timed out after 600 s",
        );
        assert.equal(
            msg,
            [
                `taskgate: gate "migration" failed on TAT invocation tasks (timed out after 600 s)`,
                `  required: at least 95.0% of tasks succeeded, at most 0 failed, all done`,
                `  found:    1200 tasks, 1150 succeeded (95.8%), 40 failed, 10 pending or running`,
                `  not met:  40 tasks failed, timed out or were cancelled; at most 0 allowed`,
                `  not met:  10 tasks are still pending or running`,
                `  first failing task (1 of 1):`,
                `    invt-1  on ins-1  TIMED_OUT  TIMEOUT  exit -1  command timed out`,
            ].join("\n"),
        );
    });
});
