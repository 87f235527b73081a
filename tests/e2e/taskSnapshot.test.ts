import { strict as assert } from "node:assert";
import { EMULATOR_CREDENTIALS } from "../../emulator/server";
import { openDemoStack, type DemoStack } from "../../scripts/demoStack";

/*
 * The demo stack's TaskSnapshot ("nightly-audit", the 120 tasks of the nightly TAT command) under
 * the real Pulumi engine: `up` records the list; the emulator's tasks change; `pulumi refresh`
 * (preview-only, then real) shows the change as its diff and records it; nothing is left for the
 * next `up`; changing `maxTasks` re-reads under the same id; explicit credentials and command
 * output stay encrypted. The steps build on each other, in order.
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

    it("up records every task of the nightly job: host, times, outcome, exit code; output as a secret", async () => {
        const up = await demo.stack.up({ color: "never" });
        assert.equal(up.summary.result, "succeeded");
        assert.match(up.stdout, /taskgate: snapshot "nightly-audit": 120 TAT invocation tasks read: 117 succeeded, 3 failed, 0 pending or running/);
        const s = snapshot();
        assert.match(s.id!, /^tasksnapshot-/);
        const o = s.outputs!;
        assert.equal(Object.keys(o.tasks).length, 120);
        assert.deepEqual([o.taskCount, o.truncated, o.summary.succeeded, o.summary.failed, o.summary.timedOut], [120, false, 117, 2, 1]);
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
            `      nightly-audit in the exported state: ${bytes} bytes for 120 tasks (the tasks alone ${taskBytes}, ${Math.round(taskBytes / 120)} per task); ` +
                `stack checkpoint ${demo.checkpointBytes()} bytes`,
        );
        changedId = Object.entries(o.tasks as Record<string, any>).find(([, t]) => t.state === "SUCCEEDED")![0];
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
        assert.match(
            diff,
            new RegExp(`~ ${changedId}: \\{[^}]*~ exitCode *: 0 => 2[^}]*~ state *: "SUCCEEDED" => "FAILED"[^}]*~ status *: "SUCCESS" => "FAILED"`, "s"),
        );
        assert.match(diff, new RegExp(`~ ${changedId}: \\{[^}]*\\+ errorMessage: "disk full"`, "s"));
        assert.match(diff, /\+ invt-late0001: \{[^}]*\+ state *: "RUNNING"[^}]*\+ target *: "ins-late0001"/s);
        assert.match(diff, /~ summary *: \{[^}]*~ failed *: 2 => 3[^}]*~ running *: 0 => 1[^}]*~ succeeded: 117 => 116[^}]*~ total *: 120 => 121/s);
        assert.match(diff, /~ taskCount *: 120 => 121/);
        assert.match(diff, /commandOutputs: \[secret\]/);
        assert.ok(!stdout.includes(CANARY), "command output is never displayed");
        assert.match(stdout, /~ 1 to update/, "only the snapshot: the gate's refreshed outputs are not a change");
        assert.equal(Object.keys(snapshot().outputs!.tasks).length, 120, "a preview records nothing");
    });

    it("`pulumi refresh` shows the same diff and records the new list; the output is stored encrypted", async () => {
        const { stdout, seconds } = await demo.cliAsync(["refresh", "--yes", "--diff"]);
        console.log(`      refresh of the demo stack: ${seconds.toFixed(1)} s`);
        const diff = section(stdout, "nightly-audit");
        assert.match(diff, new RegExp(`~ ${changedId}: \\{[^}]*~ state *: "SUCCEEDED" => "FAILED"`, "s"));
        assert.match(diff, /\+ invt-late0001: \{/);
        assert.match(stdout, /~ 1 updated/);
        const o = snapshot().outputs!;
        assert.equal(Object.keys(o.tasks).length, 121);
        assert.deepEqual(o.tasks[changedId].state, "FAILED");
        assert.deepEqual(o.tasks[changedId].errorMessage, "disk full");
        assert.deepEqual(o.tasks["invt-late0001"].state, "RUNNING");
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
        const up = await demo.stack.up({ color: "never", refresh: true });
        assert.match(up.stdout, /TaskSnapshot nightly-audit refresh \(/);
        assert.doesNotMatch(up.stdout, /TaskSnapshot nightly-audit updat/);
        assert.deepEqual(up.summary.resourceChanges, { same: 5 });
        assert.equal(snapshotPages() - before, 2, "one read of 121 tasks (two pages), by the refresh");
        assert.equal(snapshot().outputs!.tasks["invt-late0001"].state, "SUCCEEDED");
    });

    it("changing maxTasks reads again under the same id: the cap keeps the failing tasks and says truncated", async () => {
        const before = snapshot();
        await demo.stack.setConfig("demo:auditMaxTasks", { value: "50" });
        const up = await demo.stack.up({ color: "never" });
        assert.deepEqual(up.summary.resourceChanges, { same: 4, update: 1 });
        const after = snapshot();
        assert.equal(after.id, before.id, "an update, not a replacement");
        const o = after.outputs!;
        assert.deepEqual([o.truncated, o.taskCount, o.maxTasks, Object.keys(o.tasks).length], [true, 121, 50, 50]);
        const failing = Object.entries(before.outputs!.tasks as Record<string, any>)
            .filter(([, t]) => ["FAILED", "TIMED_OUT"].includes(t.state))
            .map(([id]) => id);
        assert.equal(failing.length, 4);
        for (const id of failing) assert.ok(o.tasks[id], `the failing task ${id} is kept`);
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

    it("destroy removes the snapshots", async () => {
        const d = await demo.stack.destroy({ color: "never" });
        assert.equal(d.summary.result, "succeeded");
        assert.equal(named("nightly-audit"), undefined);
    });
});

/** The part of a `--diff` display about one resource: from its header to the next resource's. */
function section(stdout: string, name: string): string {
    const lines = stdout.split("\n");
    const urn = lines.findIndex((l) => l.includes(`::${name}]`));
    assert.ok(urn > 0, `no ${name} in:\n${stdout.slice(0, 2000)}`);
    let end = lines.findIndex((l, i) => i > urn && /^\s*[~+-]? *pulumi[-:]|^Resources:/.test(l) && !l.includes("[urn="));
    if (end < 0) end = lines.length;
    return lines.slice(urn - 2, end).join("\n");
}
