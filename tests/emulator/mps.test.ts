/**
 * MPS DescribeTasks through the real Tencent SDK client (tencentcloud-sdk-nodejs-common): the doc examples,
 * ScrollToken paging and its TotalCount semantics, the 168-hour window, validation.
 */
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator/server";
import { isoSeconds, MPS_ZERO_TIME } from "../../emulator/timefmt";
import { rejects, tencentClient } from "./helpers";

interface TcError {
    code?: string;
    message: string;
}

describe("emulator: MPS DescribeTasks (real SDK)", () => {
    let emu: Emulator;
    const mps = (opts = {}) => tencentClient(emu, "mps", opts);

    before(async () => {
        emu = await startEmulator({ rateLimits: { mps: 0 } });
    });
    after(() => emu.close());
    beforeEach(() => emu.reset(["data", "config"]));

    /** The doc's taskId1..taskId6 (FINISH) and taskId7 (PROCESSING), with recent times. */
    function seedDocExample(): string {
        const t = isoSeconds(Math.floor(emu.now() / 1000) * 1000 - 3600_000);
        const task = (id: string, status: "FINISH" | "PROCESSING") => ({
            TaskId: id,
            TaskType: "WorkflowTask",
            SubTaskTypes: ["action-trans"],
            CreateTime: t,
            BeginProcessTime: t,
            FinishTime: status === "FINISH" ? t : MPS_ZERO_TIME,
            Status: status,
        });
        emu.seed({ mps: [1, 2, 3, 4, 5, 6].map((i) => task(`taskId${i}`, "FINISH")).concat(task("taskId7", "PROCESSING")) });
        return t;
    }

    it('reproduces doc examples 1 and 2: Limit sent as the string "5", ScrollToken = next TaskId', async () => {
        const t = seedDocExample();
        const page1 = await mps().DescribeTasks({ Status: "FINISH", Limit: "5" });
        assert.equal(page1.TotalCount, 6);
        assert.deepEqual(
            page1.TaskSet.map((x: { TaskId: string }) => x.TaskId),
            ["taskId1", "taskId2", "taskId3", "taskId4", "taskId5"],
        );
        assert.equal(page1.ScrollToken, "taskId6");
        assert.deepEqual(page1.TaskSet[0], {
            TaskId: "taskId1",
            TaskType: "WorkflowTask",
            SubTaskTypes: ["action-trans"],
            CreateTime: t,
            BeginProcessTime: t,
            FinishTime: t,
        });
        assert.ok(!("Status" in page1.TaskSet[0]), "TaskSimpleInfo has no Status");

        const page2 = await mps().DescribeTasks({ Status: "FINISH", ScrollToken: "taskId6", Limit: "5" });
        assert.equal(page2.TotalCount, 1, "TotalCount counts from the scroll position on");
        assert.deepEqual(
            page2.TaskSet.map((x: { TaskId: string }) => x.TaskId),
            ["taskId6"],
        );
        assert.equal(page2.ScrollToken, "");
    });

    it("reproduces doc example 3: a processing task has the zero FinishTime", async () => {
        seedDocExample();
        const r = await mps().DescribeTasks({ Status: "PROCESSING", Limit: "5" });
        assert.equal(r.TotalCount, 1);
        assert.equal(r.TaskSet[0].TaskId, "taskId7");
        assert.equal(r.TaskSet[0].FinishTime, "0000-00-00T00:00:00Z");
        assert.equal(r.ScrollToken, "");
    });

    it("needs no Region and defaults Limit to 10", async () => {
        emu.generate({ api: "mps", count: 25 });
        const r = await mps({ region: null }).DescribeTasks({ Status: "FINISH" });
        assert.equal(r.TaskSet.length, 10);
        assert.equal(r.TotalCount, 25);
    });

    it("scrolls through 1,000 tasks without gaps or repeats", async () => {
        emu.generate({ api: "mps", count: 1000, seed: 3, statusMix: { FINISH: 1 } });
        const ids = new Set<string>();
        let token = "";
        let pages = 0;
        let expectedTotal = 1000;
        do {
            const r = await mps().DescribeTasks({ Status: "FINISH", Limit: 100, ...(token ? { ScrollToken: token } : {}) });
            assert.equal(r.TotalCount, expectedTotal);
            expectedTotal -= r.TaskSet.length;
            for (const t of r.TaskSet) ids.add(t.TaskId);
            token = r.ScrollToken;
            pages++;
        } while (token);
        assert.equal(ids.size, 1000);
        assert.equal(pages, 10);
    });

    it("shows only tasks created within the last 168 hours (configurable)", async () => {
        const now = emu.now();
        emu.seed({
            mps: [
                { TaskId: "recent", Status: "FINISH", CreateTime: isoSeconds(now - 167 * 3600_000) },
                { TaskId: "old", Status: "FINISH", CreateTime: isoSeconds(now - 169 * 3600_000) },
            ],
        });
        const r = await mps().DescribeTasks({ Status: "FINISH" });
        assert.deepEqual(
            r.TaskSet.map((x: { TaskId: string }) => x.TaskId),
            ["recent"],
        );
        emu.configure({ quirks: { mpsRetentionHours: 24 * 30 } });
        assert.equal((await mps().DescribeTasks({ Status: "FINISH" })).TotalCount, 2);
    });

    it("filters by the optional StartTime/EndTime/SubTaskHasFailed too", async () => {
        const now = Math.floor(emu.now() / 1000) * 1000;
        emu.seed({
            mps: [
                { TaskId: "a", Status: "FINISH", CreateTime: isoSeconds(now - 3000_000), SubTaskHasFailed: true },
                { TaskId: "b", Status: "FINISH", CreateTime: isoSeconds(now - 2000_000) },
                { TaskId: "c", Status: "FINISH", CreateTime: isoSeconds(now - 1000_000) },
            ],
        });
        const r = await mps().DescribeTasks({ Status: "FINISH", StartTime: isoSeconds(now - 2500_000), Limit: 1 });
        assert.equal(r.TotalCount, 2);
        assert.equal(r.TaskSet[0].TaskId, "c");
        assert.equal(r.ScrollToken, "b");
        const failed = await mps().DescribeTasks({ Status: "FINISH", SubTaskHasFailed: true });
        assert.deepEqual(
            failed.TaskSet.map((x: { TaskId: string }) => x.TaskId),
            ["a"],
        );
    });

    describe("validation errors", () => {
        const cases: Array<[string, Record<string, unknown>, string]> = [
            ["no Status", {}, "MissingParameter"],
            ["an unknown Status", { Status: "DONE" }, "InvalidParameterValue"],
            ["Limit 101", { Status: "FINISH", Limit: 101 }, "InvalidParameterValue.Limit"],
            ['Limit "101"', { Status: "FINISH", Limit: "101" }, "InvalidParameterValue.Limit"],
            ["Limit 0", { Status: "FINISH", Limit: 0 }, "InvalidParameterValue.Limit"],
            ['Limit "five"', { Status: "FINISH", Limit: "five" }, "InvalidParameterValue.Limit"],
            ["an unknown ScrollToken", { Status: "FINISH", ScrollToken: "nope" }, "InvalidParameterValue"],
            ["an undocumented parameter", { Status: "FINISH", Offset: 0 }, "UnknownParameter"],
        ];
        for (const [what, params, code] of cases) {
            it(`${what} -> ${code}`, async () => {
                seedDocExample();
                const e = await rejects<TcError>(mps().DescribeTasks(params));
                assert.equal(e.code, code, e.message);
            });
        }

        it("a ScrollToken of another status is refused", async () => {
            seedDocExample();
            const e = await rejects<TcError>(mps().DescribeTasks({ Status: "FINISH", ScrollToken: "taskId7" }));
            assert.equal(e.code, "InvalidParameterValue");
        });
    });
});
