/**
 * Tencent Cloud "v1" HMAC signature (HmacSHA1 / HmacSHA256), as used by the legacy v2 APIs
 * (`https://bm.api.qcloud.com/v2/index.php`) and, optionally, by API 3.0 clients configured
 * with `signMethod: "HmacSHA256"`. Written from the API 2.0 "Signature" document.
 *
 * Source string: `METHOD + host + path + "?" + k1=v1&k2=v2...` where the parameters are every
 * request parameter except `Signature`, sorted by name in byte order, with `_` in names
 * replaced by `.`, and RAW (decoded) values. The host is the Host header INCLUDING the port,
 * because the SDKs sign the endpoint string they were given (`bm.api.qcloud.com:PORT`).
 */
import { createHmac } from "node:crypto";
import { safeEqual } from "./common";
import type { TencentKey } from "../types";

/** Legacy APIs reject timestamps more than 2 hours away (code 4500). */
export const LEGACY_MAX_SKEW_SECONDS = 7200;

/**
 * Decodes `a=1&b=x%20y` (query string or form body) into a map; `+` means space, as in
 * form encoding. The last of repeated names wins. Returns undefined on malformed escapes.
 */
export function parseFormEncoded(raw: string): Map<string, string> | undefined {
    const out = new Map<string, string>();
    if (!raw) return out;
    for (const part of raw.split("&")) {
        if (!part) continue;
        const eq = part.indexOf("=");
        const rawKey = eq < 0 ? part : part.slice(0, eq);
        const rawValue = eq < 0 ? "" : part.slice(eq + 1);
        try {
            out.set(decodeURIComponent(rawKey.replace(/\+/g, " ")), decodeURIComponent(rawValue.replace(/\+/g, " ")));
        } catch {
            return undefined;
        }
    }
    return out;
}

function byteCompare(a: string, b: string): number {
    return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Builds the v1 source string (the message that is HMAC'd). `Signature` is skipped. */
export function legacySourceString(method: string, host: string, path: string, params: Map<string, string>): string {
    const keys = [...params.keys()].filter((k) => k !== "Signature").sort(byteCompare);
    const query = keys.map((k) => `${k.replace(/_/g, ".")}=${params.get(k)}`).join("&");
    return `${method.toUpperCase()}${host}${path}?${query}`;
}

/** base64(HMAC(secretKey, source)), SHA-256 only for `HmacSHA256`, otherwise SHA-1 (as documented). */
export function legacySignature(secretKey: string, source: string, signatureMethod: string | undefined): string {
    const algorithm = signatureMethod === "HmacSHA256" ? "sha256" : "sha1";
    return createHmac(algorithm, secretKey).update(source, "utf8").digest("base64");
}

/**
 * Remembers (SecretId, Nonce, Timestamp) triples of verified requests, to refuse replays.
 * The timestamp is part of the key because SDKs draw Nonce from only 65,536 values: keying on
 * the nonce alone would reject honest clients after a few hundred calls.
 */
export class NonceCache {
    private readonly seen = new Map<string, number>();
    private lastSweep = 0;

    constructor(private readonly windowSeconds = LEGACY_MAX_SKEW_SECONDS) {}

    /** Records the triple; false if it was already seen within the window. */
    remember(secretId: string, nonce: string, timestamp: number, nowSeconds: number): boolean {
        if (nowSeconds - this.lastSweep > 60) this.sweep(nowSeconds);
        const key = `${secretId}\n${nonce}\n${timestamp}`;
        const expires = this.seen.get(key);
        if (expires !== undefined && expires > nowSeconds) return false;
        this.seen.set(key, timestamp + this.windowSeconds);
        return true;
    }

    /** Forgets everything. */
    clear(): void {
        this.seen.clear();
    }

    private sweep(nowSeconds: number): void {
        this.lastSweep = nowSeconds;
        for (const [k, exp] of this.seen) if (exp <= nowSeconds) this.seen.delete(k);
    }
}

/** Why a v1-signed request was refused; each frontend maps these to its own codes. */
export type V1Failure =
    | { reason: "missing"; param: string }
    | { reason: "invalid"; detail: string }
    | { reason: "secretId" }
    | { reason: "expired"; timestamp: number }
    | { reason: "signature" }
    | { reason: "token" }
    | { reason: "replay" };

/** Options of {@link verifyV1}. */
export interface V1VerifyOptions {
    lookup(secretId: string): TencentKey | undefined;
    nowSeconds: number;
    maxSkewSeconds: number;
    /** If given, (SecretId, Nonce, Timestamp) may be used once. */
    nonces?: NonceCache;
}

/** Verifies a v1-signed request whose parameters have been decoded into `params`. */
export function verifyV1(
    req: { method: string; host: string; path: string; params: Map<string, string> },
    opts: V1VerifyOptions,
): { secretId: string } | V1Failure {
    for (const name of ["SecretId", "Signature", "Nonce", "Timestamp"]) {
        if (!req.params.get(name)) return { reason: "missing", param: name };
    }
    const secretId = req.params.get("SecretId")!;
    const nonce = req.params.get("Nonce")!;
    const tsRaw = req.params.get("Timestamp")!;
    if (!/^\d{1,12}$/.test(nonce)) return { reason: "invalid", detail: "Nonce must be an unsigned integer" };
    if (!/^\d{1,12}$/.test(tsRaw)) return { reason: "invalid", detail: "Timestamp must be an unsigned integer" };
    const key = opts.lookup(secretId);
    if (!key) return { reason: "secretId" };
    const timestamp = Number(tsRaw);
    if (Math.abs(opts.nowSeconds - timestamp) > opts.maxSkewSeconds) return { reason: "expired", timestamp };

    const source = legacySourceString(req.method, req.host, req.path, req.params);
    const expected = legacySignature(key.secretKey, source, req.params.get("SignatureMethod"));
    if (!safeEqual(expected, req.params.get("Signature")!)) return { reason: "signature" };

    const token = req.params.get("Token") ?? "";
    if (key.token !== undefined ? !safeEqual(token, key.token) : token !== "") return { reason: "token" };
    if (opts.nonces && !opts.nonces.remember(secretId, nonce, timestamp, opts.nowSeconds)) return { reason: "replay" };
    return { secretId };
}
