/**
 * Injected latency: a fixed delay plus uniform jitter before every answer of an API (errors
 * included), per API or global. The jitter comes from a seeded PRNG, so a run can be repeated.
 */
import { Prng } from "../prng";
import type { ApiId, LatencyConfig } from "../types";

/** The latency of one emulator (its jitter sequence). */
export class Latency {
    private readonly jitter = new Prng("latency");

    /** Waits the configured latency of `api`. */
    before(api: ApiId, config: LatencyConfig): Promise<void> {
        const own = config.perApi?.[api] ?? {};
        const fixed = own.fixedMs ?? config.fixedMs ?? 0;
        const jitter = own.jitterMs ?? config.jitterMs ?? 0;
        const ms = fixed + (jitter > 0 ? this.jitter.next() * jitter : 0);
        return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
    }
}
