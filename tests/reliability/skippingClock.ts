import type { Clock } from "../../provider/retry";

/**
 * A clock for reads against the emulator that skips their pauses: real time plus every sleep it
 * was asked for, each of which ends at once (on the next turn of the event loop, after pending
 * I/O) instead of after its length. Sleeps that overlap overlap here too: pages that back off 80 ms
 * together move it 80 ms, not 80 ms each. It never runs slower than real time, so a read's deadline
 * in its time passes no later than in real time, and a duration it measures bounds the real one.
 *
 * What a sleep cannot end stays real: a request's timeout, an answer the emulator holds, the
 * emulator's own rate-limit window.
 */
export class SkippingClock implements Clock {
    private skipped = 0;
    private sleepers: Array<{ readonly at: number; readonly wake: () => void }> = [];
    private scheduled = false;

    /** The sleep time skipped so far. */
    get skippedMs(): number {
        return this.skipped;
    }

    now(): number {
        return performance.now() + this.skipped;
    }

    sleep(ms: number): Promise<void> {
        return new Promise((wake) => {
            this.sleepers.push({ at: this.now() + Math.max(0, ms), wake });
            this.schedule();
        });
    }

    private schedule(): void {
        if (this.scheduled) return;
        this.scheduled = true;
        setImmediate(() => this.wakeFirst());
    }

    /** Moves time on to the end of the earliest sleep, and wakes every sleeper due by then. */
    private wakeFirst(): void {
        this.scheduled = false;
        const first = Math.min(...this.sleepers.map((s) => s.at));
        this.skipped += Math.max(0, first - this.now());
        const now = this.now();
        const due = this.sleepers.filter((s) => s.at <= now).sort((a, b) => a.at - b.at);
        this.sleepers = this.sleepers.filter((s) => s.at > now);
        for (const s of due) s.wake();
        if (this.sleepers.length > 0) this.schedule();
    }
}
