/**
 * A gate's expectations without a cloud: `expectTargets` (each target must have a task, judged by
 * its newest; a missing one fails, named), `createdAfter` (older tasks ignored, to the second) and
 * `tolerateFailuresOn` (a tolerated target's failure set aside, still listed), through check() on
 * results shaped as the sources shape them, and the rules that refuse them before any request.
 */
import { strict as assert } from "node:assert";
import { TaskgateValidationError } from "../../provider/errors";
import { GateFailedError, type GateRequirements, TARGETED_SOURCES, validateGateSettings } from "../../provider/gateRules";
import { taskListResult, type QueryFrame } from "../../provider/result";
import { readArgs, requirementsFor, SOURCE_KINDS, sourceDefinition } from "../../provider/sources";
import { workspaceSince } from "../../provider/sources/workspaceScriptTasks";
import { summarize } from "../../provider/summary";
import type { TaskListResult, TaskState } from "../../provider/types";
import { containsUnknown, UNKNOWN } from "../../provider/dynamic/sourceInputs";
import { check } from "../../sdk/check";
import { cliWording } from "../../cli/commands";
import { findCliSource } from "../../cli/sources";
import { thrownBy } from "./thrown";

type Tat = { invocationTaskId: string; instanceId?: string; state: TaskState; createdTime?: string };

const TAT: QueryFrame = { cloud: "tencentcloud", api: "tat", region: "ap-guangzhou", query: { filters: { commandId: ["cmd-deploy1"] }, hideOutput: true } };

/** A TAT result of tasks given as [instance, state, created], ids in order. */
function tat(tasks: Array<[string | undefined, TaskState, string?]>): TaskListResult<Tat> {
    const records = tasks.map(([instanceId, state, createdTime], i) => ({ invocationTaskId: `invt-${i}`, instanceId, state, createdTime }));
    return taskListResult(TAT, records, records.length, summarize(records), ["req-1"]);
}

/** The error of a kind `fn` throws. */
function thrownOf<E>(kind: new (...args: never[]) => E, fn: () => unknown): E {
    const e = thrownBy(fn);
    assert.ok(e instanceof kind, `expected a ${kind.name}, got ${(e as Error)?.stack ?? e}`);
    return e;
}
const gateFailure = (fn: () => unknown) => thrownOf(GateFailedError, fn);
const invalid = (fn: () => unknown) => thrownOf(TaskgateValidationError, fn);

const T0 = "2026-12-01T10:00:00.000Z";
const T1 = "2026-12-01T11:00:00.000Z";

