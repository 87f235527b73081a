import { strict as assert } from "node:assert";
import { createProgress } from "../../cli/progress";
import { readCphJobs } from "../../provider/sources/cphJobs";
import { readMpsTasks } from "../../provider/sources/mpsTasks";
import { readTatInvocationTasks } from "../../provider/sources/tatInvocationTasks";
import { argsOnly, huaweiArgs, tencentArgs } from "../integration/helpers";
import { emulatorEnv, requireBuild, runCli, useEmulator } from "./helpers";

/** A stream that keeps what is written to it; `isTTY` says whether it stands for a terminal. */
function recordingStream(isTTY: boolean): { out: string; isTTY: boolean; write(s: string): void } {
    return {
        out: "",
        isTTY,
        write(s: string) {
            this.out += s;
        },
    };
}

/**
 * Progress while pages are read: ReadOptions.onPage (the paging hook the CLI reads) for each kind
 * of pager, the reporter's two renderings (a redrawn line on a terminal, occasional plain lines
 * elsewhere), and what the built command prints on stderr.
 */
describe("cli: progress", function () {
    this.timeout(120_000);
    requireBuild();
    const ctx = useEmulator();

    /** Collects onPage calls. */
    function pages() {
        const calls: Array<[number, number | undefined]> = [];
        return { calls, onPage: (read: number, total?: number) => void calls.push([read, total]) };
    }

    function assertClimbs(calls: Array<[number, number | undefined]>, last: [number, number | undefined], n: number) {
        assert.equal(calls.length, n, "one call per page");
        assert.deepEqual(calls[calls.length - 1], last);
        for (let i = 1; i < calls.length; i++) assert.ok(calls[i][0] > calls[i - 1][0], "the count only grows");
    }

    it("onPage counts offset pages without their one-record overlap (TAT: 250 tasks, 3 pages)", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 250, seed: "progress" });
        const p = pages();
        const r = await readTatInvocationTasks({ ...tencentArgs(ctx.emu), invocationId: g.groups.invocationId }, argsOnly, { onPage: p.onPage });
        assert.equal(r.tasks.length, 250);
        assertClimbs(p.calls, [250, 250], 3);
        assert.deepEqual(p.calls[0], [100, 250], "the total is known from the first page");
    });

    it("onPage sums the totals of a read's queries (TAT ids in batches of 100)", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 150, seed: "batches" });
        const p = pages();
        await readTatInvocationTasks({ ...tencentArgs(ctx.emu), invocationTaskIds: g.ids }, argsOnly, { onPage: p.onPage });
        assertClimbs(
            p.calls.slice().sort((a, b) => a[0] - b[0]),
            [150, 150],
            2,
        );
    });

    it("onPage reports no total where the API reports none (CPH: until a short page)", async () => {
        const [g] = ctx.emu.generate({ api: "cph", count: 230, seed: "progress" });
        const p = pages();
        await readCphJobs({ ...huaweiArgs(ctx.emu), requestId: g.groups.requestId }, argsOnly, { onPage: p.onPage });
        assertClimbs(p.calls, [230, undefined], 3);
    });

    it("onPage follows scroll tokens, status after status (MPS)", async () => {
        ctx.emu.generate({ api: "mps", count: 260, seed: "progress", statusMix: { FINISH: 210, PROCESSING: 50 } });
        const p = pages();
        const r = await readMpsTasks({ ...tencentArgs(ctx.emu) }, argsOnly, { onPage: p.onPage });
        assert.equal(r.tasks.length, 260);
        // WAITING (none), then PROCESSING (50), then FINISH (210 in pages of 100): each status's total
        // joins when its scroll starts.
        assert.deepEqual(p.calls, [
            [0, 0],
            [50, 50],
            [150, 260],
            [250, 260],
            [260, 260],
        ]);
    });

    it("draws one line in place on a terminal, and plain lines now and then elsewhere", () => {
        let clock = 0;
        const tty = recordingStream(true);
        const t = createProgress(tty, ["TAT invocation task", "TAT invocation tasks"], false, () => clock);
        t.onPage(100, 10_000);
        clock += 50;
        t.onPage(200, 10_000); // within 100 ms: not drawn
        clock += 100;
        t.onPage(3_200, 10_000);
        t.log.info("taskgate: TAT DescribeInvocationTasks offset 99: InternalError; retry 1/7 in 200 ms");
        clock += 5_350;
        t.finish(10_000, 10_000);
        assert.equal(
            tty.out,
            [
                "\r\x1b[Kreading TAT invocation tasks: 100 of 10,000 (1 page)",
                "\r\x1b[Kreading TAT invocation tasks: 3,200 of 10,000 (3 pages)",
                "\r\x1b[Ktaskgate: TAT DescribeInvocationTasks offset 99: InternalError; retry 1/7 in 200 ms\n",
                "read 10,000 TAT invocation tasks in 5.5 s (3 pages)\n",
            ].join(""),
        );

        clock = 0;
        const plain = recordingStream(false);
        const p = createProgress(plain, ["CPH job", "CPH jobs"], false, () => clock);
        for (let i = 1; i <= 50; i++) {
            p.onPage(i * 99, undefined);
            clock += 100;
        }
        p.finish(4_950, 4_950);
        assert.equal(
            plain.out,
            [
                "reading CPH jobs: 99 (1 page)",
                "reading CPH jobs: 2,079 (21 pages)",
                "reading CPH jobs: 4,059 (41 pages)",
                "read 4,950 CPH jobs in 5 s (50 pages)",
                "",
            ].join("\n"),
            "the first page at once, then every 2 s, no carriage returns",
        );

        const quiet = recordingStream(false);
        const q = createProgress(quiet, ["CPH job", "CPH jobs"], true, () => 0);
        q.onPage(10, undefined);
        q.log.info("a retry");
        q.log.warn("taskgate: the list changed while it was read; reading it again");
        q.finish(10, 10);
        assert.equal(quiet.out, "taskgate: the list changed while it was read; reading it again\n", "--quiet keeps only warnings");
    });

    it("says no total where a read reports 0 (an MPS status with no task), and agrees counts of one", () => {
        let clock = 0;
        const plain = recordingStream(false);
        const p = createProgress(plain, ["MPS task", "MPS tasks"], false, () => clock);
        // What an MPS read reports (see the scroll test above): an empty WAITING list first.
        for (const [read, total] of [
            [0, 0],
            [1, 1],
        ] as const) {
            p.onPage(read, total);
            clock += 2000;
        }
        p.finish(1, 1);
        assert.equal(plain.out, ["reading MPS tasks: 0 (1 page)", "reading MPS tasks: 1 of 1 (2 pages)", "read 1 MPS task in 4 s (2 pages)", ""].join("\n"));
        const none = recordingStream(false);
        const q = createProgress(none, ["MPS task", "MPS tasks"], false, () => 0);
        q.onPage(0, undefined);
        q.finish(0, 0);
        assert.equal(none.out, "reading MPS tasks: 0 (1 page)\nread 0 MPS tasks in 0 s (1 page)\n");
    });

    it('the command\'s MPS progress never reads "0 of 0"', async () => {
        ctx.emu.generate({ api: "mps", count: 3, seed: "zero", statusMix: { FINISH: 3 } });
        const r = await runCli(["summary", "mps"], { env: emulatorEnv(ctx.emu) });
        assert.equal(r.code, 0, r.stderr);
        const lines = r.stderr.trimEnd().split("\n");
        assert.equal(lines[0], "reading MPS tasks: 0 (1 page)", "the empty WAITING list first: no total yet");
        assert.ok(!/ of 0\b/.test(r.stderr), r.stderr);
        assert.match(lines[lines.length - 1], /^read 3 MPS tasks in \d+(\.\d)? s \(3 pages\)$/);
    });

    it("the command reports progress on stderr while it reads, and --quiet silences it", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 1000, seed: "progress" });
        const env = emulatorEnv(ctx.emu);
        const args = ["list", "tat", "--invocation-id", g.groups.invocationId, "-o", "json"];
        const r = await runCli(args, { env });
        assert.equal(r.code, 0, r.stderr);
        const lines = r.stderr.trimEnd().split("\n");
        assert.equal(lines[0], "reading TAT invocation tasks: 100 of 1,000 (1 page)");
        assert.match(lines[lines.length - 1], /^read 1,000 TAT invocation tasks in \d+(\.\d)? s \(11 pages\)$/);
        assert.ok(!r.stderr.includes("\r"), "no carriage returns when stderr is not a terminal");
        assert.equal(JSON.parse(r.stdout).tasks.length, 1000, "stdout holds only the data");
        const quiet = await runCli([...args, "--quiet"], { env });
        assert.equal(quiet.stderr, "");
    });
});
