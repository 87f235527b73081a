/**
 * Huawei Cloud API gateway authentication: SDK-HMAC-SHA256 (AK/SK) or an IAM token in
 * X-Auth-Token. Written from the "API signing" algorithm document.
 *
 * What the gateway does, and so the emulator:
 * - canonical URI: each path segment of the raw path URI-encoded (strict RFC 3986), always
 *   ending in `/` (`/v1/<pid>/cloud-phone/jobs/`);
 * - canonical query: the query DECODED, then each name and value strictly re-encoded
 *   (`!'()*` become `%21%27%28%29%2A` although clients send them raw), names sorted, repeated
 *   names expanded to one `k=v` per value with the values sorted, `k=` for empty values;
 * - canonical headers from the SignedHeaders list, values NOT trimmed, and `host` WITH the port;
 * - payload hash = X-Sdk-Content-Sha256 if sent (e.g. `UNSIGNED-PAYLOAD`), else sha256(body);
 * - signature = hex(HMAC-SHA256(SK, "SDK-HMAC-SHA256\n" + X-Sdk-Date + "\n" + sha256(canonical)));
 *   no derived-key chain;
 * - X-Sdk-Date (`YYYYMMDDTHHmmssZ`) must be within 15 minutes of the gateway clock.
 */
import { createHmac } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { type ApiError, HuaweiGatewayErrors } from "../errors";
import type { HuaweiKey, HuaweiToken } from "../types";
import { headerValue, safeEqual, sha256Hex } from "./common";

/** The algorithm name. */
export const HUAWEI_ALGORITHM = "SDK-HMAC-SHA256";

/** Largest accepted |server time - X-Sdk-Date|, milliseconds. */
export const HUAWEI_MAX_SKEW_MS = 15 * 60 * 1000;

const AUTH_RE = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]{64})$/;
const DATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Percent-encodes everything but RFC 3986 unreserved characters (`A-Za-z0-9-_.~`), UTF-8. */
export function strictEncode(s: string): string {
    return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Canonical URI: every raw segment re-encoded, trailing slash added. */
export function huaweiCanonicalUri(rawPath: string): string {
    const uri = rawPath.split("/").map(strictEncode).join("/");
    return uri.endsWith("/") ? uri : `${uri}/`;
}

/**
 * Decodes a query string into name -> values (`+` is a space, as `querystring` does).
 * Returns undefined on a malformed escape.
 */
export function decodeQuery(rawQuery: string): Map<string, string[]> | undefined {
    const out = new Map<string, string[]>();
    if (!rawQuery) return out;
    for (const part of rawQuery.split("&")) {
        if (!part) continue;
        const eq = part.indexOf("=");
        let k: string;
        let v: string;
        try {
            k = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, " "));
            v = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, " "));
        } catch {
            return undefined;
        }
        const list = out.get(k);
        if (list) list.push(v);
        else out.set(k, [v]);
    }
    return out;
}

/** Canonical query string from decoded params (names sorted, repeated values sorted). */
export function huaweiCanonicalQuery(params: Map<string, string[]>): string {
    const parts: string[] = [];
    for (const name of [...params.keys()].sort()) {
        const values = params.get(name)!;
        const ordered = values.length > 1 ? [...values].sort() : values;
        for (const v of ordered) parts.push(`${strictEncode(name)}=${strictEncode(v)}`);
    }
    return parts.join("&");
}

/** Inputs of the canonical request. */
export interface HuaweiCanonicalParts {
    method: string;
    rawPath: string;
    query: Map<string, string[]>;
    headers: IncomingHttpHeaders;
    signedHeaders: string[];
    payloadHash: string;
}

/** Builds the canonical request, or names the signed header that is missing. */
export function huaweiCanonicalRequest(p: HuaweiCanonicalParts): string | { missingHeader: string } {
    let canonicalHeaders = "";
    for (const name of p.signedHeaders) {
        const value = headerValue(p.headers, name);
        if (value === undefined) return { missingHeader: name };
        canonicalHeaders += `${name}:${value}\n`;
    }
    return [
        p.method.toUpperCase(),
        huaweiCanonicalUri(p.rawPath),
        huaweiCanonicalQuery(p.query),
        canonicalHeaders,
        p.signedHeaders.join(";"),
        p.payloadHash,
    ].join("\n");
}

