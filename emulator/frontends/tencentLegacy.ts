/**
 * Tencent legacy v2 frontend: `GET|POST /v2/index.php` on `bm.api.qcloud.com[:port]`
 * (or a bare IP / localhost), Action `GetUserCmdTaskList`, v1 HMAC signature with the Host
 * header (port included) in the source string, nonce replay protection.
 *
 * Codes: 4000 missing/invalid common params or unknown Action, 4100 bad signature or token,
 * 4104 unknown SecretId, 4500 replay (Nonce reused, or Timestamp more than 2 h away),
 * 4600 method other than GET/POST.
 */
import { headerValue, splitHost } from "../auth/common";
import { LEGACY_MAX_SKEW_SECONDS, parseFormEncoded, verifyV1, type V1Failure } from "../auth/tencentLegacy";
import { legacyEnvelope } from "../envelopes";
import { type ApiError, LegacyErrors } from "../errors";
import { BM_LEGACY_ACTION, getUserCmdTaskList } from "../handlers/bmLegacyCmdTasks";
import { loggableParams, type FrontendDeps, type IncomingCall, type Prepared } from "./types";

/** The legacy endpoint path. */
export const LEGACY_PATH = "/v2/index.php";

function v1Error(f: V1Failure): ApiError {
    switch (f.reason) {
        case "missing":
            return LegacyErrors.missingParameter(f.param);
        case "invalid":
            return LegacyErrors.invalidCommonParameter(f.detail);
        case "secretId":
            return LegacyErrors.secretIdNotFound();
        case "expired":
            return LegacyErrors.replay(`Timestamp ${f.timestamp} is more than 2 hours away from the server time`);
        case "signature":
            return LegacyErrors.signatureFailure();
        case "token":
            return LegacyErrors.tokenFailure();
        case "replay":
            return LegacyErrors.replay("the Nonce has already been used with this SecretId and Timestamp");
    }
}

/** Recognises and authenticates a legacy v2 request. */
export function prepareTencentLegacy(call: IncomingCall, deps: FrontendDeps): Prepared {
    const envelope = legacyEnvelope(deps.config.quirks.legacyCodeAsString);
    const reject = (error: ApiError, action = "", params?: Map<string, string>): Prepared => ({
        kind: "reject",
        api: "bmLegacy",
        action,
        envelope,
        error,
        params: params ? loggableParams(params) : undefined,
    });
    const method = call.method.toUpperCase();
    if (method !== "GET" && method !== "POST") return reject(LegacyErrors.unsupportedProtocol(method));

    const contentType = (headerValue(call.headers, "content-type") ?? "").toLowerCase();
    const query = parseFormEncoded(call.rawQuery);
    const form =
        method === "POST" && contentType.startsWith("application/x-www-form-urlencoded")
            ? parseFormEncoded(call.body.toString("utf8"))
            : new Map<string, string>();
    if (!query || !form) return reject(LegacyErrors.invalidCommonParameter("parameters are not correctly URL-encoded"));
    const params = new Map([...query, ...form]);

    const action = params.get("Action") ?? "";
    if (!action) return reject(LegacyErrors.missingParameter("Action"), "", params);
    const host = headerValue(call.headers, "host") ?? "";
    const hostname = splitHost(host).hostname.toLowerCase();
    const otherModule = hostname.endsWith(".api.qcloud.com") && hostname !== "bm.api.qcloud.com";
    if (action !== BM_LEGACY_ACTION || otherModule) return reject(LegacyErrors.unknownAction(action), action, params);

    const verified = verifyV1(
        { method, host, path: call.path, params },
        {
            lookup: (id) => deps.keys.tencent(id),
            nowSeconds: Math.floor(deps.nowMs / 1000),
            maxSkewSeconds: LEGACY_MAX_SKEW_SECONDS,
            nonces: deps.nonces,
        },
    );
    if (!("secretId" in verified)) return reject(v1Error(verified), action, params);

    return {
        kind: "call",
        api: "bmLegacy",
        action,
        envelope,
        credential: verified.secretId,
        limiterKey: verified.secretId,
        params: loggableParams(params),
        invoke: (ctx) => getUserCmdTaskList(params, ctx),
    };
}
