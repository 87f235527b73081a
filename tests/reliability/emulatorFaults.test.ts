/**
 * The three emulator faults the reliability suites add, as the real SDKs see them:
 * `slowBody` (an answer that trickles in), `duplicate` (a page that repeats the end of the previous
 * one, as a lagging replica would) and `mutate` (the list changes between two given pages).
 */
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator/server";
import { admin, CPH_JOBS, huaweiClient, huaweiGet, legacyCall, tencentClient } from "../emulator/helpers";

type Rec = Record<string, unknown>;

describe("reliability: the emulator's slowBody, duplicate and mutate faults", function () {
    this.timeout(30_000);
    let emu: Emulator;
    before(async () => {
        emu = await startEmulator({ port: 0 });
    });
    after(() => emu.close());
    beforeEach(() => emu.reset());

    it("slowBody: the real answer, headers at once and the body trickled over delayMs", async () => {
        const [g] = emu.generate({ api: "tat", count: 30 });
        emu.addFault({ api: "tat", kind: "slowBody", delayMs: 600 });
        const t0 = performance.now();
        const r = (await tencentClient(emu, "tat").DescribeInvocationTasks({ Limit: 100 })) as Rec;
        const ms = performance.now() - t0;
        assert.ok(ms >= 500, `answered in ${ms} ms`);
        assert.deepEqual((r.InvocationTaskSet as Rec[]).map((t) => t.InvocationTaskId).sort(), [...g.ids].sort());
        const [entry] = emu.requests({ api: "tat" });
        assert.equal(entry.faulted, "slowBody");
        assert.equal(entry.status, 200);
        assert.ok(entry.durationMs >= 500);
    });

    it("slowBody: never idle long enough for a socket idle timeout, and stops when the client goes away", async () => {
        emu.generate({ api: "bm", count: 50 });
        emu.addFault({ api: "bmLegacy", kind: "slowBody", delayMs: 5000 });
        // The legacy helper has no timeout: abort it by closing the emulator's side after 300 ms.
        const call = legacyCall(emu, { limit: 50 }).then(
            () => "answered",
            () => "aborted",
        );
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(emu.stats().apis.bmLegacy.faults, 0, "not logged until the body is written or abandoned");
        await emu.close();
        // Aborted, not answered: the drip stopped with the connection instead of running its 5 s.
        assert.equal(await call, "aborted");
        emu = await startEmulator({ port: 0 });
    });

    it("duplicate: the page starts `count` records early (offset APIs), the total unchanged", async () => {
        emu.generate({ api: "tat", count: 250 });
        const tat = tencentClient(emu, "tat");
        const p1 = (await tat.DescribeInvocationTasks({ Limit: 100, Offset: 0 })) as Rec;
        emu.addFault({ api: "tat", kind: "duplicate", count: 2, match: { Offset: 100 } });
        const p2 = (await tat.DescribeInvocationTasks({ Limit: 100, Offset: 100 })) as Rec;
        const ids = (p: Rec) => (p.InvocationTaskSet as Rec[]).map((t) => t.InvocationTaskId);
        assert.deepEqual(ids(p2).slice(0, 2), ids(p1).slice(98));
        assert.equal(ids(p2).length, 100);
        assert.equal(p2.TotalCount, 250);
        emu.generate({ api: "cph", count: 150, requestId: "duplicatecase" });
        const hw = huaweiClient(emu);
        const j1 = (await huaweiGet(hw, CPH_JOBS, { request_id: "duplicatecase", offset: 0, limit: 100 })).jobs as Rec[];
        emu.addFault({ api: "cph", kind: "duplicate", match: { offset: 100 } });
        const j2 = (await huaweiGet(hw, CPH_JOBS, { request_id: "duplicatecase", offset: 100, limit: 100 })).jobs as Rec[];
        assert.equal(j2[0].job_id, j1[99].job_id);
        assert.equal(j2.length, 51, "the short last page now holds one record more");
    });

    it("duplicate: a scrolled MPS page repeats the previous page's last task, and the scroll goes on from there", async () => {
        emu.generate({ api: "mps", count: 250, statusMix: { FINISH: 1 } });
        const mps = tencentClient(emu, "mps");
        const p1 = (await mps.DescribeTasks({ Status: "FINISH", Limit: 100 })) as Rec;
        emu.addFault({ api: "mps", kind: "duplicate", match: { ScrollToken: p1.ScrollToken as string } });
        const p2 = (await mps.DescribeTasks({ Status: "FINISH", Limit: 100, ScrollToken: p1.ScrollToken })) as Rec;
        const ids = (p: Rec) => (p.TaskSet as Rec[]).map((t) => t.TaskId);
        assert.equal(ids(p2)[0], ids(p1)[99]);
        const p2clean = (await mps.DescribeTasks({ Status: "FINISH", Limit: 100, ScrollToken: p1.ScrollToken })) as Rec;
        assert.equal(p2.ScrollToken, ids(p2clean)[99], "the next page starts at the task the shifted page left out");
    });

    it("mutate: changes the store when a matching request arrives, which then sees the change; the answer counts as ok", async () => {
        emu.generate({ api: "tat", count: 150, invocationId: "inv-mutate01" });
        emu.addFault({
            api: "tat",
            kind: "mutate",
            match: { Offset: 100 },
            mutation: [{ api: "tat", op: "insert", records: [{ InvocationTaskId: "invt-late0001", InvocationId: "inv-mutate01" }] }],
        });
        const tat = tencentClient(emu, "tat");
        const filters = [{ Name: "invocation-id", Values: ["inv-mutate01"] }];
        const p1 = (await tat.DescribeInvocationTasks({ Filters: filters, Limit: 100, Offset: 0 })) as Rec;
        const p2 = (await tat.DescribeInvocationTasks({ Filters: filters, Limit: 100, Offset: 100 })) as Rec;
        assert.equal(p1.TotalCount, 150);
        assert.equal(p2.TotalCount, 151);
        assert.equal(emu.faults()[0].fired, 1);
        assert.deepEqual({ ok: emu.stats().apis.tat.ok, faults: emu.stats().apis.tat.faults }, { ok: 2, faults: 1 });
    });

    it("rules are checked: mutate needs a mutation, duplicate a positive count; the admin API takes them as JSON", async () => {
        assert.throws(() => emu.addFault({ api: "tat", kind: "mutate" }), /needs a mutation/);
        assert.throws(() => emu.addFault({ api: "tat", kind: "duplicate", count: 0 }), /count/);
        const added = await admin(emu, "POST", "faults", { api: "cph", kind: "mutate", mutation: { api: "cph", op: "remove", ids: ["x"] } });
        assert.equal(added.status, 200);
        assert.deepEqual(emu.faults()[0].mutation, { api: "cph", op: "remove", ids: ["x"] });
    });
});
