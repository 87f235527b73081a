/**
 * A waiting gate's polls (provider/polls.ts): when a poll may re-read only the unfinished tasks by
 * id, how the re-read tasks merge into the last complete list, and that anything the merge cannot
 * vouch for (a total that moved, a task no longer found, an id the source refuses) reads the whole
 * list instead. The source here is a definition in memory; tests/integration/gatePolls.test.ts
 * drives the real sources against the emulator.
 */
import { strict as assert } from "node:assert";
import { TaskgateValidationError } from "../../provider/errors";
import type { ReadOptions } from "../../provider/paging";
import type { SourceDefinition } from "../../provider/pipeline";
import { choosePoll, gatePolls, mergeById, type PollBase } from "../../provider/polls";
import { summarize } from "../../provider/summary";
import type { TaskListResult, TaskState } from "../../provider/types";

interface Job {
    readonly id: string;
    readonly state: TaskState;
}

const job = (id: string, state: TaskState): Job => ({ id, state });
const idOf = (j: Job) => j.id;

function listOf(tasks: Job[], totalCount = tasks.length): TaskListResult<Job> {
    return { id: "fake-1", query: { group: "g-a" }, tasks, totalCount, summary: summarize(tasks), requestIds: ["r-full"] };
}

const base = (tasks: Job[], fullReadRequests: number, totalCount?: number): PollBase<Job> => ({ result: listOf(tasks, totalCount), fullReadRequests });

