/**
 * Tencent Cloud API 3.0 frontend: `POST /` (JSON) and `GET /?...`, signed with TC3-HMAC-SHA256,
 * or with the v1 HmacSHA1/HmacSHA256 scheme (`signMethod` in the SDK profile: params, Action
 * and signature in the query or a form body).
 *
 * The product comes from the Host header (`tat.tencentcloudapi.com[:port]`, also
 * `tat.ap-guangzhou.tencentcloudapi.com`), the port ignored. For a bare IP or localhost the
 * action and version pick the product, but the TC3 credential scope must still name it: an
 * SDK pointed at `127.0.0.1:PORT` signs service `127` and is refused, as the cloud would.
 */
import { ApiError, TencentErrors } from "../errors";
import { headerValue, splitHost } from "../auth/common";
import { verifyTc3 } from "../auth/tc3";
import { parseFormEncoded, verifyV1, type V1Failure } from "../auth/tencentLegacy";
import { tencentEnvelope } from "../envelopes";
import { BM_ACTION, describeUserCmdTasks } from "../handlers/bmCmdTasks";
import type { HandlerContext } from "../handlers/context";
import { describeTasks, MPS_ACTION } from "../handlers/mpsTasks";
import { describeInvocationTasks, TAT_ACTION } from "../handlers/tatInvocationTasks";
import { unflatten, type TcParams } from "../handlers/tencentParams";
import type { ApiId } from "../types";
import { loggableParams, type FrontendDeps, type IncomingCall, type Prepared } from "./types";

interface Product {
    api: ApiId;
    product: string;
    action: string;
    version: string;
    regionRequired: boolean;
    handler(params: TcParams, ctx: HandlerContext): Record<string, unknown>;
}

const PRODUCTS: Record<string, Product> = {
    tat: { api: "tat", ...TAT_ACTION, regionRequired: true, handler: describeInvocationTasks },
    mps: { api: "mps", ...MPS_ACTION, regionRequired: false, handler: describeTasks },
    bm: { api: "bm", ...BM_ACTION, regionRequired: true, handler: describeUserCmdTasks },
};

const BY_ACTION = new Map(Object.values(PRODUCTS).map((p) => [p.action, p]));

const HOST_RE = /^([a-z0-9-]+)\.(?:[a-z0-9-]+\.)?tencentcloudapi\.com$/i;

/** Common parameters of v1-signed calls; never action parameters. */
const V1_COMMON = ["Action", "Version", "Region", "Timestamp", "Nonce", "SecretId", "Signature", "SignatureMethod", "Token", "RequestClient", "Language"];

/** Largest body accepted (the doc's TC3 POST limit). */
export const TENCENT_MAX_BODY = 10 * 1024 * 1024;

function v1Error(f: V1Failure, nowSeconds: number): ApiError {
    switch (f.reason) {
        case "missing":
            return TencentErrors.missingParameter(f.param);
        case "invalid":
            return TencentErrors.invalidParameter(`${f.detail}.`);
        case "secretId":
            return TencentErrors.secretIdNotFound();
        case "expired":
            return TencentErrors.signatureExpire(f.timestamp, nowSeconds);
        case "signature":
            return TencentErrors.signatureFailure();
        case "token":
            return TencentErrors.tokenFailure("Token does not match this SecretId");
        case "replay":
            return TencentErrors.signatureFailure("replayed request");
    }
}

function resolveProduct(hostname: string, action: string): Product | ApiError {
    const m = HOST_RE.exec(hostname);
    if (m) {
        const label = m[1].toLowerCase();
        const p = PRODUCTS[label];
        if (!p || p.action !== action) return TencentErrors.invalidAction(action, label);
        return p;
    }
    return BY_ACTION.get(action) ?? TencentErrors.invalidAction(action, hostname);
}

