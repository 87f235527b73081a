import { strict as assert } from "node:assert";
import { readBmCmdTasks } from "../../provider/sources/bmCmdTasks";
import { BM_LEGACY_DOC_ROWS, BM_LEGACY_DOC_TASK } from "../fixtures/docExamples";
import { argsOnly, assertCloudError, assertExactlyOnce, fast, offsetRequests, pageOffset, SECRETS, tencentArgs, useEmulator } from "./helpers";

describe("integration: Bare Metal script tasks, API 3.0 and legacy v2, against the emulator", function () {
    this.timeout(120_000);
    const ctx = useEmulator();

    for (const api of ["2018-04-23", "legacy"] as const) {
        const apiId = api === "legacy" ? "bmLegacy" : "bm";
        for (const n of [0, 1, 100, 101]) {
            it(`${api}: returns every one of ${n} tasks exactly once`, async () => {
                const [g] = ctx.emu.generate({ api: "bm", count: n, statusMix: { SUCCESS: 2, FAILED: 1, RUNNING: 1 } });
                const r = await readBmCmdTasks({ ...tencentArgs(ctx.emu), api }, argsOnly);
                assertExactlyOnce(
                    r.tasks.map((t) => t.taskId),
                    g.ids,
                );
                assert.equal(r.totalCount, n);
                assert.equal(ctx.emu.requests({ api: apiId }).length, offsetRequests(n));
            });
        }
    }

    it("2018-04-23 and legacy read the same tasks into the same records", async () => {
        ctx.emu.generate({ api: "bm", count: 40, statusMix: { SUCCESS: 2, FAILED: 1, RUNNING: 1 } });
        const a = await readBmCmdTasks({ ...tencentArgs(ctx.emu), orderBy: "runBeginTime", order: "asc" }, argsOnly);
        const b = await readBmCmdTasks({ ...tencentArgs(ctx.emu), api: "legacy", orderBy: "runBeginTime", order: "asc" }, argsOnly);
        assert.deepEqual(b.tasks, a.tasks);
        assert.deepEqual(b.summary, a.summary);
        assert.equal(a.tasks.length, 40);
        assert.ok(
            a.tasks.every((t, i) => i === 0 || t.runBeginTime! >= a.tasks[i - 1].runBeginTime!),
            "ascending by runBeginTime",
        );
        assert.ok(a.summary.targets!.total > 0);
        assert.equal(a.requestIds.length, 1);
        assert.equal(b.requestIds.length, 0, "the legacy API returns no RequestId");
        const legacy = ctx.emu.requests({ api: "bmLegacy" })[0].params;
        assert.equal(legacy.orderBy, "runBeginTime");
        assert.equal(legacy.orderType, "0");
    });

    it("reads 10 000 tasks at 10 requests/s without being throttled", async () => {
        const [g] = ctx.emu.generate({ api: "bm", count: 10_000 });
        const r = await readBmCmdTasks(tencentArgs(ctx.emu), argsOnly);
        assertExactlyOnce(
            r.tasks.map((t) => t.taskId),
            g.ids,
        );
        assert.equal(ctx.emu.stats().apis.bm.throttled, 0);
    });

    it("converts Beijing times and string counts from the legacy API", async () => {
        ctx.emu.seed({ bm: [BM_LEGACY_DOC_ROWS[0] as never] });
        ctx.emu.configure({ quirks: { legacyCodeAsString: true } });
        const r = await readBmCmdTasks({ ...tencentArgs(ctx.emu), api: "legacy" }, argsOnly);
        assert.deepEqual(r.tasks[0], BM_LEGACY_DOC_TASK);
    });

    it("signs legacy requests with HmacSHA1 when asked", async () => {
        ctx.emu.generate({ api: "bm", count: 3 });
        const r = await readBmCmdTasks({ ...tencentArgs(ctx.emu), api: "legacy", signatureMethod: "HmacSHA1" }, argsOnly);
        assert.equal(r.tasks.length, 3);
    });

    it("surfaces legacy auth failures with the legacy code, and API 3.0 ones with a RequestId", async () => {
        const legacy = await assertCloudError(readBmCmdTasks({ ...tencentArgs(ctx.emu), api: "legacy", secretKey: "bad" }, argsOnly, fast()), "4100", {
            requestId: false,
            secrets: SECRETS,
        });
        assert.equal(legacy.kind, "auth");
        await assertCloudError(readBmCmdTasks({ ...tencentArgs(ctx.emu), secretKey: "bad" }, argsOnly, fast()), "AuthFailure.SignatureFailure", {
            secrets: SECRETS,
        });
    });

    it("retries the legacy quota error (4400) and a reset connection", async () => {
        const [g] = ctx.emu.generate({ api: "bm", count: 250 });
        ctx.emu.addFault({ api: "bmLegacy", kind: "throttle", times: 1, match: { offset: pageOffset(1) } });
        ctx.emu.addFault({ api: "bmLegacy", kind: "reset", times: 1, match: { offset: pageOffset(2) } });
        const r = await readBmCmdTasks({ ...tencentArgs(ctx.emu), api: "legacy" }, argsOnly, fast());
        assertExactlyOnce(
            r.tasks.map((t) => t.taskId),
            g.ids,
        );
        assert.equal(ctx.emu.requests({ api: "bmLegacy" }).length, 5);
    });

    it("keeps the legacy signature out of every error message", async () => {
        ctx.emu.addFault({ api: "bmLegacy", kind: "http5xx", status: 500, times: -1 });
        const err = await assertCloudError(
            readBmCmdTasks(
                { ...tencentArgs(ctx.emu), api: "legacy" },
                argsOnly,
                fast({ retry: { maxAttempts: 2, baseDelayMs: 1, throttleBaseDelayMs: 1, maxDelayMs: 1 } }),
            ),
            "HttpError",
            { requestId: false, secrets: SECRETS },
        );
        assert.doesNotMatch(err.message, /Signature=/);
        assert.equal(err.httpStatus, 500);
    });
});
