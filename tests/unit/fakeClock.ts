import type { RequestSlot, RequestSpacer, SpacerClock } from "../../provider/rateLimit";
import type { Clock } from "../../provider/retry";

/**
 * A clock driven by hand: timers fire only when the test advances time, so what the spacer does is
 * the same on an idle laptop and on a CI machine at full load.
 */
export class FakeClock implements SpacerClock {
    private t = 0;
    private timers: Array<{ at: number; fn: () => void; id: number }> = [];
    private nextId = 1;
    now(): number {
        return this.t;
    }
    setTimeout(fn: () => void, ms: number): unknown {
        const id = this.nextId++;
        this.timers.push({ at: this.t + ms, fn, id });
        return id;
    }
    clearTimeout(handle: unknown): void {
        this.timers = this.timers.filter((x) => x.id !== handle);
    }
    /** Moves time forward to `to`, firing due timers in order, letting promise callbacks run in between. */
    async advanceTo(to: number): Promise<void> {
        for (;;) {
            await flush();
            const due = this.timers.filter((x) => x.at <= to).sort((a, b) => a.at - b.at)[0];
            if (!due) break;
            this.timers = this.timers.filter((x) => x !== due);
            this.t = Math.max(this.t, due.at);
            due.fn();
        }
        this.t = to;
        await flush();
    }
}

const flush = () => new Promise<void>((r) => setImmediate(r));

/** Requests that ask for slots at once; each resolves with its slot and the fake time it got it. */
export function ask(spacer: RequestSpacer, clock: FakeClock, n: number): Array<{ slot?: RequestSlot; at?: number }> {
    return Array.from({ length: n }, () => {
        const got: { slot?: RequestSlot; at?: number } = {};
        void spacer.acquire().then((slot) => Object.assign(got, { slot, at: clock.now() }));
        return got;
    });
}

/**
 * A clock that moves only when the code under test sleeps (or the test sets `t`): a read's or a
 * gate's waits take no real time, and `sleeps` lists them. `at` runs a step once the clock reaches its time.
 */
export function sleepClock(at: Array<[number, () => void]> = []): Clock & { t: number; sleeps: number[] } {
    const c = {
        t: 0,
        sleeps: [] as number[],
        now: () => c.t,
        sleep: async (ms: number) => {
            c.sleeps.push(ms);
            c.t += ms;
            for (const step of at.filter(([when]) => when <= c.t)) {
                at.splice(at.indexOf(step), 1);
                step[1]();
            }
        },
    };
    return c;
}
