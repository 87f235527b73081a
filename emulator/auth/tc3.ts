/**
 * Tencent Cloud API 3.0 signature verification (TC3-HMAC-SHA256), written from the
 * published algorithm ("签名方法 v3"), independently of any client-side signer.
 *
 * Details that matter, all observed on the wire from tencentcloud-sdk-nodejs:
 * - canonical headers are rebuilt from the request's own `SignedHeaders` list, values
 *   trimmed and lower-cased (so `x-tc-action:describeinstances` when a client signs it);
 * - `host` is signed WITHOUT the port, although the Host header carries one;
 * - the canonical query is the raw query string exactly as received (GET);
 * - the payload hash is over the raw body bytes, never a re-serialisation;
 * - the credential scope names a date (must be the UTC date of X-TC-Timestamp) and a service
 *   (must be the product addressed, e.g. `tat`; an SDK pointed at `127.0.0.1:PORT` signs `127`).
 */
import { createHmac } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ApiError, TencentErrors } from "../errors";
import type { TencentKey } from "../types";
import { headerValue, safeEqual, sha256Hex, splitHost } from "./common";

/** The algorithm name, first word of the Authorization header and of the string-to-sign. */
export const TC3_ALGORITHM = "TC3-HMAC-SHA256";

/** Largest accepted |server time - X-TC-Timestamp|, seconds. */
export const TC3_MAX_SKEW_SECONDS = 300;

const AUTH_RE = /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/i;

/** The parts of an HTTP request the verifier needs. */
export interface SignedRequest {
    method: string;
    /** Path as received, without the query. */
    path: string;
    /** Everything after the first `?`, as received ("" if none). */
    rawQuery: string;
    headers: IncomingHttpHeaders;
    body: Buffer;
}

/** Inputs of a TC3 canonical request. */
export interface Tc3CanonicalParts {
    method: string;
    path: string;
    rawQuery: string;
    /** `name:value\n` lines, in SignedHeaders order. */
    canonicalHeaders: string;
    signedHeaders: string;
    payloadHash: string;
}

/** Builds the canonical request (six lines joined by `\n`). */
export function tc3CanonicalRequest(p: Tc3CanonicalParts): string {
    return [p.method, p.path, p.rawQuery, p.canonicalHeaders, p.signedHeaders, p.payloadHash].join("\n");
}

/** Builds the string-to-sign from the canonical request. */
export function tc3StringToSign(timestamp: number | string, date: string, service: string, canonicalRequest: string): string {
    return `${TC3_ALGORITHM}\n${timestamp}\n${date}/${service}/tc3_request\n${sha256Hex(canonicalRequest)}`;
}

/** Derives the signing key and signs: hex(HMAC(HMAC(HMAC(HMAC("TC3"+SK, date), service), "tc3_request"), sts)). */
export function tc3Signature(secretKey: string, date: string, service: string, stringToSign: string): string {
    const kDate = createHmac("sha256", `TC3${secretKey}`).update(date).digest();
    const kService = createHmac("sha256", kDate).update(service).digest();
    const kSigning = createHmac("sha256", kService).update("tc3_request").digest();
    return createHmac("sha256", kSigning).update(stringToSign).digest("hex");
}

/** The UTC `YYYY-MM-DD` of an epoch-seconds timestamp: the only valid scope date. */
export function tc3Date(timestampSeconds: number): string {
    return new Date(timestampSeconds * 1000).toISOString().slice(0, 10);
}

/** Parsed `Authorization: TC3-HMAC-SHA256 ...` header. */
export interface Tc3Authorization {
    secretId: string;
    date: string;
    service: string;
    signedHeaders: string[];
    signature: string;
}

/** Parses the Authorization header, or explains why it is not TC3. */
export function parseTc3Authorization(value: string | undefined): Tc3Authorization | ApiError {
    if (!value) return TencentErrors.invalidAuthorization("the Authorization header is missing");
    if (value === "SKIP") return TencentErrors.invalidAuthorization("signing was skipped (Authorization: SKIP)");
    const m = AUTH_RE.exec(value);
    if (!m) return TencentErrors.invalidAuthorization("it does not match the TC3-HMAC-SHA256 format");
    return {
        secretId: m[1],
        date: m[2],
        service: m[3],
        signedHeaders: m[4].toLowerCase().split(";"),
        signature: m[5].toLowerCase(),
    };
}

