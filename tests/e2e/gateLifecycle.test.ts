import { strict as assert } from "node:assert";
import { type ChildProcess, execFileSync } from "node:child_process";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { openOfflineStack, type OfflineStack } from "../../scripts/offlineStack";

/*
 * A gate's lifecycle under the real Pulumi engine, on the small program in programs/gateLifecycle
 * (one gate on a TAT invocation, the release behind it): what a refresh does to a failed gate or to
 * a passed gate whose tasks then fail, Ctrl-C during a wait and the recovery, a killed CLI, a
 * rename with aliases, and how many gates wait at once. Each test opens its own stack.
 */
const PROGRAM = path.join(__dirname, "programs/gateLifecycle");
const INVOCATION = "inv-lifecycle1";
const UP = ["up", "--yes", "--skip-preview"];

interface StateResource {
    urn: string;
    id?: string;
    initErrors?: string[];
    outputs?: Record<string, any>;
}

/** A process and its descendants, from `ps`: pid, process group and command line. */
function processTree(root: number): Array<{ pid: number; pgid: number; args: string }> {
    const rows = execFileSync("ps", ["-eo", "pid=,ppid=,pgid=,args="], { encoding: "utf8" })
        .trim()
        .split("\n")
        .map((l) => {
            const [pid, ppid, pgid, ...args] = l.trim().split(/\s+/);
            return { pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), args: args.join(" ") };
        });
    const pids = new Set([root]);
    for (let grew = true; grew; ) {
        grew = false;
        for (const r of rows) if (pids.has(r.ppid) && !pids.has(r.pid)) grew = pids.add(r.pid).size > 0;
    }
    return rows.filter((r) => pids.has(r.pid));
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
        return false;
    }
}

/** Waits for `test` to hold, checking every 200 ms, at most `limitMs`; returns whether it held. */
async function until(test: () => boolean, limitMs: number): Promise<boolean> {
    for (const end = Date.now() + limitMs; Date.now() < end; await sleep(200)) if (test()) return true;
    return test();
}

/** A CLI run started with `spawnCli`: its output so far, its exit, and waits on its output. */
function watch(child: ChildProcess) {
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    let exited = false;
    void exit.then(() => (exited = true));
    return {
        pid: child.pid!,
        exit,
        get output() {
            return output;
        },
        get exited() {
            return exited;
        },
        /** Waits until the output holds `count` matches of `re`; fails if the CLI exits first. */
        async waitFor(re: RegExp, count = 1): Promise<void> {
            const n = () => output.match(new RegExp(re.source, "g"))?.length ?? 0;
            while (n() < count) {
                assert.ok(!exited, `pulumi exited before printing ${re} (${count}):\n${output}`);
                await sleep(200);
            }
        },
    };
}

