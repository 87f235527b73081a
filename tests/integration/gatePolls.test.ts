/**
 * A waiting gate's polls against the emulator, per source whose API selects tasks by id (TAT by
 * InvocationTaskIds, Workspace by task_id): after the first full read, a poll counts the query (one
 * page of one record) and re-reads only the unfinished tasks, 100 ids a request; a task inserted
 * while the gate waits moves the count, so the list is read whole and the new task is judged; and
 * the gate's verdict, reasons and progress are those of a gate that reads the whole list every poll.
 * Tasks change only when the test's clock reaches a step (emu.mutate), never on the emulator's own
 * clock, so nothing here depends on the machine's speed.
 */
import { strict as assert } from "node:assert";
import type { Emulator } from "../../emulator/server";
import type { RequestLogEntry } from "../../emulator/types";
import * as gate from "../../provider/dynamic/gateRuntime";
import { resolveRequirements, resolveWait } from "../../provider/gateRules";
import type { SourceKind } from "../../provider/sources";
import type { Logger } from "../../provider/types";
import { sleepClock } from "../unit/fakeClock";
import { emulatorStackConfig, huaweiArgs, useEmulator } from "./helpers";

/** What one request of a poll was: a page of the whole list, a count, or a read of these ids. */
type Sent = { kind: "page" } | { kind: "count" } | { kind: "ids"; ids: string[] };

