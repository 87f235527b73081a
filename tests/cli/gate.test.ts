import { strict as assert } from "node:assert";
import { check } from "../../sdk/check";
import { emulatorEnv, parseCsv, requireBuild, runCli, useEmulator } from "./helpers";

/**
 * `taskgate summary`, and `--require` on every command: exit 0 when the rules hold, 1 with the
 * reasons and the failing tasks when they do not (the same message `check()` throws), 2 for rules
 * that cannot be judged, before any request.
 */
describe("cli: taskgate summary and --require", function () {
    this.timeout(120_000);
    requireBuild();
    const ctx = useEmulator();

    /** 50 TAT tasks of one invocation: 44 succeeded, 3 failed, 1 timed out, 2 running. */
    function rollout(): string {
        const [g] = ctx.emu.generate({
            api: "tat",
            count: 50,
            seed: "gate",
            invocationId: "inv-gate0001",
            statusMix: { SUCCESS: 44, FAILED: 3, TIMEOUT: 1, RUNNING: 2 },
        });
        return g.groups.invocationId;
    }

    it("summary prints the counts by state in every format", async () => {
        const inv = rollout();
        const env = emulatorEnv(ctx.emu);
        const base = ["summary", "tat", "--invocation-id", inv, "-q"];
        const table = await runCli(base, { env });
        assert.equal(table.code, 0, table.stderr);
        for (const [state, n] of [
            ["SUCCEEDED", 44],
            ["FAILED", 3],
            ["TIMED_OUT", 1],
            ["RUNNING", 2],
            ["PENDING", 0],
            ["TOTAL", 50],
        ] as const) {
            assert.match(table.stdout, new RegExp(`^${state} +${n}$`, "m"));
        }
        assert.match(table.stdout, /^50 TAT invocation tasks: 44 succeeded, 4 failed, timed out or cancelled, 2 pending or running; not done$/m);

        const json = JSON.parse((await runCli([...base, "-o", "json"], { env })).stdout);
        assert.deepEqual([json.source, json.summary.total, json.summary.succeeded, json.summary.timedOut, json.summary.done], ["tat", 50, 44, 1, false]);
        assert.match(json.id, /^tat-/);

        const csv = parseCsv((await runCli([...base, "-o", "csv"], { env })).stdout);
        assert.deepEqual(csv[0], ["name", "count"]);
        assert.deepEqual(
            csv.find((r) => r[0] === "FAILED"),
            ["FAILED", "3"],
        );
        const md = (await runCli([...base, "-o", "markdown"], { env })).stdout;
        assert.match(md, /^\| SUCCEEDED \| 44 \|$/m);
    });

    it("summary counts machines where the API reports them (Bare Metal)", async () => {
        ctx.emu.seed({
            bm: [
                { TaskId: "cmdtask-cli00001", Status: 0, InstanceCount: 10, SuccessCount: 9, FailureCount: 1 },
                { TaskId: "cmdtask-cli00002", Status: 0, InstanceCount: 5, SuccessCount: 5, FailureCount: 0 },
            ] as never,
        });
        const env = emulatorEnv(ctx.emu);
        const r = await runCli(["summary", "bm", "-q"], { env });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^MACHINES +COUNT$/m);
        assert.match(r.stdout, /^total +15$/m);
        assert.match(r.stdout, /^failed +1$/m);
        const csv = parseCsv((await runCli(["summary", "bm", "-q", "-o", "csv"], { env })).stdout);
        assert.deepEqual(
            csv.find((row) => row[0] === "targets.succeeded"),
            ["targets.succeeded", "14"],
        );
        // A ratio of machines: 14 of 15 is 93.3%, so 0.9 passes and 0.95 fails, on machines rather than tasks.
        assert.equal((await runCli(["summary", "bm", "-q", "--require", "min-success-ratio=0.9,max-failed=1"], { env })).code, 0);
        const fail = await runCli(["summary", "bm", "-q", "--require", "min-success-ratio=0.95,max-failed=1"], { env });
        assert.equal(fail.code, 1);
        assert.match(fail.stderr, /93\.3% of 15 machines succeeded; at least 95\.0% required/);
    });

    it("exits 0 when the requirements hold, and says so on stderr", async () => {
        const inv = rollout();
        const r = await runCli(["list", "tat", "--invocation-id", inv, "--require", "min-success-ratio=0.8,max-failed=4,all-done=false"], {
            env: emulatorEnv(ctx.emu),
        });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /^taskgate: passed: at least 80\.0% of tasks succeeded, at most 4 failed$/m);
        assert.equal(r.stdout.trimEnd().split("\n").length, 52, "the list is printed as usual");
    });

    it("exits 1 with check()'s message, the reasons and the failing tasks, and still prints the list", async () => {
        const inv = rollout();
        const env = emulatorEnv(ctx.emu);
        const r = await runCli(["list", "tat", "--invocation-id", inv, "--require", "min-success-ratio=95%", "--output", "json"], { env });
        assert.equal(r.code, 1);
        const result = JSON.parse(r.stdout);
        assert.equal(result.tasks.length, 50, "stdout stays valid JSON for the pipe");
        // The very message check() throws, in the same process of judging.
        let expected = "";
        try {
            check(result, { minSuccessRatio: 0.95 });
        } catch (e) {
            expected = (e as Error).message;
        }
        assert.ok(expected.length > 0 && r.stderr.includes(expected), `stderr holds check()'s message:\n${r.stderr}`);
        assert.match(r.stderr, /not met: +88\.0% of 50 tasks succeeded; at least 95\.0% required/);
        assert.match(r.stderr, /not met: +2 tasks are still pending or running/);
        assert.match(r.stderr, /first failing tasks \(4 of 4\):/);
        const failing = result.tasks.filter((x: { state: string }) => x.state === "FAILED" || x.state === "TIMED_OUT");
        assert.equal(failing.length, 4);
        for (const t of failing) {
            assert.ok(r.stderr.includes(t.invocationTaskId), `failing task ${t.invocationTaskId} is named`);
        }
    });

    it("--require may repeat, and all-done alone judges MPS", async () => {
        ctx.emu.generate({ api: "mps", count: 30, seed: "gate", statusMix: { FINISH: 25, PROCESSING: 5 } });
        const env = emulatorEnv(ctx.emu);
        const notDone = await runCli(["summary", "mps", "-q", "--require", "all-done", "--require", "max-failed=0"], { env });
        assert.equal(notDone.code, 1);
        assert.match(notDone.stderr, /5 tasks are still pending or running/);
        const finished = await runCli(["summary", "mps", "-q", "--status", "FINISH", "--require", "all-done"], { env });
        assert.equal(finished.code, 0, finished.stderr);
    });

    it("an empty list fails a rule that asks for successes (a wrong filter is no clean rollout)", async () => {
        const r = await runCli(["list", "tat", "--invocation-id", "inv-nothing1", "--require", "min-succeeded=1", "-q"], { env: emulatorEnv(ctx.emu) });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /no tasks matched the query/);
    });

    it("a mistyped id fails the default rules too, naming the query in the command line's words; allow-empty accepts it", async () => {
        rollout();
        const env = emulatorEnv(ctx.emu);
        const r = await runCli(["summary", "tat", "--invocation-id", "inv-typo0001", "--require", "max-failed=0"], { env });
        assert.equal(r.code, 1, r.stderr);
        assert.match(
            r.stderr,
            /^taskgate: gate failed on TAT invocation tasks\n {2}required: at most 0 failed, all done\n {2}found: {4}0 tasks, 0 succeeded, 0 failed\n/m,
        );
        assert.ok(
            r.stderr.endsWith(
                "  not met:  no tasks matched the query (TAT invocation tasks with --invocation-id inv-typo0001 in ap-guangzhou): " +
                    "check the filters, or add --require allow-empty to accept an empty list\n",
            ),
            r.stderr,
        );
        assert.match(r.stdout, /^TOTAL +0$/m, "the summary is printed as usual");
        const allowed = await runCli(["summary", "tat", "--invocation-id", "inv-typo0001", "--require", "max-failed=0,allow-empty", "-q"], { env });
        assert.equal(allowed.code, 0, allowed.stderr);
        const loud = await runCli(["summary", "tat", "--invocation-id", "inv-typo0001", "--require", "allow-empty=true"], { env });
        assert.match(loud.stderr, /^taskgate: passed: at most 0 failed, all done, an empty list allowed$/m);
        const refused = await runCli(["summary", "tat", "--require", "allow-empty=maybe"], { env });
        assert.equal(refused.code, 2);
        assert.match(refused.stderr, /^taskgate: invalid --require allow-empty: must be true or false, got "maybe"$/m);
        const contradiction = await runCli(["summary", "tat", "--require", "allow-empty,min-succeeded=2"], { env });
        assert.match(
            contradiction.stderr,
            /^taskgate: invalid --require allow-empty: contradicts min-succeeded 2, which no empty list meets; drop one of them$/m,
        );
        assert.match((await runCli(["summary", "tat", "--help"], { env })).stdout, /allow-empty\[=true\|false\] \(default false: no matching task fails\)/);
    });

    it("exits 2, before any request, for rules that cannot be judged, naming the rule", async () => {
        const env = emulatorEnv(ctx.emu);
        const cases: Array<[string[], RegExp]> = [
            [
                ["list", "tat", "--require", "min-success-ratio=1.5"],
                /^taskgate: invalid --require min-success-ratio: must be a number from 0 to 1 \(0\.95 for 95%\), got 1\.5$/m,
            ],
            [["list", "tat", "--require", "max-failed=-1"], /^taskgate: invalid --require max-failed: must be a whole number >= 0, got -1$/m],
            [["list", "tat", "--require", "max-failed=many"], /^taskgate: invalid --require max-failed: must be a whole number >= 0, got "many"$/m],
            [["list", "tat", "--require", "min-success-ratio=1,max-failed=2"], /invalid --require max-failed: contradicts min-success-ratio 1/],
            [
                ["list", "tat", "--require", "all-done=false"],
                /invalid --require: requires nothing: with all-done false, set min-succeeded, min-success-ratio or max-failed/,
            ],
            [["list", "mps", "--require", "min-succeeded=1"], /invalid --require min-succeeded: MPS tasks report no outcome .*; gate on all-done instead/],
            [
                ["list", "tat", "--require", "min-sucess-ratio=0.9"],
                /--require: unknown requirement "min-sucess-ratio"; allowed: min-succeeded, min-success-ratio, max-failed, all-done, allow-empty, created-after$/m,
            ],
            [["list", "tat", "--require", "max-failed=1,max-failed=2"], /--require: max-failed was given twice/],
        ];
        for (const [args, message] of cases) {
            const r = await runCli(args, { env });
            assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
            assert.match(r.stderr, message);
            assert.equal(r.stdout, "");
        }
        assert.equal(ctx.emu.requests().length, 0, "nothing was sent");
    });
});
