/**
 * Bare Metal: DescribeUserCmdTasks through the real SDK, and the legacy v2
 * GetUserCmdTaskList through a test-only client (node:crypto signing), over one store.
 */
import { strict as assert } from "node:assert";
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from "../../emulator/server";
import { BM_LEGACY_DOC_ROWS } from "../fixtures/docExamples";
import { legacyCall, rejects, tencentClient } from "./helpers";

interface TcError {
    code?: string;
    message: string;
}

const RUNNING = {
    TaskId: "cmdtask-running1",
    Status: -1,
    Alias: "deploy",
    CmdId: "cmd-deploy01",
    InstanceCount: 5,
    SuccessCount: 2,
    FailureCount: 0,
    RunBeginTime: "2017-10-19 18:10:00",
    RunEndTime: "",
};

describe("emulator: Bare Metal command tasks", () => {
    let emu: Emulator;
    const bm = (opts = {}) => tencentClient(emu, "bm", opts);

    before(async () => {
        emu = await startEmulator({ rateLimits: { bm: 0, bmLegacy: 0 } });
    });
    after(() => emu.close());
    beforeEach(() => {
        emu.reset(["data", "config", "limits"]);
        emu.seed({ bm: [...BM_LEGACY_DOC_ROWS, RUNNING] });
    });

    describe("API 3.0 DescribeUserCmdTasks (real SDK)", () => {
        it("returns numbers and Beijing-time strings, RunEndTime empty while running", async () => {
            const r = await bm().DescribeUserCmdTasks({ Offset: 0, Limit: 10 });
            assert.equal(r.TotalCount, 3);
            assert.deepEqual(r.UserCmdTasks[0], RUNNING, "newest RunBeginTime first (Order defaults to 1)");
            assert.deepEqual(r.UserCmdTasks[1], {
                TaskId: "cmdtask-2yzwn8kr",
                Status: 0,
                Alias: "php_while_true",
                CmdId: "cmd-o9o03bk8",
                InstanceCount: 1,
                SuccessCount: 0,
                FailureCount: 1,
                RunBeginTime: "2017-10-19 18:04:02",
                RunEndTime: "2017-10-19 18:08:09",
            });
        });

        it("orders by each documented field, both directions", async () => {
            const ids = async (OrderField: string, Order: number) =>
                (await bm().DescribeUserCmdTasks({ Offset: 0, Limit: 10, OrderField, Order })).UserCmdTasks.map((t: { TaskId: string }) => t.TaskId);
            assert.deepEqual(await ids("RunBeginTime", 0), ["cmdtask-7e3tarqd", "cmdtask-2yzwn8kr", "cmdtask-running1"]);
            assert.deepEqual(await ids("InstanceCount", 1), ["cmdtask-running1", "cmdtask-7e3tarqd", "cmdtask-2yzwn8kr"]);
            assert.deepEqual(await ids("SuccessCount", 1), ["cmdtask-running1", "cmdtask-7e3tarqd", "cmdtask-2yzwn8kr"]);
            assert.deepEqual(await ids("RunEndTime", 0), ["cmdtask-running1", "cmdtask-7e3tarqd", "cmdtask-2yzwn8kr"], '"" sorts first');
            assert.deepEqual(await ids("FailureCount", 0), ["cmdtask-running1", "cmdtask-2yzwn8kr", "cmdtask-7e3tarqd"]);
        });

        it("pages with Offset/Limit over a large store", async () => {
            emu.generate({ api: "bm", count: 345, seed: 9, statusMix: { SUCCESS: 2, FAILED: 1, RUNNING: 1 } });
            const seen = new Set<string>();
            for (let offset = 0; offset < 348; offset += 100) {
                const r = await bm().DescribeUserCmdTasks({ Offset: offset, Limit: 100, OrderField: "RunBeginTime", Order: 1 });
                assert.equal(r.TotalCount, 348);
                for (const t of r.UserCmdTasks as Array<{ TaskId: string }>) seen.add(t.TaskId);
            }
            assert.equal(seen.size, 348);
        });

        const cases: Array<[string, Record<string, unknown>, string]> = [
            ["no Offset", { Limit: 10 }, "MissingParameter"],
            ["no Limit", { Offset: 0 }, "MissingParameter"],
            ["Limit 101", { Offset: 0, Limit: 101 }, "InvalidParameterValue"],
            ["Limit 0", { Offset: 0, Limit: 0 }, "InvalidParameterValue"],
            ["a negative Offset", { Offset: -5, Limit: 10 }, "InvalidParameterValue"],
            ["OrderField Status (a legacy-only field)", { Offset: 0, Limit: 10, OrderField: "Status" }, "InvalidParameterValue"],
            ["Order 2", { Offset: 0, Limit: 10, Order: 2 }, "InvalidParameterValue"],
            ["an undocumented parameter", { Offset: 0, Limit: 10, Filters: [] }, "UnknownParameter"],
        ];
        for (const [what, params, code] of cases) {
            it(`${what} -> ${code}`, async () => {
                const e = await rejects<TcError>(bm().DescribeUserCmdTasks(params));
                assert.equal(e.code, code, e.message);
            });
        }

        it("requires Region", async () => {
            const e = await rejects<TcError>(bm({ region: null }).DescribeUserCmdTasks({ Offset: 0, Limit: 1 }));
            assert.equal(e.code, "MissingParameter");
        });
    });

    describe("legacy v2 GetUserCmdTaskList (test-only signing client)", () => {
        it("renders the same store the legacy way: the doc example, counts as strings", async () => {
            const r = await legacyCall(emu, { orderBy: "runBeginTime", orderType: 1 });
            assert.equal(r.status, 200);
            assert.deepEqual(r.body, {
                code: 0,
                message: "",
                codeDesc: "Success",
                data: {
                    list: [
                        {
                            taskId: "cmdtask-running1",
                            status: -1,
                            cmdAlias: "deploy",
                            cmdId: "cmd-deploy01",
                            instanceCount: "5",
                            successCount: "2",
                            failureCount: "0",
                            runBeginTime: "2017-10-19 18:10:00",
                            runEndTime: "",
                        },
                        ...BM_LEGACY_DOC_ROWS,
                    ],
                    totalNum: 3,
                },
            });
        });

        it("defaults: offset 0, limit 20, descending; orderType 0 ascends; orderBy status", async () => {
            emu.generate({ api: "bmLegacy", count: 30, seed: 2 });
            const first = await legacyCall(emu, {});
            assert.equal((first.body.data as { list: unknown[] }).list.length, 20);
            assert.equal((first.body.data as { totalNum: number }).totalNum, 33);
            const asc = await legacyCall(emu, { orderType: 0, limit: 3 });
            assert.equal((asc.body.data as { list: Array<{ taskId: string }> }).list[0].taskId, "cmdtask-7e3tarqd");
            const byStatus = await legacyCall(emu, { orderBy: "status", orderType: 0, limit: 1 });
            assert.equal((byStatus.body.data as { list: Array<{ status: number }> }).list[0].status, -1);
        });

        it("answers POST form requests and HmacSHA1 / no-SignatureMethod signatures", async () => {
            assert.equal((await legacyCall(emu, { limit: 1 }, { method: "POST" })).body.code, 0);
            assert.equal((await legacyCall(emu, { limit: 1 }, { signatureMethod: "HmacSHA1" })).body.code, 0);
            assert.equal((await legacyCall(emu, { limit: 1 }, { signatureMethod: null })).body.code, 0);
        });

        it('can send code as the string "0" (quirk legacyCodeAsString)', async () => {
            emu.configure({ quirks: { legacyCodeAsString: true } });
            assert.equal((await legacyCall(emu, { limit: 1 })).body.code, "0");
            assert.equal((await legacyCall(emu, { orderBy: "x" })).body.code, "18021");
        });

        const businessCases: Array<[string, Record<string, string | number>, number, string]> = [
            ["limit 101", { limit: 101 }, 10001, "InvalidParameter"],
            ["limit 0", { limit: 0 }, 10001, "InvalidParameter"],
            ["offset -1", { offset: -1 }, 10001, "InvalidParameter"],
            ["offset abc", { offset: "abc" }, 10001, "InvalidParameter"],
            ["orderBy cmdId", { orderBy: "cmdId" }, 18021, "OrderByInvalid"],
            ["orderType 2", { orderType: 2 }, 18022, "OrderTypeInvalid"],
        ];
        for (const [what, params, code, desc] of businessCases) {
            it(`${what} -> ${code} ${desc}`, async () => {
                const r = await legacyCall(emu, params);
                assert.equal(r.status, 200);
                assert.equal(r.body.code, code);
                assert.equal(r.body.codeDesc, desc);
            });
        }

        it("auth: 4100 bad signature / host without port, 4104 unknown SecretId", async () => {
            assert.equal((await legacyCall(emu, {}, { secretKey: "wrong" })).body.code, 4100);
            assert.equal((await legacyCall(emu, {}, { afterSign: (p) => (p.limit = "5") })).body.code, 4100, "tampered after signing");
            assert.equal((await legacyCall(emu, {}, { secretId: "AKIDNOBODY" })).body.code, 4104);
            // Signed for bm.api.qcloud.com without the port, sent with Host carrying it: mismatch.
            const noPort = await legacyCall(emu, {}, { signHost: "bm.api.qcloud.com" });
            assert.equal(noPort.body.code, 4100);
        });

        it("auth: 4500 on a replayed nonce and on a timestamp more than 2 h off", async () => {
            const ts = Math.floor(Date.now() / 1000);
            assert.equal((await legacyCall(emu, {}, { nonce: 4242, timestamp: ts })).body.code, 0);
            assert.equal((await legacyCall(emu, {}, { nonce: 4242, timestamp: ts })).body.code, 4500);
            assert.equal((await legacyCall(emu, {}, { timestamp: ts - 7201 })).body.code, 4500);
            assert.equal((await legacyCall(emu, {}, { timestamp: ts - 7000 })).body.code, 0);
        });

        it("4000 for missing common params or another action; never echoes secrets", async () => {
            const missing = await legacyCall(emu, {}, { afterSign: (p) => delete p.Nonce });
            assert.equal(missing.body.code, 4000);
            const other = await legacyCall(emu, { Action: "DescribeDevices" });
            assert.equal(other.body.code, 4000);
            const text = JSON.stringify(emu.requests()) + JSON.stringify(missing.body);
            assert.ok(!text.includes(EMULATOR_CREDENTIALS.tencent.secretKey));
            assert.ok(!text.includes("Signature"));
        });
    });
});
