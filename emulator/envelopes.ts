/**
 * Wire envelopes: how each cloud wraps a result or an error, and how it looks when the
 * server side breaks (fault injection). One {@link Envelope} per request, built by the
 * frontend that recognised the cloud, so the pipeline (pipeline.ts) stays cloud-agnostic.
 */
import { type ApiError, CphErrors, HuaweiGatewayErrors, LegacyErrors, TencentErrors, WorkspaceErrors } from "./errors";
import type { ApiId } from "./types";
import { STATUS_CODES } from "node:http";

/** A response ready to be written. `code` is the cloud error code for the request log. */
export interface EmuResponse {
    status: number;
    headers: Record<string, string>;
    body: string;
    code: string;
    /** Fault `slowBody`: trickle the body over this many ms instead of writing it at once. */
    dripMs?: number;
    /** Fault `hugeBody`: stream a generated body of this size instead of `body`. */
    huge?: { bytes: number; chunked: boolean; gzip: boolean };
}

/** Renders results and errors the way one cloud does. */
export interface Envelope {
    /** A successful result (`payload` is the API's own fields). */
    ok(payload: Record<string, unknown>): EmuResponse;
    /** A business, parameter or auth error. */
    fail(err: ApiError): EmuResponse;
    /** The cloud's real throttling answer. */
    throttled(limit: number, count: number): EmuResponse;
    /** An HTTP 5xx as the cloud's front door produces it (fault `http5xx`). */
    serverError(status: number): EmuResponse;
    /** The cloud's internal-error answer (fault `internalError`). */
    internalError(): EmuResponse;
}

function json(status: number, body: unknown, headers: Record<string, string>, code: string, type = "application/json"): EmuResponse {
    return { status, headers: { "Content-Type": type, ...headers }, body: JSON.stringify(body), code };
}

/** Huawei services answer `application/json;charset=UTF-8`. */
const HUAWEI_JSON = "application/json;charset=UTF-8";

function bare(status: number, headers: Record<string, string>): EmuResponse {
    const text = STATUS_CODES[status] ?? "Server Error";
    return { status, headers: { "Content-Type": "text/plain", ...headers }, body: `${status} ${text}\n`, code: String(status) };
}

/**
 * Tencent API 3.0: everything is HTTP 200 (the SDK reads `Response.Error` only on 200) except
 * a front-door 5xx, which has no JSON body. The request's X-TC-TraceId is echoed so the SDK
 * can fill `exception.traceId`.
 */
export function tencentEnvelope(requestId: string, traceId: string | undefined): Envelope {
    const headers: Record<string, string> = traceId ? { "X-TC-TraceId": traceId } : {};
    const fail = (err: ApiError) => json(200, { Response: { Error: { Code: err.code, Message: err.message }, RequestId: requestId } }, headers, err.code);
    return {
        ok: (payload) => json(200, { Response: { ...payload, RequestId: requestId } }, headers, ""),
        fail,
        throttled: (limit, count) => fail(TencentErrors.requestLimitExceeded(count, limit)),
        serverError: (status) => bare(status, headers),
        internalError: () => fail(TencentErrors.internalError()),
    };
}

/** Tencent legacy v2: `{code, message, codeDesc, data}`, code 0 on success (a string under the quirk). */
export function legacyEnvelope(codeAsString: boolean): Envelope {
    const codeValue = (code: string) => (codeAsString ? code : Number(code));
    const fail = (err: ApiError) => json(200, { code: codeValue(err.code), message: err.message, codeDesc: err.extra.codeDesc ?? "" }, {}, err.code);
    return {
        ok: (payload) => json(200, { code: codeValue("0"), message: "", codeDesc: "Success", data: payload }, {}, ""),
        fail,
        throttled: (limit) => fail(LegacyErrors.quotaExceeded(limit)),
        serverError: (status) => bare(status, {}),
        internalError: () => fail(LegacyErrors.dbError()),
    };
}

/**
 * Huawei Cloud: real HTTP statuses, `{error_code, error_msg, ...}` bodies, and X-Request-Id on
 * every response (the SDK takes its requestId from that header, not from the body).
 */
export function huaweiEnvelope(requestId: string, api: ApiId | undefined): Envelope {
    const headers = { "X-Request-Id": requestId };
    const fail = (err: ApiError) => {
        const body: Record<string, unknown> = { error_code: err.code, error_msg: err.message, ...err.extra };
        if (err.bodyRequestId) body.request_id = requestId;
        return json(err.status, body, headers, err.code, HUAWEI_JSON);
    };
    return {
        ok: (payload) => json(200, payload, headers, "", HUAWEI_JSON),
        fail,
        throttled: (limit) => fail(HuaweiGatewayErrors.throttled(limit)),
        serverError: (status) => {
            if (status === 500) return fail(api === "workspace" ? WorkspaceErrors.internal(500) : CphErrors.internal(500));
            return fail(HuaweiGatewayErrors.backend(status));
        },
        // CPH reports every CPS code with HTTP 400, its internal error included.
        internalError: () => fail(api === "workspace" ? WorkspaceErrors.internal(500) : CphErrors.internal(400)),
    };
}