describe("end to end: a gate's lifecycle under the real Pulumi engine", function () {
    this.timeout(900_000);
    let s: OfflineStack;
    let taskIds: string[];
    let opened = 0;

    /** A new stack on a new emulator whose invocation has tasks in the TAT `statuses` given. */
    async function open(statuses: Record<string, number>, config: Record<string, string> = {}, seedMore?: OfflineStackSeed): Promise<void> {
        s = await openOfflineStack({
            workDir: PROGRAM,
            stackName: `lifecycle${process.pid}x${++opened}`,
            seed: (emu) => {
                const count = Object.values(statuses).reduce((a, b) => a + b, 0);
                taskIds = emu.generate({ api: "tat", count, seed: "lifecycle", invocationId: INVOCATION, statusMix: statuses })[0].ids;
                seedMore?.(emu);
            },
            config: Object.fromEntries(Object.entries({ "lifecycle:invocationId": INVOCATION, ...config }).map(([k, value]) => [k, { value }])),
        });
    }
    afterEach(async () => {
        await s?.close();
    });

    const resources = (): StateResource[] => JSON.parse(s.cli(["stack", "export"])).deployment.resources ?? [];
    const resource = (name: string) => resources().find((r) => r.urn.endsWith(`::${name}`));
    /** Requests the gate sent for its invocation's tasks. */
    const gateReads = () => s.emu.requests({ api: "tat" }).filter((r) => JSON.stringify(r.params).includes(INVOCATION)).length;

    async function upFails(args = UP): Promise<string> {
        const r = await s.run(args);
        assert.notEqual(r.code, 0, `pulumi ${args.join(" ")} must fail:\n${r.stdout}`);
        assert.match(r.stdout, /taskgate: gate "rollout-gate" failed on TAT invocation tasks/);
        return r.stdout;
    }

    async function upPasses(args = UP): Promise<string> {
        const r = await s.run(args);
        assert.equal(r.code, 0, `pulumi ${args.join(" ")}:\n${r.stdout}\n${r.stderr}`);
        return r.stdout;
    }

    describe("a gate that has not passed is never skipped", () => {
        it("a failed gate, `pulumi refresh`, then `pulumi up`: the refresh says it has not passed, preview shows it judged again, up fails and the release is not created; once a refresh finds it passing, up goes ahead", async () => {
            await open({ SUCCESS: 2, FAILED: 1 });
            await upFails();
            assert.equal(resource("release"), undefined);
            assert.ok(resource("rollout-gate")!.initErrors?.length, "kept with initialization errors");

            const refresh = await s.run(["refresh", "--yes"]);
            assert.equal(refresh.code, 0, refresh.stdout);
            assert.match(
                refresh.stdout,
                /warning: taskgate: gate "rollout-gate" has not passed: 1 task failed, timed out or was cancelled; at most 0 allowed\. The next `pulumi up` judges it again/,
            );
            const gate = resource("rollout-gate")!;
            assert.equal(gate.initErrors, undefined, "the engine's refresh writes the gate without its initialization errors");
            assert.equal(gate.outputs!.passed, false);

            const preview = await s.stack.preview({ color: "never" });
            assert.deepEqual(preview.changeSummary, { same: 1, update: 1, create: 1 }, "the gate is judged again; the release is still to create");

            const reads = gateReads();
            await upFails();
            assert.ok(gateReads() > reads, "the gate read its tasks again");
            assert.equal(resource("release"), undefined, "the release behind the failed gate was not created");

            // The tasks are fixed: a refresh judges them by the same rules and records the gate passed.
            s.emu.mutate({ api: "tat", op: "update", ids: taskIds, patch: { TaskStatus: "SUCCESS" } });
            const fixed = await s.run(["refresh", "--yes", "--diff"]);
            assert.match(fixed.stdout, /~ passed *: false => true/);
            const readsBefore = gateReads();
            await upPasses();
            assert.equal(gateReads(), readsBefore, "a passed gate is not read again");
            assert.ok(resource("release"), "the release is created");
        });

        it("a failed gate, then `pulumi up --refresh`: judged again after the refresh, and the release is not created", async () => {
            await open({ SUCCESS: 2, FAILED: 1 });
            await upFails();
            const reads = gateReads();
            await upFails(["up", "--refresh", ...UP.slice(1)]);
            assert.ok(gateReads() >= reads + 2, "read by the refresh, then by the gate judged again");
            assert.equal(resource("release"), undefined, "the release behind the failed gate was not created");
            assert.equal(resource("rollout-gate")!.outputs!.passed, false);
        });

        it("a passed gate whose tasks then fail: `pulumi refresh` shows passed true => false, and the next up fails before the release changes", async () => {
            await open({ SUCCESS: 3 });
            await upPasses();
            assert.equal(resource("release")!.outputs!.version, "1");
            s.emu.mutate({ api: "tat", op: "update", ids: [taskIds[0]], patch: { TaskStatus: "FAILED" } });

            const refresh = await s.run(["refresh", "--yes", "--diff"]);
            assert.equal(refresh.code, 0, refresh.stdout);
            assert.match(refresh.stdout, /~ passed *: true => false/);
            assert.equal(resource("rollout-gate")!.outputs!.passed, false);

            await s.stack.setConfig("lifecycle:releaseVersion", { value: "2" });
            await upFails();
            assert.equal(resource("release")!.outputs!.version, "1", "the release's change was not applied");
        });
    });

    describe("stopping a waiting gate", () => {
        it("Ctrl-C: the engine waits for the gate; a second Ctrl-C ends it at once and leaves a pending create; `pulumi refresh --clear-pending-creates --yes` clears it and the next up judges the gate", async () => {
            await open({ RUNNING: 3 }, { "lifecycle:timeoutSeconds": "600" });
            const progress = /taskgate: gate "rollout-gate": 0\/3 tasks done/;
            const up = watch(s.spawnCli(UP));
            await up.waitFor(progress);
            const provider = processTree(up.pid).find((p) => p.args.includes("dynamic-provider"));
            assert.ok(provider, "the gate runs in Pulumi's dynamic-provider process");
            assert.notEqual(provider.pgid, up.pid, "in a process group of its own: a terminal's Ctrl-C reaches the CLI only");

            // The first Ctrl-C, sent as a terminal sends it (to the CLI's process group).
            const linesBefore = up.output.match(new RegExp(progress.source, "g"))!.length;
            process.kill(-up.pid, "SIGINT");
            await up.waitFor(/\^C received; cancelling/);
            await up.waitFor(progress, linesBefore + 2);
            assert.ok(!up.exited && alive(provider.pid), "cancelling: the engine waits while the gate keeps polling");

            process.kill(-up.pid, "SIGINT");
            const code = await up.exit;
            assert.match(up.output, /\^C received; terminating/);
            assert.notEqual(code, 0);
            assert.ok(await until(() => !alive(provider.pid), 60_000), "the engine interrupts the gate's process, which ends");
            const pending = JSON.parse(s.cli(["stack", "export"])).deployment.pending_operations ?? [];
            assert.deepEqual(
                pending.map((p: { type: string; resource: { urn: string } }) => [p.type, p.resource.urn.split("::").pop()]),
                [["creating", "rollout-gate"]],
            );

            // The recovery the README gives.
            const clear = await s.run(["refresh", "--clear-pending-creates", "--yes"]);
            assert.equal(clear.code, 0, clear.stdout + clear.stderr);
            assert.deepEqual(JSON.parse(s.cli(["stack", "export"])).deployment.pending_operations ?? [], []);
            s.emu.mutate({ api: "tat", op: "update", ids: taskIds, patch: { TaskStatus: "SUCCESS" } });
            const again = await upPasses(["up", "--yes"]);
            assert.doesNotMatch(again, /pending operations/);
            assert.match(again, /taskgate: gate "rollout-gate": 3\/3 tasks done, 3 succeeded, 0 failed, .*: passed/);
            assert.equal(resource("rollout-gate")!.outputs!.passed, true);
            assert.ok(resource("release"), "the release is created once its gate passed");
        });

        it("a killed CLI (kill -9): the waiting gate finds its engine gone, stops polling and its process ends, long before its timeout; `pulumi cancel`, then the same recovery", async () => {
            await open({ RUNNING: 3 }, { "lifecycle:timeoutSeconds": "600" });
            const up = watch(s.spawnCli(UP));
            await up.waitFor(/taskgate: gate "rollout-gate": 0\/3 tasks done/);
            const started = processTree(up.pid);
            const provider = started.find((p) => p.args.includes("dynamic-provider"));
            assert.ok(provider);
            process.kill(up.pid, "SIGKILL");
            try {
                assert.ok(await until(() => !alive(provider.pid), 120_000), "the gate's process outlived its engine");
                const reads = gateReads();
                await sleep(3000);
                assert.equal(gateReads(), reads, "and nothing polls the cloud any more");
            } finally {
                // The language host and the program are orphaned too (the language host does not
                // watch its engine): they are this test's, end them.
                for (const p of started) if (p.pid !== up.pid && alive(p.pid)) process.kill(p.pid, "SIGKILL");
            }

            // The killed CLI left the stack locked, and the gate as a pending create.
            const locked = await s.run(["refresh", "--clear-pending-creates", "--yes"]);
            assert.notEqual(locked.code, 0);
            assert.match(locked.stderr, /the stack is currently locked/);
            const cancel = await s.run(["cancel", "--yes"]);
            assert.equal(cancel.code, 0, cancel.stdout + cancel.stderr);
            const clear = await s.run(["refresh", "--clear-pending-creates", "--yes"]);
            assert.equal(clear.code, 0, clear.stdout + clear.stderr);
            s.emu.mutate({ api: "tat", op: "update", ids: taskIds, patch: { TaskStatus: "SUCCESS" } });
            await upPasses(["up", "--yes"]);
            assert.equal(resource("rollout-gate")!.outputs!.passed, true);
            assert.ok(resource("release"));
        });
    });

    it("a passed gate renamed with aliases: the next up relabels it without judging it again; its outputs and log lines use the new name", async () => {
        await open({ SUCCESS: 3 });
        await upPasses();
        const before = resource("rollout-gate")!;
        await s.stack.setAllConfig({ "lifecycle:gateName": { value: "renamed-gate" }, "lifecycle:previousGateName": { value: "rollout-gate" } });
        const reads = gateReads();
        const out = await upPasses();
        assert.equal(gateReads(), reads, "not judged again: its name decides nothing");
        assert.match(out, /taskgate: gate "renamed-gate" \(was gate "rollout-gate"\): renamed; passed at \d{4}-\d\d-\d\dT[\d:.]+Z, not checked again/);
        const after = resource("renamed-gate")!;
        assert.equal(resource("rollout-gate"), undefined);
        assert.equal(after.id, before.id, "the same gate");
        assert.deepEqual([after.outputs!.gateName, after.outputs!.gateUrn, after.outputs!.checkedAt], ["renamed-gate", after.urn, before.outputs!.checkedAt]);

        s.emu.mutate({ api: "tat", op: "update", ids: [taskIds[0]], patch: { TaskStatus: "FAILED" } });
        const refresh = await s.run(["refresh", "--yes"]);
        assert.match(
            refresh.stdout,
            /TaskGate \(renamed-gate\):\n\s+warning: taskgate: gate "renamed-gate" has not passed/,
            "a refresh's lines go to the renamed gate, under its name",
        );
    });

    it("waiting gates each hold one of the engine's parallel slots: gates beyond --parallel start only when a waiting gate ends", async () => {
        const count = 16;
        const waveIds = Array.from({ length: count }, (_, i) => `inv-wave${i + 1}`);
        const waveTasks: string[] = [];
        await open({ SUCCESS: 1 }, { "lifecycle:waveGates": String(count) }, (emu) => {
            for (const id of waveIds) waveTasks.push(...emu.generate({ api: "tat", count: 1, seed: id, invocationId: id, statusMix: { RUNNING: 1 } })[0].ids);
        });
        // The default the CLI computes on this machine (4 per CPU, or PULUMI_PARALLEL).
        const parallel = Number(/--parallel int32 .*\(default (\d+)\)/.exec(s.cli(["up", "--help"]))![1]);
        const slots = Math.min(count, parallel);
        const log = () => s.emu.requests({ api: "tat" }).map((r) => JSON.stringify(r.params));
        const readsOf = (id: string) => log().filter((p) => p.includes(`"${id}"`)).length;
        const started = () => waveIds.filter((id) => readsOf(id) > 0);

        const up = s.run(UP);
        // The gates that got a slot poll again and again while the others have not read anything.
        assert.ok(await until(() => started().length >= slots && started().every((id) => readsOf(id) >= 3), 600_000), `${started().length} gates started`);
        const firstWave = started();
        assert.equal(firstWave.length, slots, `${slots} gates wait at once (--parallel defaults to ${parallel} here)`);

        const freedAt = log().length;
        s.emu.mutate({ api: "tat", op: "update", ids: waveTasks, patch: { TaskStatus: "SUCCESS" } });
        const r = await up;
        assert.equal(r.code, 0, r.stdout);
        const secondWave = waveIds.filter((id) => !firstWave.includes(id));
        assert.equal(secondWave.length, count - slots);
        for (const id of secondWave) assert.ok(log().findIndex((p) => p.includes(`"${id}"`)) >= freedAt, `${id} started before a waiting gate ended`);
        console.log(
            `      --parallel defaults to ${parallel} here: ${count} waiting gates ran ${firstWave.length} at once, the other ${secondWave.length} after`,
        );
    });
});

type OfflineStackSeed = Parameters<typeof openOfflineStack>[0]["seed"];
