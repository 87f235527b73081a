import { strict as assert } from "node:assert";
import { resolveSnapshotSettings, type SnapshotSettings, snapshotRecord, validateSnapshotSettings } from "../../provider/snapshotRecord";
import type { TatInvocationTask } from "../../provider/sources/tatInvocationTasks";
import type { TaskState } from "../../provider/types";

/*
 * What a TaskSnapshot keeps of a list, on plain records: by default the failing tasks and a digest
 * of the whole list, so that the state stays small however many tasks succeed and a refresh still
 * notices any change; every task only when asked (`recordTasks: "all"`), capped by `maxTasks`.
 */

const RAW: Record<TaskState, string> = {
    PENDING: "PENDING",
    RUNNING: "RUNNING",
    SUCCEEDED: "SUCCESS",
    FAILED: "FAILED",
    CANCELLED: "CANCELLED",
    TIMED_OUT: "TIMEOUT",
    FINISHED: "FINISHED",
    UNKNOWN: "NEW_STATUS",
};

/** A TAT task as the data source returns it, with every field a snapshot records. */
function task(n: number, state: TaskState = "SUCCEEDED", extra: Partial<TatInvocationTask> = {}): TatInvocationTask {
    const id = n.toString(36).padStart(8, "0");
    return {
        invocationTaskId: `invt-${id}`,
        invocationId: "inv-night001",
        commandId: "cmd-nightly1",
        commandName: "rotate-logs",
        instanceId: `ins-${id}`,
        taskStatus: RAW[state],
        state,
        createdTime: "2026-11-16T02:00:00.000Z",
        startTime: "2026-11-16T02:00:01.000Z",
        endTime: state === "RUNNING" || state === "PENDING" ? undefined : "2026-11-16T02:00:09.000Z",
        errorInfo: state === "SUCCEEDED" ? "" : "disk full",
        taskResult: { exitCode: state === "SUCCEEDED" ? 0 : 2, output: `output of ${id}` } as never,
        ...extra,
    };
}

/** `count` tasks, the first `failing` of which failed. */
function list(count: number, failing = 0): TatInvocationTask[] {
    return Array.from({ length: count }, (_, i) => task(i, i < failing ? "FAILED" : "SUCCEEDED"));
}

const settings = (s: Partial<SnapshotSettings> = {}): SnapshotSettings => ({ ...resolveSnapshotSettings({}), ...s });
const record = (tasks: TatInvocationTask[], s: Partial<SnapshotSettings> = {}) => snapshotRecord("tatInvocationTasks", tasks, settings(s));

