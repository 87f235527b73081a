import { TaskgateCloudError, TaskgateReadError } from "./errors";
import type { Logger } from "./types";
import { plural } from "./words";

/** How failed requests are retried. Delays are bounded in seconds, never minutes. */
export interface RetryPolicy {
    /** Attempts per request, the first included. */
    readonly maxAttempts: number;
    /** First backoff for transient errors; doubles each attempt. */
    readonly baseDelayMs: number;
    /** First backoff after throttling: the limit is per second, so waiting less rarely helps. */
    readonly throttleBaseDelayMs: number;
    /** Upper bound of one backoff. */
    readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
    maxAttempts: 8,
    baseDelayMs: 200,
    throttleBaseDelayMs: 500,
    maxDelayMs: 8000,
};

/**
 * Backoff before attempt `attempt + 1` (attempt counts from 1): "equal jitter", half fixed and half
 * random, so concurrent pages that failed together do not retry together, yet the wait never
 * collapses to zero. A Retry-After from the cloud is a floor.
 */
export function backoffMs(policy: RetryPolicy, attempt: number, err: TaskgateCloudError, random: () => number = Math.random): number {
    const base = err.kind === "throttled" ? policy.throttleBaseDelayMs : policy.baseDelayMs;
    const ceiling = Math.min(policy.maxDelayMs, base * 2 ** (attempt - 1));
    const jittered = ceiling / 2 + random() * (ceiling / 2);
    const floor = (err.retryAfterSeconds ?? 0) * 1000;
    return Math.round(Math.max(jittered, floor));
}

/**
 * The time a read (or a waiting gate) runs on: where deadlines are measured and what its pauses
 * (retry backoffs, re-reads, a gate's next look) wait on. Real time by default; a test's clock can
 * skip the pauses, so a case that backs off for seconds takes milliseconds. Timers that bound real
 * I/O (a request's timeout, the notice of a silent endpoint) stay on real time: only an answer
 * ends those waits, never a clock.
 */
export interface Clock {
    /** Milliseconds on a monotonic scale (not a date: `performance.now()` on the real clock). */
    now(): number;
    /** Resolves after `ms` of this clock's time. */
    sleep(ms: number): Promise<void>;
    /** Milliseconds since the epoch, for a time written down as a date; a test clock without it keeps real dates. */
    wallTime?(): number;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

/** Real time: `performance.now()` and timers. */
export const REAL_CLOCK: Clock = { now: () => performance.now(), sleep, wallTime: () => Date.now() };

/** What {@link withRetry} needs. */
export interface RetryContext {
    readonly policy: RetryPolicy;
    /** The {@link clock}'s time after which no new attempt starts. */
    readonly deadline: number;
    readonly log: Logger;
    readonly random?: () => number;
    /** Default {@link REAL_CLOCK}. */
    readonly clock?: Clock;
}

/**
 * Runs `attempt` until it succeeds, it fails with an error that must not be retried
 * (authentication, parameters), the attempts are used up, or the deadline would pass.
 * Each retry is logged with the cloud's code and RequestId, never with a credential.
 */
export async function withRetry<T>(what: string, ctx: RetryContext, attempt: (n: number) => Promise<T>): Promise<T> {
    const clock = ctx.clock ?? REAL_CLOCK;
    for (let n = 1; ; n++) {
        try {
            return await attempt(n);
        } catch (caught) {
            if (!(caught instanceof TaskgateCloudError) || !caught.retryable) throw caught;
            const e = caught.withAttempts(n);
            if (n >= ctx.policy.maxAttempts) throw e;
            const delay = backoffMs(ctx.policy, n, e, ctx.random);
            if (clock.now() + delay >= ctx.deadline) {
                throw new TaskgateReadError(
                    "deadline",
                    `taskgate: ${what} did not succeed before the read's deadline (${plural(n, "attempt")}); last error: ${e.message}`,
                    e,
                );
            }
            ctx.log.info(
                `taskgate: ${what}: ${e.cloudCode}${e.requestId ? ` (RequestId ${e.requestId})` : ""}; retry ${n}/${ctx.policy.maxAttempts - 1} in ${delay} ms`,
            );
            await clock.sleep(delay);
        }
    }
}
