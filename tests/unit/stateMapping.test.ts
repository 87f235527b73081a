import { strict as assert } from "node:assert";
import { bmTaskState, mapBmLegacyTask, mapBmTask } from "../../provider/sources/bmCmdTasks";
import { cphJobState, mapCphJob } from "../../provider/sources/cphJobs";
import { mapMpsTask, mpsTaskState } from "../../provider/sources/mpsTasks";
import { mapTatTask, tatTaskState } from "../../provider/sources/tatInvocationTasks";
import { mapWorkspaceTask, workspaceTaskState, workspaceTargets } from "../../provider/sources/workspaceScriptTasks";
import { summarize } from "../../provider/summary";
import { BM_LEGACY_DOC_ROWS, BM_LEGACY_DOC_TASK, CPH_DOC_JOBS, TAT_DOC_TASK } from "../fixtures/docExamples";

describe("state mapping (design.md section 2)", () => {
    it("TAT: every documented status, and unknown ones never succeed", () => {
        const table: Record<string, string> = {
            PENDING: "PENDING",
            DELIVERING: "PENDING",
            DELIVER_DELAYED: "PENDING",
            RUNNING: "RUNNING",
            CANCELLING: "RUNNING",
            SUCCESS: "SUCCEEDED",
            FAILED: "FAILED",
            DELIVER_FAILED: "FAILED",
            START_FAILED: "FAILED",
            TIMEOUT: "TIMED_OUT",
            TASK_TIMEOUT: "TIMED_OUT",
            CANCELLED: "CANCELLED",
            TERMINATED: "CANCELLED",
        };
        for (const [raw, state] of Object.entries(table)) assert.equal(tatTaskState(raw), state, raw);
        for (const odd of ["success", "SUCCEEDED", "", undefined, null, 1, "__proto__", "constructor"]) assert.equal(tatTaskState(odd), "UNKNOWN", String(odd));
    });

    it("MPS: the listing status maps to PENDING/RUNNING/FINISHED", () => {
        assert.equal(mpsTaskState("WAITING"), "PENDING");
        assert.equal(mpsTaskState("PROCESSING"), "RUNNING");
        assert.equal(mpsTaskState("FINISH"), "FINISHED");
        assert.equal(mpsTaskState("DONE"), "UNKNOWN");
    });

    it("BM: -1 running; 0 succeeded only without failures; anything else unknown", () => {
        assert.equal(bmTaskState(-1, 0), "RUNNING");
        assert.equal(bmTaskState(0, 0), "SUCCEEDED");
        assert.equal(bmTaskState(0, 2), "FAILED");
        assert.equal(bmTaskState(0, undefined), "UNKNOWN");
        assert.equal(bmTaskState(3, 0), "UNKNOWN");
        assert.equal(bmTaskState(undefined, 0), "UNKNOWN");
    });

    it("CPH: 1 running, 2 succeeded, -1 failed", () => {
        assert.equal(cphJobState(1), "RUNNING");
        assert.equal(cphJobState(2), "SUCCEEDED");
        assert.equal(cphJobState(-1), "FAILED");
        assert.equal(cphJobState("2"), "SUCCEEDED");
        assert.equal(cphJobState(0), "UNKNOWN");
    });

    it("Workspace: both the filter and the response vocabularies", () => {
        assert.equal(workspaceTaskState("WAITING"), "PENDING");
        assert.equal(workspaceTaskState("INIT"), "PENDING");
        assert.equal(workspaceTaskState("RUNNING"), "RUNNING");
        assert.equal(workspaceTaskState("SUCCESS"), "SUCCEEDED");
        assert.equal(workspaceTaskState("FINISH"), "SUCCEEDED");
        assert.equal(workspaceTaskState("FAILED"), "FAILED");
        assert.equal(workspaceTaskState("PARTIAL"), "UNKNOWN");
    });
});