describe("snapshot record: the failing tasks and a digest by default, every task when asked", () => {
    it("defaults: recordTasks failing, maxTasks 1000", () => {
        assert.deepEqual(resolveSnapshotSettings({}), { recordTasks: "failing", maxTasks: 1000, includeOutput: false, maxOutputChars: 4096 });
    });

    it("by default records the failing tasks only: failed, timed out, cancelled and unknown; not succeeded, running or pending", () => {
        const states: TaskState[] = ["SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED", "UNKNOWN", "RUNNING", "PENDING", "SUCCEEDED"];
        const r = record(states.map((s, i) => task(i, s)));
        assert.deepEqual(
            Object.values(r.tasks).map((t) => t.state),
            ["FAILED", "TIMED_OUT", "CANCELLED", "UNKNOWN"],
        );
        assert.deepEqual([r.taskCount, r.truncated], [8, false], "the count is of every task read; nothing the mode selects was left out");
        assert.deepEqual(r.tasks["invt-00000001"], {
            state: "FAILED",
            status: "FAILED",
            target: "ins-00000001",
            command: "cmd-nightly1",
            commandName: "rotate-logs",
            invocationId: "inv-night001",
            createdTime: "2026-11-16T02:00:00.000Z",
            startTime: "2026-11-16T02:00:01.000Z",
            endTime: "2026-11-16T02:00:09.000Z",
            exitCode: 2,
            errorMessage: "disk full",
        });
    });

    it("a list that all succeeded records no task, and still its digest", () => {
        const r = record(list(50));
        assert.deepEqual(r.tasks, {});
        assert.match(r.digest, /^[0-9a-f]{32}$/);
    });

    it("maxTasks caps the failing tasks too, and says truncated", () => {
        const r = record(list(100, 30), { maxTasks: 10 });
        assert.equal(Object.keys(r.tasks).length, 10);
        assert.ok(Object.values(r.tasks).every((t) => t.state === "FAILED"));
        assert.deepEqual([r.taskCount, r.truncated], [100, true]);
    });

    it('recordTasks "all" records every task up to maxTasks, the failing ones first', () => {
        const failedLast = [...list(20), task(99, "FAILED")];
        assert.equal(Object.keys(record(failedLast, { recordTasks: "all" }).tasks).length, 21);
        const capped = record(failedLast, { recordTasks: "all", maxTasks: 5 });
        assert.deepEqual(Object.keys(capped.tasks), ["invt-0000002r", "invt-00000000", "invt-00000001", "invt-00000002", "invt-00000003"]);
        assert.equal(capped.truncated, true);
    });

    it("command output is kept for the recorded tasks only", () => {
        const r = record(list(4, 1), { includeOutput: true });
        assert.deepEqual(r.commandOutputs, { "invt-00000000": "output of 00000000" });
    });

    describe("the digest: every task read, recorded or not", () => {
        const base = list(300, 3);
        const digest = (tasks: TatInvocationTask[], s: Partial<SnapshotSettings> = {}) => {
            const d = record(tasks, s).digest;
            assert.match(d, /^[0-9a-f]{32}$/);
            return d;
        };
        const changed = (i: number, t: TatInvocationTask) => base.map((x, j) => (j === i ? t : x));

        it("does not depend on the order the API listed the tasks in, nor on the mode or the cap", () => {
            assert.equal(digest([...base].reverse()), digest(base));
            assert.equal(digest(base, { recordTasks: "all" }), digest(base));
            assert.equal(digest(base, { maxTasks: 1 }), digest(base));
        });

        it("changes when a task that is not recorded changes: its state, an end time, an exit code", () => {
            const d = digest(base);
            assert.notEqual(digest(changed(200, task(200, "FAILED"))), d);
            assert.notEqual(digest(changed(200, task(200, "SUCCEEDED", { endTime: "2026-11-16T02:00:10.000Z" }))), d);
            assert.notEqual(digest(changed(200, task(200, "SUCCEEDED", { taskResult: { exitCode: 1 } as never }))), d);
        });

        it("changes when a task appears or vanishes", () => {
            assert.notEqual(digest([...base, task(300)]), digest(base));
            assert.notEqual(digest(base.slice(1)), digest(base));
        });

        it("never hashes command output (a secret, and guessable when short)", () => {
            assert.equal(digest(changed(200, task(200, "SUCCEEDED", { taskResult: { exitCode: 0, output: "other" } as never }))), digest(base));
        });
    });

    describe("size", () => {
        const bytes = (tasks: TatInvocationTask[], s: Partial<SnapshotSettings> = {}) => Buffer.byteLength(JSON.stringify(record(tasks, s)));

        it("by default grows with the failing tasks, not with the list (figures printed)", () => {
            const thousand = bytes(list(1000, 100));
            const tenThousand = bytes(list(10_000, 100));
            const all = bytes(list(10_000, 100), { recordTasks: "all", maxTasks: 10_000 });
            console.log(
                `      10 000 TAT tasks, 100 failing: ${tenThousand} bytes recorded by default (${Math.round((tenThousand - bytes(list(10_000))) / 100)} per failing task), ` +
                    `${all} with recordTasks "all" and maxTasks 10 000 (${Math.round(all / 10_000)} per task)`,
            );
            assert.equal(tenThousand, thousand + 1, "9 000 more tasks that succeeded add a digit to taskCount, nothing else");
            assert.ok(tenThousand < 100 * 400, `${tenThousand} bytes for 100 failing tasks`);
            assert.ok(all > 10_000 * 200, "every task, when asked");
        });
    });

    it("rejects a recordTasks that is neither failing nor all, naming the field", () => {
        const f = validateSnapshotSettings({ recordTasks: "some" }, "tatInvocationTasks", {}, () => false);
        assert.deepEqual(f, [{ property: "recordTasks", reason: 'must be "failing" or "all" (default "failing"), got "some"' }]);
        assert.deepEqual(
            validateSnapshotSettings({ recordTasks: "all" }, "tatInvocationTasks", {}, () => false),
            [],
        );
    });
});
