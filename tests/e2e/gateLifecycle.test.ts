import { strict as assert } from "node:assert";
import * as path from "node:path";
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

describe("end to end: a gate's lifecycle under the real Pulumi engine", function () {
    this.timeout(900_000);
    let s: OfflineStack;
    let taskIds: string[];
    let opened = 0;

    /** A new stack on a new emulator whose invocation has tasks in the TAT `statuses` given. */
    async function open(statuses: Record<string, number>, config: Record<string, string> = {}, seedMore?: OfflineStackSeed): Promise<void> {
        s = await openOfflineStack({
            workDir: PROGRAM, stackName: `lifecycle${process.pid}x${++opened}`,
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
            assert.match(refresh.stdout, /warning: taskgate: gate "rollout-gate" has not passed: 1 task failed, timed out or was cancelled; at most 0 allowed\. The next `pulumi up` judges it again/);
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
        assert.match(refresh.stdout, /TaskGate \(renamed-gate\):\n\s+warning: taskgate: gate "renamed-gate" has not passed/, "a refresh's lines go to the renamed gate, under its name");
    });

});

type OfflineStackSeed = Parameters<typeof openOfflineStack>[0]["seed"];
