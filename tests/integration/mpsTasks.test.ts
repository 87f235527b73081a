import { strict as assert } from "node:assert";
import { readMpsTasks } from "../../provider/sources/mpsTasks";
import { argsOnly, assertCloudError, assertExactlyOnce, fast, SECRETS, tencentArgs, useEmulator } from "./helpers";

describe("integration: MPS DescribeTasks (ScrollToken) against the emulator", function () {
    this.timeout(120_000);
    const ctx = useEmulator();

    for (const n of [0, 1, 100, 101, 10_000]) {
        it(`follows the ScrollToken through ${n} tasks, each once`, async () => {
            const [g] = ctx.emu.generate({ api: "mps", count: n, statusMix: { FINISH: 1 } });
            const r = await readMpsTasks({ ...tencentArgs(ctx.emu), status: "FINISH" }, argsOnly);
            assertExactlyOnce(
                r.tasks.map((t) => t.taskId),
                g.ids,
            );
            assert.equal(r.totalCount, n);
            const reqs = ctx.emu.requests({ api: "mps" });
            assert.equal(reqs.length, Math.max(1, Math.ceil(n / 100)));
            assert.ok(reqs.slice(1).every((e) => typeof e.params.ScrollToken === "string" && e.params.ScrollToken !== ""));
            if (n === 10_000) assert.equal(ctx.emu.stats().apis.mps.throttled, 0);
        });
    }

    it("lists every status when none is given, mapping WAITING/PROCESSING/FINISH", async () => {
        const [g] = ctx.emu.generate({ api: "mps", count: 30, statusMix: { WAITING: 1, PROCESSING: 1, FINISH: 1 } });
        const r = await readMpsTasks(tencentArgs(ctx.emu), argsOnly);
        assertExactlyOnce(
            r.tasks.map((t) => t.taskId),
            g.ids,
        );
        assert.deepEqual([r.summary.pending, r.summary.running, r.summary.finished, r.summary.done], [10, 10, 10, false]);
        assert.deepEqual(
            ctx.emu
                .requests({ api: "mps" })
                .map((e) => e.params.Status)
                .sort(),
            ["FINISH", "PROCESSING", "WAITING"],
        );
        const processing = r.tasks.find((t) => t.status === "PROCESSING")!;
        assert.equal(processing.finishTime, undefined, "0000-00-00T00:00:00Z becomes undefined");
        const waiting = r.tasks.find((t) => t.status === "WAITING")!;
        assert.equal(waiting.beginProcessTime, undefined);
    });

    it("needs no region (the API takes none)", async () => {
        ctx.emu.generate({ api: "mps", count: 3 });
        const r = await readMpsTasks({ ...tencentArgs(ctx.emu), region: undefined } as never, argsOnly);
        assert.equal(r.tasks.length, 3);
    });

    it("stops at maxResults", async () => {
        ctx.emu.generate({ api: "mps", count: 500, statusMix: { FINISH: 1 } });
        const r = await readMpsTasks({ ...tencentArgs(ctx.emu), status: "FINISH", maxResults: 120 }, argsOnly);
        assert.equal(r.tasks.length, 120);
        assert.deepEqual(
            ctx.emu.requests({ api: "mps" }).map((e) => Number(e.params.Limit)),
            [100, 20],
        );
    });

    it("retries a throttled scroll page and resumes from its token", async () => {
        const [g] = ctx.emu.generate({ api: "mps", count: 250, statusMix: { FINISH: 1 } });
        ctx.emu.addFault({ api: "mps", kind: "throttle", times: 2, skip: 1 });
        const r = await readMpsTasks({ ...tencentArgs(ctx.emu), status: "FINISH" }, argsOnly, fast());
        assertExactlyOnce(
            r.tasks.map((t) => t.taskId),
            g.ids,
        );
        assert.equal(ctx.emu.requests({ api: "mps" }).filter((e) => e.faulted === "throttle" && e.code === "RequestLimitExceeded").length, 2);
        assert.equal(ctx.emu.requests({ api: "mps" }).length, 5);
    });

    it("fails at once on an auth failure, retrying nothing", async () => {
        await assertCloudError(readMpsTasks({ ...tencentArgs(ctx.emu), secretKey: "bad" }, argsOnly, fast()), "AuthFailure.SignatureFailure", {
            secrets: SECRETS,
        });
        // Three status scrolls start together: at most their three first requests go out (fewer when
        // the first failure arrives before the others leave the limiter), and none is retried.
        const sent = ctx.emu.requests({ api: "mps" });
        assert.ok(sent.length >= 1 && sent.length <= 3, `${sent.length} requests`);
        assert.ok(sent.every((e) => e.code === "AuthFailure.SignatureFailure"));
    });
});
