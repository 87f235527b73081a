import { strict as assert } from "node:assert";
import { EMULATOR_CREDENTIALS, type Emulator } from "../../emulator/server";
import { openDemoStack, type DemoStack } from "../../scripts/demoStack";
import * as taskgate from "../../sdk";
import { tencentArgs } from "../integration/helpers";

/*
 * The demo stack's TaskSnapshot ("nightly-audit", the 120 tasks of the nightly TAT command) under
 * the real Pulumi engine: `up` records the failing tasks and a digest of the list; the emulator's
 * tasks change; `pulumi refresh` (preview-only, then real) shows the change as its diff, in a few
 * lines however long the list, and records it; nothing is left for the next `up`; changing
 * `maxTasks` re-reads under the same id; explicit credentials and command output stay encrypted.
 * The steps build on each other, in order.
 */
describe("end to end: TaskSnapshot under the real Pulumi engine", function () {
    this.timeout(600_000);
    let demo: DemoStack;
    const CANARY = "audit-canary-7f3a: migrated 42 rows";
    type Res = { urn: string; id?: string; type: string; inputs?: Record<string, any>; outputs?: Record<string, any> };
    const exported = () => JSON.parse(demo.cli(["stack", "export"]));
    const named = (name: string): Res | undefined => ((exported().deployment.resources ?? []) as Res[]).find((r) => r.urn.endsWith(`::${name}`));
    const snapshot = () => named("nightly-audit")!;

    before(async () => {
        demo = await openDemoStack(`snap${process.pid}`);
    });
    after(async () => {
        await demo?.close();
    });

    let changedId: string;

    it("up records the failing tasks of the nightly job (host, times, outcome, exit code; output as a secret) and a digest of all", async () => {
        const up = await demo.stack.up({ color: "never" });
        assert.equal(up.summary.result, "succeeded");
        assert.match(up.stdout, /taskgate: snapshot "nightly-audit": 120 TAT invocation tasks read: 117 succeeded, 3 failed, 0 pending or running/);
        const s = snapshot();
        assert.match(s.id!, /^tasksnapshot-/);
        const o = s.outputs!;
        assert.equal(Object.keys(o.tasks).length, 3, "the failing tasks");
        assert.deepEqual(
            [o.taskCount, o.recordTasks, o.truncated, o.summary.succeeded, o.summary.failed, o.summary.timedOut],
            [120, "failing", false, 117, 2, 1],
        );
        assert.match(o.digest, /^[0-9a-f]{32}$/);
        const failed = Object.entries(o.tasks as Record<string, any>).find(([, t]) => t.state === "FAILED")![1];
        assert.match(failed.target, /^ins-/);
        assert.equal(failed.exitCode, 1);
        assert.match(failed.startTime, /^\d{4}-\d\d-\d\dT/);
        assert.equal(o.commandOutputs["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", "command output is a secret");
        assert.ok(o.commandOutputs.ciphertext);
        assert.deepEqual(up.outputs.audit.value.notSucceeded.length, 3);

        const bytes = Buffer.byteLength(JSON.stringify(s));
        const taskBytes = Buffer.byteLength(JSON.stringify(o.tasks));
        console.log(
            `      nightly-audit in the exported state: ${bytes} bytes for 120 tasks (the 3 failing ones recorded: ${taskBytes}); ` +
                `stack checkpoint ${demo.checkpointBytes()} bytes`,
        );
        changedId = (await nightlyTasks(demo.emu)).find((t) => t.state === "SUCCEEDED")!.invocationTaskId;
    });

    it("the tasks change: `pulumi refresh --preview-only` shows what changed, and records nothing", async () => {
        demo.emu.mutate([
            {
                api: "tat",
                op: "update",
                ids: [changedId],
                patch: { TaskStatus: "FAILED", ErrorInfo: "disk full", TaskResult: { ExitCode: 2, Output: Buffer.from(`${CANARY}\n`).toString("base64") } },
            },
            {
                api: "tat",
                op: "insert",
                records: [
                    {
                        InvocationTaskId: "invt-late0001",
                        InvocationId: "inv-late0001",
                        CommandId: "cmd-nightly1",
                        InstanceId: "ins-late0001",
                        TaskStatus: "RUNNING",
                    } as never,
                ],
            },
        ]);
        const { stdout, seconds } = await demo.cliAsync(["refresh", "--preview-only", "--diff"]);
        console.log(`      refresh --preview-only of the demo stack: ${seconds.toFixed(1)} s`);
        const diff = section(stdout, "nightly-audit");
        assert.match(diff, /~ pulumi-nodejs:dynamic\/taskgate:TaskSnapshot: \(update\)/);
        // The task that failed is a new failing task; the one that appeared runs, and shows in the counts and the digest.
        assert.match(diff, new RegExp(`\\+ ${changedId}: \\{[^}]*\\+ errorMessage: "disk full"[^}]*\\+ exitCode *: 2[^}]*\\+ state *: "FAILED"`, "s"));
        assert.doesNotMatch(diff, /invt-late0001/);
        assert.match(diff, /~ digest *: "[0-9a-f]{32}" => "[0-9a-f]{32}"/);
        assert.match(diff, /~ summary *: \{[^}]*~ failed *: 2 => 3[^}]*~ running *: 0 => 1[^}]*~ succeeded: 117 => 116[^}]*~ total *: 120 => 121/s);
        assert.match(diff, /~ taskCount *: 120 => 121/);
        assert.match(diff, /commandOutputs: \[secret\]/);
        assert.ok(!stdout.includes(CANARY), "command output is never displayed");
        assert.match(stdout, /~ 1 to update/, "only the snapshot: the gate's refreshed outputs are not a change");
        assert.equal(Object.keys(snapshot().outputs!.tasks).length, 3, "a preview records nothing");
    });

    it("`pulumi refresh` shows the same diff and records the new list; the output is stored encrypted", async () => {
        const { stdout, seconds } = await demo.cliAsync(["refresh", "--yes", "--diff"]);
        console.log(`      refresh of the demo stack: ${seconds.toFixed(1)} s`);
        const diff = section(stdout, "nightly-audit");
        assert.match(diff, new RegExp(`\\+ ${changedId}: \\{[^}]*\\+ state *: "FAILED"`, "s"));
        assert.match(stdout, /~ 1 updated/);
        const o = snapshot().outputs!;
        assert.equal(Object.keys(o.tasks).length, 4);
        assert.deepEqual(o.tasks[changedId].state, "FAILED");
        assert.deepEqual(o.tasks[changedId].errorMessage, "disk full");
        assert.equal(o.tasks["invt-late0001"], undefined, "a running task is counted, not recorded");
        assert.deepEqual([o.summary.total, o.summary.failed, o.summary.running, o.summary.done], [121, 3, 1, false]);
        assert.ok(o.commandOutputs.ciphertext, "still a secret after refresh");
        assert.ok(!demo.backendFiles().includes(CANARY), "the output is not in the backend's files in plain text");
        assert.ok(demo.cli(["stack", "export", "--show-secrets"]).includes(CANARY), "but it is recorded (encrypted)");
    });

    it("after the refresh nothing is left to update, and a second refresh finds no change", async () => {
        const p = await demo.stack.preview({ color: "never", expectNoChanges: true });
        assert.deepEqual(Object.keys(p.changeSummary), ["same"]);
        const readAt = snapshot().outputs!.readAt;
        const { stdout } = await demo.cliAsync(["refresh", "--yes", "--diff"]);
        assert.doesNotMatch(stdout, /TaskSnapshot: \(update\)/);
        assert.match(stdout, /Resources:\n\s+\d+ unchanged\n/, "nothing changed");
        assert.ok(snapshot().outputs!.readAt > readAt, "the read itself is still recorded (readAt)");
    });

    it("`up --refresh` records a change in its refresh step, and does not read the list again to update it", async () => {
        demo.emu.mutate({ api: "tat", op: "update", ids: ["invt-late0001"], patch: { TaskStatus: "SUCCESS" } });
        // Only the snapshot reads with the output (the demo's data source and gate hide it).
        const snapshotPages = () => demo.emu.requests({ api: "tat" }).filter((r) => r.params.HideOutput === false).length;
        const before = snapshotPages();
        const digest = snapshot().outputs!.digest;
        const up = await demo.stack.up({ color: "never", refresh: true });
        assert.match(up.stdout, /TaskSnapshot nightly-audit refresh \(/);
        assert.doesNotMatch(up.stdout, /TaskSnapshot nightly-audit updat/);
        assert.deepEqual(up.summary.resourceChanges, { same: 5 });
        assert.equal(snapshotPages() - before, 2, "one read of 121 tasks (two pages), by the refresh");
        const o = snapshot().outputs!;
        assert.deepEqual([o.summary.running, o.summary.succeeded], [0, 117]);
        assert.notEqual(o.digest, digest, "the task that finished is in the digest");
    });

    it("changing maxTasks reads again under the same id: the cap keeps the failing tasks and says truncated", async () => {
        const before = snapshot();
        await demo.stack.setConfig("demo:auditMaxTasks", { value: "2" });
        const up = await demo.stack.up({ color: "never" });
        assert.deepEqual(up.summary.resourceChanges, { same: 4, update: 1 });
        const after = snapshot();
        assert.equal(after.id, before.id, "an update, not a replacement");
        const o = after.outputs!;
        assert.deepEqual([o.truncated, o.taskCount, o.maxTasks, Object.keys(o.tasks).length], [true, 121, 2, 2]);
        const failing = Object.keys(before.outputs!.tasks);
        assert.equal(failing.length, 4);
        for (const id of Object.keys(o.tasks)) assert.ok(failing.includes(id), `${id} is one of the failing tasks`);
        await demo.stack.removeConfig("demo:auditMaxTasks");
    });

    it("given its credential as a plain string: encrypted in state, and refresh still reads with it", async () => {
        const secrets = [EMULATOR_CREDENTIALS.tencent.secretKey, EMULATOR_CREDENTIALS.huawei.secretKey];
        await demo.stack.setConfig("demo:explicitCredentials", { value: "true" });
        await demo.stack.up({ color: "never" });
        const { stdout } = await demo.cliAsync(["refresh", "--yes"]);
        assert.match(stdout, /Resources:/);
        const s = named("audit-snapshot")!;
        assert.ok(s.outputs!.credentials.ciphertext, "the credential recorded for refresh is encrypted");
        assert.equal(s.outputs!.taskCount, 121);
        for (const secret of secrets) {
            assert.ok(!demo.backendFiles().includes(secret), "a credential is in the backend's files in plain text");
            assert.ok(!stdout.includes(secret));
        }
        await demo.stack.setConfig("demo:explicitCredentials", { value: "false" });
    });

    it("out of a few hundred tasks, one that fails: `pulumi refresh --diff` prints a few lines, not the list (figures printed)", async () => {
        const [more] = demo.emu.generate({ api: "tat", count: 300, seed: "more", commandId: "cmd-nightly1", statusMix: { SUCCESS: 1 } });
        await demo.cliAsync(["refresh", "--yes"]);
        const o = snapshot().outputs!;
        assert.equal(o.taskCount, 421);
        const failing = Object.keys(o.tasks);
        demo.emu.mutate({ api: "tat", op: "update", ids: [more.ids[150]], patch: { TaskStatus: "FAILED", ErrorInfo: "disk full" } });
        const { stdout } = await demo.cliAsync(["refresh", "--preview-only", "--diff"]);
        const lines = section(stdout, "nightly-audit").split("\n");
        const naming = (id: string) => lines.filter((l) => l.includes(id)).length;
        const taskLines = [...more.ids, ...failing].reduce((n, id) => n + naming(id), 0);
        console.log(`      refresh --diff, 1 task of ${o.taskCount} changed: ${lines.length} lines for nightly-audit, ${taskLines} naming a task`);
        assert.equal(naming(more.ids[150]), 1, "the task that failed");
        assert.equal(taskLines, failing.length + 1, "each failing task once, no other task");
        // What is left: the counts, the digest, the settings, and the failing tasks whole (the engine prints the
        // unchanged entries of a map that changed; a dynamic provider cannot narrow it with a detailed diff).
        assert.ok(lines.length < o.taskCount / 4, `${lines.length} lines for ${o.taskCount} tasks:\n${lines.join("\n")}`);
        await demo.cliAsync(["refresh", "--yes"]);
        const { stdout: again } = await demo.cliAsync(["refresh", "--preview-only", "--diff"]);
        assert.doesNotMatch(again, /nightly-audit/, "nothing changed: no diff (the read's RequestIds and time are not compared)");
    });

    it("destroy removes the snapshots", async () => {
        const d = await demo.stack.destroy({ color: "never" });
        assert.equal(d.summary.result, "succeeded");
        assert.equal(named("nightly-audit"), undefined);
    });
});

/** The nightly job's tasks as the emulator lists them now, read directly. */
async function nightlyTasks(emu: Emulator) {
    return (await taskgate.tencentcloud.getTatInvocationTasks({ ...tencentArgs(emu), commandId: "cmd-nightly1" })).tasks;
}

/** The part of a `--diff` display about one resource: from its header to the next resource's. */
function section(stdout: string, name: string): string {
    const lines = stdout.split("\n");
    const urn = lines.findIndex((l) => l.includes(`::${name}]`));
    assert.ok(urn > 0, `no ${name} in:\n${stdout.slice(0, 2000)}`);
    let end = lines.findIndex((l, i) => i > urn && /^\s*[~+-]? *pulumi[-:]|^Resources:/.test(l) && !l.includes("[urn="));
    if (end < 0) end = lines.length;
    return lines.slice(urn - 2, end).join("\n");
}
