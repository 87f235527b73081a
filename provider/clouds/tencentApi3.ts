import { type ErrorKind, requestTimedOut, TaskgateCloudError } from "../errors";
import type { CallResult } from "../paging";
import type { ResolvedTencent } from "../settings";
import type { ApiName } from "../types";
import { redactUrlsIn } from "../redact";
import { agentFor, virtualHost } from "./agents";

/** The Tencent Cloud API 3.0 services taskgate reads, with the API version it speaks to each. */
export const TENCENT_API3_VERSIONS = { tat: "2020-10-28", mps: "2019-06-12", bm: "2018-04-23" } as const;

export type TencentService = keyof typeof TENCENT_API3_VERSIONS & ApiName;

/** Calls one Tencent Cloud API 3.0 action (TC3-HMAC-SHA256) through the official SDK. */
export interface TencentApi3Transport {
    call<B>(action: string, params: Record<string, unknown>, timeoutMs: number): Promise<CallResult<B>>;
}

interface SdkClient {
    request(action: string, req: unknown, options?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/**
 * A transport for one service, through the official SDK's `CommonClient`
 * (`tencentcloud-sdk-nodejs-common`): it signs and sends any action of any product, which is all
 * the per-product clients of the whole SDK do, without their 58 MB. Loaded on first use (with
 * node-fetch and form-data it takes ~60 ms), so a program that reads no Tencent source never pays it.
 */
export function tencentApi3(conn: ResolvedTencent, service: TencentService): TencentApi3Transport {
    const api: ApiName = service;
    const { CommonClient } = require("tencentcloud-sdk-nodejs-common") as typeof import("tencentcloud-sdk-nodejs-common");
    const override = conn.endpoint;
    const protocol = override?.protocol ?? "https:";
    const client: SdkClient = new CommonClient(`${service}.tencentcloudapi.com`, TENCENT_API3_VERSIONS[service], {
        credential: { secretId: conn.secretId, secretKey: conn.secretKey, token: conn.securityToken },
        region: conn.region,
        profile: {
            httpProfile: {
                endpoint: virtualHost(`${service}.tencentcloudapi.com`, override),
                protocol: `${protocol}//`,
                reqMethod: "POST",
                agent: agentFor(protocol, override),
                // No timeout of the SDK's own (0 turns node-fetch's off): it would bound the wait for
                // the headers and, again, the wait for the body, and node-fetch leaves that second timer
                // running after a body fails, holding the process open for it. One timer of ours over
                // the whole exchange keeps an answer that trickles in within the attempt's time.
                reqTimeout: 0,
            },
        },
    });
    return {
        async call<B>(action: string, params: Record<string, unknown>, timeoutMs: number): Promise<CallResult<B>> {
            const abort = new AbortController();
            const timer = setTimeout(() => abort.abort(), timeoutMs);
            let response: Record<string, unknown>;
            try {
                response = await client.request(action, params, { signal: abort.signal });
            } catch (e) {
                if (abort.signal.aborted) throw requestTimedOut("tencentcloud", api, action, timeoutMs);
                throw toCloudError(api, action, e);
            } finally {
                clearTimeout(timer);
            }
            if (response === null || typeof response !== "object") {
                throw malformed(api, action, "the response has no Response object");
            }
            const requestId = typeof response.RequestId === "string" ? response.RequestId : undefined;
            return { body: response as B, requestId };
        },
    };
}

function malformed(api: ApiName, operation: string, message: string, requestId?: string): TaskgateCloudError {
    return new TaskgateCloudError({ cloud: "tencentcloud", api, operation, code: "MalformedResponse", message, requestId, kind: "transient" });
}

/** How a Tencent API 3.0 error code is handled. */
export function classifyTencentCode(code: string): ErrorKind {
    if (code.startsWith("RequestLimitExceeded")) return "throttled";
    if (code.startsWith("AuthFailure") || code.startsWith("UnauthorizedOperation") || code === "InvalidAuthorization") return "auth";
    if (code.startsWith("InternalError") || code.startsWith("ServiceUnavailable") || code === "ResourceUnavailable") return "transient";
    return "client";
}

/**
 * Turns what the SDK throws into a {@link TaskgateCloudError}. The SDK's exception carries a code
 * only for `Response.Error` (HTTP 200), an `httpCode` only for other statuses, and neither for
 * network failures; a body that is not the JSON envelope escapes it as a raw parse error.
 */
function toCloudError(api: ApiName, operation: string, e: unknown): TaskgateCloudError {
    const err = e as { code?: unknown; httpCode?: unknown; requestId?: unknown; message?: unknown; name?: unknown; type?: unknown };
    const message = redactUrlsIn(typeof err?.message === "string" ? err.message : String(e));
    const requestId = typeof err?.requestId === "string" && err.requestId ? err.requestId : undefined;
    const base = { cloud: "tencentcloud" as const, api, operation, requestId };
    if (typeof err?.code === "string" && err.code) {
        return new TaskgateCloudError({ ...base, code: err.code, message, kind: classifyTencentCode(err.code), httpStatus: 200 });
    }
    if (typeof err?.httpCode === "number") {
        const status = err.httpCode;
        const kind: ErrorKind = status === 429 ? "throttled" : status >= 500 ? "transient" : status === 401 || status === 403 ? "auth" : "client";
        return new TaskgateCloudError({ ...base, code: "HttpError", message: `HTTP ${status} ${message}`.trim(), httpStatus: status, kind });
    }
    if (err?.type === "invalid-json" || e instanceof SyntaxError || e instanceof TypeError) {
        return malformed(api, operation, `the response is not the API 3.0 JSON envelope (${message})`);
    }
    const timedOut = /timeout/i.test(message);
    return new TaskgateCloudError({ ...base, code: timedOut ? "Timeout" : "NetworkError", message, kind: "transient" });
}