describe("gate expectations", () => {
    describe("expectTargets", () => {
        it("fails a fleet where an expected instance never got a task, naming it, and judges the ratio over the targets", () => {
            const run = tat([
                ["ins-a", "SUCCEEDED"],
                ["ins-b", "SUCCEEDED"],
            ]);
            assert.equal(check(run).passed, true, "without expectations two successes pass");
            const e = gateFailure(() => check(run, { expectTargets: ["ins-a", "ins-b", "ins-c"] }, "fleet"));
            assert.deepEqual(e.verdict.reasons, ["1 expected instance never got a task (ins-c), which counts as failed; at most 0 allowed"]);
            assert.equal(e.verdict.hopeless, false, "a target may still get its task");
            assert.deepEqual(e.verdict.tally.missingTargets, ["ins-c"]);
            assert.deepEqual([e.verdict.tally.unit, e.verdict.tally.total, e.verdict.tally.succeeded, e.verdict.tally.failed], ["targets", 3, 2, 1]);
            assert.match(e.message, /required: at most 0 failed, all done, a task on each of 3 expected instances\n/);
            assert.match(e.message, /found: {4}3 instances, 2 succeeded \(66\.6%\), 1 failed, 1 never got a task\n/);
            // The ratio counts targets: 2 of 3, and the missing one is named there when maxFailed allows it.
            const ratio = gateFailure(() => check(run, { expectTargets: ["ins-a", "ins-b", "ins-c"], minSuccessRatio: 0.9, maxFailed: 1 }));
            assert.deepEqual(ratio.verdict.reasons, ["66.6% of 3 instances succeeded; at least 90.0% required; 1 never got a task (ins-c)"]);
            assert.equal(check(run, { expectTargets: ["ins-a", "ins-b", "ins-c"], minSuccessRatio: 0.6, maxFailed: 1 }).tally.total, 3);
        });

        it("names failures and missing targets apart, and only failures are final", () => {
            const e = gateFailure(() =>
                check(
                    tat([
                        ["ins-a", "FAILED"],
                        ["ins-b", "SUCCEEDED"],
                    ]),
                    { expectTargets: ["ins-a", "ins-b", "ins-c", "ins-d"] },
                ),
            );
            assert.deepEqual(e.verdict.reasons, ["1 instance failed, timed out or was cancelled and 2 never got a task (ins-c and ins-d); at most 0 allowed"]);
            assert.equal(e.verdict.hopeless, true);
            assert.equal(e.failedTasks.length, 1, "the failing task is listed; the missing targets are named in the reason");
        });

        it("counts duplicates once", () => {
            const v = check(tat([["ins-a", "SUCCEEDED"]]), { expectTargets: ["ins-a", "ins-a"] });
            assert.equal(v.tally.total, 1);
        });

        it("judges a target with several tasks by its newest (a retry replaces the run it retried); a task without a time is the newest", () => {
            const retried = tat([
                ["ins-a", "FAILED", T0],
                ["ins-a", "SUCCEEDED", T1],
            ]);
            assert.equal(check(retried, { expectTargets: ["ins-a"] }).tally.notJudged?.earlier, 1);
            const regressed = tat([
                ["ins-a", "SUCCEEDED", T1],
                ["ins-a", "FAILED", T0],
                ["ins-a", "SUCCEEDED", T0],
            ]);
            assert.equal(check(regressed, { expectTargets: ["ins-a"] }).tally.succeeded, 1, "read order does not matter: T1 is newest");
            const later = tat([
                ["ins-a", "SUCCEEDED", T1],
                ["ins-a", "FAILED", T1],
            ]);
            assert.equal(gateFailure(() => check(later, { expectTargets: ["ins-a"] })).verdict.tally.failed, 1, "equal times: the later task read");
            const starting = tat([
                ["ins-a", "SUCCEEDED", T1],
                ["ins-a", "PENDING", undefined],
            ]);
            assert.match(gateFailure(() => check(starting, { expectTargets: ["ins-a"] })).verdict.reasons[0], /^1 instance is still pending or running$/);
        });

        it("does not judge tasks on other targets, and says how many it left out", () => {
            const v = check(
                tat([
                    ["ins-a", "SUCCEEDED"],
                    ["ins-z", "FAILED"],
                    [undefined, "FAILED"],
                ]),
                { expectTargets: ["ins-a"] },
            );
            assert.deepEqual(v.tally.notJudged, { older: 0, otherTargets: 2, earlier: 0 });
            assert.equal(v.tally.failed, 0);
        });

        it("fails a list with no task at all with the query in words, and waits for it (not hopeless)", () => {
            const e = gateFailure(() => check(tat([]), { expectTargets: ["ins-a"] }));
            assert.match(e.verdict.reasons[0], /^no tasks matched the query \(TAT invocation tasks with commandId cmd-deploy1 in ap-guangzhou\)/);
            assert.equal(e.verdict.hopeless, false);
        });
    });

    describe("createdAfter", () => {
        const history = () =>
            tat([
                ["ins-a", "FAILED", "2026-11-24T10:00:00.000Z"],
                ["ins-a", "SUCCEEDED", "2026-12-01T10:00:00.000Z"],
                ["ins-b", "SUCCEEDED", "2026-12-01T10:00:07.000Z"],
            ]);

        it("ignores last week's failed run, and keeps a task created in the same second as the time given (APIs report whole seconds)", () => {
            assert.equal(gateFailure(() => check(history())).verdict.tally.failed, 1, "without it last week's failure counts");
            const v = check(history(), { createdAfter: "2026-12-01T10:00:00.900Z" });
            assert.deepEqual([v.tally.tasks, v.tally.succeeded, v.tally.notJudged?.older], [2, 2, 1]);
            const later = gateFailure(() => check(history(), { createdAfter: "2026-12-01T10:00:01Z", minSucceeded: 2 }));
            assert.deepEqual(later.verdict.tally.notJudged, { older: 2, otherTargets: 0, earlier: 0 }, "one second later the 10:00:00 task is older");
            assert.match(
                later.message,
                /required: at least 2 tasks succeeded, at most 0 failed, all done, only tasks created at or after 2026-12-01T10:00:01\.000Z\n/,
            );
            assert.match(later.message, /found: {4}1 task, 1 succeeded \(100\.0%\), 0 failed, not judged: 2 older tasks\n/);
        });

        it("reads a time with an offset as the instant it names", () => {
            assert.equal(check(history(), { createdAfter: "2026-12-01T18:00:05+08:00" }).tally.tasks, 1);
        });

        it("keeps a task that reports no time: leaving it out could hide a failure", () => {
            const e = gateFailure(() => check(tat([["ins-a", "FAILED", undefined]]), { createdAfter: T1 }));
            assert.equal(e.verdict.tally.failed, 1);
        });

        it("says how many older tasks it ignored when none is left", () => {
            const e = gateFailure(() => check(history(), { createdAfter: "2026-12-02T00:00:00Z" }));
            assert.equal(
                e.verdict.reasons[0],
                "no tasks created at or after 2026-12-02T00:00:00.000Z matched the query (TAT invocation tasks with commandId cmd-deploy1 in ap-guangzhou), and 3 older tasks were ignored: check the filters, or set allowEmpty to accept an empty list",
            );
        });

        it("refuses a time that is no ISO-8601 instant with a zone, and gateCreation outside a gate", () => {
            for (const bad of ["2026-13-01T00:00:00Z", "2026-12-01 10:00:00", "2026-12-01T10:00:00", "yesterday", "", 1764583200000]) {
                const e = invalid(() => check(history(), { createdAfter: bad as never }));
                assert.equal(e.field, "require.createdAfter");
                assert.match(e.message, /must be an ISO-8601 time with a zone between 1970 and 9999, e.g. 2021-10-01T12:00:00Z, or "gateCreation"/);
            }
            const e = invalid(() => check(history(), { createdAfter: "gateCreation" }));
            assert.equal(e.field, "require.createdAfter");
            assert.match(e.message, /"gateCreation" is the time a TaskGate was created, and only a gate has one/);
            assert.match(e.describe(cliWording(findCliSource("tat"))), /--require created-after.*give created-after an ISO-8601 time/);
        });
    });

    describe("tolerateFailuresOn", () => {
        it("passes when only a tolerated host failed, and lists it as tolerated, not as failing", () => {
            const run = tat([
                ["ins-a", "SUCCEEDED"],
                ["ins-bad", "FAILED"],
                ["ins-c", "SUCCEEDED"],
            ]);
            const v = check(run, { tolerateFailuresOn: ["ins-bad", "ins-gone"] });
            assert.deepEqual(v.tally.tolerated, [{ target: "ins-bad", state: "FAILED", taskId: "invt-1" }]);
            assert.deepEqual([v.tally.total, v.tally.failed], [2, 0]);
            const e = gateFailure(() =>
                check(tat([...run.tasks.map((t) => [t.instanceId, t.state] as [string, TaskState]), ["ins-d", "FAILED"]]), { tolerateFailuresOn: ["ins-bad"] }),
            );
            assert.deepEqual(
                e.failedTasks.map((t) => t.id),
                ["invt-3"],
            );
            assert.match(e.message, /found: {4}3 tasks, 2 succeeded \(66\.6%\), 1 failed, tolerated: ins-bad \(FAILED, invt-1\)\n/);
            assert.match(e.message, /required: at most 0 failed, all done, failures tolerated on ins-bad\n/);
        });

        it("counts a tolerated target's success, and sets aside one still running", () => {
            const v = check(
                tat([
                    ["ins-a", "SUCCEEDED"],
                    ["ins-bad", "RUNNING"],
                    ["ins-ok", "SUCCEEDED"],
                ]),
                { tolerateFailuresOn: ["ins-bad", "ins-ok"], minSucceeded: 2 },
            );
            assert.deepEqual([v.tally.succeeded, v.tally.pending, v.tally.tolerated?.length], [2, 0, 1]);
        });

        it("sets aside a tolerated expected target that is also missing, listing it", () => {
            const v = check(tat([["ins-a", "SUCCEEDED"]]), { expectTargets: ["ins-a", "ins-bad"], tolerateFailuresOn: ["ins-bad"] });
            assert.deepEqual(v.tally.tolerated, [{ target: "ins-bad" }]);
            assert.deepEqual([v.tally.total, v.tally.failed, v.tally.missingTargets], [1, 0, []]);
        });

        it("fails a list whose every task was a tolerated failure: nothing was judged (allowEmpty accepts it)", () => {
            const run = tat([["ins-bad", "FAILED"]]);
            const e = gateFailure(() => check(run, { tolerateFailuresOn: ["ins-bad"] }));
            assert.deepEqual(e.verdict.reasons, [
                "every task ran on a tolerated target and none succeeded (ins-bad (FAILED, invt-0)), so nothing was judged; set allowEmpty to accept that",
            ]);
            assert.equal(check(run, { tolerateFailuresOn: ["ins-bad"], allowEmpty: true }).passed, true);
        });
    });

    describe("validation, before any request", () => {
        const TRAITS = sourceDefinition("tatInvocationTasks").traits;
        const failures = (r: GateRequirements) => validateGateSettings(r, undefined, TRAITS);

        it("refuses target requirements on a source whose tasks name no target, naming the field and the sources that take it", () => {
            for (const kind of ["mpsTasks", "bmCmdTasks", "workspaceScriptTasks"] as const) {
                for (const field of ["expectTargets", "tolerateFailuresOn"] as const) {
                    const e = invalid(() => requirementsFor(kind, { [field]: ["x-1"] }));
                    assert.equal(e.field, `require.${field}`);
                    assert.match(
                        e.message,
                        new RegExp(
                            `cannot be checked on ${sourceDefinition(kind).traits.label}: their tasks do not name the target they ran on.*; ${field} works with TAT invocation tasks \\(instances\\) and CPH jobs \\(phones or servers\\)`,
                        ),
                    );
                }
            }
            assert.match(invalid(() => requirementsFor("bmCmdTasks", { expectTargets: ["x"] })).message, /\(they count machines, without naming them\)/);
            assert.match(
                invalid(() => requirementsFor("mpsTasks", { expectTargets: ["x"] })).describe(cliWording(findCliSource("mps"))),
                /--expect-targets works with/,
            );
        });

        it("names the sources that take targets as the registry has them", () => {
            const named = SOURCE_KINDS.filter((k) => sourceDefinition(k).traits.targetIds).map((k) => {
                const t = sourceDefinition(k).traits;
                return `${t.label} (${t.targetIds![1]})`;
            });
            assert.equal(TARGETED_SOURCES, named.join(" and "));
        });

        it("refuses an empty list, a list that is not one, and an id that is not one, by field", () => {
            assert.deepEqual(failures({ expectTargets: [] }), [
                { property: "require.expectTargets", reason: "must list at least one target; omit it to judge the tasks found" },
            ]);
            assert.deepEqual(failures({ tolerateFailuresOn: [] }), [
                { property: "require.tolerateFailuresOn", reason: "must list at least one target; omit it to tolerate none" },
            ]);
            assert.deepEqual(failures({ expectTargets: "ins-a" as never }), [
                { property: "require.expectTargets", reason: 'must be a list of target ids, got "ins-a"' },
            ]);
            assert.deepEqual(failures({ expectTargets: ["ins-a", "ins b", "ins-c"] }), [
                { property: "require.expectTargets[1]", reason: 'must be a target id of 1 to 128 printable ASCII characters without spaces, got "ins b"' },
            ]);
            assert.equal(failures({ expectTargets: ["ins-a", 7 as never] })[0].property, "require.expectTargets[1]");
            const cli = invalid(() => requirementsFor("tatInvocationTasks", { expectTargets: ["ins-a", "\u001b[2J"] }));
            assert.equal(
                cli
                    .describe(cliWording(findCliSource("tat")))
                    .split("\n")[0]
                    .includes("--expect-targets"),
                true,
            );
        });

        it("refuses what contradicts itself: allowEmpty with expectTargets, more successes than targets, tolerating strangers or everyone", () => {
            assert.match(
                failures({ expectTargets: ["ins-a"], allowEmpty: true })[0].reason,
                /^contradicts expectTargets: an expected target with no task counts as failed/,
            );
            assert.deepEqual(failures({ expectTargets: ["ins-a", "ins-a", "ins-b"], minSucceeded: 3 }), [
                { property: "require.minSucceeded", reason: "asks for 3 successes of 2 expected targets, which no run meets" },
            ]);
            assert.deepEqual(failures({ expectTargets: ["ins-a", "ins-b"], tolerateFailuresOn: ["ins-b", "ins-x"] }), [
                {
                    property: "require.tolerateFailuresOn",
                    reason: "names ins-x, which expectTargets does not list: tasks on other targets are not judged, so there is nothing to tolerate; add it to expectTargets or drop it",
                },
            ]);
            assert.match(failures({ expectTargets: ["ins-a"], tolerateFailuresOn: ["ins-a"] })[0].reason, /^tolerates every target of expectTargets/);
            assert.deepEqual(failures({ expectTargets: ["ins-a", "ins-b"], tolerateFailuresOn: ["ins-b"], minSucceeded: 1 }), []);
        });

        it("lets values unknown during preview through (instance ids not created yet)", () => {
            const preview = validateGateSettings(
                { expectTargets: [UNKNOWN, UNKNOWN] as never, tolerateFailuresOn: UNKNOWN as never },
                undefined,
                TRAITS,
                containsUnknown,
            );
            assert.deepEqual(preview, []);
            assert.equal(
                validateGateSettings({ expectTargets: UNKNOWN as never }, undefined, sourceDefinition("mpsTasks").traits, containsUnknown)[0].property,
                "require.expectTargets",
                "a source without targets is refused even before the ids are known",
            );
        });
    });

    describe("where the API filters by time", () => {
        it("Workspace: createdAfter is sent as execute_time_start, to the second, unless the args ask for a later start", () => {
            const req = requirementsFor("workspaceScriptTasks", { createdAfter: "2026-12-01T10:00:00.900Z" });
            assert.deepEqual(readArgs("workspaceScriptTasks", { desktopPoolId: "pool-1" }, req), {
                desktopPoolId: "pool-1",
                executeTimeStart: "2026-12-01T10:00:00Z",
            });
            const later = { desktopPoolId: "pool-1", executeTimeStart: "2026-12-02T00:00:00Z" };
            assert.equal(readArgs("workspaceScriptTasks", later, req), later);
            assert.deepEqual(workspaceSince({ executeTimeStart: "2026-11-01T00:00:00+08:00" }, new Date(T0)), { executeTimeStart: "2026-12-01T10:00:00Z" });
        });

        it("the other APIs take no time filter: the args are read as given", () => {
            const req = requirementsFor("tatInvocationTasks", { createdAfter: T0 });
            const args = { commandId: "cmd-deploy1" };
            assert.equal(readArgs("tatInvocationTasks", args, req), args);
            for (const kind of ["mpsTasks", "bmCmdTasks", "cphJobs"] as const) assert.equal(sourceDefinition(kind).since, undefined, kind);
        });
    });
});
