/**
 * TAT DescribeInvocationTasks through the real Tencent SDK client (tencentcloud-sdk-nodejs-common).
 */
import { strict as assert } from "node:assert";
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from "../../emulator/server";
import { TAT_DOC_TASK } from "../fixtures/docExamples";
import { rawRequest, rejects, tencentClient } from "./helpers";

/* eslint-disable @typescript-eslint/no-require-imports */
const TcSign = require("tencentcloud-sdk-nodejs-common/tencentcloud/common/sign").default;
const { CommonClient } = require("tencentcloud-sdk-nodejs-common");
/* eslint-enable @typescript-eslint/no-require-imports */

interface TcError {
    code?: string;
    message: string;
    requestId: string;
    traceId: string;
    httpCode?: number;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("emulator: TAT DescribeInvocationTasks (real SDK)", () => {
    let emu: Emulator;
    let generatedInvocation: string;
    let generatedCommand: string;

    before(async () => {
        emu = await startEmulator({
            rateLimits: { tat: 0 },
            credentials: {
                tencent: [
                    { secretId: EMULATOR_CREDENTIALS.tencent.secretId, secretKey: EMULATOR_CREDENTIALS.tencent.secretKey },
                    { secretId: "AKIDTEMPORARY", secretKey: "temporaryKey", token: "sts-session-token" },
                ],
            },
        });
        emu.seed({ tat: [TAT_DOC_TASK] });
        const [g] = emu.generate({ api: "tat", count: 250, seed: "tat-test", statusMix: { SUCCESS: 3, FAILED: 1, RUNNING: 1 } });
        generatedInvocation = g.groups.invocationId;
        generatedCommand = g.groups.commandId;
    });
    after(() => emu.close());
    afterEach(() => emu.configure({ clockOffsetMs: 0 }));

    const tat = (opts = {}) => tencentClient(emu, "tat", opts);

    it("answers the doc example request with the doc record, verbatim", async () => {
        const r = await tat().DescribeInvocationTasks({
            Offset: 0,
            Limit: 10,
            HideOutput: false,
            Filters: [{ Name: "invocation-id", Values: ["inv-1vll7hda"] }],
        });
        assert.equal(r.TotalCount, 1);
        assert.match(r.RequestId, UUID_RE);
        assert.deepEqual(r.InvocationTaskSet, [TAT_DOC_TASK]);
    });

    it("hides output by default (HideOutput defaults to true)", async () => {
        const r = await tat().DescribeInvocationTasks({ InvocationTaskIds: ["invt-08oe5fe2"] });
        assert.equal(r.InvocationTaskSet[0].TaskResult.Output, "");
        assert.equal(r.InvocationTaskSet[0].CommandDocument.Content, "d2hvYW1p", "only the output is hidden");
    });

    it("selects by InvocationTaskIds, ignoring unknown ids", async () => {
        const r = await tat().DescribeInvocationTasks({ InvocationTaskIds: ["invt-08oe5fe2", "invt-nothere1"] });
        assert.equal(r.TotalCount, 1);
        assert.equal(r.InvocationTaskSet[0].InvocationTaskId, "invt-08oe5fe2");
    });

    it("pages with Offset/Limit in a stable CreatedTime-descending order, short last page", async () => {
        const client = tat();
        const seen: string[] = [];
        const sizes: number[] = [];
        for (let offset = 0; ; offset += 100) {
            const r = await client.DescribeInvocationTasks({ Filters: [{ Name: "invocation-id", Values: [generatedInvocation] }], Offset: offset, Limit: 100 });
            assert.equal(r.TotalCount, 250);
            sizes.push(r.InvocationTaskSet.length);
            seen.push(...r.InvocationTaskSet.map((t: { InvocationTaskId: string }) => t.InvocationTaskId));
            if (r.InvocationTaskSet.length < 100) break;
        }
        assert.deepEqual(sizes, [100, 100, 50]);
        assert.equal(new Set(seen).size, 250);
        const all = await client.DescribeInvocationTasks({ Filters: [{ Name: "command-id", Values: [generatedCommand] }], Limit: 100 });
        const times = all.InvocationTaskSet.map((t: { CreatedTime: string }) => Date.parse(t.CreatedTime));
        assert.equal(times.length, 100);
        assert.deepEqual(
            times,
            [...times].sort((a, b) => b - a),
        );
    });

    it("defaults Limit to 20 and ANDs filters while ORing values", async () => {
        const r = await tat().DescribeInvocationTasks({});
        assert.equal(r.TotalCount, 251);
        assert.equal(r.InvocationTaskSet.length, 20);
        const one = r.InvocationTaskSet[3];
        const both = await tat().DescribeInvocationTasks({
            Filters: [
                { Name: "instance-id", Values: [one.InstanceId, "ins-zj0f57ex"] },
                { Name: "command-id", Values: [generatedCommand] },
            ],
        });
        assert.deepEqual(
            both.InvocationTaskSet.map((t: { InvocationTaskId: string }) => t.InvocationTaskId),
            [one.InvocationTaskId],
        );
    });

    it("serves GET requests (query flattened as Filters.0.Values.0) like POST", async () => {
        const params = { Filters: [{ Name: "invocation-id", Values: [generatedInvocation] }], Offset: 5, Limit: 7, HideOutput: false };
        const viaGet = await tat({ reqMethod: "GET" }).DescribeInvocationTasks(params);
        const viaPost = await tat().DescribeInvocationTasks(params);
        assert.deepEqual(viaGet.InvocationTaskSet, viaPost.InvocationTaskSet);
        assert.equal(viaGet.TotalCount, 250);
    });

    it("accepts v1 HmacSHA256 / HmacSHA1 signing (signMethod in the SDK profile)", async () => {
        for (const signMethod of ["HmacSHA256", "HmacSHA1"] as const) {
            const r = await tat({ signMethod }).DescribeInvocationTasks({ InvocationTaskIds: ["invt-08oe5fe2"] });
            assert.equal(r.TotalCount, 1, signMethod);
        }
        const e = await rejects<TcError>(tat({ signMethod: "HmacSHA256", secretKey: "wrong" }).DescribeInvocationTasks({}));
        assert.equal(e.code, "AuthFailure.SignatureFailure");
    });

    describe("validation errors (HTTP 200 envelopes with the documented codes)", () => {
        const cases: Array<[string, Record<string, unknown>, string]> = [
            [
                "ids and filters together",
                { InvocationTaskIds: ["invt-08oe5fe2"], Filters: [{ Name: "invocation-id", Values: ["inv-1vll7hda"] }] },
                "InvalidParameter.ConflictParameter",
            ],
            ["more than 100 ids", { InvocationTaskIds: Array.from({ length: 101 }, (_, i) => `invt-${String(i).padStart(8, "0")}`) }, "InvalidParameterValue"],
            [
                "more than 10 filters",
                { Filters: Array.from({ length: 11 }, () => ({ Name: "instance-id", Values: ["ins-aaaaaaaa"] })) },
                "InvalidParameterValue",
            ],
            ["more than 5 values", { Filters: [{ Name: "instance-id", Values: Array(6).fill("ins-aaaaaaaa") }] }, "InvalidParameterValue"],
            ["an unknown filter name", { Filters: [{ Name: "task-status", Values: ["SUCCESS"] }] }, "InvalidParameterValue.InvalidFilter"],
            ["a malformed task id", { InvocationTaskIds: ["task-1"] }, "InvalidParameterValue.InvalidInvocationTaskId"],
            ["a malformed task id filter", { Filters: [{ Name: "invocation-task-id", Values: ["inv-1"] }] }, "InvalidParameterValue.InvalidInvocationTaskId"],
            ["a malformed invocation id", { Filters: [{ Name: "invocation-id", Values: ["invt-1"] }] }, "InvalidParameterValue.InvalidInvocationId"],
            ["a malformed instance id", { Filters: [{ Name: "instance-id", Values: ["i-123"] }] }, "InvalidParameterValue.InvalidInstanceId"],
            ["a malformed command id", { Filters: [{ Name: "command-id", Values: ["command-1"] }] }, "InvalidParameterValue.InvalidCommandId"],
            ["a filter without values", { Filters: [{ Name: "command-id", Values: [] }] }, "MissingParameter"],
            ["Limit 0", { Limit: 0 }, "InvalidParameterValue"],
            ["Limit 101", { Limit: 101 }, "InvalidParameterValue"],
            ["a negative Offset", { Offset: -1 }, "InvalidParameterValue"],
            ["a non-numeric Limit", { Limit: "ten" }, "InvalidParameter"],
            ["a non-boolean HideOutput", { HideOutput: "yes" }, "InvalidParameter"],
            ["an undocumented parameter", { Status: "SUCCESS" }, "UnknownParameter"],
        ];
        for (const [what, params, code] of cases) {
            it(`${what} -> ${code}`, async () => {
                const e = await rejects<TcError>(tat().DescribeInvocationTasks(params));
                assert.equal(e.code, code, e.message);
                assert.match(e.requestId, UUID_RE);
                assert.equal(e.httpCode, undefined, "errors are HTTP 200");
            });
        }

        it("a missing Region -> MissingParameter", async () => {
            const e = await rejects<TcError>(tat({ region: null }).DescribeInvocationTasks({}));
            assert.equal(e.code, "MissingParameter");
            assert.match(e.message, /Region/);
        });

        it("a numeric string Limit is accepted, as the gateway coerces it", async () => {
            const r = await tat().DescribeInvocationTasks({ Limit: "3" });
            assert.equal(r.InvocationTaskSet.length, 3);
        });
    });

    describe("routing and authentication as the SDK sees them", () => {
        it("refuses an SDK pointed at 127.0.0.1:PORT: it signs service `127`", async () => {
            const e = await rejects<TcError>(tat({ endpoint: `127.0.0.1:${emu.port}` }).DescribeInvocationTasks({}));
            assert.equal(e.code, "AuthFailure.SignatureFailure");
            assert.match(e.message, /`127` does not match the product `tat`/);
        });

        it("routes a bare-IP Host by X-TC-Action when the scope names the product", async () => {
            const ts = Math.floor(Date.now() / 1000);
            const body = JSON.stringify({ InvocationTaskIds: ["invt-08oe5fe2"] });
            const authorization = TcSign.sign3({
                method: "POST",
                url: `http://127.0.0.1:${emu.port}/`,
                payload: JSON.parse(body),
                timestamp: ts,
                service: "tat",
                secretId: EMULATOR_CREDENTIALS.tencent.secretId,
                secretKey: EMULATOR_CREDENTIALS.tencent.secretKey,
                headers: { "Content-Type": "application/json" },
            });
            const r = await rawRequest(emu, {
                method: "POST",
                path: "/",
                headers: {
                    "Content-Type": "application/json",
                    Authorization: authorization,
                    "X-TC-Action": "DescribeInvocationTasks",
                    "X-TC-Version": "2020-10-28",
                    "X-TC-Timestamp": String(ts),
                    "X-TC-Region": "ap-guangzhou",
                    "X-TC-TraceId": "trace-me-please",
                },
                body,
            });
            assert.equal(r.status, 200);
            assert.equal(r.headers["x-tc-traceid"], "trace-me-please");
            assert.equal(JSON.parse(r.body).Response.TotalCount, 1);
        });

        it("wrong key, unknown SecretId, skipped signing, skewed clock", async () => {
            assert.equal((await rejects<TcError>(tat({ secretKey: "not-the-key" }).DescribeInvocationTasks({}))).code, "AuthFailure.SignatureFailure");
            assert.equal((await rejects<TcError>(tat({ secretId: "AKIDUNKNOWN" }).DescribeInvocationTasks({}))).code, "AuthFailure.SecretIdNotFound");
            const skipped = await rejects<TcError>(tat().request("DescribeInvocationTasks", {}, { skipSign: true }));
            assert.equal(skipped.code, "AuthFailure.InvalidAuthorization", "Authorization: SKIP is not a bypass");
            emu.configure({ clockOffsetMs: 10 * 60_000 });
            const e = await rejects<TcError>(tat().DescribeInvocationTasks({}));
            assert.equal(e.code, "AuthFailure.SignatureExpire");
            assert.ok(e.traceId, "the echoed X-TC-TraceId reaches the SDK error");
        });

        it("temporary credentials need their X-TC-Token", async () => {
            const temp = { secretId: "AKIDTEMPORARY", secretKey: "temporaryKey" };
            assert.equal((await rejects<TcError>(tat(temp).DescribeInvocationTasks({}))).code, "AuthFailure.TokenFailure");
            assert.equal((await rejects<TcError>(tat({ ...temp, token: "stolen" }).DescribeInvocationTasks({}))).code, "AuthFailure.TokenFailure");
            const ok = await tat({ ...temp, token: "sts-session-token" }).DescribeInvocationTasks({ Limit: 1 });
            assert.equal(ok.InvocationTaskSet.length, 1);
        });

        it("unknown actions and versions: InvalidAction, NoSuchVersion", async () => {
            assert.equal((await rejects<TcError>(tat().request("DescribeInstances", {}))).code, "InvalidAction");
            const old = new CommonClient("tat.tencentcloudapi.com", "2019-01-01", {
                credential: { secretId: EMULATOR_CREDENTIALS.tencent.secretId, secretKey: EMULATOR_CREDENTIALS.tencent.secretKey },
                region: "ap-guangzhou",
                profile: { httpProfile: { endpoint: `tat.tencentcloudapi.com:${emu.port}`, protocol: "http://", agent: tat().profile.httpProfile.agent } },
            });
            assert.equal((await rejects<TcError>(old.request("DescribeInvocationTasks", {}))).code, "NoSuchVersion");
            // The host picks the product: an MPS action on the TAT host does not exist there.
            assert.equal((await rejects<TcError>(tat().request("DescribeTasks", { Status: "FINISH" }))).code, "InvalidAction");
        });

        it("never logs secrets: the request log holds ids and params only", async () => {
            await tat().DescribeInvocationTasks({ Limit: 1 });
            const text = JSON.stringify(emu.requests());
            assert.ok(!text.includes(EMULATOR_CREDENTIALS.tencent.secretKey));
            assert.ok(!text.includes("sts-session-token"));
            assert.ok(!/Signature=/.test(text));
            const last = emu.requests({ limit: 1 })[0];
            assert.equal(last.api, "tat");
            assert.equal(last.credential, EMULATOR_CREDENTIALS.tencent.secretId);
            assert.deepEqual(last.params, { Limit: 1 });
        });
    });
});
