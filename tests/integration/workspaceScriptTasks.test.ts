import { strict as assert } from "node:assert";
import { readWorkspaceScriptTasks } from "../../provider/sources/workspaceScriptTasks";
import { argsOnly, assertCloudError, assertExactlyOnce, fast, huaweiArgs, offsetRequests, pageOffset, SECRETS, useEmulator } from "./helpers";

describe("integration: Workspace script execution tasks against the emulator", function () {
    this.timeout(120_000);
    const ctx = useEmulator();

    for (const n of [0, 1, 100, 101, 10_000]) {
        it(`returns every one of ${n} tasks exactly once`, async () => {
            const [g] = ctx.emu.generate({ api: "workspace", count: n });
            const r = await readWorkspaceScriptTasks({ ...huaweiArgs(ctx.emu), desktopPoolId: g.groups.desktopPoolId }, argsOnly);
            assertExactlyOnce(
                r.tasks.map((t) => t.id),
                g.ids,
            );
            assert.equal(r.totalCount, n);
            assert.equal(ctx.emu.requests({ api: "workspace" }).length, offsetRequests(n));
            assert.equal(ctx.emu.stats().apis.workspace.throttled, 0);
        });
    }

    it("maps the status filter vocabulary (SUCCESS, WAITING) onto the records' (FINISH, INIT)", async () => {
        ctx.emu.generate({ api: "workspace", count: 20, statusMix: { FINISH: 1, FAILED: 1, RUNNING: 1, INIT: 1 } });
        const ok = await readWorkspaceScriptTasks({ ...huaweiArgs(ctx.emu), status: "SUCCESS" }, argsOnly);
        assert.equal(ok.tasks.length, 5);
        assert.ok(ok.tasks.every((t) => t.status === "FINISH" && t.state === "SUCCEEDED"));
        const waiting = await readWorkspaceScriptTasks({ ...huaweiArgs(ctx.emu), status: "WAITING" }, argsOnly);
        assert.equal(waiting.tasks.length, 5);
        assert.ok(waiting.tasks.every((t) => t.status === "INIT" && t.state === "PENDING"));
        const all = await readWorkspaceScriptTasks(huaweiArgs(ctx.emu), argsOnly);
        assert.ok(all.summary.targets!.total > 0, "the tasks report desktops");
        assert.equal(
            all.summary.targets!.total,
            all.tasks.reduce((n, t) => n + (t.successNum ?? 0) + (t.failedNum ?? 0) + (t.skipNum ?? 0), 0),
        );
    });

    it("filters by script, type, time window and task ids", async () => {
        ctx.emu.seed({
            workspace: [
                {
                    id: "t-1",
                    desktop_pool_id: "p1",
                    scripts: [{ id: "s1", name: "deploy (v2)!" }],
                    status: "FINISH",
                    start_time: "2021-10-01T10:00:00Z",
                    task_type: "SCRIPT",
                } as never,
                {
                    id: "t-2",
                    desktop_pool_id: "p1",
                    scripts: [{ id: "s2", name: "other" }],
                    status: "FAILED",
                    start_time: "2021-10-02T10:00:00Z",
                    task_type: "COMMAND",
                } as never,
                {
                    id: "t-3",
                    desktop_pool_id: "p2",
                    scripts: [{ id: "s1", name: "deploy (v2)!" }],
                    status: "RUNNING",
                    start_time: "2021-10-03T10:00:00Z",
                    task_type: "SCRIPT",
                } as never,
            ],
        });
        const ids = async (extra: object) => (await readWorkspaceScriptTasks({ ...huaweiArgs(ctx.emu), ...extra }, argsOnly)).tasks.map((t) => t.id).sort();
        assert.deepEqual(await ids({ scriptId: "s1" }), ["t-1", "t-3"]);
        assert.deepEqual(await ids({ scriptName: "deploy (v2)!" }), ["t-1", "t-3"]);
        assert.deepEqual(await ids({ taskType: "COMMAND" }), ["t-2"]);
        assert.deepEqual(await ids({ executeTimeStart: new Date("2021-10-02T00:00:00Z"), executeTimeEnd: "2021-10-02T23:59:59+00:00" }), ["t-2"]);
        assert.deepEqual(await ids({ taskIds: ["t-3", "t-1"] }), ["t-1", "t-3"]);
        assert.deepEqual(await ids({ desktopPoolId: "p2" }), ["t-3"]);
    });

    it("fails at once on a bad signature, with APIGW.0301 and no secret", async () => {
        await assertCloudError(readWorkspaceScriptTasks({ ...huaweiArgs(ctx.emu), secretKey: "nope" }, argsOnly, fast()), "APIGW.0301", {
            secrets: [...SECRETS, "nope"],
        });
    });

    it("retries 429 APIGW.0308 and completes", async () => {
        const [g] = ctx.emu.generate({ api: "workspace", count: 300 });
        ctx.emu.addFault({ api: "workspace", kind: "throttle", times: 2, match: { offset: pageOffset(2) } });
        const r = await readWorkspaceScriptTasks(huaweiArgs(ctx.emu), argsOnly, fast());
        assertExactlyOnce(
            r.tasks.map((t) => t.id),
            g.ids,
        );
        assert.equal(ctx.emu.requests({ api: "workspace" }).filter((e) => e.status === 429 && e.code === "APIGW.0308").length, 2);
    });
});