/** One source's scenario: how its tasks are seeded and changed, how its requests read, and the gate's args. */
interface Subject {
    kind: SourceKind;
    api: "tat" | "workspace";
    idOf: (i: number) => string;
    args: (emu: Emulator) => Record<string, unknown>;
    seed: (emu: Emulator, ids: string[]) => void;
    finish: (emu: Emulator, ids: string[], outcome: "ok" | "failed") => void;
    insert: (emu: Emulator, id: string) => void;
    sent: (r: RequestLogEntry) => Sent;
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

const SUBJECTS: Subject[] = [
    {
        kind: "tatInvocationTasks",
        api: "tat",
        idOf: (i) => `invt-poll${String(i).padStart(4, "0")}`,
        args: () => ({ invocationId: "inv-polls001" }),
        seed: (emu, ids) => emu.seed({ tat: ids.map((id) => ({ InvocationTaskId: id, InvocationId: "inv-polls001", TaskStatus: "RUNNING" })) as never }),
        finish: (emu, ids, outcome) => emu.mutate({ api: "tat", op: "update", ids, patch: { TaskStatus: outcome === "ok" ? "SUCCESS" : "FAILED" } }),
        insert: (emu, id) => emu.mutate({ api: "tat", op: "insert", records: [{ InvocationTaskId: id, InvocationId: "inv-polls001", TaskStatus: "RUNNING" }] }),
        sent: (r) =>
            r.params.InvocationTaskIds !== undefined
                ? { kind: "ids", ids: asList(r.params.InvocationTaskIds) }
                : Number(r.params.Limit) === 1
                  ? { kind: "count" }
                  : { kind: "page" },
    },
    {
        kind: "workspaceScriptTasks",
        api: "workspace",
        idOf: (i) => `ws-poll-${String(i).padStart(4, "0")}`,
        args: (emu) => ({ ...huaweiArgs(emu), desktopPoolId: "pool-polls-01" }),
        seed: (emu, ids) =>
            emu.seed({
                workspace: ids.map((id) => ({ id, desktop_pool_id: "pool-polls-01", status: "RUNNING", success_num: 0, failed_num: 0, skip_num: 0 })) as never,
            }),
        finish: (emu, ids, outcome) =>
            emu.mutate({
                api: "workspace",
                op: "update",
                ids,
                patch: outcome === "ok" ? { status: "FINISH", success_num: 2 } : { status: "FAILED", failed_num: 2 },
            }),
        insert: (emu, id) =>
            emu.mutate({
                api: "workspace",
                op: "insert",
                records: [{ id, desktop_pool_id: "pool-polls-01", status: "INIT", success_num: 0, failed_num: 0, skip_num: 0 }],
            }),
        sent: (r) =>
            r.params.task_id !== undefined
                ? { kind: "ids", ids: asList(r.params.task_id) }
                : Number(r.params.limit) === 1
                  ? { kind: "count" }
                  : { kind: "page" },
    },
];

/** What a run left to compare: the verdict and everything a user reads of it. */
interface Outcome {
    polls: string[];
    stopped: string;
    waitedMs: number;
    passed: boolean;
    reasons: string[];
    summary: unknown;
    states: Array<[string, string]>;
    message: string;
    progress: string[];
}

const N = 250;
const LATE = 0;

describe("a waiting gate re-reads only its unfinished tasks", function () {
    this.timeout(120_000);
    const ctx = useEmulator();
    afterEach(() => {
        gate.setClock(undefined);
        gate.setIncrementalPolls(true);
    });

    /**
     * 250 running tasks. At 5 s, 200 succeed; at 10 s, 30 more; at 15 s a new task appears; at 20 s
     * the other 20 succeed and the new one fails. The gate polls every 5 s (7.5 s while nothing
     * finishes), and stops when every task is done: failed, naming the new task.
     */
    async function run(s: Subject, incremental: boolean): Promise<Outcome> {
        ctx.emu.reset();
        const ids = Array.from({ length: N }, (_, i) => s.idOf(i + 1));
        const late = s.idOf(LATE);
        s.seed(ctx.emu, ids);
        const clock = sleepClock([
            [5_000, () => s.finish(ctx.emu, ids.slice(0, 200), "ok")],
            [10_000, () => s.finish(ctx.emu, ids.slice(200, 230), "ok")],
            [15_000, () => s.insert(ctx.emu, late)],
            [
                20_000,
                () => {
                    s.finish(ctx.emu, ids.slice(230), "ok");
                    s.finish(ctx.emu, [late], "failed");
                },
            ],
        ]);
        gate.setClock(clock);
        gate.setIncrementalPolls(incremental);
        const config = emulatorStackConfig(ctx.emu.url);
        const progress: string[] = [];
        const log: Logger = { debug: () => undefined, info: (m) => void progress.push(m), warn: (m) => void progress.push(m) };
        gate.setProgress(() => log, 0);
        const req = resolveRequirements({});
        const wait = resolveWait({ timeoutSeconds: 120, pollIntervalSeconds: 5 });
        const r = await gate.runGate(s.kind, s.args(ctx.emu), req, wait, log, 'gate "polls"', undefined, {
            settings: { config: (k) => config[k], env: {} },
        });
        const idKey = s.api === "tat" ? "invocationTaskId" : "id";
        return {
            polls: r.polls,
            stopped: r.stopped,
            waitedMs: r.waitedMs,
            passed: r.verdict.passed,
            reasons: r.verdict.reasons,
            summary: r.result.summary,
            states: r.result.tasks.map((t) => [String((t as unknown as Record<string, unknown>)[idKey]), t.state]),
            message: gate.gateFailure("polls", s.kind, req, wait, r).message,
            progress,
        };
    }

    for (const s of SUBJECTS) {
        describe(s.kind, () => {
            it("after the first full read, counts the list and re-reads only the unfinished tasks by id; notices and judges a task inserted while it waits", async () => {
                const r = await run(s, true);
                // Poll 2 still had 250 tasks to re-read (a count and 3 reads by id: no cheaper than the 3 pages of the whole list).
                assert.deepEqual(r.polls, ["full", "full", "byIds", "full", "byIds"]);
                const sent = ctx.emu.requests({ api: s.api }).map(s.sent);
                const kinds = sent.map((x) => x.kind);
                // 250 tasks are 3 pages (100, then 99 new records a page); 251 too.
                assert.deepEqual(kinds, [
                    ...Array(3).fill("page"),
                    ...Array(3).fill("page"),
                    "count",
                    "ids",
                    "count",
                    ...Array(3).fill("page"),
                    "count",
                    "ids",
                ]);
                const byIds = sent.filter((x): x is Extract<Sent, { kind: "ids" }> => x.kind === "ids").map((x) => x.ids.sort());
                const ids = Array.from({ length: N }, (_, i) => s.idOf(i + 1));
                // At 10 s the 50 tasks still running after the 5 s step; at 20 s the 20 left and the new one.
                assert.deepEqual(byIds, [ids.slice(200).sort(), [...ids.slice(230), s.idOf(LATE)].sort()]);
                assert.equal(r.stopped, "done");
                assert.equal(r.passed, false);
                assert.deepEqual((r.summary as { total: number; failed: number; succeeded: number }).total, N + 1);
                assert.match(r.message, new RegExp(`first failing task \\(1 of 1\\):\n {4}${s.idOf(LATE)} .* FAILED `));
            });

            it("judges exactly as a gate that reads the whole list every poll", async () => {
                const incremental = await run(s, true);
                const incrementalRequests = ctx.emu.requests({ api: s.api }).length;
                const whole = await run(s, false);
                const wholeRequests = ctx.emu.requests({ api: s.api }).length;
                assert.deepEqual(whole.polls, ["full", "full", "full", "full", "full"]);
                assert.deepEqual({ ...incremental, polls: [] }, { ...whole, polls: [] });
                assert.ok(incrementalRequests < wholeRequests, `${incrementalRequests} requests, whole reads ${wholeRequests}`);
            });
        });
    }
});
