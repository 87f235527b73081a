/**
 * Counts of one read "1 task", not "1 tasks" or "1 task(s)", wherever a message counts: the
 * command line's counts line, a failing task's targets, the report's cut text, validation values.
 * (Gate messages are tested in gateRules.test.ts, progress lines in tests/cli/progress.test.ts.)
 */
import { strict as assert } from "node:assert";
import { countsLine } from "../../cli/format";
import { requestTimedOut, TaskgateCloudError, TaskgateValidationError } from "../../provider/errors";
import { DEFAULT_RETRY, withRetry } from "../../provider/retry";
import { silentLogger } from "../../provider/types";
import { taskListResult } from "../../provider/result";
import { sourceNoun } from "../../provider/sources";
import { bmFailedTask, mapBmTask } from "../../provider/sources/bmCmdTasks";
import { planCphQuery } from "../../provider/sources/cphJobs";
import { mapWorkspaceTask, workspaceFailedTask } from "../../provider/sources/workspaceScriptTasks";
import { summarize } from "../../provider/summary";
import type { TaskState } from "../../provider/types";
import { clip, plural } from "../../report/html";

function result(states: TaskState[]) {
    const tasks = states.map((state, i) => ({ id: `t${i}`, state }));
    return taskListResult({ cloud: "tencentcloud", api: "tat", region: "ap-guangzhou", query: {} }, tasks, tasks.length, summarize(tasks), []);
}

describe("plurals in messages", () => {
    it("the command line's counts line", () => {
        assert.equal(countsLine(sourceNoun("tatInvocationTasks"), result(["SUCCEEDED"])), "1 TAT invocation task: 1 succeeded; all done");
        assert.equal(countsLine(sourceNoun("cphJobs"), result(["UNKNOWN"])), "1 CPH job: 1 in an unknown state; not done");
        assert.equal(
            countsLine(sourceNoun("cphJobs"), result(["UNKNOWN", "FAILED"])),
            "2 CPH jobs: 1 failed, timed out or cancelled, 1 in an unknown state; not done",
        );
        assert.equal(countsLine(sourceNoun("mpsTasks"), result([])), "0 MPS tasks; all done");
    });

    it("a failing task's targets (Bare Metal machines, Workspace desktops)", () => {
        const bm = mapBmTask({ TaskId: "cmdtask-1", Status: 0, InstanceCount: 1, SuccessCount: 0, FailureCount: 1 })!;
        assert.equal(bmFailedTask(bm).target, "1 of 1 machine failed");
        assert.equal(bmFailedTask({ ...bm, instanceCount: 4 }).target, "1 of 4 machines failed");
        assert.equal(bmFailedTask({ ...bm, instanceCount: undefined, failureCount: undefined }).target, "? of ? machines failed");
        const ws = mapWorkspaceTask({ id: "w1", status: "FINISH", success_num: 1, failed_num: 1, skip_num: 0 })!;
        assert.equal(workspaceFailedTask(ws).errorMessage, "1 desktop failed, 0 skipped, 1 succeeded");
        assert.equal(workspaceFailedTask({ ...ws, failedNum: 2 }).errorMessage, "2 desktops failed, 0 skipped, 1 succeeded");
    });

    it("the report's counts and cut text, thousands grouped", () => {
        assert.equal(plural(1, "request id", "request ids"), "1 request id");
        assert.equal(plural(1200, "task", "tasks"), "1,200 tasks");
        assert.equal(clip("abcd", 3), "abc… (1 more character)");
        assert.equal(clip("abcde", 3), "abc… (2 more characters)");
    });

    it("a validation error's value", () => {
        assert.throws(
            () => planCphQuery({ requestId: ["a"] }),
            (e: unknown) => e instanceof TaskgateValidationError && e.value === "1 id",
        );
        assert.throws(
            () => planCphQuery({ requestId: ["a", "b"] }),
            (e: unknown) => e instanceof TaskgateValidationError && e.value === "2 ids",
        );
    });
});

describe("counts and times in read errors", () => {
    const ctx = { policy: { ...DEFAULT_RETRY, maxAttempts: 2 }, deadline: Infinity, log: silentLogger, random: () => 0 };
    const transient = () =>
        new TaskgateCloudError({
            cloud: "tencentcloud",
            api: "tat",
            operation: "DescribeInvocationTasks",
            code: "InternalError",
            message: "m",
            kind: "transient",
        });

    it("a request that timed out says so in seconds, rounded as a person reads them", () => {
        assert.equal(requestTimedOut("tencentcloud", "tat", "DescribeInvocationTasks", 29_998.7).cloudMessage, "no complete answer within 30 s");
        assert.equal(requestTimedOut("huaweicloud", "cph", "ListJobs", 2_449.6).cloudMessage, "no complete answer within 2.4 s");
        assert.equal(requestTimedOut("huaweicloud", "cph", "ListJobs", 400).cloudMessage, "no complete answer within 0.4 s");
    });

    it("a retry that runs out of time counts its attempts in words: 1 attempt, 2 attempts", async () => {
        await assert.rejects(
            withRetry("page", { ...ctx, deadline: performance.now() - 1 }, async () => {
                throw transient();
            }),
            /\(1 attempt\); last error/,
        );
        // The deadline passes during the second attempt (the retry reads it before each backoff).
        const c = { ...ctx, policy: { ...ctx.policy, maxAttempts: 3, baseDelayMs: 1 }, deadline: performance.now() + 60_000 };
        let n = 0;
        await assert.rejects(
            withRetry("page", c, async () => {
                if (++n === 2) c.deadline = 0;
                throw transient();
            }),
            /\(2 attempts\); last error/,
        );
        assert.equal(n, 2);
    });
});
