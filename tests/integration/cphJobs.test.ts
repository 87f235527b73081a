import { strict as assert } from "node:assert";
import { EMULATOR_CREDENTIALS } from "../../emulator/server";
import { readCphJobs } from "../../provider/sources/cphJobs";
import { argsOnly, assertCloudError, assertExactlyOnce, fast, huaweiArgs, pageOffset, SECRETS, shortPageRequests, useEmulator } from "./helpers";

describe("integration: CPH ListJobs (no total, short page ends) against the emulator", function () {
    this.timeout(120_000);
    const ctx = useEmulator();

    for (const n of [1, 100, 101, 250]) {
        it(`returns every one of ${n} jobs exactly once, ending on a short page`, async () => {
            const [g] = ctx.emu.generate({ api: "cph", count: n, statusMix: { SUCCESS: 3, FAILED: 1 } });
            const r = await readCphJobs({ ...huaweiArgs(ctx.emu), requestId: g.groups.requestId }, argsOnly);
            assertExactlyOnce(
                r.tasks.map((t) => t.jobId),
                g.ids,
            );
            assert.equal(r.totalCount, n, "CPH reports no total: totalCount is the number of jobs");
            assert.equal(ctx.emu.requests({ api: "cph" }).length, shortPageRequests(n));
            assert.equal(r.summary.failed + r.summary.succeeded, n);
        });
    }

    it("surfaces CPS.0011 for a request id with no jobs (0 records)", async () => {
        const err = await assertCloudError(
            readCphJobs({ ...huaweiArgs(ctx.emu), requestId: "00000000000000000000000000000000" }, argsOnly, fast()),
            "CPS.0011",
        );
        assert.equal(err.httpStatus, 400);
        assert.equal(ctx.emu.requests({ api: "cph" }).length, 1);
    });

    it("reads 10 000 jobs across one request id", async () => {
        const [g] = ctx.emu.generate({ api: "cph", count: 10_000 });
        const r = await readCphJobs({ ...huaweiArgs(ctx.emu), requestId: g.groups.requestId }, argsOnly);
        assertExactlyOnce(
            r.tasks.map((t) => t.jobId),
            g.ids,
        );
        assert.equal(ctx.emu.stats().apis.cph.throttled, 0);
    });

    it("batches requestIds 20 per call", async () => {
        const batches = Array.from({ length: 45 }, (_, i) => ctx.emu.generate({ api: "cph", count: 2, seed: `b${i}` })[0]);
        const r = await readCphJobs({ ...huaweiArgs(ctx.emu), requestIds: batches.map((b) => b.groups.requestId) }, argsOnly);
        assertExactlyOnce(
            r.tasks.map((t) => t.jobId),
            batches.flatMap((b) => b.ids),
        );
        const sent = ctx.emu
            .requests({ api: "cph" })
            .map((e) => String(e.params.request_ids).split(",").length)
            .sort((a, b) => a - b);
        assert.deepEqual(sent, [5, 20, 20]);
    });

    it("authenticates with an IAM token (X-Auth-Token)", async () => {
        const [g] = ctx.emu.generate({ api: "cph", count: 3 });
        const { authToken, projectId } = EMULATOR_CREDENTIALS.huawei;
        const r = await readCphJobs({ authToken, projectId, endpoint: ctx.emu.url, requestId: g.groups.requestId }, argsOnly);
        assert.equal(r.tasks.length, 3);
        assert.equal(ctx.emu.requests({ api: "cph" })[0].credential, "token");
        await assertCloudError(
            readCphJobs({ authToken: "bogus-token", projectId, endpoint: ctx.emu.url, requestId: g.groups.requestId }, argsOnly, fast()),
            "APIGW.0301",
            { secrets: ["bogus-token"] },
        );
    });

    it("fails at once with APIGW.0301, the RequestId and no secret on a bad signature", async () => {
        const err = await assertCloudError(readCphJobs({ ...huaweiArgs(ctx.emu), secretKey: "wrong-sk", requestId: "abc" }, argsOnly, fast()), "APIGW.0301", {
            secrets: [...SECRETS, "wrong-sk"],
        });
        assert.equal(err.httpStatus, 401);
        assert.equal(err.kind, "auth");
    });

    for (const kind of ["throttle", "http5xx", "reset", "malformed", "truncated", "wrongContentType", "empty"] as const) {
        it(`retries a page that fails with ${kind}`, async () => {
            const [g] = ctx.emu.generate({ api: "cph", count: 250 });
            ctx.emu.addFault({ api: "cph", kind, times: 1, match: { offset: pageOffset(1) } });
            const r = await readCphJobs({ ...huaweiArgs(ctx.emu), requestId: g.groups.requestId }, argsOnly, fast());
            assertExactlyOnce(
                r.tasks.map((t) => t.jobId),
                g.ids,
            );
        });
    }
});