/** Rebuilds the canonical headers block from the request for the given signed header names. */
export function tc3CanonicalHeaders(headers: IncomingHttpHeaders, signedHeaders: string[]): string | ApiError {
    let out = "";
    for (const name of signedHeaders) {
        let value = headerValue(headers, name);
        if (value === undefined) return TencentErrors.signatureFailure(`signed header \`${name}\` is not in the request`);
        if (name === "host") value = splitHost(value.trim()).hostname;
        out += `${name}:${value.trim().toLowerCase()}\n`;
    }
    return out;
}

/** Options of {@link verifyTc3}. */
export interface Tc3VerifyOptions {
    /** Finds the key for a SecretId. */
    lookup(secretId: string): TencentKey | undefined;
    /** Server time, epoch seconds (the emulator clock). */
    nowSeconds: number;
    /** The product addressed (`tat`, `mps`, `bm`): the credential scope must name it. */
    service: string;
}

/**
 * Verifies a TC3-signed request. Returns the SecretId on success, or the error the cloud
 * would answer. Checks run in the cloud's order: header format, key, clock, scope, signature,
 * token.
 */
export function verifyTc3(req: SignedRequest, opts: Tc3VerifyOptions): { secretId: string } | ApiError {
    const auth = parseTc3Authorization(headerValue(req.headers, "authorization"));
    if (auth instanceof ApiError) return auth;
    const key = opts.lookup(auth.secretId);
    if (!key) return TencentErrors.secretIdNotFound();

    const tsRaw = headerValue(req.headers, "x-tc-timestamp");
    if (tsRaw === undefined) return TencentErrors.missingParameter("X-TC-Timestamp");
    if (!/^\d{1,12}$/.test(tsRaw.trim())) return TencentErrors.invalidParameter("X-TC-Timestamp must be an integer number of seconds.");
    const timestamp = Number(tsRaw.trim());
    if (Math.abs(opts.nowSeconds - timestamp) > TC3_MAX_SKEW_SECONDS) return TencentErrors.signatureExpire(timestamp, opts.nowSeconds);
    if (auth.date !== tc3Date(timestamp)) {
        return TencentErrors.signatureFailure(`credential scope date ${auth.date} is not the UTC date of X-TC-Timestamp`);
    }
    if (auth.service !== opts.service) {
        return TencentErrors.signatureFailure(
            `credential scope service \`${auth.service}\` does not match the product \`${opts.service}\` this request addresses`,
        );
    }
    if (!auth.signedHeaders.includes("content-type") || !auth.signedHeaders.includes("host")) {
        return TencentErrors.signatureFailure("SignedHeaders must include content-type and host");
    }
    const canonicalHeaders = tc3CanonicalHeaders(req.headers, auth.signedHeaders);
    if (canonicalHeaders instanceof ApiError) return canonicalHeaders;

    const canonical = tc3CanonicalRequest({
        method: req.method.toUpperCase(),
        path: req.path,
        rawQuery: req.rawQuery,
        canonicalHeaders,
        signedHeaders: auth.signedHeaders.join(";"),
        payloadHash: sha256Hex(req.body),
    });
    const expected = tc3Signature(key.secretKey, auth.date, auth.service, tc3StringToSign(timestamp, auth.date, auth.service, canonical));
    if (!safeEqual(expected, auth.signature)) return TencentErrors.signatureFailure();

    const token = headerValue(req.headers, "x-tc-token")?.trim() ?? "";
    if (key.token !== undefined) {
        if (!token) return TencentErrors.tokenFailure("this temporary SecretId requires X-TC-Token");
        if (!safeEqual(token, key.token)) return TencentErrors.tokenFailure("X-TC-Token does not belong to this SecretId");
    } else if (token) {
        return TencentErrors.tokenFailure("X-TC-Token was sent with a permanent SecretId");
    }
    return { secretId: auth.secretId };
}
