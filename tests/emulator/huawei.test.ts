/**
 * Huawei CPH ListJobs and Workspace script execution tasks through the real
 * @huaweicloud/huaweicloud-sdk-core client (HcClient.sendRequest, as the generated
 * CphClient/WorkspaceClient call it), plus IAM-token calls over raw HTTP.
 */
import { strict as assert } from "node:assert";
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from "../../emulator/server";
import { CPH_DOC_JOBS } from "../fixtures/docExamples";
import { CPH_JOBS, huaweiClient, huaweiGet, rawRequest, rejects, WORKSPACE_TASKS } from "./helpers";

interface HwError {
    name: string;
    httpStatusCode: number;
    errorCode?: string;
    errorMsg?: string;
    requestId?: string;
}

const PID = EMULATOR_CREDENTIALS.huawei.projectId;
const DOC_REQUEST = "6837531fd3f54550927b930180a706bf";
const HEX32 = /^[0-9a-f]{32}$/;

const WS_TASKS = [
    {
        id: "task-finished",
        desktop_pool_id: "pool-a",
        desktop_pool_name: "Pool A",
        scripts: [{ id: "script-1", name: "a'b(c)*! é" }],
        command_content: "",
        command_type: "",
        start_time: "2021-10-01T12:00:00Z",
        end_time: "2021-10-01T12:05:00Z",
        status: "FINISH",
        success_num: 3,
        failed_num: 0,
        skip_num: 1,
    },
    {
        id: "task-failed",
        desktop_pool_id: "pool-a",
        scripts: [{ id: "script-2", name: "other" }],
        start_time: "2021-10-02T12:00:00Z",
        status: "FAILED",
        failed_num: 2,
    },
    {
        id: "task-running",
        desktop_pool_id: "pool-b",
        command_content: "Get-Date",
        command_type: "POWERSHELL",
        start_time: "2021-10-03T12:00:00Z",
        status: "RUNNING",
    },
    { id: "task-waiting", desktop_pool_id: "pool-b", command_content: "Get-Date", command_type: "POWERSHELL", status: "INIT" },
];

