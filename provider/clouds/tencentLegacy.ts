import { createHmac, randomInt } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import { type ErrorKind, requestTimedOut, TaskgateCloudError } from "../errors";
import type { CallResult } from "../paging";
import type { ResolvedTencent } from "../settings";
import type { ApiName } from "../types";
import { redactUrlsIn } from "../redact";
import { agentFor, virtualHost } from "./agents";

/**
 * Tencent Cloud's legacy API 2.0 (`https://<product>.api.qcloud.com/v2/index.php`), signed with
 * HmacSHA1 or HmacSHA256 over the sorted query. The official SDK can sign such a request but cannot
 * parse its `{code, message, data}` envelope, and no maintained package does both, so the ~20 lines
 * of signing live here, checked against the documented vectors in the tests.
 */
/** How a legacy API request is signed: HmacSHA1 or HmacSHA256 (the default). */
export type LegacySignatureMethod = "HmacSHA1" | "HmacSHA256";

/**
 * The string the signature covers: `METHOD + host + path + "?" + k=v&...`, parameters sorted by
 * byte order, raw (not URL-encoded) values, `_` in keys written as `.`. The host is the Host
 * header as sent, port included.
 */
export function legacySignatureSource(method: string, host: string, path: string, params: Readonly<Record<string, string>>): string {
    const keys = Object.keys(params)
        .filter((k) => k !== "Signature")
        .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `${method.toUpperCase()}${host}${path}?${keys.map((k) => `${k.replace(/_/g, ".")}=${params[k]}`).join("&")}`;
}

/** Base64 HMAC of the signature source; SHA-256 when asked, else SHA-1, as the API does. */
export function legacySign(secretKey: string, source: string, method: LegacySignatureMethod): string {
    return createHmac(method === "HmacSHA256" ? "sha256" : "sha1", secretKey)
        .update(source, "utf8")
        .digest("base64");
}

/** Legacy region codes: the v2 APIs take `bj`, `sh`, `gz`, not the API 3.0 names. */
const LEGACY_REGIONS: Readonly<Record<string, string>> = {
    "ap-beijing": "bj",
    "ap-shanghai": "sh",
    "ap-guangzhou": "gz",
    "ap-chengdu": "cd",
    "ap-hongkong": "hk",
};

/** The v2 region code for a region name (`ap-guangzhou` -> `gz`); short codes pass through. */
export function legacyRegion(region: string): string {
    return LEGACY_REGIONS[region] ?? region;
}

export interface TencentLegacyTransport {
    call<B>(action: string, params: Record<string, string>, timeoutMs: number): Promise<CallResult<B>>;
}

/**
 * A transport for one legacy product (`bm` for `bm.api.qcloud.com`).
 * @param signatureMethod HmacSHA256 by default; HmacSHA1 for accounts that still require it.
 */
export function tencentLegacy(
    conn: ResolvedTencent,
    product: string,
    api: ApiName,
    signatureMethod: LegacySignatureMethod = "HmacSHA256",
): TencentLegacyTransport {
    const override = conn.endpoint;
    const protocol = override?.protocol ?? "https:";
    const host = virtualHost(`${product}.api.qcloud.com`, override);
    const path = "/v2/index.php";
    const agent = agentFor(protocol, override);
    const port = override?.port ?? (protocol === "https:" ? 443 : 80);
    const connectHost = override?.hostname ?? `${product}.api.qcloud.com`;

    return {
        call<B>(action: string, apiParams: Record<string, string>, timeoutMs: number): Promise<CallResult<B>> {
            const params: Record<string, string> = {
                ...apiParams,
                Action: action,
                Region: legacyRegion(conn.region ?? ""),
                Timestamp: String(Math.floor(Date.now() / 1000)),
                Nonce: String(randomInt(1, 2 ** 31 - 1)),
                SecretId: conn.secretId,
                SignatureMethod: signatureMethod,
            };
            if (conn.securityToken) params.Token = conn.securityToken;
            params.Signature = legacySign(conn.secretKey, legacySignatureSource("GET", host, path, params), signatureMethod);
            const query = Object.entries(params)
                .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
                .join("&");
            return send(action).then((r) => r as CallResult<B>);

            function send(operation: string): Promise<CallResult<unknown>> {
                return new Promise((resolve, reject) => {
                    const fail = (code: string, message: string, kind: ErrorKind, httpStatus?: number) =>
                        reject(new TaskgateCloudError({ cloud: "tencentcloud", api, operation, code, message: redactUrlsIn(message), kind, httpStatus }));
                    const req = (protocol === "https:" ? https : http).request(
                        {
                            host: connectHost,
                            port,
                            path: `${path}?${query}`,
                            method: "GET",
                            agent,
                            headers: { Host: host, Accept: "application/json" },
                            servername: protocol === "https:" ? host.replace(/:\d+$/, "") : undefined,
                        },
                        (res) => {
                            const chunks: Buffer[] = [];
                            res.on("data", (c: Buffer) => chunks.push(c));
                            res.on("error", (e) => fail("NetworkError", e.message, "transient"));
                            res.on("end", () => {
                                clearTimeout(timer);
                                const status = res.statusCode ?? 0;
                                const text = Buffer.concat(chunks).toString("utf8");
                                if (status !== 200) {
                                    return fail(
                                        "HttpError",
                                        `HTTP ${status} ${res.statusMessage ?? ""}`.trim(),
                                        status === 429 ? "throttled" : status >= 500 ? "transient" : "client",
                                        status,
                                    );
                                }
                                let body: unknown;
                                try {
                                    body = JSON.parse(text);
                                } catch {
                                    return fail("MalformedResponse", `the response is not JSON (${text.length} bytes)`, "transient", status);
                                }
                                const b = body as { code?: unknown; message?: unknown; codeDesc?: unknown };
                                if (body === null || typeof body !== "object" || b.code === undefined) {
                                    return fail("MalformedResponse", "the response has no `code` field", "transient", status);
                                }
                                // The docs show the code both as 0 and as "0".
                                const code = String(b.code);
                                if (code !== "0") {
                                    const desc = typeof b.codeDesc === "string" && b.codeDesc ? ` (${b.codeDesc})` : "";
                                    return fail(code, `${typeof b.message === "string" ? b.message : ""}${desc}`, classifyLegacyCode(code), status);
                                }
                                resolve({ body });
                            });
                        },
                    );
                    // A wall-clock limit on the whole exchange: a socket idle timeout would never fire
                    // on an answer that trickles in.
                    const timer = setTimeout(() => {
                        reject(requestTimedOut("tencentcloud", api, operation, timeoutMs));
                        req.destroy();
                    }, timeoutMs);
                    req.on("close", () => clearTimeout(timer));
                    req.on("error", (e: NodeJS.ErrnoException) => fail("NetworkError", `${e.code ? `${e.code}: ` : ""}${e.message}`, "transient"));
                    req.end();
                });
            }
        },
    };
}

/**
 * How a legacy error code is handled: 4400 is the request quota; 6000 (internal) and 6200 (under
 * maintenance) pass; 4100-4300 and 4500 (replay or clock skew, which a retry with the same clock
 * cannot fix) are authentication; the rest are parameter or resource errors.
 */
export function classifyLegacyCode(code: string): ErrorKind {
    const n = Number(code);
    if (n === 4400) return "throttled";
    if (n === 6000 || n === 6200 || n === 9001) return "transient";
    if ((n >= 4100 && n < 4400) || n === 4500) return "auth";
    return "client";
}
