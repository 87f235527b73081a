/**
 * Small primitives shared by the three verifiers. Each verifier still builds its own
 * canonical form; only hashing, constant-time comparison and header access live here.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/** Lower-case hex SHA-256. */
export function sha256Hex(data: string | Buffer): string {
    return createHash("sha256").update(data).digest("hex");
}

/** Constant-time string comparison; unequal lengths compare unequal (after a dummy compare). */
export function safeEqual(a: string, b: string): boolean {
    const ab = Buffer.from(a, "utf8");
    const bb = Buffer.from(b, "utf8");
    if (ab.length !== bb.length) {
        timingSafeEqual(ab, ab);
        return false;
    }
    return timingSafeEqual(ab, bb);
}

/** One header's value as a single string (Node gives arrays only for a few headers). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
    const v = headers[name.toLowerCase()];
    if (v === undefined) return undefined;
    return Array.isArray(v) ? v.join(",") : v;
}

/** Splits a Host header into hostname and port; handles `[::1]:8080`. */
export function splitHost(host: string): { hostname: string; port: string } {
    if (host.startsWith("[")) {
        const end = host.indexOf("]");
        return { hostname: host.slice(0, end + 1), port: host.slice(end + 2) };
    }
    const i = host.lastIndexOf(":");
    return i < 0 ? { hostname: host, port: "" } : { hostname: host.slice(0, i), port: host.slice(i + 1) };
}

/** True for hosts that name no product: IP literals and localhost. */
export function isBareHost(hostname: string): boolean {
    return hostname === "localhost" || hostname.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}
