/**
 * MPS lists tasks by status, one scroll per status, and a task moves WAITING -> PROCESSING -> FINISH
 * while a read is under way. A read of several statuses must still see every task that existed
 * throughout: a task that leaves one status after that scroll passed its place and enters another
 * behind that scroll's position would otherwise be in neither list: a partial list, with a
 * summary that no longer counts a task that is still running.
 */
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator/server";
import { configureRateLimits, DEFAULT_RATE_LIMITS } from "../../provider/rateLimit";
import { argsOnly } from "../../provider/settings";
import { readMpsTasks } from "../../provider/sources/mpsTasks";
import { NO_EMULATOR_RATE_LIMITS, quick, tencentConn } from "./subjects";
import { recordCase } from "./tally";

describe("reliability: MPS tasks changing status during a read of several statuses", function () {
    this.timeout(60_000);
    let emu: Emulator;
    before(async () => {
        configureRateLimits({ mps: 0 });
        emu = await startEmulator({ port: 0, rateLimits: NO_EMULATOR_RATE_LIMITS });
    });
    after(async () => {
        configureRateLimits({ mps: DEFAULT_RATE_LIMITS.mps });
        await emu.close();
    });

    const transitions = [
        ["WAITING", "PROCESSING"],
        ["PROCESSING", "FINISH"],
        ["WAITING", "FINISH"],
    ] as const;

    for (const [from, to] of transitions) {
        for (const page of [1, 2]) {
            it(`a task moving ${from} -> ${to} while its old list is read (page ${page + 1}) is in the result once`, async () => {
                emu.reset();
                const now = Date.now();
                // Every task of the target status is older than every task of the source status, so the
                // moving task (the oldest of its status) lands first in its new list, where that list's
                // scroll has already been.
                const [older] = emu.generate({ api: "mps", count: 300, seed: 1, statusMix: { [to]: 1 }, baseTime: now - 2 * 86_400_000 });
                const [newer] = emu.generate({ api: "mps", count: 300, seed: 2, statusMix: { [from]: 1 }, baseTime: now - 3_600_000 });
                const moving = newer.ids[newer.ids.length - 1];
                emu.addFault({
                    api: "mps",
                    kind: "mutate",
                    match: { Status: from },
                    skip: page,
                    mutation: { api: "mps", op: "update", ids: [moving], patch: { Status: to } },
                });
                const r = await readMpsTasks(tencentConn(emu), argsOnly, quick());
                assert.equal(emu.faults()[0].fired, 1, "the task moved during the read");
                const ids = r.tasks.map((t) => t.taskId);
                recordCase("MPS", "drift", new Set(ids).size === 600 && ids.length === 600 ? "sound" : "wrong", 1);
                assert.equal(new Set(ids).size, ids.length, "no task twice");
                assert.deepEqual(
                    [...older.ids, ...newer.ids].filter((id) => !ids.includes(id)),
                    [],
                    "every task is there",
                );
                const task = r.tasks.find((t) => t.taskId === moving)!;
                assert.ok(task.status === from || task.status === to, task.status);
            });
        }
    }
});
