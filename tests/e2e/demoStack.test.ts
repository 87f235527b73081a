import { strict as assert } from "node:assert";
import { EMULATOR_CREDENTIALS } from "../../emulator/server";
import { gateFailureMessage, openDemoStack, type DemoStack } from "../../scripts/demoStack";

/*
 * The demo stack under the real Pulumi engine (CLI, language host, dynamic-provider host) on a
 * local file backend: preview, up, a second up, refresh, a failing gate, secrets in state, destroy.
 * The steps build on each other, in order, like a user's session.
 */
describe("end to end: the demo stack under the real Pulumi engine", function () {
    this.timeout(600_000);
    let demo: DemoStack;
    const secrets = [EMULATOR_CREDENTIALS.tencent.secretKey, EMULATOR_CREDENTIALS.huawei.secretKey];
    // `pulumi stack export` as a user runs it (the Automation API's exportStack() decrypts secrets).
    const exported = () => JSON.parse(demo.cli(["stack", "export"]));
    const resources = async () =>
        (exported().deployment.resources ?? []) as Array<{
            urn: string;
            type: string;
            initErrors?: string[];
            inputs?: Record<string, any>;
            outputs?: Record<string, any>;
        }>;
    const named = async (name: string) => (await resources()).find((r) => r.urn.endsWith(`::${name}`));
    const tatRequests = () => demo.emu.requests({ api: "tat" }).length;

    before(async () => {
        demo = await openDemoStack(`e2e${process.pid}`);
    });
    after(async () => {
        await demo?.close();
    });

    it("preview: unknown inputs pass through, nothing is read with half-known arguments", async () => {
        const before = tatRequests();
        const p = await demo.stack.preview({ color: "never", diff: true });
        // The stack, the migration, its gate, the release behind it and the nightly job's audit snapshot.
        assert.equal(p.changeSummary.create, 5, JSON.stringify(p.changeSummary));
        // The migration's invocation id is unknown until it is created: its task read is skipped
        // and its gate is checked with the unknown left out.
        assert.match(p.stdout, /migrationTasks\s*:\s*\[unknown\]/);
        assert.match(p.stdout, /invocationId: \[unknown\]/, "the gate is previewed with its source still unknown");
        const sent = demo.emu.requests({ api: "tat" }).slice(before);
        assert.ok(sent.length > 0, "the nightly job's tasks were read");
        assert.ok(
            sent.every((e) => !JSON.stringify(e.params).includes("04da6b54")),
            "no request carries the unknown sentinel",
        );
        assert.ok(
            sent.every((e) => JSON.stringify(e.params).includes("cmd-nightly1")),
            "only the known nightly-job read was sent",
        );
        assert.equal(await named("migration-gate"), undefined, "a preview creates nothing");
    });

    it("up: reads every source, waits for the migration, passes the gate, creates the release", async () => {
        const up = await demo.stack.up({ color: "never" });
        assert.equal(up.summary.result, "succeeded");
        assert.equal(up.summary.resourceChanges?.create, 5);
        const gate = up.outputs.gate.value;
        assert.equal(gate.passed, true);
        assert.equal(gate.summary.total, 200);
        assert.ok(gate.summary.succeeded >= 190);
        assert.equal(gate.summary.done, true);
        assert.equal(up.outputs.migrationTasks.value, 200);
        const s = up.outputs.summaries.value;
        assert.deepEqual(
            [s.tatNightlyJob.total, s.mpsTasks.total, s.bareMetalTasks.total, s.bareMetalLegacy.total, s.cloudPhoneJobs.total, s.workspaceScripts.total],
            [120, 60, 40, 40, 60, 25],
        );
        assert.match(up.outputs.frontendReleasedAt.value, /^\d{4}-\d{2}-\d{2}T/);
        assert.match(up.stdout, /gate "migration-gate": \d+\/200 tasks done/, "progress is logged on the gate");
    });

    it("a second up changes nothing", async () => {
        const p = await demo.stack.preview({ color: "never", expectNoChanges: true });
        assert.deepEqual(Object.keys(p.changeSummary), ["same"]);
        const up = await demo.stack.up({ color: "never" });
        assert.deepEqual(Object.keys(up.summary.resourceChanges ?? {}), ["same"]);
    });

    it("refresh re-reads the gate's summary", async () => {
        const checked = (await named("migration-gate"))!.outputs!.checkedAt;
        const r = await demo.stack.refresh({ color: "never" });
        assert.equal(r.summary.result, "succeeded");
        const after = (await named("migration-gate"))!.outputs!;
        assert.ok(after.checkedAt > checked, `${after.checkedAt} > ${checked}`);
        assert.equal(after.passed, true);
    });

    it("refresh shows a gate whose tasks changed as an update with the changed counts, and nothing otherwise", async () => {
        const quiet = await demo.cliAsync(["refresh", "--yes", "--diff"]);
        assert.doesNotMatch(quiet.stdout, /TaskGate: \(update\)/, "a refresh that reads the same tasks shows no change (checkedAt is no change)");
        const invocationId = (await named("migration-gate"))!.inputs!.source.tatInvocationTasks.invocationId;
        demo.emu.mutate({
            api: "tat",
            op: "insert",
            records: [{ InvocationTaskId: "invt-e2erfsh1", InvocationId: invocationId, InstanceId: "ins-e2erfsh1", TaskStatus: "FAILED" } as never],
        });
        const r = await demo.cliAsync(["refresh", "--yes", "--diff"]);
        const gate = r.stdout.slice(r.stdout.indexOf("TaskGate: (update)"));
        assert.match(r.stdout, /~ pulumi-nodejs:dynamic\/taskgate:TaskGate: \(update\)\n\s+\[id=[^\]]+\]\n\s+\[urn=[^\]]+::migration-gate\]/);
        assert.match(gate, /~ failedTaskCount *: 2 => 3/);
        assert.match(gate, /~ summary *: \{[^}]*~ failed *: 2 => 3[^}]*~ total *: 200 => 201/s);
        assert.equal((await named("migration-gate"))!.outputs!.summary.total, 201, "and records it");
        const p = await demo.stack.preview({ color: "never", expectNoChanges: true });
        assert.deepEqual(Object.keys(p.changeSummary), ["same"], "nothing left for the next up");
    });

    it("one TaskGate stays under 16 KB of state", async () => {
        const gate = (await named("migration-gate"))!;
        const bytes = Buffer.byteLength(JSON.stringify(gate));
        console.log(`      one TaskGate in the exported state: ${bytes} bytes`);
        assert.ok(bytes < 16_384, `${bytes} bytes`);
    });

    it("a failing gate fails the update and its release is never created; the next up checks again", async () => {
        await demo.stack.setConfig("demo:failingRollout", { value: "true" });
        const err = await demo.stack.up({ color: "never" }).then(
            () => undefined,
            (e: Error) => e,
        );
        assert.ok(err, "the update must fail");
        assert.match(err.message, /taskgate: gate "payments-gate" failed on TAT invocation tasks/);
        assert.match(
            err.message,
            /first failing tasks? \(\d+ of \d+\):/,
            'one failing task, when the gate stops at the first, reads "first failing task (1 of 1)"',
        );
        // What `npm run demo` prints: the whole message, a line for every failing task it lists.
        const message = gateFailureMessage(err.message, "payments-gate") ?? [];
        const listed = message.findIndex((l) => /^ {2}first failing tasks? \(\d+ of \d+\):$/.test(l));
        const shown = Number(/\((\d+) of/.exec(message[listed] ?? "")?.[1]);
        assert.ok(listed > 0 && shown > 0, message.join("\n"));
        assert.equal(message.length, listed + 1 + shown, message.join("\n"));
        for (const line of message.slice(listed + 1)) assert.match(line, /^ {4}invt-\w+ {2}on ins-\w+ {2}FAILED {2}exit 1$/);
        assert.equal(await named("payments"), undefined, "the release behind the failed gate was not created");
        const gate = (await named("payments-gate"))!;
        assert.ok(gate.initErrors?.length, "kept with initialization errors, so the engine retries it");
        assert.equal(gate.outputs!.passed, false);

        const before = tatRequests();
        await assert.rejects(demo.stack.up({ color: "never" }), /gate "payments-gate" failed/);
        assert.ok(tatRequests() > before, "the failed gate read its tasks again");
        await demo.stack.setConfig("demo:failingRollout", { value: "false" });
        const recovered = await demo.stack.up({ color: "never" });
        assert.equal(recovered.summary.result, "succeeded");
        assert.equal(await named("payments-gate"), undefined, "a failed gate can be deleted");
    });

    it("credentials never appear in the state in plain text", async () => {
        await demo.stack.setConfig("demo:explicitCredentials", { value: "true" });
        const up = await demo.stack.up({ color: "never" });
        assert.equal(up.summary.result, "succeeded");
        const stored = demo.backendFiles();
        const exportedText = demo.cli(["stack", "export"]);
        assert.ok(stored.length > 1000 && exportedText.length > 1000);
        for (const s of secrets) {
            assert.ok(!stored.includes(s), "a credential is in the backend's files in plain text");
            assert.ok(!exportedText.includes(s), "a credential is in `pulumi stack export` in plain text");
        }
        // The gate given its credential as a plain string: stored encrypted.
        const audit = (await named("audit-gate"))!;
        const secretKey = audit.inputs!.source.tatInvocationTasks?.secretKey ?? audit.inputs!.source;
        assert.equal(secretKey["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
        assert.ok(secretKey.ciphertext, "encrypted with the stack's secrets provider");
        assert.ok(!JSON.stringify(audit.outputs).includes("secretKey"), "and kept out of the gate's outputs");
        // The snapshot given its credential as a plain string: encrypted in its inputs, and in the
        // output that lets refresh read with it.
        const snapshot = (await named("audit-snapshot"))!;
        assert.ok((snapshot.inputs!.source.tatInvocationTasks?.secretKey ?? snapshot.inputs!.source).ciphertext, "encrypted in its inputs");
        assert.ok(snapshot.outputs!.credentials.ciphertext, "its recorded credential is encrypted");
    });

    it("destroy removes everything", async () => {
        const d = await demo.stack.destroy({ color: "never" });
        assert.equal(d.summary.result, "succeeded");
        const left = (await resources()).filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"));
        assert.deepEqual(left, []);
    });
});
