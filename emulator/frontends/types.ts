/**
 * The contract between the cloud frontends and the request pipeline (pipeline.ts).
 *
 * A frontend recognises one cloud's wire protocol: it picks the API, authenticates, decodes
 * the parameters and returns a {@link PreparedCall} (or a rejection). The pipeline then applies
 * what is the same for every cloud, in a fixed order: rate limit, faults, handler, latency,
 * write, log. That order is what makes "an auth failure is always an auth failure" and
 * "a fault never masks a real throttle" true for all five APIs at once.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { KeyRing } from "../auth/keyring";
import type { NonceCache } from "../auth/tencentLegacy";
import type { Envelope } from "../envelopes";
import type { ApiError } from "../errors";
import type { HandlerContext } from "../handlers/context";
import type { ApiId, EmulatorConfig } from "../types";

/** A received request, body read. */
export interface IncomingCall {
    method: string;
    /** Path without the query, as received. */
    path: string;
    /** Query string after the first `?`, as received. */
    rawQuery: string;
    headers: IncomingHttpHeaders;
    body: Buffer;
    /** The request id this emulator gives the call. */
    requestId: string;
}

/** What frontends may use. */
export interface FrontendDeps {
    keys: KeyRing;
    config: EmulatorConfig;
    nonces: NonceCache;
    /** Emulator clock, epoch ms. */
    nowMs: number;
}

/** An authenticated call, ready for the pipeline. */
export interface PreparedCall {
    kind: "call";
    api: ApiId;
    action: string;
    envelope: Envelope;
    /** SecretId / AK / `token`, for the log. */
    credential: string;
    /** Rate-limit identity of the caller. */
    limiterKey: string;
    /** Decoded params (for fault matching and the log; no secrets). */
    params: Record<string, unknown>;
    /** Runs the handler; throws ApiError for business and parameter errors. */
    invoke(ctx: HandlerContext): Record<string, unknown>;
}

/** A call refused before the pipeline (routing, auth). */
export interface RejectedCall {
    kind: "reject";
    api?: ApiId;
    action: string;
    envelope: Envelope;
    error: ApiError;
    credential?: string;
    params?: Record<string, unknown>;
}

/** A frontend's verdict. */
export type Prepared = PreparedCall | RejectedCall;

/** Params a log may show: drops signing and identity fields whatever the cloud. */
export function loggableParams(params: Map<string, string> | Record<string, unknown>): Record<string, unknown> {
    const hidden = new Set(["Signature", "Token", "SecretId", "Nonce", "Timestamp", "SignatureMethod", "SecretKey"]);
    const entries = params instanceof Map ? [...params.entries()] : Object.entries(params);
    return Object.fromEntries(entries.filter(([k]) => !hidden.has(k)));
}
