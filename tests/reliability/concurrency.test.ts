/**
 * Concurrency: 50 reads at once against one emulator that enforces the documented limits
 * (N requests in any sliding second, per API and credential). The client's limiter is shared per
 * API, account and region in the process and counts requests where they reach the socket, so
 * together the reads stay under each API's limit. What a user relies on, asserted here whatever
 * the machine's load: every list is exact; every throttled request was retried; the client never
 * put more than the limit on the wire in any second; and throttled answers stay rare (at most 1%
 * of requests, from the cloud's side counting a request a little later than it left). Nothing here
 * depends on how fast the machine is: the figures go to the reliability summary, speed to `npm run bench`.
 */
import { strict as assert } from "node:assert";
import { startEmulator, type RequestLogEntry } from "../../emulator/server";
import { configureRateLimits, DEFAULT_RATE_LIMITS, rateLimitOf, spacerFor } from "../../provider/rateLimit";
import { argsOnly } from "../../provider/settings";
import { readBmCmdTasks } from "../../provider/sources/bmCmdTasks";
import { readCphJobs } from "../../provider/sources/cphJobs";
import { readMpsTasks } from "../../provider/sources/mpsTasks";
import { readTatInvocationTasks } from "../../provider/sources/tatInvocationTasks";
import { readWorkspaceScriptTasks } from "../../provider/sources/workspaceScriptTasks";
import type { ApiName } from "../../provider/types";
import { inProcess, ownProcess, type EmulatorHandle, assertRarelyThrottled } from "./emulatorHandle";
import { huaweiConn, rateScope, tencentConn } from "./subjects";
import { recordNote } from "./tally";

/**
 * Every throttled request was sent again and answered: a later entry of the log with the same
 * params was not throttled. Pages of one API are told apart by their params (query and offset or
 * token); where several reads ask for the same page, the answered entries must be at least as many
 * as the throttled ones of that page.
 */
function assertThrottledRetried(entries: RequestLogEntry[], api: string): number {
    const pending = new Map<string, number>();
    let throttled = 0;
    for (const e of entries) {
        const key = JSON.stringify(e.params);
        if (e.throttled) {
            throttled++;
            pending.set(key, (pending.get(key) ?? 0) + 1);
        } else if ((pending.get(key) ?? 0) > 0) {
            pending.set(key, pending.get(key)! - 1);
        }
    }
    const left = [...pending].filter(([, n]) => n > 0);
    assert.deepEqual(left, [], `${api}: throttled requests never answered afterwards`);
    return throttled;
}

/**
 * The client's own count: the most requests it put on the wire in any window of the limit's length,
 * for the account and region these tests use, never above the limit.
 */
function assertClientWithinLimit(api: ApiName, scope: string): number {
    const { busiestWindow } = spacerFor(api, scope).stats;
    const limit = rateLimitOf(api).requests;
    assert.ok(busiestWindow <= limit, `${api}: the client sent ${busiestWindow} requests within one window, limit ${limit}`);
    return busiestWindow;
}

/** The exact ids: each once, none missing, none extra. */
function assertExact(got: string[], want: string[], what: string) {
    assert.equal(new Set(got).size, got.length, `${what}: a record twice`);
    assert.deepEqual([...got].sort(), [...want].sort(), `${what}: not the exact list`);
}

/**
 * Warms up after the data is in: one small read per API loads the client's modules and makes the
 * emulator build its sorted views of the new data (work that would otherwise stall an in-process
 * emulator inside the first window and bunch that window's requests). Then the counters, the log
 * and the rate windows start afresh.
 */
async function warmUp(emu: EmulatorHandle) {
    const reads = [
        readTatInvocationTasks({ ...tencentConn(emu as never), maxResults: 1 }, argsOnly),
        readMpsTasks({ ...tencentConn(emu as never), maxResults: 1 }, argsOnly),
        readBmCmdTasks({ ...tencentConn(emu as never), maxResults: 1 }, argsOnly),
        readBmCmdTasks({ ...tencentConn(emu as never), api: "legacy", maxResults: 1 }, argsOnly),
        readWorkspaceScriptTasks({ ...huaweiConn(emu as never), maxResults: 1 }, argsOnly),
    ];
    for (const r of reads) await r.catch(() => undefined); // hygiene: warm-up only; the reads under test are checked
    await new Promise((r) => setTimeout(r, 1200));
    await emu.reset(["stats", "limits"]);
}

