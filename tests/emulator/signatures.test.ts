/**
 * The emulator's three verifiers, checked against published test vectors
 * (wire-protocols.md §6) and against the official SDKs' own signers. The emulator shares
 * no code with any client signer, so agreement here is agreement of two implementations.
 */
import { strict as assert } from "node:assert";
import type { IncomingHttpHeaders } from "node:http";
import { stringify } from "node:querystring";
import { sha256Hex } from "../../emulator/auth/common";
import { decodeQuery, huaweiCanonicalRequest, huaweiSignature, huaweiStringToSign, strictEncode, verifyHuawei } from "../../emulator/auth/huawei";
import { tc3CanonicalRequest, tc3Signature, tc3StringToSign, verifyTc3, type SignedRequest } from "../../emulator/auth/tc3";
import { legacySignature, legacySourceString, NonceCache, parseFormEncoded, verifyV1 } from "../../emulator/auth/tencentLegacy";
import { ApiError } from "../../emulator/errors";

/* eslint-disable @typescript-eslint/no-require-imports */
const TcSign = require("tencentcloud-sdk-nodejs-common/tencentcloud/common/sign").default;
const { AKSKSigner } = require("@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner");
/* eslint-enable @typescript-eslint/no-require-imports */

const DOC_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const DOC_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const DOC_BODY = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';

function tc3Request(over: Partial<SignedRequest> & { headers: IncomingHttpHeaders }): SignedRequest {
    return { method: "POST", path: "/", rawQuery: "", body: Buffer.alloc(0), ...over };
}

function expectCode(result: unknown, code: string): void {
    assert.ok(result instanceof ApiError, `expected ${code}, got success`);
    assert.equal((result as ApiError).code, code);
}

