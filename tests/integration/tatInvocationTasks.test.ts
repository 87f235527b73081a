import { strict as assert } from "node:assert";
import { TaskgateValidationError } from "../../provider/errors";
import { readTatInvocationTasks } from "../../provider/sources/tatInvocationTasks";
import { argsOnly, assertCloudError, assertExactlyOnce, fast, offsetRequests, pageOffset, recordingLogger, SECRETS, tencentArgs, useEmulator } from "./helpers";

describe("integration: TAT DescribeInvocationTasks against the emulator", function () {
    this.timeout(120_000);
    const ctx = useEmulator();

    for (const n of [0, 1, 100, 101]) {
        it(`returns every one of ${n} tasks exactly once`, async () => {
            const [g] = ctx.emu.generate({ api: "tat", count: n, seed: n, invocationId: "inv-edge0000" });
            const r = await readTatInvocationTasks({ ...tencentArgs(ctx.emu), invocationId: "inv-edge0000" }, argsOnly);
            assertExactlyOnce(
                r.tasks.map((t) => t.invocationTaskId),
                g.ids,
            );
            assert.equal(r.totalCount, n);
            const pages = ctx.emu.requests({ api: "tat" });
            assert.equal(pages.length, offsetRequests(n));
            assert.ok(
                pages.every((p) => p.params.Limit === 100),
                "pages are read 100 at a time",
            );
            assert.equal(r.requestIds.length, pages.length);
        });
    }

    it("reads 10 000 tasks at the documented 20 requests/s without being throttled once", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 10_000, statusMix: { SUCCESS: 95, FAILED: 4, TIMEOUT: 1 } });
        const r = await readTatInvocationTasks({ ...tencentArgs(ctx.emu), invocationId: g.groups.invocationId }, argsOnly);
        assertExactlyOnce(
            r.tasks.map((t) => t.invocationTaskId),
            g.ids,
        );
        assert.deepEqual([r.summary.succeeded, r.summary.failed, r.summary.timedOut, r.summary.done], [9500, 400, 100, true]);
        assert.equal(ctx.emu.stats().apis.tat.throttled, 0);
        assert.equal(ctx.emu.stats().apis.tat.requests, offsetRequests(10_000));
    });

    it("filters by instance, command, invocation and task id, splitting values 5 per request", async () => {
        const instances = Array.from({ length: 7 }, (_, i) => `ins-f${String(i).padStart(7, "0")}`);
        const [g] = ctx.emu.generate({ api: "tat", count: 14, instanceIds: instances, invocationId: "inv-filter01", commandId: "cmd-filter01" });
        ctx.emu.generate({ api: "tat", count: 5, seed: 99, invocationId: "inv-other001" });
        const byInstance = await readTatInvocationTasks({ ...tencentArgs(ctx.emu), instanceId: instances }, argsOnly);
        assertExactlyOnce(
            byInstance.tasks.map((t) => t.invocationTaskId),
            g.ids,
        );
        const sent = ctx.emu.requests({ api: "tat" }).map((e) => e.params.Filters as Array<{ Name: string; Values: string[] }>);
        assert.deepEqual(sent.map((f) => f[0].Values.length).sort(), [2, 5]);

        const byBoth = await readTatInvocationTasks({ ...tencentArgs(ctx.emu), commandId: "cmd-filter01", instanceId: instances[0] }, argsOnly);
        assert.equal(byBoth.tasks.length, 2);
        assert.ok(byBoth.tasks.every((t) => t.instanceId === instances[0] && t.commandId === "cmd-filter01"));

        const one = await readTatInvocationTasks({ ...tencentArgs(ctx.emu), invocationTaskId: g.ids[3] }, argsOnly);
        assert.deepEqual(
            one.tasks.map((t) => t.invocationTaskId),
            [g.ids[3]],
        );
    });

    it("reads any number of invocationTaskIds, 100 per request", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 250 });
        const r = await readTatInvocationTasks({ ...tencentArgs(ctx.emu), invocationTaskIds: g.ids }, argsOnly);
        assertExactlyOnce(
            r.tasks.map((t) => t.invocationTaskId),
            g.ids,
        );
        assert.deepEqual(
            ctx.emu
                .requests({ api: "tat" })
                .map((e) => (e.params.InvocationTaskIds as string[]).length)
                .sort(),
            [100, 100, 50],
        );
    });

    it("hides output by default and decodes it when asked", async () => {
        ctx.emu.seed({
            tat: [
                {
                    InvocationTaskId: "invt-out00001",
                    InvocationId: "inv-out00001",
                    TaskStatus: "SUCCESS",
                    TaskResult: { ExitCode: 0, Output: Buffer.from("migrated 42 rows\n").toString("base64") } as never,
                },
            ],
        });
        const hidden = await readTatInvocationTasks({ ...tencentArgs(ctx.emu), invocationId: "inv-out00001" }, argsOnly);
        assert.equal(hidden.tasks[0].taskResult?.output, undefined);
        assert.equal(ctx.emu.requests({ api: "tat" })[0].params.HideOutput, true);
        const shown = await readTatInvocationTasks({ ...tencentArgs(ctx.emu), invocationId: "inv-out00001", hideOutput: false }, argsOnly);
        assert.equal(shown.tasks[0].taskResult?.output, "migrated 42 rows\n");
        assert.equal(shown.tasks[0].taskResult?.exitCode, 0);
    });

    it("stops at maxResults, reading only the pages it needs", async () => {
        ctx.emu.generate({ api: "tat", count: 450 });
        const r = await readTatInvocationTasks({ ...tencentArgs(ctx.emu), maxResults: 150 }, argsOnly);
        assert.equal(r.tasks.length, 150);
        assert.equal(r.totalCount, 450);
        assert.deepEqual(
            ctx.emu
                .requests({ api: "tat" })
                .map((e) => e.params.Limit)
                .sort(),
            [100, 51],
        );
    });

    it("rejects bad input before sending anything", async () => {
        for (const args of [
            { invocationTaskIds: ["invt-aaaaaaaa"], invocationId: "inv-aaaaaaaa" },
            { instanceIds: ["ins-1"] },
            { maxResults: 0 },
            { invocationId: "not an id" },
            { region: undefined },
        ]) {
            await assert.rejects(readTatInvocationTasks({ ...tencentArgs(ctx.emu), ...args } as never, argsOnly), TaskgateValidationError);
        }
        assert.equal(ctx.emu.requests().length, 0);
    });

    it("fails at once on an auth failure, with the code and RequestId and no secret", async () => {
        ctx.emu.generate({ api: "tat", count: 5 });
        await assertCloudError(
            readTatInvocationTasks({ ...tencentArgs(ctx.emu), secretKey: "wrong-key-0000" }, argsOnly, fast()),
            "AuthFailure.SignatureFailure",
            { secrets: [...SECRETS, "wrong-key-0000"] },
        );
        await assertCloudError(readTatInvocationTasks({ ...tencentArgs(ctx.emu), secretId: "AKIDunknown" }, argsOnly, fast()), "AuthFailure.SecretIdNotFound");
        assert.equal(ctx.emu.requests({ api: "tat" }).length, 2, "auth failures are never retried");
    });

    it("surfaces parameter errors from the cloud without retrying", async () => {
        // The client accepts any instance id (TAT adds instance kinds); the cloud knows ins-, lhins-, mi-.
        const err = await assertCloudError(
            readTatInvocationTasks({ ...tencentArgs(ctx.emu), instanceId: "host-01" }, argsOnly, fast()),
            "InvalidParameterValue.InvalidInstanceId",
        );
        assert.equal(err.kind, "client");
        assert.match(
            err.message,
            /^tencentcloud DescribeInvocationTasks failed: InvalidParameterValue\.InvalidInstanceId: .+ \| RequestId [0-9a-f-]{36} \| HTTP 200$/,
        );
        assert.equal(ctx.emu.requests({ api: "tat" }).length, 1);
    });

    for (const kind of ["throttle", "http5xx", "internalError", "reset", "malformed", "truncated", "wrongContentType", "empty"] as const) {
        it(`retries a page that fails with ${kind} alone, and completes`, async () => {
            const [g] = ctx.emu.generate({ api: "tat", count: 350 });
            ctx.emu.addFault({ api: "tat", kind, times: 2, match: { Offset: pageOffset(2) } });
            const log = recordingLogger();
            const r = await readTatInvocationTasks(tencentArgs(ctx.emu), argsOnly, fast({ log }));
            assertExactlyOnce(
                r.tasks.map((t) => t.invocationTaskId),
                g.ids,
            );
            const offsets = ctx.emu.requests({ api: "tat" }).map((e) => e.params.Offset);
            assert.deepEqual(offsets.filter((o) => o === pageOffset(2)).length, 3, "the failing page was sent three times");
            assert.deepEqual(
                offsets.filter((o) => o !== pageOffset(2)).sort((a, b) => Number(a) - Number(b)),
                [0, pageOffset(1), pageOffset(3)],
                "the other pages were sent once",
            );
            assert.equal(log.lines.filter((l) => /retry \d/.test(l)).length, 2, "each retry is logged");
            for (const line of log.lines) for (const s of SECRETS) assert.ok(!line.includes(s));
        });
    }

    it("times out a page that hangs and retries it", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 150 });
        ctx.emu.addFault({ api: "tat", kind: "timeout", times: 1, match: { Offset: pageOffset(1) } });
        const r = await readTatInvocationTasks(tencentArgs(ctx.emu), argsOnly, fast({ requestTimeoutMs: 300 }));
        assertExactlyOnce(
            r.tasks.map((t) => t.invocationTaskId),
            g.ids,
        );
    });

    it("stops sending the read's queued pages once one page fails for good", async () => {
        ctx.emu.generate({ api: "tat", count: 2000 });
        // Page 2 fails with a parameter error; at 20 requests/s most of the 20 pages are still queued.
        ctx.emu.addFault({ api: "tat", kind: "internalError", times: -1, match: { Offset: pageOffset(1) } });
        await assertCloudError(readTatInvocationTasks(tencentArgs(ctx.emu), argsOnly, fast({ retry: { maxAttempts: 1 } })), "InternalError");
        await new Promise((r) => setTimeout(r, 1500));
        assert.ok(ctx.emu.requests({ api: "tat" }).length < 20, `${ctx.emu.requests({ api: "tat" }).length} requests sent`);
    });

    it("gives up on a page that keeps failing, with the cloud's last error", async () => {
        ctx.emu.generate({ api: "tat", count: 150 });
        ctx.emu.addFault({ api: "tat", kind: "internalError", times: -1, match: { Offset: pageOffset(1) } });
        const err = await assertCloudError(
            readTatInvocationTasks(tencentArgs(ctx.emu), argsOnly, fast({ retry: { maxAttempts: 3, baseDelayMs: 1, throttleBaseDelayMs: 1, maxDelayMs: 1 } })),
            "InternalError",
        );
        assert.equal((err as { attempts?: number }).attempts, 3);
    });

    it("re-reads when tasks are added between pages and returns the new list whole", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 250, invocationId: "inv-drift001" });
        let inserted = false;
        ctx.emu.addFault({
            api: "tat",
            kind: "timeout",
            delayMs: 1,
            times: 1,
            match: (p) => {
                if (p.Offset === pageOffset(2) && !inserted) {
                    inserted = true;
                    ctx.emu.mutate({
                        api: "tat",
                        op: "insert",
                        records: [{ InvocationTaskId: "invt-late0001", InvocationId: "inv-drift001", TaskStatus: "RUNNING" }],
                    });
                }
                return false;
            },
        });
        const log = recordingLogger();
        const r = await readTatInvocationTasks({ ...tencentArgs(ctx.emu), invocationId: "inv-drift001" }, argsOnly, fast({ log }));
        assertExactlyOnce(
            r.tasks.map((t) => t.invocationTaskId),
            [...g.ids, "invt-late0001"],
        );
        assert.ok(log.lines.some((l) => /changed while it was read/.test(l)));
    });

    it("is not hijacked by http_proxy", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 3 });
        const saved = process.env.http_proxy;
        process.env.http_proxy = "http://127.0.0.1:1";
        try {
            const r = await readTatInvocationTasks(tencentArgs(ctx.emu), argsOnly, fast());
            assertExactlyOnce(
                r.tasks.map((t) => t.invocationTaskId),
                g.ids,
            );
        } finally {
            if (saved === undefined) delete process.env.http_proxy;
            else process.env.http_proxy = saved;
        }
    });

    it("gives the same id for the same query and a different one for another", async () => {
        const a = await readTatInvocationTasks({ ...tencentArgs(ctx.emu), instanceId: ["ins-b", "ins-a"] }, argsOnly);
        const b = await readTatInvocationTasks(
            { ...tencentArgs(ctx.emu), instanceId: ["ins-b", "ins-a"], secretKey: tencentArgs(ctx.emu).secretKey },
            argsOnly,
        );
        const c = await readTatInvocationTasks({ ...tencentArgs(ctx.emu), instanceId: "ins-a" }, argsOnly);
        assert.equal(a.id, b.id);
        assert.notEqual(a.id, c.id);
        assert.match(a.id, /^tat-[0-9a-f]{24}$/);
    });
});