describe("reliability: 50 reads at once, one emulator, the documented rate limits", function () {
    this.timeout(120_000);
    // The documented limits on the client's side too (other suites turn them off and back on).
    before(() => configureRateLimits({ ...DEFAULT_RATE_LIMITS }));

    it("50 TAT reads of different invocations (emulator in this process): every list exact, every throttled request retried, the client never over 20/s, at most 1% throttled", async () => {
        const emu = inProcess(await startEmulator({ port: 0 }));
        try {
            assert.equal((await emu.rateLimits()).tat, 20);
            assert.equal(rateLimitOf("tat").requests, 20);
            const sizes = [1, 40, 99, 100, 101, 150, 199, 250, 300, 60];
            const runs = await Promise.all(
                Array.from({ length: 50 }, async (_, i) => {
                    const invocationId = `inv-conc${i.toString(36).padStart(4, "0")}`;
                    const [g] = await emu.generate({
                        api: "tat",
                        count: sizes[i % sizes.length],
                        seed: i + 1,
                        invocationId,
                        statusMix: { SUCCESS: 9, FAILED: 1 },
                    });
                    return { invocationId, ids: g.ids };
                }),
            );
            await warmUp(emu);
            const t0 = performance.now();
            const results = await Promise.all(
                runs.map((r) => readTatInvocationTasks({ ...tencentConn(emu as never), invocationId: r.invocationId }, argsOnly)),
            );
            const seconds = (performance.now() - t0) / 1000;
            results.forEach((res, i) => {
                assertExact(
                    res.tasks.map((t) => t.invocationTaskId),
                    runs[i].ids,
                    runs[i].invocationId,
                );
                assert.equal(res.totalCount, runs[i].ids.length);
            });
            const log = await emu.requests("tat");
            const pages = log.filter((e) => !e.throttled).length;
            assert.ok(pages >= 80, `${pages} pages`);
            const throttled = assertThrottledRetried(log, "tat");
            assertRarelyThrottled(throttled, log.length, "tat");
            const keys = log.map((e) => JSON.stringify(e.params));
            assert.equal(keys.length - new Set(keys).size, throttled, "a page was asked for twice other than to retry a throttled request (a re-read?)");
            const busiest = assertClientWithinLimit("tat", rateScope("tat", emu.url));
            // The limiter really paced them: N requests need at least (N - 20) / 20 more windows.
            assert.ok(seconds >= Math.floor((log.length - 1) / 20) * 0.95, `${log.length} requests in ${seconds.toFixed(1)} s`);
            recordNote(
                `concurrency: 50 TAT reads, ${log.length} requests in ${seconds.toFixed(1)} s, client's busiest window ${busiest}/20, ${throttled} throttled`,
            );
        } finally {
            await emu.close();
        }
    });

    // The cloud does not share this process's event loop: an emulator in this process, busy rendering
    // the first pages of 50 reads, would count some of them late and bunch them into the next window.
    it("50 reads of all five sources at once (emulator in its own process): each API's limit kept on its own by the client, every list exact, at most 1% throttled", async () => {
        const emu = await ownProcess();
        try {
            const reads: Array<{ what: string; run: () => Promise<string[]>; want: string[] }> = [];
            for (let i = 0; i < 20; i++) {
                const invocationId = `inv-mix${i.toString(36).padStart(5, "0")}`;
                const [g] = await emu.generate({ api: "tat", count: 40 + 23 * i, seed: 100 + i, invocationId });
                reads.push({
                    what: invocationId,
                    want: g.ids,
                    run: async () =>
                        (await readTatInvocationTasks({ ...tencentConn(emu as never), invocationId }, argsOnly)).tasks.map((t) => t.invocationTaskId),
                });
            }
            const [mps] = await emu.generate({ api: "mps", count: 420, statusMix: { WAITING: 1, PROCESSING: 1, FINISH: 3 } });
            for (let i = 0; i < 10; i++) {
                reads.push({
                    what: `mps ${i}`,
                    want: mps.ids,
                    run: async () => (await readMpsTasks(tencentConn(emu as never), argsOnly)).tasks.map((t) => t.taskId),
                });
            }
            const [bm] = await emu.generate({ api: "bm", count: 230 });
            for (let i = 0; i < 8; i++) {
                const api = i % 2 ? "legacy" : "2018-04-23";
                reads.push({
                    what: `bm ${api} ${i}`,
                    want: bm.ids,
                    run: async () => (await readBmCmdTasks({ ...tencentConn(emu as never), api }, argsOnly)).tasks.map((t) => t.taskId),
                });
            }
            for (let i = 0; i < 6; i++) {
                const [g] = await emu.generate({ api: "cph", count: 30 + 45 * i, seed: 200 + i, requestId: `concurrencyrequest${i}` });
                reads.push({
                    what: `cph ${i}`,
                    want: g.ids,
                    run: async () =>
                        (await readCphJobs({ ...huaweiConn(emu as never), requestId: `concurrencyrequest${i}` }, argsOnly)).tasks.map((t) => t.jobId),
                });
            }
            for (let i = 0; i < 6; i++) {
                const [g] = await emu.generate({ api: "workspace", count: 20 + 50 * i, seed: 300 + i, desktopPoolId: `pool-conc-${i}` });
                reads.push({
                    what: `workspace ${i}`,
                    want: g.ids,
                    run: async () =>
                        (await readWorkspaceScriptTasks({ ...huaweiConn(emu as never), desktopPoolId: `pool-conc-${i}` }, argsOnly)).tasks.map((t) => t.id),
                });
            }
            assert.equal(reads.length, 50);
            await warmUp(emu);
            const got = await Promise.all(reads.map((r) => r.run()));
            got.forEach((ids, i) => {
                assertExact(ids, reads[i].want, reads[i].what);
            });
            const stats = await emu.stats();
            const limits = await emu.rateLimits();
            const lines: string[] = [];
            let throttledInAll = 0;
            for (const api of ["tat", "mps", "bm", "bmLegacy", "cph", "workspace"] as const) {
                assert.equal(limits[api], rateLimitOf(api).requests, `${api}: the emulator and the client enforce one limit`);
                const log = await emu.requests(api);
                const throttled = assertThrottledRetried(log, api);
                assert.equal(throttled, stats[api].throttled, `${api}: the log holds every throttled request`);
                assertRarelyThrottled(throttled, stats[api].requests, api);
                // Nothing but throttling failed, so nothing else was retried.
                assert.equal(stats[api].errors, stats[api].throttled, `${api}: failed requests ${JSON.stringify(stats[api])}`);
                const busiest = assertClientWithinLimit(api, rateScope(api, emu.url));
                throttledInAll += throttled;
                lines.push(`${api} ${busiest}/${limits[api]}`);
            }
            recordNote(
                `concurrency: 50 mixed reads, ${Object.values(stats).reduce((n, s) => n + s.requests, 0)} requests, client's busiest window per API: ${lines.join(", ")}, ${throttledInAll} throttled`,
            );
        } finally {
            await emu.close();
        }
    });
});