describe("a waiting gate's polls", () => {
    describe("choosePoll: incremental or whole", () => {
        const costs = { idsPerRequest: 2, countRequests: 1 };
        const tasks = [job("a", "SUCCEEDED"), job("b", "RUNNING"), job("c", "PENDING"), job("d", "UNKNOWN"), job("e", "FAILED"), job("f", "FINISHED")];

        it("reads the whole list first", () => {
            assert.deepEqual(choosePoll(undefined, costs, idOf), { how: "full", why: "the first read" });
        });

        it("reads the whole list where the source cannot select by id", () => {
            assert.deepEqual(choosePoll(base(tasks, 50), undefined, idOf), { how: "full", why: "the API cannot select tasks by id" });
        });

        it("re-reads by id the tasks that can still change: pending, running and unknown", () => {
            assert.deepEqual(choosePoll(base(tasks, 50), costs, idOf), { how: "byIds", ids: ["b", "c", "d"] });
        });

        it("reads the whole list when the last one held only part of what matched (maxResults)", () => {
            assert.deepEqual(choosePoll(base(tasks, 50, 9), costs, idOf), { how: "full", why: "the last read held only part of the list" });
        });

        it("reads the whole list when counting and reading by id would cost as much", () => {
            // 1 count + ceil(3 / 2) = 3 requests: cheaper than 4, not cheaper than 3.
            assert.equal(choosePoll(base(tasks, 4), costs, idOf).how, "byIds");
            assert.deepEqual(choosePoll(base(tasks, 3), costs, idOf), {
                how: "full",
                why: "re-reading 3 unfinished tasks by id takes 3 requests, the whole list 3",
            });
        });
    });

    describe("mergeById", () => {
        const previous = [job("a", "SUCCEEDED"), job("b", "RUNNING"), job("c", "PENDING")];

        it("puts each re-read task in its place, the others and the order kept", () => {
            const merged = mergeById(previous, ["c", "b"], [job("c", "FAILED"), job("b", "SUCCEEDED")], idOf);
            assert.deepEqual(merged, { tasks: [job("a", "SUCCEEDED"), job("b", "SUCCEEDED"), job("c", "FAILED")] });
        });

        it("finds the list moved when a task asked for is no longer found", () => {
            assert.deepEqual(mergeById(previous, ["b", "c"], [job("b", "RUNNING")], idOf), { moved: "1 unfinished task no longer found by id" });
        });

        it("finds the list moved when a task comes back that was not asked for", () => {
            assert.deepEqual(mergeById(previous, ["b"], [job("b", "RUNNING"), job("z", "RUNNING")], idOf), {
                moved: "a task read by id was not one asked for",
            });
        });
    });

    describe("gatePolls", () => {
        /** A source in memory: `now` is the list as the API would give it; every read is logged. */
        function memorySource(now: () => Job[], options: { refuseIds?: boolean; fullPages?: number } = {}) {
            const calls: string[] = [];
            const read = async (): Promise<TaskListResult<Job>> => {
                calls.push("full");
                return listOf(now());
            };
            const def: SourceDefinition<unknown, Job> = {
                cloud: "tencentcloud",
                traits: { label: "fake jobs", hasTargets: false, reportsOutcome: true },
                labelOne: "fake job",
                idOf,
                createdAt: () => undefined,
                args: [],
                plan: (a) => a,
                connection: () => ({}),
                read: async (_args, _sources, o?: ReadOptions) => {
                    // A full read of this list takes `fullPages` pages.
                    for (let p = 0; p < (options.fullPages ?? 10); p++) o?.onPage?.(p, undefined);
                    return read();
                },
                failedTask: (t) => ({ id: t.id, state: t.state }),
                idPrefixes: ["fake"],
                polls: {
                    idsPerRequest: 100,
                    countRequests: () => 1,
                    count: async () => {
                        calls.push("count");
                        return { total: now().length, requestIds: ["r-count"] };
                    },
                    readIds: async (_args, ids) => {
                        calls.push(`ids ${ids.join(",")}`);
                        if (options.refuseIds) throw new TaskgateValidationError("ids", "must look like an id");
                        const wanted = new Set(ids);
                        return { ...listOf(now().filter((t) => wanted.has(t.id))), requestIds: ["r-ids"] };
                    },
                },
            };
            return { def, calls };
        }

        it("reads whole, then counts and re-reads the unfinished tasks by id, judging the merged list", async () => {
            let tasks = [job("a", "RUNNING"), job("b", "RUNNING"), job("c", "SUCCEEDED")];
            const { def, calls } = memorySource(() => tasks);
            const poll = gatePolls(def, {}, { config: () => undefined, env: {} });
            assert.equal((await poll({})).how, "full");
            tasks = [job("a", "SUCCEEDED"), job("b", "RUNNING"), job("c", "SUCCEEDED")];
            const second = await poll({});
            tasks = [job("a", "SUCCEEDED"), job("b", "FAILED"), job("c", "SUCCEEDED")];
            const third = await poll({});
            assert.deepEqual(calls, ["full", "count", "ids a,b", "count", "ids b"]);
            assert.deepEqual([second.how, third.how], ["byIds", "byIds"]);
            assert.deepEqual(third.result.tasks, tasks);
            assert.deepEqual([third.result.summary.succeeded, third.result.summary.failed, third.result.summary.done], [2, 1, true]);
            assert.deepEqual(third.result.requestIds, ["r-count", "r-ids"]);
            assert.deepEqual([third.result.id, third.result.query, third.result.totalCount], ["fake-1", { group: "g-a" }, 3]);
        });

        it("reads the whole list when the total moved, and sees the task that appeared", async () => {
            let tasks = [job("a", "RUNNING"), job("b", "SUCCEEDED")];
            const { def, calls } = memorySource(() => tasks);
            const poll = gatePolls(def, {}, { config: () => undefined, env: {} });
            await poll({});
            tasks = [...tasks, job("new", "FAILED")];
            const r = await poll({});
            assert.deepEqual(calls, ["full", "count", "full"]);
            assert.equal(r.how, "full");
            assert.deepEqual(r.result.tasks.map(idOf), ["a", "b", "new"]);
        });

        it("reads the whole list when an unfinished task vanished (and another appeared: the total alone is the same)", async () => {
            let tasks = [job("a", "RUNNING"), job("b", "SUCCEEDED")];
            const { def, calls } = memorySource(() => tasks);
            const poll = gatePolls(def, {}, { config: () => undefined, env: {} });
            await poll({});
            tasks = [job("z", "RUNNING"), job("b", "SUCCEEDED")];
            const r = await poll({});
            assert.deepEqual(calls, ["full", "count", "ids a", "full"]);
            assert.deepEqual(r.result.tasks.map(idOf), ["z", "b"]);
        });

        it("reads the whole list when the source refuses an id it was sent", async () => {
            const { def, calls } = memorySource(() => [job("a", "RUNNING")], { refuseIds: true });
            const poll = gatePolls(def, {}, { config: () => undefined, env: {} });
            await poll({});
            assert.equal((await poll({})).how, "full");
            assert.deepEqual(calls, ["full", "count", "ids a", "full"]);
        });

        it("reads the whole list every time when incremental polls are off, or the list is cheaper to read whole", async () => {
            const tasks = [job("a", "RUNNING")];
            const off = memorySource(() => tasks);
            const pollOff = gatePolls(off.def, {}, { config: () => undefined, env: {} }, false);
            await pollOff({});
            await pollOff({});
            assert.deepEqual(off.calls, ["full", "full"]);
            const short = memorySource(() => tasks, { fullPages: 1 });
            const pollShort = gatePolls(short.def, {}, { config: () => undefined, env: {} });
            await pollShort({});
            await pollShort({});
            assert.deepEqual(short.calls, ["full", "full"]);
        });
    });
});