describe("record mapping", () => {
    it("maps the TAT doc example, decoding output and command content", () => {
        const raw = TAT_DOC_TASK;
        const t = mapTatTask(raw, false)!;
        assert.equal(t.state, "SUCCEEDED");
        assert.equal(t.taskStatus, "SUCCESS");
        assert.equal(t.taskResult?.output, "root\n");
        assert.equal(t.taskResult?.outputBase64, "cm9vdAo=");
        assert.equal(t.taskResult?.exitCode, 0);
        assert.equal(t.taskResult?.execEndTime, "2020-11-05T07:50:04.000Z");
        assert.equal(t.commandDocument?.content, "whoami");
        assert.equal(t.commandDocument?.outputCosKeyPrefix, "datalog");
        assert.equal(t.errorInfo, undefined);
        assert.equal(t.createdTime, "2020-11-05T07:49:56.000Z");
        // With hideOutput the API sends "", which must not read as "the command printed nothing".
        assert.equal(mapTatTask({ ...raw, TaskResult: { ...raw.TaskResult, Output: "" } }, true)!.taskResult?.output, undefined);
    });

    it("maps the MPS examples, turning zero dates into undefined", () => {
        const t = mapMpsTask(
            {
                TaskId: "taskId7",
                TaskType: "WorkflowTask",
                SubTaskTypes: ["action-trans"],
                CreateTime: "2018-12-27T13:57:15Z",
                BeginProcessTime: "2018-12-27T13:57:15Z",
                FinishTime: "0000-00-00T00:00:00Z",
            },
            "PROCESSING",
        )!;
        assert.deepEqual(t, {
            taskId: "taskId7",
            taskType: "WorkflowTask",
            status: "PROCESSING",
            state: "RUNNING",
            createTime: "2018-12-27T13:57:15.000Z",
            beginProcessTime: "2018-12-27T13:57:15.000Z",
            finishTime: undefined,
            subTaskTypes: ["action-trans"],
        });
    });

    it("maps the legacy BM example: string counts to numbers, Beijing times to UTC", () => {
        assert.deepEqual(mapBmLegacyTask(BM_LEGACY_DOC_ROWS[0]), BM_LEGACY_DOC_TASK);
    });

    it("maps a running API 3.0 BM task with an empty RunEndTime", () => {
        const t = mapBmTask({
            TaskId: "cmdtask-1",
            Status: -1,
            Alias: "a",
            CmdId: "cmd-1",
            InstanceCount: 3,
            SuccessCount: 1,
            FailureCount: 0,
            RunBeginTime: "2018-09-20 17:42:21",
            RunEndTime: "",
        })!;
        assert.equal(t.state, "RUNNING");
        assert.equal(t.runBeginTime, "2018-09-20T09:42:21.000Z");
        assert.equal(t.runEndTime, undefined);
    });

    it("maps the CPH doc example; empty error fields become undefined", () => {
        const [failed, ok] = CPH_DOC_JOBS.map((r) => mapCphJob(r)!);
        assert.equal(failed.state, "FAILED");
        assert.equal(failed.errorCode, "CPS0005");
        assert.equal(ok.state, "SUCCEEDED");
        assert.equal(ok.errorCode, undefined);
        assert.equal(ok.endTime, "2017-10-25T00:00:32.000Z");
    });

    it("maps a Workspace task and its per-desktop counts", () => {
        const t = mapWorkspaceTask({
            id: "t1",
            desktop_pool_id: "p1",
            scripts: [{ id: "s1", name: "n" }, null],
            status: "FINISH",
            success_num: 8,
            failed_num: 1,
            skip_num: 1,
            start_time: "2021-10-01T12:00:00Z",
            end_time: "",
        })!;
        assert.equal(t.state, "SUCCEEDED");
        assert.deepEqual(t.scripts, [{ id: "s1", name: "n" }]);
        assert.equal(t.endTime, undefined);
        assert.deepEqual(workspaceTargets(t), { total: 10, succeeded: 8, failed: 1, skipped: 1 });
    });

    it("returns undefined for records without their id, whatever else they hold", () => {
        assert.equal(mapTatTask({ TaskStatus: "SUCCESS" }, true), undefined);
        assert.equal(mapMpsTask(null, "FINISH"), undefined);
        assert.equal(mapBmTask("x"), undefined);
        assert.equal(mapCphJob([]), undefined);
        assert.equal(mapWorkspaceTask({ id: "" }), undefined);
    });
});

describe("summarize", () => {
    it("counts by state; done only when nothing is pending, running or unknown", () => {
        const s = summarize([{ state: "SUCCEEDED" }, { state: "FAILED" }, { state: "TIMED_OUT" }, { state: "CANCELLED" }, { state: "FINISHED" }] as const);
        assert.deepEqual(s, { total: 5, pending: 0, running: 0, succeeded: 1, failed: 1, cancelled: 1, timedOut: 1, finished: 1, unknown: 0, done: true });
        assert.equal(summarize([{ state: "UNKNOWN" }] as const).done, false);
        assert.equal(summarize([{ state: "PENDING" }] as const).done, false);
        assert.equal(summarize([]).done, true);
    });

    it("adds targets where the API reports them", () => {
        const s = summarize(
            [
                { state: "SUCCEEDED", n: 3 },
                { state: "FAILED", n: 2 },
            ] as const,
            (t) => ({ total: t.n, succeeded: t.n - 1, failed: 1, skipped: 0 }),
        );
        assert.deepEqual(s.targets, { total: 5, succeeded: 3, failed: 2, skipped: 0 });
    });
});
