/**
 * Rate limits, scripted faults and latency, as the real SDKs see them.
 */
import { strict as assert } from "node:assert";
import { performance } from "node:perf_hooks";
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from "../../emulator/server";
import type { ApiId } from "../../emulator/types";
import { CPH_JOBS, huaweiClient, huaweiGet, legacyCall, rejects, sleep, tencentClient, WORKSPACE_TASKS } from "./helpers";

interface TcError {
    code?: string;
    message: string;
    httpCode?: number;
}
interface HwError {
    name: string;
    httpStatusCode?: number;
    errorCode?: string;
    errorMsg?: string;
    requestId?: string;
}

const REQ = "req-resilience";

describe("emulator: rate limits, faults, latency", () => {
    let emu: Emulator;

    before(async () => {
        emu = await startEmulator({
            credentials: {
                tencent: [
                    { secretId: EMULATOR_CREDENTIALS.tencent.secretId, secretKey: EMULATOR_CREDENTIALS.tencent.secretKey },
                    { secretId: "AKIDSECONDACCOUNT", secretKey: "secondKey" },
                ],
            },
        });
        emu.generate([
            { api: "tat", count: 50 },
            { api: "mps", count: 50 },
            { api: "bm", count: 50 },
            { api: "cph", count: 50, requestId: REQ },
            { api: "workspace", count: 50 },
        ]);
    });
    after(() => emu.close());
    beforeEach(() => {
        emu.reset(["faults", "stats", "limits", "config"]);
    });

    /** One successful-or-throttled call per API, reduced to "ok" or the throttle code. */
    const calls: Record<ApiId, () => Promise<string>> = {
        tat: () =>
            tencentClient(emu, "tat")
                .DescribeInvocationTasks({ Limit: 1 })
                .then(
                    () => "ok",
                    (e: TcError) => String(e.code),
                ),
        mps: () =>
            tencentClient(emu, "mps")
                .DescribeTasks({ Status: "FINISH", Limit: 1 })
                .then(
                    () => "ok",
                    (e: TcError) => String(e.code),
                ),
        bm: () =>
            tencentClient(emu, "bm")
                .DescribeUserCmdTasks({ Offset: 0, Limit: 1 })
                .then(
                    () => "ok",
                    (e: TcError) => String(e.code),
                ),
        bmLegacy: () => legacyCall(emu, { limit: 1 }).then((r) => (r.body.code === 0 ? "ok" : String(r.body.code))),
        cph: () =>
            huaweiGet(huaweiClient(emu), CPH_JOBS, { request_id: REQ, limit: 1 }).then(
                () => "ok",
                (e: HwError) => `${e.httpStatusCode} ${e.errorCode}`,
            ),
        workspace: () =>
            huaweiGet(huaweiClient(emu), WORKSPACE_TASKS, { limit: 1 }).then(
                () => "ok",
                (e: HwError) => `${e.httpStatusCode} ${e.errorCode}`,
            ),
    };
    const throttleAnswer: Record<ApiId, string> = {
        tat: "RequestLimitExceeded",
        mps: "RequestLimitExceeded",
        bm: "RequestLimitExceeded",
        bmLegacy: "4400",
        cph: "429 APIGW.0308",
        workspace: "429 APIGW.0308",
    };
    const defaults: Record<ApiId, number> = { tat: 20, mps: 100, bm: 10, bmLegacy: 10, cph: 10, workspace: 10 };

    describe("rate limits (N per sliding second, per API and credential)", () => {
        for (const api of Object.keys(calls) as ApiId[]) {
            it(`${api}: ${defaults[api]}/s by default; the 5 extra of a burst get the cloud's throttle answer`, async () => {
                assert.equal(emu.config().rateLimits[api], defaults[api]);
                const results = await Promise.all(Array.from({ length: defaults[api] + 5 }, () => calls[api]()));
                assert.equal(results.filter((r) => r === "ok").length, defaults[api], results.join(","));
                assert.deepEqual(
                    results.filter((r) => r !== "ok"),
                    Array(5).fill(throttleAnswer[api]),
                );
                assert.equal(emu.stats().apis[api].throttled, 5);
            });
        }

        it("throttled requests do not count; the window slides; credentials are separate", async () => {
            emu.configure({ rateLimits: { tat: 3 } });
            const burst = () => Promise.all(Array.from({ length: 5 }, () => calls.tat()));
            assert.deepEqual((await burst()).filter((r) => r === "ok").length, 3);
            const other = await tencentClient(emu, "tat", { secretId: "AKIDSECONDACCOUNT", secretKey: "secondKey" }).DescribeInvocationTasks({ Limit: 1 });
            assert.ok(other.RequestId, "another credential has its own window");
            await sleep(1050);
            assert.deepEqual((await burst()).filter((r) => r === "ok").length, 3, "after a second, a full window again");
        });

        it("the Huawei throttle message names the limit", async () => {
            emu.configure({ rateLimits: { cph: 1 } });
            await calls.cph();
            const e = await rejects<HwError>(huaweiGet(huaweiClient(emu), CPH_JOBS, { request_id: REQ }));
            assert.equal(e.errorMsg, "The throttling threshold has been reached: policy user over ratelimit,limit:1,time:1 second");
            assert.ok(e.requestId);
        });

        it("0 means unlimited", async () => {
            emu.configure({ rateLimits: { bm: 0 } });
            const results = await Promise.all(Array.from({ length: 40 }, () => calls.bm()));
            assert.ok(results.every((r) => r === "ok"));
        });
    });

    describe("faults, Tencent side (tencentcloud-sdk-nodejs)", () => {
        const tat = (opts = {}) => tencentClient(emu, "tat", opts);

        it("throttle: the real RequestLimitExceeded envelope", async () => {
            emu.addFault({ api: "tat", kind: "throttle" });
            assert.equal((await rejects<TcError>(tat().DescribeInvocationTasks({}))).code, "RequestLimitExceeded");
            assert.ok((await tat().DescribeInvocationTasks({})).RequestId, "times defaults to 1");
        });

        it("http5xx: a bare status, which the SDK reports as httpCode + statusText", async () => {
            emu.addFault({ api: "tat", kind: "http5xx", status: 502 });
            const e = await rejects<TcError>(tat().DescribeInvocationTasks({}));
            assert.equal(e.httpCode, 502);
            assert.equal(e.message, "Bad Gateway");
            assert.equal(e.code, undefined);
        });

        it("internalError: InternalError in a 200 envelope", async () => {
            emu.addFault({ api: "mps", kind: "internalError" });
            assert.equal((await rejects<TcError>(tencentClient(emu, "mps").DescribeTasks({ Status: "FINISH" }))).code, "InternalError");
        });

        it("malformed, truncated, wrongContentType and empty bodies break JSON parsing", async () => {
            for (const kind of ["malformed", "truncated", "wrongContentType", "empty"] as const) {
                emu.addFault({ api: "tat", kind });
                const e = await rejects<TcError>(tat().DescribeInvocationTasks({}));
                assert.match(e.message, /json/i, kind);
            }
        });

        it("reset: the socket is destroyed mid-request", async () => {
            emu.addFault({ api: "tat", kind: "reset" });
            const e = await rejects<TcError>(tat().DescribeInvocationTasks({}));
            assert.match(e.message, /socket hang up|ECONNRESET/);
            assert.equal(emu.requests({ limit: 1 })[0].faulted, "reset");
        });

        it("timeout: held past the client's timeout, or delayed then answered", async () => {
            emu.addFault({ api: "tat", kind: "timeout" });
            const e = await rejects<TcError>(tat({ reqTimeout: 1 }).DescribeInvocationTasks({}));
            assert.match(e.message, /timeout/i);
            emu.addFault({ api: "tat", kind: "timeout", delayMs: 300 });
            const t0 = performance.now();
            const r = await tat().DescribeInvocationTasks({ Limit: 1 });
            assert.ok(performance.now() - t0 >= 290);
            assert.equal(r.InvocationTaskSet.length, 1);
        });

        it("faults come after authentication: a bad signature is still AuthFailure", async () => {
            emu.addFault({ api: "*", kind: "http5xx", times: -1 });
            assert.equal((await rejects<TcError>(tat({ secretKey: "bad" }).DescribeInvocationTasks({}))).code, "AuthFailure.SignatureFailure");
            assert.equal(emu.faults()[0].fired, 0);
        });

        it("skip, times and match: break exactly the third page of a read", async () => {
            emu.addFault({ api: "tat", kind: "internalError", match: { Offset: 20 }, times: 2 });
            emu.addFault({ api: "bm", kind: "internalError", skip: 2 });
            const client = tat();
            for (const offset of [0, 10]) await client.DescribeInvocationTasks({ Offset: offset, Limit: 10 });
            assert.equal((await rejects<TcError>(client.DescribeInvocationTasks({ Offset: 20, Limit: 10 }))).code, "InternalError");
            assert.equal((await rejects<TcError>(client.DescribeInvocationTasks({ Offset: 20, Limit: 10 }))).code, "InternalError");
            assert.ok(await client.DescribeInvocationTasks({ Offset: 20, Limit: 10 }), "two shots, then normal");
            const bm = tencentClient(emu, "bm");
            await bm.DescribeUserCmdTasks({ Offset: 0, Limit: 1 });
            await bm.DescribeUserCmdTasks({ Offset: 0, Limit: 1 });
            assert.equal((await rejects<TcError>(bm.DescribeUserCmdTasks({ Offset: 0, Limit: 1 }))).code, "InternalError");
            const [tatRule, bmRule] = emu.faults();
            assert.deepEqual([tatRule.seen, tatRule.fired, bmRule.seen, bmRule.fired], [2, 2, 3, 1]);
            assert.equal(emu.stats().apis.tat.faults, 2);
        });

        it("a predicate match (programmatic)", async () => {
            emu.addFault({ api: "tat", kind: "throttle", match: (p) => Array.isArray(p.InvocationTaskIds) });
            assert.ok(await tat().DescribeInvocationTasks({ Limit: 1 }));
            assert.equal((await rejects<TcError>(tat().DescribeInvocationTasks({ InvocationTaskIds: ["invt-aaaaaaaa"] }))).code, "RequestLimitExceeded");
        });

        it("legacy v2: throttle is 4400, internalError 9001, http5xx a bare status", async () => {
            emu.addFault({ api: "bmLegacy", kind: "throttle" });
            emu.addFault({ api: "bmLegacy", kind: "internalError" });
            emu.addFault({ api: "bmLegacy", kind: "http5xx", status: 500 });
            assert.equal((await legacyCall(emu, {})).body.code, 4400);
            assert.equal((await legacyCall(emu, {})).body.code, 9001);
            const e = await rejects<Error>(legacyCall(emu, {}));
            assert.ok(e instanceof SyntaxError, `a non-JSON body, which the test client cannot parse: ${e}`);
            assert.equal(emu.requests({ limit: 1 })[0].status, 500);
        });
    });

    describe("faults, Huawei side (huaweicloud-sdk-core)", () => {
        const hc = () => huaweiClient(emu, { timeoutMs: 500 });
        const jobs = (client = hc()) => huaweiGet(client, CPH_JOBS, { request_id: REQ, limit: 1 });

        it("throttle: 429 APIGW.0308", async () => {
            emu.addFault({ api: "cph", kind: "throttle" });
            const e = await rejects<HwError>(jobs());
            assert.equal(e.httpStatusCode, 429);
            assert.equal(e.errorCode, "APIGW.0308");
        });

        it("http5xx: APIGW.0201 for 502/503/504, CPS.0003 / WKS.0003 for 500", async () => {
            for (const [status, code] of [
                [502, "APIGW.0201"],
                [503, "APIGW.0201"],
                [500, "CPS.0003"],
            ] as const) {
                emu.addFault({ api: "cph", kind: "http5xx", status });
                const e = await rejects<HwError>(jobs());
                assert.equal(e.name, "ServerResponseException");
                assert.equal(e.httpStatusCode, status);
                assert.equal(e.errorCode, code);
            }
            emu.addFault({ api: "workspace", kind: "http5xx", status: 500 });
            assert.equal((await rejects<HwError>(huaweiGet(hc(), WORKSPACE_TASKS))).errorCode, "WKS.0003");
        });

        it("a 504 makes the core fail over to its second endpoint (one retry)", async () => {
            emu.addFault({ api: "cph", kind: "http5xx", status: 504 });
            const before = emu.stats().apis.cph.requests;
            const r = await jobs(huaweiClient(emu, { endpoints: [emu.url, emu.url] }));
            assert.equal((r.jobs as unknown[]).length, 1);
            assert.equal(emu.stats().apis.cph.requests - before, 2);
        });

        it("internalError: CPS.0003 with HTTP 400, as CPH reports every CPS code", async () => {
            emu.addFault({ api: "cph", kind: "internalError" });
            const e = await rejects<HwError>(jobs());
            assert.equal(e.httpStatusCode, 400);
            assert.equal(e.errorCode, "CPS.0003");
        });

        it("timeout and reset surface as network errors", async () => {
            emu.addFault({ api: "cph", kind: "timeout" });
            const t = await rejects<HwError>(jobs());
            assert.equal(t.httpStatusCode, undefined);
            assert.match(String(t.errorMsg), /timeout/);
            emu.addFault({ api: "cph", kind: "reset" });
            const r = await rejects<HwError>(jobs());
            assert.match(String(r.errorMsg), /socket hang up|ECONNRESET/);
        });

        it("malformed, truncated, wrongContentType and empty: the core returns an object without the fields", async () => {
            for (const kind of ["malformed", "truncated", "wrongContentType", "empty"] as const) {
                emu.addFault({ api: "cph", kind });
                const r = await jobs();
                assert.equal(r.jobs, undefined, kind);
                assert.equal(r.httpStatusCode, 200, kind);
            }
        });

        it("wrongContentType can carry a proxy's error status", async () => {
            emu.addFault({ api: "workspace", kind: "wrongContentType", status: 502 });
            const e = await rejects<HwError>(huaweiGet(hc(), WORKSPACE_TASKS));
            assert.equal(e.httpStatusCode, 502);
            assert.equal(e.errorCode, undefined);
        });
    });

    describe("latency", () => {
        it("applies a fixed delay per API, leaving the others alone", async () => {
            emu.configure({ latency: { perApi: { tat: { fixedMs: 150 } } } });
            const t0 = performance.now();
            await calls.tat();
            assert.ok(performance.now() - t0 >= 145);
            // The other APIs are not held: with TAT held for a minute, a TAT call started first is still
            // waiting when a BM call has been answered (an order, not a speed).
            emu.configure({ latency: { perApi: { tat: { fixedMs: 60_000 } } } });
            const abort = new AbortController();
            let tatDone = false;
            const slow = tencentClient(emu, "tat")
                .request("DescribeInvocationTasks", { Limit: 1 }, { signal: abort.signal })
                .then(
                    () => "answered",
                    () => "aborted",
                )
                .finally(() => {
                    tatDone = true;
                });
            await calls.bm();
            assert.equal(tatDone, false, "the BM call waited for TAT's latency");
            abort.abort();
            assert.equal(await slow, "aborted");
        });

        it("applies global latency plus jitter to errors too", async () => {
            emu.configure({ latency: { fixedMs: 60, jitterMs: 40 } });
            const t0 = performance.now();
            const e = await rejects<TcError>(tencentClient(emu, "tat", { secretKey: "bad" }).DescribeInvocationTasks({}));
            const elapsed = performance.now() - t0;
            assert.equal(e.code, "AuthFailure.SignatureFailure");
            assert.ok(elapsed >= 58, `elapsed ${elapsed}`);
        });
    });
});