/** Recognises, routes and authenticates an API 3.0 request. */
export function prepareTencentApi3(call: IncomingCall, deps: FrontendDeps): Prepared {
    const envelope = tencentEnvelope(call.requestId, headerValue(call.headers, "x-tc-traceid"));
    const reject = (error: ApiError, api?: ApiId, action = ""): Prepared => ({ kind: "reject", api, action, envelope, error });
    const method = call.method.toUpperCase();
    if (method !== "GET" && method !== "POST") return reject(TencentErrors.unsupportedProtocol(method));

    const contentType = (headerValue(call.headers, "content-type") ?? "").toLowerCase();
    const authorization = headerValue(call.headers, "authorization");
    // v1 signing: no Authorization header, the signature travels with the params.
    let v1Params: Map<string, string> | undefined;
    if (!authorization) {
        const raw = method === "GET" ? call.rawQuery : contentType.startsWith("application/x-www-form-urlencoded") ? call.body.toString("utf8") : "";
        const parsed = parseFormEncoded(raw);
        if (parsed?.has("Signature")) v1Params = parsed;
    }

    const action = (v1Params ? v1Params.get("Action") : headerValue(call.headers, "x-tc-action"))?.trim();
    const version = (v1Params ? v1Params.get("Version") : headerValue(call.headers, "x-tc-version"))?.trim();
    if (!action) return reject(TencentErrors.missingParameter(v1Params ? "Action" : "X-TC-Action"));
    const hostHeader = headerValue(call.headers, "host") ?? "";
    const product = resolveProduct(splitHost(hostHeader).hostname, action);
    if (product instanceof ApiError) return reject(product, undefined, action);
    if (!version) return reject(TencentErrors.missingParameter(v1Params ? "Version" : "X-TC-Version"), product.api, action);
    if (version !== product.version) return reject(TencentErrors.noSuchVersion(version, product.product), product.api, action);

    const nowSeconds = Math.floor(deps.nowMs / 1000);
    const lookup = (id: string) => deps.keys.tencent(id);
    let secretId: string;
    if (v1Params) {
        const v = verifyV1({ method, host: hostHeader, path: call.path, params: v1Params }, { lookup, nowSeconds, maxSkewSeconds: 300 });
        if (!("secretId" in v)) return reject(v1Error(v, nowSeconds), product.api, action);
        secretId = v.secretId;
    } else {
        const v = verifyTc3(call, { lookup, nowSeconds, service: product.product });
        if (v instanceof ApiError) return reject(v, product.api, action);
        secretId = v.secretId;
    }

    // Decode the action parameters; a decoding error is reported after rate limiting and faults.
    let params: TcParams = {};
    let paramsError: ApiError | undefined;
    if (v1Params) {
        params = unflatten([...v1Params].filter(([k]) => !V1_COMMON.includes(k)));
    } else if (method === "GET") {
        const flat = parseFormEncoded(call.rawQuery);
        if (flat) params = unflatten(flat);
        else paramsError = TencentErrors.invalidParameter("The query string is not correctly URL-encoded.");
    } else if (call.body.length === 0) {
        params = {};
    } else if (contentType.startsWith("application/json")) {
        try {
            const parsed: unknown = JSON.parse(call.body.toString("utf8"));
            if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
            params = parsed as TcParams;
        } catch {
            paramsError = TencentErrors.invalidParameter("The request body is not a valid JSON object.");
        }
    } else {
        paramsError = TencentErrors.invalidParameter(`Content-Type \`${contentType}\` is not supported with TC3-HMAC-SHA256; use application/json.`);
    }
    const region = (v1Params ? v1Params.get("Region") : headerValue(call.headers, "x-tc-region"))?.trim();

    return {
        kind: "call",
        api: product.api,
        action,
        envelope,
        credential: secretId,
        limiterKey: secretId,
        params: loggableParams(params),
        invoke(ctx) {
            if (paramsError) throw paramsError;
            if (product.regionRequired && !region) throw TencentErrors.missingParameter("Region");
            return product.handler(params, ctx);
        },
    };
}