describe("emulator verifiers", () => {
    describe("TC3-HMAC-SHA256", () => {
        it("reproduces the official doc example (payload hash, canonical hash, signature)", () => {
            const payloadHash = sha256Hex(DOC_BODY);
            assert.equal(payloadHash, "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
            const canonical = tc3CanonicalRequest({
                method: "POST",
                path: "/",
                rawQuery: "",
                canonicalHeaders: "content-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n",
                signedHeaders: "content-type;host",
                payloadHash,
            });
            assert.equal(sha256Hex(canonical), "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
            const sts = tc3StringToSign(1551113065, "2019-02-25", "cvm", canonical);
            assert.equal(tc3Signature(DOC_KEY, "2019-02-25", "cvm", sts), "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
            assert.equal(
                tc3Signature("Gu5t9xGARNpq86cd98joQYCN3*******", "2019-02-25", "cvm", sts),
                "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c",
            );
        });

        it("verifies the doc request, including a signed x-tc-action header (lower-cased value)", () => {
            const base = {
                "content-type": "application/json; charset=utf-8",
                host: "cvm.tencentcloudapi.com",
                "x-tc-timestamp": "1551113065",
                "x-tc-action": "DescribeInstances",
            };
            const lookup = (id: string) => (id === DOC_ID ? { secretId: DOC_ID, secretKey: DOC_KEY } : undefined);
            const opts = { lookup, nowSeconds: 1551113065, service: "cvm" };
            const plain = verifyTc3(
                tc3Request({
                    body: Buffer.from(DOC_BODY),
                    headers: {
                        ...base,
                        authorization: `TC3-HMAC-SHA256 Credential=${DOC_ID}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168`,
                    },
                }),
                opts,
            );
            assert.deepEqual(plain, { secretId: DOC_ID });
            const withAction = verifyTc3(
                tc3Request({
                    body: Buffer.from(DOC_BODY),
                    headers: {
                        ...base,
                        authorization: `TC3-HMAC-SHA256 Credential=${DOC_ID}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26`,
                    },
                }),
                opts,
            );
            assert.deepEqual(withAction, { secretId: DOC_ID });
        });

        it("reproduces the TAT POST and BM GET vectors of wire-protocols §6.2-6.3", () => {
            const body = '{"InvocationTaskIds":["invt-abc12345"],"HideOutput":false}';
            const canonical = tc3CanonicalRequest({
                method: "POST",
                path: "/",
                rawQuery: "",
                canonicalHeaders: "content-type:application/json\nhost:tat.tencentcloudapi.com\n",
                signedHeaders: "content-type;host",
                payloadHash: sha256Hex(body),
            });
            const sts = tc3StringToSign(1700000000, "2023-11-14", "tat", canonical);
            assert.equal(sts.split("\n")[3], "63617b252512d0be5c72fa7bf64695cef23541bb2a49c9bd7088fb3c9c0dc5e9");
            assert.equal(tc3Signature("SECRETEXAMPLE", "2023-11-14", "tat", sts), "12a7ea43590149bbbea83979ab1dcc8680e5e86491fb4f144a2b34a92fa7b653");

            const get = tc3CanonicalRequest({
                method: "GET",
                path: "/",
                rawQuery: "Offset=0&Limit=20&OrderField=RunBeginTime&Order=1",
                canonicalHeaders: "content-type:application/x-www-form-urlencoded\nhost:bm.tencentcloudapi.com\n",
                signedHeaders: "content-type;host",
                payloadHash: sha256Hex(""),
            });
            assert.equal(
                tc3Signature("SECRETEXAMPLE", "2023-11-14", "bm", tc3StringToSign(1700000000, "2023-11-14", "bm", get)),
                "6fd70ac7dddad99bcb6b14577c8cfafc1df446df8a64a05339115776f64e720e",
            );
        });

        describe("against the SDK's Sign.sign3", () => {
            const key = { secretId: "AKIDCROSSCHECK", secretKey: "crossCheckKey" };
            const lookup = (id: string) => (id === key.secretId ? key : undefined);
            const ts = Math.floor(Date.now() / 1000);

            function sdkSigned(method: "POST" | "GET", url: string, payload: unknown, contentType: string): SignedRequest {
                const authorization = TcSign.sign3({
                    method,
                    url,
                    payload,
                    timestamp: ts,
                    service: "tat",
                    secretId: key.secretId,
                    secretKey: key.secretKey,
                    headers: { "Content-Type": contentType },
                });
                const u = new URL(url);
                return {
                    method,
                    path: u.pathname,
                    rawQuery: u.search.slice(1),
                    body: Buffer.from(method === "POST" ? JSON.stringify(payload) : ""),
                    headers: { authorization, "content-type": contentType, host: u.host, "x-tc-timestamp": String(ts) },
                };
            }

            const post = () =>
                sdkSigned(
                    "POST",
                    "http://tat.tencentcloudapi.com:4566/",
                    { Filters: [{ Name: "invocation-id", Values: ["inv-1 x"] }], Limit: 5 },
                    "application/json",
                );
            const get = () =>
                sdkSigned(
                    "GET",
                    "http://tat.tencentcloudapi.com:4566/?Filters.0.Name=invocation-id&Filters.0.Values.0=inv-1%20x&Limit=5",
                    "",
                    "application/x-www-form-urlencoded",
                );
            const opts = { lookup, nowSeconds: ts, service: "tat" };

            it("accepts SDK-signed POST and GET requests (host signed without its port)", () => {
                assert.deepEqual(verifyTc3(post(), opts), { secretId: key.secretId });
                assert.deepEqual(verifyTc3(get(), opts), { secretId: key.secretId });
            });

            it("rejects a tampered body, query or signed header", () => {
                const body = post();
                body.body = Buffer.from(body.body.toString().replace("5", "6"));
                expectCode(verifyTc3(body, opts), "AuthFailure.SignatureFailure");
                const query = get();
                query.rawQuery = query.rawQuery.replace("Limit=5", "Limit=6");
                expectCode(verifyTc3(query, opts), "AuthFailure.SignatureFailure");
                const header = post();
                header.headers["content-type"] = "application/json; charset=utf-8";
                expectCode(verifyTc3(header, opts), "AuthFailure.SignatureFailure");
            });

            it("rejects a wrong key, an unknown SecretId and a malformed Authorization", () => {
                expectCode(verifyTc3(post(), { ...opts, lookup: () => ({ secretId: key.secretId, secretKey: "wrong" }) }), "AuthFailure.SignatureFailure");
                expectCode(verifyTc3(post(), { ...opts, lookup: () => undefined }), "AuthFailure.SecretIdNotFound");
                const skip = post();
                skip.headers.authorization = "SKIP";
                expectCode(verifyTc3(skip, opts), "AuthFailure.InvalidAuthorization");
                const garbage = post();
                garbage.headers.authorization = "Bearer abc";
                expectCode(verifyTc3(garbage, opts), "AuthFailure.InvalidAuthorization");
            });

            it("rejects clock skew beyond 300 s and a scope date that is not the timestamp's UTC date", () => {
                expectCode(verifyTc3(post(), { ...opts, nowSeconds: ts + 301 }), "AuthFailure.SignatureExpire");
                assert.deepEqual(verifyTc3(post(), { ...opts, nowSeconds: ts + 299 }), { secretId: key.secretId });
                const r = post();
                r.headers.authorization = String(r.headers.authorization).replace(/\/\d{4}-\d{2}-\d{2}\//, "/2001-01-01/");
                expectCode(verifyTc3(r, opts), "AuthFailure.SignatureFailure");
            });

            it("rejects a credential scope that names another service, saying so", () => {
                const r = verifyTc3(post(), { ...opts, service: "mps" });
                expectCode(r, "AuthFailure.SignatureFailure");
                assert.match((r as ApiError).message, /scope service `tat` does not match the product `mps`/);
            });

            it("requires the matching X-TC-Token for temporary credentials", () => {
                const temp = { ...opts, lookup: () => ({ ...key, token: "sts-token" }) };
                expectCode(verifyTc3(post(), temp), "AuthFailure.TokenFailure");
                const withToken = post();
                withToken.headers["x-tc-token"] = "sts-token";
                assert.deepEqual(verifyTc3(withToken, temp), { secretId: key.secretId });
                withToken.headers["x-tc-token"] = "other";
                expectCode(verifyTc3(withToken, temp), "AuthFailure.TokenFailure");
            });

            it("never puts the key, the signature or the string-to-sign in an error message", () => {
                const r = post();
                const sig = /Signature=([0-9a-f]{64})/.exec(String(r.headers.authorization))![1];
                const err = verifyTc3(r, { ...opts, lookup: () => ({ secretId: key.secretId, secretKey: "wrong" }) }) as ApiError;
                for (const secret of [key.secretKey, "wrong", sig, "TC3-HMAC-SHA256\n"]) assert.ok(!err.message.includes(secret));
            });
        });
    });

    describe("Tencent v1 HMAC (legacy v2)", () => {
        const docParams = () =>
            new Map([
                ["Action", "DescribeInstances"],
                ["InstanceIds.0", "ins-09dx96dg"],
                ["Nonce", "11886"],
                ["Region", "ap-guangzhou"],
                ["SecretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"],
                ["SignatureMethod", "HmacSHA256"],
                ["Timestamp", "1465185768"],
            ]);
        const docKey = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA";

        it("reproduces the doc source string and both doc signatures", () => {
            const src = legacySourceString("GET", "cvm.api.qcloud.com", "/v2/index.php", docParams());
            assert.equal(
                src,
                "GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Nonce=11886&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA256&Timestamp=1465185768",
            );
            assert.equal(legacySignature(docKey, src, "HmacSHA256"), "0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s=");
            const sha1 = docParams();
            sha1.set("SignatureMethod", "HmacSHA1");
            assert.equal(
                legacySignature(docKey, legacySourceString("GET", "cvm.api.qcloud.com", "/v2/index.php", sha1), "HmacSHA1"),
                "nPVnY6njQmwQ8ciqbPl5Qe+Oru4=",
            );
        });

        it("reproduces the GetUserCmdTaskList vector (lower-case names sort after Timestamp)", () => {
            const params = new Map([
                ["Action", "GetUserCmdTaskList"],
                ["Nonce", "12345"],
                ["Region", "bj"],
                ["SecretId", "AKIDEXAMPLE"],
                ["SignatureMethod", "HmacSHA256"],
                ["Timestamp", "1700000000"],
                ["offset", "0"],
                ["limit", "20"],
            ]);
            const src = legacySourceString("GET", "bm.api.qcloud.com", "/v2/index.php", params);
            assert.ok(src.endsWith("Timestamp=1700000000&limit=20&offset=0"));
            assert.equal(legacySignature("SECRETEXAMPLE", src, "HmacSHA256"), "Wqgmcrw39vmUPPpMXoYsmMNcjjb4NmJrtT7L/EvizUE=");
        });

        it("replaces _ with . in names (not values) and decodes + as a space", () => {
            const params = parseFormEncoded("Placement_Zone=CN_GUANGZHOU&a=x+y%2Bz")!;
            assert.equal(legacySourceString("POST", "h:1", "/p", params), "POSTh:1/p?Placement.Zone=CN_GUANGZHOU&a=x y+z");
        });

        it("agrees with the SDK's Sign.sign for SHA-1 and SHA-256", () => {
            const src = legacySourceString("POST", "bm.api.qcloud.com:4566", "/v2/index.php", docParams());
            assert.equal(legacySignature("k", src, "HmacSHA256"), TcSign.sign("k", src, "HmacSHA256"));
            assert.equal(legacySignature("k", src, "HmacSHA1"), TcSign.sign("k", src, "HmacSHA1"));
            assert.equal(legacySignature("k", src, undefined), TcSign.sign("k", src, "HmacSHA1"), "no SignatureMethod means SHA-1");
        });

        describe("verifyV1", () => {
            const key = { secretId: "AKIDV1", secretKey: "v1key" };
            const now = 1_700_000_000;
            function signed(extra: Record<string, string> = {}, host = "bm.api.qcloud.com:8080"): Map<string, string> {
                const p = new Map(
                    Object.entries({
                        Action: "GetUserCmdTaskList",
                        SecretId: key.secretId,
                        Nonce: "7",
                        Timestamp: String(now),
                        SignatureMethod: "HmacSHA256",
                        ...extra,
                    }),
                );
                p.set("Signature", legacySignature(key.secretKey, legacySourceString("GET", host, "/v2/index.php", p), "HmacSHA256"));
                return p;
            }
            const opts = () => ({
                lookup: (id: string) => (id === key.secretId ? key : undefined),
                nowSeconds: now,
                maxSkewSeconds: 7200,
                nonces: new NonceCache(),
            });
            const req = (params: Map<string, string>, host = "bm.api.qcloud.com:8080") => ({ method: "GET", host, path: "/v2/index.php", params });

            it("accepts a good signature, with the port in the host", () => {
                assert.deepEqual(verifyV1(req(signed()), opts()), { secretId: key.secretId });
                assert.deepEqual(verifyV1(req(signed(), "bm.api.qcloud.com"), opts()), { reason: "signature" }, "signed with the port, sent without");
            });

            it("refuses a replayed nonce, but not the same nonce at another second", () => {
                const o = opts();
                assert.deepEqual(verifyV1(req(signed()), o), { secretId: key.secretId });
                assert.deepEqual(verifyV1(req(signed()), o), { reason: "replay" });
                const later = { ...o, nowSeconds: now + 1 };
                assert.deepEqual(verifyV1(req(signed({ Timestamp: String(now + 1) })), later), { secretId: key.secretId });
            });

            it("refuses skew beyond 2 hours, unknown keys, tampering, missing params and a wrong token", () => {
                assert.deepEqual(verifyV1(req(signed()), { ...opts(), nowSeconds: now + 7201 }), { reason: "expired", timestamp: now });
                assert.deepEqual(verifyV1(req(signed()), { ...opts(), lookup: () => undefined }), { reason: "secretId" });
                const tampered = signed();
                tampered.set("limit", "99");
                assert.deepEqual(verifyV1(req(tampered), opts()), { reason: "signature" });
                const missing = signed();
                missing.delete("Nonce");
                assert.deepEqual(verifyV1(req(missing), opts()), { reason: "missing", param: "Nonce" });
                const temp = { ...opts(), lookup: () => ({ ...key, token: "tok" }) };
                assert.deepEqual(verifyV1(req(signed()), temp), { reason: "token" });
                assert.deepEqual(verifyV1(req(signed({ Token: "tok" })), temp), { secretId: key.secretId });
            });
        });
    });

    describe("Huawei SDK-HMAC-SHA256", () => {
        const PID = "0123456789abcdef0123456789abcdef";

        it("reproduces the CPH ListJobs vector of wire-protocols §6.5", () => {
            const headers = {
                "content-type": "application/json",
                host: "cph.cn-east-3.myhuaweicloud.com",
                "x-project-id": PID,
                "x-sdk-date": "20240101T000000Z",
            };
            const canonical = huaweiCanonicalRequest({
                method: "GET",
                rawPath: `/v1/${PID}/cloud-phone/jobs`,
                query: decodeQuery("request_id=6837531fd3f54550927b930180a706bf")!,
                headers,
                signedHeaders: ["content-type", "host", "x-project-id", "x-sdk-date"],
                payloadHash: sha256Hex(""),
            });
            assert.equal(
                canonical,
                [
                    "GET",
                    `/v1/${PID}/cloud-phone/jobs/`,
                    "request_id=6837531fd3f54550927b930180a706bf",
                    `content-type:application/json\nhost:cph.cn-east-3.myhuaweicloud.com\nx-project-id:${PID}\nx-sdk-date:20240101T000000Z\n`,
                    "content-type;host;x-project-id;x-sdk-date",
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                ].join("\n"),
            );
            const sts = huaweiStringToSign("20240101T000000Z", canonical as string);
            assert.equal(sts, "SDK-HMAC-SHA256\n20240101T000000Z\nd9309892cf89bbbea70f84b6f788bd0b8ec6f5c788f2b1f41d72fb9c181b9f7a");
            assert.equal(huaweiSignature("HWSKEXAMPLE", sts), "21c9801b6343ffd82a9f3290a4c566f784c17ca538e3b9420797acd3bbf8dd06");
        });

        it("encodes strictly: !'()* are escaped in the canonical form", () => {
            assert.equal(strictEncode("a'b(c)*!~ -_."), "a%27b%28c%29%2A%21~%20-_.");
        });

        describe("against the SDK's AKSKSigner", () => {
            const key = { accessKey: "HWCROSS", secretKey: "hwCrossSecret" };
            const credential = { getAk: () => key.accessKey, getSk: () => key.secretKey };
            const nowMs = Date.parse("2024-01-01T00:00:00Z");

            function sdkSigned(path: string, queryParams: Record<string, unknown>, extra: Record<string, string> = {}) {
                const request = {
                    method: "GET",
                    endpoint: `http://127.0.0.1:4566${path}`,
                    queryParams,
                    headers: { "content-type": "application/json", "X-Project-Id": PID, "X-Sdk-Date": "20240101T000000Z", ...extra },
                };
                const signedHeaders = AKSKSigner.sign(request, credential) as Record<string, string>;
                const headers: IncomingHttpHeaders = {};
                for (const [k, v] of Object.entries(signedHeaders)) headers[k.toLowerCase()] = v;
                const rawQuery = stringify(queryParams as Record<string, string>);
                return { method: "GET", rawPath: path, query: decodeQuery(rawQuery)!, headers, body: Buffer.alloc(0) };
            }
            const opts = (over: Partial<Parameters<typeof verifyHuawei>[1]> = {}) => ({
                lookupKey: (ak: string) => (ak === key.accessKey ? key : undefined),
                lookupToken: () => undefined,
                nowMs,
                ...over,
            });

            it("accepts SDK-signed CPH and Workspace requests, arrays and odd characters included", () => {
                const cph = sdkSigned(`/v1/${PID}/cloud-phone/jobs`, { request_ids: "a,b", offset: 0, limit: 100 });
                assert.equal(String(cph.headers.host), "127.0.0.1:4566", "host is signed WITH the port");
                assert.deepEqual(verifyHuawei(cph, opts()), { credential: key.accessKey, key: key.accessKey });
                const ws = sdkSigned(`/v2/${PID}/desktop-pools/script-execution-tasks/detail`, {
                    task_id: ["t-2", "t-1"],
                    script_name: "a'b(c)*! é",
                    status: "SUCCESS",
                });
                assert.deepEqual(verifyHuawei(ws, opts()), { credential: key.accessKey, key: key.accessKey });
            });

            it("rejects a wrong SK, an unknown AK, tampering and a stale X-Sdk-Date", () => {
                const r = () => sdkSigned(`/v1/${PID}/cloud-phone/jobs`, { request_id: "r1" });
                expectCode(verifyHuawei(r(), opts({ lookupKey: () => ({ ...key, secretKey: "bad" }) })), "APIGW.0301");
                const unknown = verifyHuawei(r(), opts({ lookupKey: () => undefined }));
                expectCode(unknown, "APIGW.0301");
                assert.match((unknown as ApiError).message, /ak not exist/);
                const tampered = r();
                tampered.query.set("request_id", ["r2"]);
                expectCode(verifyHuawei(tampered, opts()), "APIGW.0301");
                const header = r();
                header.headers["x-project-id"] = "ffffffffffffffffffffffffffffffff";
                expectCode(verifyHuawei(header, opts()), "APIGW.0301");
                const skewed = verifyHuawei(r(), opts({ nowMs: nowMs + 15 * 60_000 + 1000 }));
                expectCode(skewed, "APIGW.0303");
                assert.equal((skewed as ApiError).status, 401);
            });

            it("requires the X-Security-Token of temporary credentials (and it is signed)", () => {
                const temp = opts({ lookupKey: () => ({ ...key, securityToken: "sec-token" }) });
                expectCode(verifyHuawei(sdkSigned(`/v1/${PID}/cloud-phone/jobs`, { request_id: "r" }), temp), "APIGW.0301");
                const withToken = sdkSigned(`/v1/${PID}/cloud-phone/jobs`, { request_id: "r" }, { "X-Security-Token": "sec-token" });
                assert.match(String(withToken.headers.authorization), /x-security-token/);
                assert.deepEqual(verifyHuawei(withToken, temp), { credential: key.accessKey, key: key.accessKey });
            });

            it("honours X-Sdk-Content-Sha256 (UNSIGNED-PAYLOAD) instead of the body hash", () => {
                const r = sdkSigned(`/v1/${PID}/cloud-phone/jobs`, { request_id: "r" }, { "X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD" });
                r.body = Buffer.from("anything");
                assert.deepEqual(verifyHuawei(r, opts()), { credential: key.accessKey, key: key.accessKey });
            });
        });
    });
});