describe("emulator: Huawei CPH and Workspace (real SDK)", () => {
    let emu: Emulator;
    let hc: ReturnType<typeof huaweiClient>;

    before(async () => {
        emu = await startEmulator({
            rateLimits: { cph: 0, workspace: 0 },
            credentials: {
                huawei: [
                    { accessKey: EMULATOR_CREDENTIALS.huawei.accessKey, secretKey: EMULATOR_CREDENTIALS.huawei.secretKey },
                    { accessKey: "HWTEMPORARYAK", secretKey: "temporarySk", securityToken: "hw-security-token" },
                ],
            },
        });
        hc = huaweiClient(emu);
    });
    after(() => emu.close());
    beforeEach(() => {
        emu.reset(["data", "config"]);
        emu.seed({ cph: CPH_DOC_JOBS.map((j) => ({ ...j, request_id: DOC_REQUEST })), workspace: WS_TASKS });
    });

    describe("CPH ListJobs", () => {
        it("answers the doc example: this call's request_id, the jobs, no total", async () => {
            const r = await huaweiGet(hc, CPH_JOBS, { request_id: DOC_REQUEST });
            assert.match(String(r.request_id), HEX32);
            assert.notEqual(r.request_id, DOC_REQUEST, "request_id identifies this API call");
            assert.deepEqual(r.jobs, CPH_DOC_JOBS);
            assert.deepEqual(Object.keys(r).sort(), ["httpStatusCode", "jobs", "request_id"]);
        });

        it("request_ids (comma-separated) wins over request_id; groups follow the given order", async () => {
            const [g] = emu.generate({ api: "cph", count: 3, requestId: "req-two" });
            const r = await huaweiGet(hc, CPH_JOBS, { request_id: "ignored", request_ids: `req-two,${DOC_REQUEST},unknown` });
            const ids = (r.jobs as Array<{ job_id: string }>).map((j) => j.job_id);
            assert.deepEqual(ids, [...g.ids, ...CPH_DOC_JOBS.map((j) => j.job_id)]);
        });

        it("pages with offset/limit (default limit 100) until a short page; past the end is empty", async () => {
            emu.generate({ api: "cph", count: 250, requestId: "bulk", seed: 5 });
            const sizes: number[] = [];
            const seen = new Set<string>();
            for (let offset = 0; ; offset += 100) {
                const r = await huaweiGet(hc, CPH_JOBS, { request_id: "bulk", offset });
                const jobs = r.jobs as Array<{ job_id: string }>;
                sizes.push(jobs.length);
                for (const j of jobs) seen.add(j.job_id);
                if (jobs.length < 100) break;
            }
            assert.deepEqual(sizes, [100, 100, 50]);
            assert.equal(seen.size, 250);
            assert.deepEqual((await huaweiGet(hc, CPH_JOBS, { request_id: "bulk", offset: 250 })).jobs, []);
            assert.equal(((await huaweiGet(hc, CPH_JOBS, { request_id: "bulk", offset: 240, limit: 5 })).jobs as unknown[]).length, 5);
        });

        const cases: Array<[string, Record<string, unknown>, string]> = [
            ["no request id", {}, "CPS.0049"],
            ["an empty request_id", { request_id: "" }, "CPS.0049"],
            ["21 request ids", { request_ids: Array.from({ length: 21 }, (_, i) => `r${i}`).join(",") }, "CPS.0161"],
            ["limit 0", { request_id: DOC_REQUEST, limit: 0 }, "CPS.0002"],
            ["limit 101", { request_id: DOC_REQUEST, limit: 101 }, "CPS.0002"],
            ["offset -1", { request_id: DOC_REQUEST, offset: -1 }, "CPS.0002"],
            ["limit abc", { request_id: DOC_REQUEST, limit: "abc" }, "CPS.0002"],
            ["an id with no jobs", { request_id: "0000" }, "CPS.0011"],
        ];
        for (const [what, query, code] of cases) {
            it(`${what} -> 400 ${code}`, async () => {
                const e = await rejects<HwError>(huaweiGet(hc, CPH_JOBS, query));
                assert.equal(e.name, "ClientRequestException");
                assert.equal(e.httpStatusCode, 400);
                assert.equal(e.errorCode, code);
                assert.match(String(e.requestId), HEX32, "requestId comes from the X-Request-Id header");
            });
        }

        it("says CPS.0011 Job not found. verbatim, with request_id in the body", async () => {
            const r = await rawRequest(emu, {
                path: `/v1/${PID}/cloud-phone/jobs?request_id=none`,
                headers: { "X-Auth-Token": EMULATOR_CREDENTIALS.huawei.authToken },
            });
            assert.equal(r.status, 400);
            const body = JSON.parse(r.body);
            assert.deepEqual(body, { error_code: "CPS.0011", error_msg: "Job not found.", request_id: r.headers["x-request-id"] });
        });
    });

    describe("Workspace script execution tasks", () => {
        const ids = (r: Record<string, unknown>) => (r.script_execution_tasks as Array<{ id: string }>).map((t) => t.id);

        it("lists every task, not-yet-started first then newest start, with total_count", async () => {
            const r = await huaweiGet(hc, WORKSPACE_TASKS);
            assert.equal(r.total_count, 4);
            assert.deepEqual(ids(r), ["task-waiting", "task-running", "task-failed", "task-finished"]);
            const finished = (r.script_execution_tasks as Array<Record<string, unknown>>)[3];
            assert.deepEqual(finished, WS_TASKS[0]);
        });

        it("maps the filter vocabulary: SUCCESS -> FINISH, WAITING -> INIT", async () => {
            assert.deepEqual(ids(await huaweiGet(hc, WORKSPACE_TASKS, { status: "SUCCESS" })), ["task-finished"]);
            assert.deepEqual(ids(await huaweiGet(hc, WORKSPACE_TASKS, { status: "WAITING" })), ["task-waiting"]);
            assert.deepEqual(ids(await huaweiGet(hc, WORKSPACE_TASKS, { status: "FAILED" })), ["task-failed"]);
        });

        it("filters by pool, script id, script name (odd characters), task type, time range and task_id[]", async () => {
            assert.deepEqual(ids(await huaweiGet(hc, WORKSPACE_TASKS, { desktop_pool_id: "pool-b" })), ["task-waiting", "task-running"]);
            assert.deepEqual(ids(await huaweiGet(hc, WORKSPACE_TASKS, { script_id: "script-2" })), ["task-failed"]);
            assert.deepEqual(ids(await huaweiGet(hc, WORKSPACE_TASKS, { script_name: "a'b(c)*! é" })), ["task-finished"]);
            assert.deepEqual(ids(await huaweiGet(hc, WORKSPACE_TASKS, { task_type: "COMMAND" })), ["task-waiting", "task-running"]);
            assert.deepEqual(
                ids(await huaweiGet(hc, WORKSPACE_TASKS, { execute_time_start: "2021-10-01T12:00:00Z", execute_time_end: "2021-10-02T12:00:00Z" })),
                ["task-failed", "task-finished"],
            );
            assert.deepEqual(ids(await huaweiGet(hc, WORKSPACE_TASKS, { task_id: ["task-running", "task-finished"] })), ["task-running", "task-finished"]);
        });

        it("pages with offset/limit (default 10; 0 allowed)", async () => {
            emu.generate({ api: "workspace", count: 25, desktopPoolId: "pool-gen" });
            const first = await huaweiGet(hc, WORKSPACE_TASKS, { desktop_pool_id: "pool-gen" });
            assert.equal((first.script_execution_tasks as unknown[]).length, 10);
            assert.equal(first.total_count, 25);
            const last = await huaweiGet(hc, WORKSPACE_TASKS, { desktop_pool_id: "pool-gen", offset: 20, limit: 100 });
            assert.equal((last.script_execution_tasks as unknown[]).length, 5);
            const none = await huaweiGet(hc, WORKSPACE_TASKS, { limit: 0 });
            assert.deepEqual(none.script_execution_tasks, []);
            assert.equal(none.total_count, 29);
        });

        const cases: Array<[string, Record<string, unknown>]> = [
            ["limit 101", { limit: 101 }],
            ["offset -1", { offset: -1 }],
            ["status FINISH (response vocabulary)", { status: "FINISH" }],
            ["task_type SHELL", { task_type: "SHELL" }],
            ["a time with milliseconds", { execute_time_start: "2021-10-01T12:00:00.000Z" }],
            ["a time with an offset", { execute_time_end: "2021-10-01T12:00:00+08:00" }],
        ];
        for (const [what, query] of cases) {
            it(`${what} -> 400 WKS.0002 naming the parameter`, async () => {
                const e = await rejects<HwError>(huaweiGet(hc, WORKSPACE_TASKS, query));
                assert.equal(e.httpStatusCode, 400);
                assert.equal(e.errorCode, "WKS.0002");
                const r = await rawRequest(emu, {
                    path: `/v2/${PID}/desktop-pools/script-execution-tasks/detail?${new URLSearchParams(query as Record<string, string>)}`,
                    headers: { "X-Auth-Token": EMULATOR_CREDENTIALS.huawei.authToken },
                });
                const body = JSON.parse(r.body);
                assert.equal(body.error_code, "WKS.0002");
                assert.match(body.error_detail, new RegExp(`^${Object.keys(query)[0]}:`));
            });
        }
    });

    describe("API gateway: authentication, project, routing", () => {
        it("401 APIGW.0301 for a wrong SK or an unknown AK", async () => {
            const bad = await rejects<HwError>(huaweiGet(huaweiClient(emu, { secretKey: "wrong" }), CPH_JOBS, { request_id: DOC_REQUEST }));
            assert.equal(bad.httpStatusCode, 401);
            assert.equal(bad.errorCode, "APIGW.0301");
            const unknown = await rejects<HwError>(huaweiGet(huaweiClient(emu, { accessKey: "HWNOBODY" }), CPH_JOBS, { request_id: DOC_REQUEST }));
            assert.equal(unknown.errorCode, "APIGW.0301");
            assert.match(String(unknown.errorMsg), /ak not exist/);
        });

        it("401 APIGW.0303 when X-Sdk-Date is more than 15 minutes off", async () => {
            emu.configure({ clockOffsetMs: -16 * 60_000 });
            const e = await rejects<HwError>(huaweiGet(hc, CPH_JOBS, { request_id: DOC_REQUEST }));
            assert.equal(e.httpStatusCode, 401);
            assert.equal(e.errorCode, "APIGW.0303");
            emu.configure({ clockOffsetMs: -14 * 60_000 });
            assert.ok(await huaweiGet(hc, CPH_JOBS, { request_id: DOC_REQUEST }));
        });

        it("temporary AK/SK need their X-Security-Token", async () => {
            const temp = { accessKey: "HWTEMPORARYAK", secretKey: "temporarySk" };
            const e = await rejects<HwError>(huaweiGet(huaweiClient(emu, temp), CPH_JOBS, { request_id: DOC_REQUEST }));
            assert.equal(e.errorCode, "APIGW.0301");
            const ok = await huaweiGet(huaweiClient(emu, { ...temp, securityToken: "hw-security-token" }), CPH_JOBS, { request_id: DOC_REQUEST });
            assert.equal((ok.jobs as unknown[]).length, 2);
        });

        it("403 APIGW.0302 when X-Project-Id is not the path's project", async () => {
            const e = await rejects<HwError>(huaweiGet(hc, "/v1/ffffffffffffffffffffffffffffffff/cloud-phone/jobs", { request_id: DOC_REQUEST }));
            assert.equal(e.httpStatusCode, 403);
            assert.equal(e.errorCode, "APIGW.0302");
        });

        it("IAM tokens: accepted for their project, 403 for another, 401 when unknown or absent", async () => {
            const get = (project: string, headers: Record<string, string>) =>
                rawRequest(emu, { path: `/v1/${project}/cloud-phone/jobs?request_id=${DOC_REQUEST}`, headers });
            const token = { "X-Auth-Token": EMULATOR_CREDENTIALS.huawei.authToken };
            const ok = await get(PID, token);
            assert.equal(ok.status, 200);
            assert.match(String(ok.headers["x-request-id"]), HEX32);
            assert.equal(JSON.parse(ok.body).request_id, ok.headers["x-request-id"]);
            const other = await get("ffffffffffffffffffffffffffffffff", token);
            assert.equal(other.status, 403);
            assert.equal(JSON.parse(other.body).error_code, "APIGW.0302");
            const unknown = await get(PID, { "X-Auth-Token": "forged" });
            assert.equal(unknown.status, 401);
            assert.match(JSON.parse(unknown.body).error_msg, /decrypt token fail/);
            const none = await get(PID, {});
            assert.equal(none.status, 401);
            assert.ok(none.headers["x-request-id"], "X-Request-Id on every response");
            assert.ok(!JSON.stringify(emu.requests()).includes(EMULATOR_CREDENTIALS.huawei.authToken), "tokens are never logged");
        });

        it("404 APIGW.0101 for unknown paths and methods", async () => {
            const e = await rejects<HwError>(huaweiGet(hc, "/v1/{project_id}/cloud-phone/phones"));
            assert.equal(e.httpStatusCode, 404);
            assert.equal(e.errorCode, "APIGW.0101");
            const post = await rawRequest(emu, {
                method: "POST",
                path: `/v1/${PID}/cloud-phone/jobs`,
                headers: { "X-Auth-Token": EMULATOR_CREDENTIALS.huawei.authToken },
            });
            assert.equal(post.status, 404);
            assert.equal(JSON.parse(post.body).error_code, "APIGW.0101");
            assert.ok(post.headers["x-request-id"]);
        });
    });
});
