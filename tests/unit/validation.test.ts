import { strict as assert } from "node:assert";
import { TaskgateValidationError } from "../../provider/errors";
import { planBmQuery } from "../../provider/sources/bmCmdTasks";
import { planCphQuery } from "../../provider/sources/cphJobs";
import { planMpsQuery } from "../../provider/sources/mpsTasks";
import { planTatQuery } from "../../provider/sources/tatInvocationTasks";
import { planWorkspaceQuery } from "../../provider/sources/workspaceScriptTasks";

/** Asserts a validation error naming `field` whose message matches `re`. */
function rejects(fn: () => unknown, field: string, re: RegExp) {
    assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof TaskgateValidationError, `not a validation error: ${e}`);
        assert.equal(e.field, field);
        assert.match(e.message, re);
        return true;
    });
}

describe("validation before any request", () => {
    describe("TAT", () => {
        it("rejects invocationTaskIds together with filters, naming both", () => {
            rejects(
                () => planTatQuery({ invocationTaskIds: ["invt-aaaaaaaa"], instanceId: "ins-1" }),
                "invocationTaskIds",
                /cannot be combined with the filters \(instanceId\)/,
            );
        });
        it("rejects unknown argument names, listing the allowed ones", () => {
            rejects(
                () => planTatQuery({ instanceIds: ["ins-1"] }),
                "instanceIds",
                /not an argument of this data source; allowed: invocationTaskIds, invocationId, instanceId/,
            );
        });
        it("rejects malformed ids with the expected form", () => {
            rejects(() => planTatQuery({ invocationId: "invt-1" }), "invocationId", /an invocation id such as inv-1vll7hda/);
            rejects(() => planTatQuery({ invocationTaskIds: ["invt-ok1", "bad id"] }), "invocationTaskIds[1]", /identifier/);
            rejects(() => planTatQuery({ commandId: [] }), "commandId", /must not be empty/);
            rejects(() => planTatQuery({ invocationTaskIds: "invt-1" }), "invocationTaskIds", /array/);
        });
        it("rejects maxResults out of range and a non-boolean hideOutput", () => {
            for (const bad of [0, -1, 1.5, "10", Infinity, 1e9]) rejects(() => planTatQuery({ maxResults: bad }), "maxResults", /whole number from 1/);
            rejects(() => planTatQuery({ hideOutput: "false" }), "hideOutput", /true or false/);
        });
        it("batches ids by 100 with HideOutput defaulting to true", () => {
            const ids = Array.from({ length: 250 }, (_, i) => `invt-${String(i).padStart(8, "0")}`);
            const q = planTatQuery({ invocationTaskIds: [...ids, ids[0]] });
            assert.deepEqual(
                q.requests.map((r) => (r.InvocationTaskIds as string[]).length),
                [100, 100, 50],
            );
            assert.equal(q.requests[0].HideOutput, true);
        });
        it("splits filter values 5 per request and combines filters", () => {
            const q = planTatQuery({ instanceId: ["ins-1", "ins-2", "ins-3", "ins-4", "ins-5", "ins-6"], commandId: "cmd-abc", hideOutput: false });
            assert.equal(q.requests.length, 2);
            assert.deepEqual(q.requests[1], {
                HideOutput: false,
                Filters: [
                    { Name: "instance-id", Values: ["ins-6"] },
                    { Name: "command-id", Values: ["cmd-abc"] },
                ],
            });
        });
        it("refuses filter combinations beyond 200 requests", () => {
            const many = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}-${i}`);
            rejects(() => planTatQuery({ instanceId: many("ins", 100), invocationId: many("inv", 60) }), "instanceId", /more than 200 requests/);
        });
    });

    it("MPS: status must be one of the three; all three by default", () => {
        assert.deepEqual(planMpsQuery({}).statuses, ["WAITING", "PROCESSING", "FINISH"]);
        assert.deepEqual(planMpsQuery({ status: ["FINISH", "FINISH"] }).statuses, ["FINISH"]);
        rejects(() => planMpsQuery({ status: "DONE" }), "status", /one of WAITING, PROCESSING, FINISH/);
        rejects(() => planMpsQuery({ status: [] }), "status", /must not be empty/);
    });

    it("BM: sort fields depend on the API version", () => {
        assert.equal(planBmQuery({}).api, "2018-04-23");
        assert.equal(planBmQuery({ api: "legacy", orderBy: "status" }).orderBy, "status");
        rejects(() => planBmQuery({ orderBy: "status" }), "orderBy", /one of runBeginTime, runEndTime, instanceCount, successCount, failureCount/);
        rejects(() => planBmQuery({ api: "legacy", orderBy: "successCount" }), "orderBy", /one of runBeginTime, runEndTime, status/);
        rejects(() => planBmQuery({ api: "v2" }), "api", /one of 2018-04-23, legacy/);
        rejects(() => planBmQuery({ order: "descending" }), "order", /one of asc, desc/);
        rejects(() => planBmQuery({ signatureMethod: "HmacSHA1" }), "signatureMethod", /legacy API only/);
    });

    it("CPH: a request id is required; requestIds are batched by 20", () => {
        rejects(() => planCphQuery({}), "requestId", /is required/);
        rejects(() => planCphQuery({ requestId: "a,b" }), "requestId", /request id of letters/);
        rejects(() => planCphQuery({ requestId: ["a"] }), "requestId", /for several use requestIds/);
        assert.deepEqual(planCphQuery({ requestId: "r1", requestIds: ["r1", "r2"] }).requestIds, ["r1", "r2"]);
    });

    it("Workspace: enums, dates and their order are checked", () => {
        rejects(() => planWorkspaceQuery({ status: "FINISH" }), "status", /one of SUCCESS, FAILED, RUNNING, WAITING/);
        rejects(() => planWorkspaceQuery({ taskType: "BATCH" }), "taskType", /one of SCRIPT, COMMAND/);
        rejects(() => planWorkspaceQuery({ executeTimeStart: "2021-10-01" }), "executeTimeStart", /ISO-8601 time with a zone/);
        rejects(() => planWorkspaceQuery({ executeTimeStart: new Date("nope") }), "executeTimeStart", /ISO-8601/);
        rejects(
            () => planWorkspaceQuery({ executeTimeStart: "2021-10-02T00:00:00Z", executeTimeEnd: "2021-10-01T00:00:00Z" }),
            "executeTimeStart",
            /must not be after executeTimeEnd/,
        );
        rejects(() => planWorkspaceQuery({ scriptName: "a\u0000b" }), "scriptName", /control characters/);
        const q = planWorkspaceQuery({ status: "SUCCESS", executeTimeStart: new Date("2021-10-01T20:00:00+08:00"), taskIds: ["t1", "t2"] });
        assert.deepEqual(q.requests, [{ status: "SUCCESS", execute_time_start: "2021-10-01T12:00:00Z", task_id: ["t1", "t2"] }]);
    });
});
