/**
 * The emulator's runtime configuration: the defaults it starts with, and the checks every change
 * passes (`startEmulator` options, `configure()`, `POST /_emulator/config`), so that a bad value is
 * refused with its name before it can reach a request.
 */
import { API_IDS, type ApiId, type EmulatorConfig, type EmulatorConfigPatch } from "./types";

/** Default per-API rate limits (requests per sliding second, per credential). */
export const DEFAULT_RATE_LIMITS: Readonly<Record<ApiId, number>> = {
    tat: 20,
    mps: 100,
    bm: 10,
    bmLegacy: 10,
    cph: 10,
    workspace: 10,
};

/** The configuration an emulator starts with: the defaults, changed by its options. */
export function initialConfig(options: EmulatorConfigPatch): EmulatorConfig {
    return applyPatch(
        {
            latency: {},
            rateLimits: { ...DEFAULT_RATE_LIMITS },
            clockOffsetMs: 0,
            quirks: { legacyCodeAsString: false, mpsRetentionHours: 168 },
            requestLogLimit: 10_000,
        },
        options,
    );
}

/**
 * A copy of `base` with `patch` applied: latency replaced whole, rate limits and quirks merged key
 * by key. Throws an Error naming the field for an unknown API, a negative or fractional limit, a
 * clock offset that is not a number, or a negative latency.
 */
export function applyPatch(base: EmulatorConfig, patch: EmulatorConfigPatch): EmulatorConfig {
    const next: EmulatorConfig = structuredClone(base);
    if (patch.latency !== undefined) next.latency = structuredClone(patch.latency);
    if (patch.rateLimits) {
        for (const [api, n] of Object.entries(patch.rateLimits)) {
            if (!API_IDS.includes(api as ApiId)) throw new Error(`unknown rate limit api: ${api}`);
            if (!(Number.isInteger(n) && (n as number) >= 0)) throw new Error(`rate limit for ${api} must be an integer >= 0`);
            next.rateLimits[api as ApiId] = n as number;
        }
    }
    if (patch.clockOffsetMs !== undefined) {
        if (!Number.isFinite(patch.clockOffsetMs)) throw new Error("clockOffsetMs must be a number");
        next.clockOffsetMs = patch.clockOffsetMs;
    }
    if (patch.quirks) next.quirks = { ...next.quirks, ...patch.quirks };
    if (patch.requestLogLimit !== undefined) {
        if (!(Number.isInteger(patch.requestLogLimit) && patch.requestLogLimit >= 0)) throw new Error("requestLogLimit must be >= 0");
        next.requestLogLimit = patch.requestLogLimit;
    }
    for (const spec of [next.latency, ...Object.values(next.latency.perApi ?? {})]) {
        if (spec && ((spec.fixedMs ?? 0) < 0 || (spec.jitterMs ?? 0) < 0)) throw new Error("latency must be >= 0");
    }
    return next;
}
