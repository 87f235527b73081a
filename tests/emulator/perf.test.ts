/**
 * The emulator must never be the bottleneck of a paging benchmark: it serves well over
 * 10,000 records per second to the real SDKs (measured ~50k/s for TAT, ~90k/s for MPS
 * scrolling on a developer box; the bound here leaves room for slow CI machines).
 */
import { strict as assert } from "node:assert";
import { performance } from "node:perf_hooks";
import { startEmulator, type Emulator } from "../../emulator/server";
import { CPH_JOBS, huaweiClient, huaweiGet, tencentClient } from "./helpers";

describe("emulator: paging throughput", () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ rateLimits: { tat: 0, mps: 0, bm: 0, bmLegacy: 0, cph: 0, workspace: 0 } });
    emu.generate([
      { api: "tat", count: 20_000 },
      { api: "mps", count: 20_000 },
      { api: "cph", count: 20_000, requestId: "bulk" },
    ]);
  });
  after(() => emu.close());

  async function pagesPerSecond(pages: number, concurrency: number, fetchPage: (i: number) => Promise<number>): Promise<number> {
    const t0 = performance.now();
    let next = 0;
    let records = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < pages) {
          const n = await fetchPage(next++);
          records += n; // not `records += await ...`: that would read `records` before the await
        }
      }),
    );
    return records / ((performance.now() - t0) / 1000);
  }

  it("TAT offset paging: > 10,000 records/s", async () => {
    const tat = tencentClient(emu, "tat");
    const rate = await pagesPerSecond(200, 4, async (i) => (await tat.DescribeInvocationTasks({ Offset: i * 100, Limit: 100 })).InvocationTaskSet.length);
    assert.ok(rate > 10_000, `${Math.round(rate)} records/s`);
  });

  it("MPS scroll-token paging (sequential by nature): > 10,000 records/s", async () => {
    const mps = tencentClient(emu, "mps");
    const t0 = performance.now();
    let token = "";
    let n = 0;
    do {
      const r = await mps.DescribeTasks({ Status: "FINISH", Limit: 100, ...(token ? { ScrollToken: token } : {}) });
      n += r.TaskSet.length;
      token = r.ScrollToken;
    } while (token);
    const rate = n / ((performance.now() - t0) / 1000);
    assert.equal(n, 20_000);
    assert.ok(rate > 10_000, `${Math.round(rate)} records/s`);
  });

  it("CPH offset paging: > 10,000 records/s", async () => {
    const hc = huaweiClient(emu);
    const rate = await pagesPerSecond(200, 4, async (i) => ((await huaweiGet(hc, CPH_JOBS, { request_id: "bulk", offset: i * 100, limit: 100 })).jobs as unknown[]).length);
    assert.ok(rate > 10_000, `${Math.round(rate)} records/s`);
  });
});