/** The string-to-sign. */
export function huaweiStringToSign(sdkDate: string, canonicalRequest: string): string {
    return `${HUAWEI_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonicalRequest)}`;
}

/** hex(HMAC-SHA256(SK, stringToSign)). */
export function huaweiSignature(secretKey: string, stringToSign: string): string {
    return createHmac("sha256", secretKey).update(stringToSign).digest("hex");
}

/** Parses `YYYYMMDDTHHmmssZ` to epoch ms, or NaN. */
export function parseSdkDate(value: string): number {
    const m = DATE_RE.exec(value);
    if (!m) return Number.NaN;
    return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

/** Who a verified Huawei request came from. */
export interface HuaweiPrincipal {
    /** The AK, or `token` for IAM-token calls. */
    credential: string;
    /** Rate-limit key (the AK, or a hash of the token: tokens are never kept in logs). */
    key: string;
    /** For token calls, the project the token is scoped to. */
    tokenProjectId?: string;
}

/** Options of {@link verifyHuawei}. */
export interface HuaweiVerifyOptions {
    lookupKey(accessKey: string): HuaweiKey | undefined;
    lookupToken(token: string): HuaweiToken | undefined;
    nowMs: number;
}

/** Authenticates a request the way the API gateway does. */
export function verifyHuawei(
    req: { method: string; rawPath: string; query: Map<string, string[]>; headers: IncomingHttpHeaders; body: Buffer },
    opts: HuaweiVerifyOptions,
): HuaweiPrincipal | ApiError {
    const authorization = headerValue(req.headers, "authorization");
    if (!authorization) {
        const token = headerValue(req.headers, "x-auth-token");
        if (!token) return HuaweiGatewayErrors.authFailed("x-auth-token not found");
        const bound = opts.lookupToken(token);
        if (!bound) return HuaweiGatewayErrors.authFailed("decrypt token fail");
        return { credential: "token", key: `token:${sha256Hex(token).slice(0, 16)}`, tokenProjectId: bound.projectId };
    }

    const m = AUTH_RE.exec(authorization.trim());
    if (!m) return HuaweiGatewayErrors.authFailed("the Authorization header is not SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...");
    const [, accessKey, signedList, signature] = m;
    const key = opts.lookupKey(accessKey);
    if (!key) return HuaweiGatewayErrors.authFailed(`Get secretKey failed,ak:${accessKey},err:ak not exist`);

    const sdkDate = headerValue(req.headers, "x-sdk-date");
    if (!sdkDate) return HuaweiGatewayErrors.authFailed("X-Sdk-Date not found");
    const signedAt = parseSdkDate(sdkDate);
    if (Number.isNaN(signedAt)) return HuaweiGatewayErrors.authFailed("X-Sdk-Date is not in the YYYYMMDDTHHmmssZ format");
    if (Math.abs(opts.nowMs - signedAt) > HUAWEI_MAX_SKEW_MS) return HuaweiGatewayErrors.requestTimeSkewed();

    const canonical = huaweiCanonicalRequest({
        method: req.method,
        rawPath: req.rawPath,
        query: req.query,
        headers: req.headers,
        signedHeaders: signedList.toLowerCase().split(";"),
        payloadHash: headerValue(req.headers, "x-sdk-content-sha256") ?? sha256Hex(req.body),
    });
    if (typeof canonical !== "string") return HuaweiGatewayErrors.authFailed(`signed header ${canonical.missingHeader} not found`);
    const expected = huaweiSignature(key.secretKey, huaweiStringToSign(sdkDate, canonical));
    if (!safeEqual(expected, signature.toLowerCase())) return HuaweiGatewayErrors.authFailed("verify aksk signature fail");

    const securityToken = headerValue(req.headers, "x-security-token") ?? "";
    if (key.securityToken !== undefined) {
        if (!securityToken || !safeEqual(securityToken, key.securityToken)) {
            return HuaweiGatewayErrors.authFailed("verify security token fail");
        }
    } else if (securityToken) {
        return HuaweiGatewayErrors.authFailed("a security token was sent with a permanent AK");
    }
    return { credential: accessKey, key: accessKey };
}
