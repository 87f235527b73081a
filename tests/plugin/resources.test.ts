import { strict as assert } from "node:assert";
import * as grpc from "@grpc/grpc-js";
import {
    CheckRequest,
    type CheckResponse,
    ConfigureRequest,
    CreateRequest,
    type CreateResponse,
    DiffRequest,
    DiffResponse,
    PropertyDiff,
    ReadRequest,
    type ReadResponse,
} from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { EMULATOR_CREDENTIALS, EMULATOR_REGIONS } from "../../emulator/server";
import { useEmulator } from "../integration/helpers";
import {
    assertNoSecret,
    initFailure,
    isSecret,
    type PluginProcess,
    plain,
    rejection,
    secret,
    startFakeEngine,
    startPlugin,
    struct,
    UNKNOWN,
    until,
    urnOf,
} from "./helpers";

const c = EMULATOR_CREDENTIALS;
const GATE = "taskgate:index:TaskGate";
const SNAPSHOT = "taskgate:index:TaskSnapshot";

describe("plugin: TaskGate and TaskSnapshot against the emulator", function () {
    this.timeout(60_000);
    const ctx = useEmulator();
    let engine: Awaited<ReturnType<typeof startFakeEngine>>;
    let plugin: PluginProcess;

    before(async () => {
        engine = await startFakeEngine();
        plugin = await startPlugin(engine.address);
    });
    beforeEach(async () => {
        await plugin.call(
            "configure",
            new ConfigureRequest().setArgs(
                struct({
                    tencentcloud: secret({ secretId: c.tencent.secretId, secretKey: c.tencent.secretKey, region: EMULATOR_REGIONS.tencent }),
                    endpoint: ctx.emu.url,
                }),
            ),
        );
    });
    after(async () => {
        assertNoSecret(plugin?.stderr() ?? "", "the plugin's stderr");
        assertNoSecret(JSON.stringify(engine?.logs ?? []), "the engine's log");
        await plugin?.stop();
        await engine?.close();
    });

    const check = (type: string, name: string, news: Record<string, unknown>) =>
        plugin.call<CheckResponse>("check", new CheckRequest().setUrn(urnOf(type, name)).setType(type).setName(name).setNews(struct(news)).setOlds(struct({})));
    const create = (type: string, name: string, news: Record<string, unknown>, preview = false) =>
        plugin.call<CreateResponse>(
            "create",
            new CreateRequest().setUrn(urnOf(type, name)).setType(type).setName(name).setProperties(struct(news)).setPreview(preview),
        );
    const diff = (type: string, name: string, id: string, olds: Record<string, unknown>, news: Record<string, unknown>) =>
        plugin.call<DiffResponse>(
            "diff",
            new DiffRequest()
                .setUrn(urnOf(type, name))
                .setType(type)
                .setName(name)
                .setId(id)
                .setOlds(struct(olds))
                .setOldInputs(struct(news))
                .setNews(struct(news)),
        );
    const read = (type: string, name: string, id: string, props: Record<string, unknown>, inputs: Record<string, unknown>) =>
        plugin.call<ReadResponse>(
            "read",
            new ReadRequest().setUrn(urnOf(type, name)).setType(type).setName(name).setId(id).setProperties(struct(props)).setInputs(struct(inputs)),
        );

    it("check fails each bad input by its property, and skips values still unknown in a preview", async () => {
        const twoSources = await check(GATE, "g", { source: { tatInvocationTasks: {}, mpsTasks: {} } });
        assert.deepEqual(
            twoSources.getFailuresList().map((f) => f.getProperty()),
            ["source"],
        );
        assert.match(
            twoSources.getFailuresList()[0].getReason(),
            /exactly one source, one of tatInvocationTasks, mpsTasks, bmCmdTasks, cphJobs, workspaceScriptTasks/,
        );
        const bad = await check(GATE, "g", {
            source: { tatInvocationTasks: { invocationId: "inv-ok000001" } },
            require: { maxFailed: -1 },
            wait: { timeoutSeconds: "soon" },
        });
        assert.deepEqual(
            bad
                .getFailuresList()
                .map((f) => f.getProperty())
                .sort(),
            ["require.maxFailed", "wait.timeoutSeconds"],
        );
        const news = { source: { tatInvocationTasks: { invocationId: UNKNOWN, secretKey: secret(c.tencent.secretKey) } }, require: UNKNOWN };
        const preview = await check(GATE, "g", news);
        assert.deepEqual(preview.getFailuresList(), []);
        assert.deepEqual(plain(preview.getInputs()), news, "the inputs go back as they came, the secret still marked");
        const snap = await check(SNAPSHOT, "s", { source: { cphJobs: {} }, maxTasks: 0 });
        assert.deepEqual(
            snap
                .getFailuresList()
                .map((f) => f.getProperty())
                .sort(),
            ["maxTasks", "source.cphJobs.requestId"],
        );
    });

    it("a preview's create reads nothing and leaves every output unknown", async () => {
        const res = await create(GATE, "p", { source: { tatInvocationTasks: { invocationId: "inv-ok000001" } } }, true);
        const outs = plain(res.getProperties());
        assert.equal(outs.passed, UNKNOWN);
        assert.equal(outs.summary, UNKNOWN);
        assert.deepEqual(ctx.emu.requests(), []);
    });

    it("a passing gate is created with its outputs, its name and URN from the request, and no credential", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 20, statusMix: { SUCCESS: 1 } });
        const news = { source: { tatInvocationTasks: { invocationId: g.groups.invocationId, secretKey: secret(c.tencent.secretKey) } } };
        const res = await create(GATE, "ok", news);
        assert.match(res.getId(), /^taskgate-[0-9a-f-]{36}$/);
        const outs = plain(res.getProperties());
        assert.equal(outs.passed, true);
        assert.equal((outs.summary as { succeeded: number }).succeeded, 20);
        assert.deepEqual([outs.gateName, outs.gateUrn, outs.sourceKind], ["ok", urnOf(GATE, "ok"), "tatInvocationTasks"]);
        assert.ok(!("__provider" in outs));
        assertNoSecret(JSON.stringify(outs), "the gate's outputs");
        const again = await diff(GATE, "ok", res.getId(), outs, news);
        assert.equal(again.getChanges(), DiffResponse.DiffChanges.DIFF_NONE, "a passed gate with the same inputs is not run again");
    });

    it("a failing gate is an initialization failure: its id, its outputs and the readable reason; its diff then finds changes", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 10, statusMix: { SUCCESS: 1, FAILED: 1 } });
        const news = { source: { tatInvocationTasks: { invocationId: g.groups.invocationId } }, require: { maxFailed: 0 } };
        const e = await rejection(create(GATE, "bad", news));
        const init = initFailure(e);
        assert.ok(init, `an ErrorResourceInitFailed detail: ${e.details}`);
        assert.match(init.id, /^taskgate-/);
        assert.equal(init.properties.passed, false);
        assert.ok((init.properties.failedTaskCount as number) > 0);
        assert.match(e.details, /^taskgate: gate "bad" failed on TAT invocation tasks/);
        assert.deepEqual(init.reasons, [e.details]);
        assertNoSecret(JSON.stringify(init), "the failed gate's state");
        const d = await diff(GATE, "bad", init.id, init.properties, news);
        assert.equal(d.getChanges(), DiffResponse.DiffChanges.DIFF_SOME, "the next up judges it again");
        assert.deepEqual(d.getReplacesList(), []);
    });

    it("a waiting gate sends its progress to the engine, attached to its URN", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 30, finishOverMs: 2000, finalStatusMix: { SUCCESS: 1 } });
        const res = await create(GATE, "waits", {
            source: { tatInvocationTasks: { invocationId: g.groups.invocationId } },
            wait: { timeoutSeconds: 60, pollIntervalSeconds: 0.5 },
        });
        assert.equal(plain(res.getProperties()).passed, true);
        const lines = engine.logs.filter((l) => l.urn === urnOf(GATE, "waits"));
        assert.ok(lines.length >= 2, JSON.stringify(lines));
        assert.ok(
            lines.every((l) => l.severity === 1 && !l.ephemeral),
            JSON.stringify(lines),
        );
        assert.match(lines.at(-1)!.message, /^taskgate: gate "waits": 30\/30 tasks done, 30 succeeded, 0 failed, .+ of 60 s: passed$/);
    });

    it("Cancel stops a gate's wait: its create fails CANCELLED long before the gate's timeout", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 5, finishOverMs: 3_600_000, finalStatusMix: { SUCCESS: 1 } });
        const urn = urnOf(GATE, "long");
        const pending = rejection(
            create(GATE, "long", {
                source: { tatInvocationTasks: { invocationId: g.groups.invocationId } },
                wait: { timeoutSeconds: 600, pollIntervalSeconds: 1 },
            }),
        );
        await until(() => engine.logs.some((l) => l.urn === urn));
        await plugin.call("cancel", new Empty());
        const e = await pending;
        assert.equal(e.code, grpc.status.CANCELLED);
        assert.match(e.details, /cancelled/);
        assert.equal(initFailure(e), undefined, "nothing was judged: the gate is not recorded");
    });

    it("refresh reads the tasks again: a gate that passed fails when its tasks have failed since, and its diff then finds changes", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 6, statusMix: { SUCCESS: 1 } });
        const news = { source: { tatInvocationTasks: { invocationId: g.groups.invocationId } } };
        const created = await create(GATE, "refreshed", news);
        const before = plain(created.getProperties());
        ctx.emu.mutate({ api: "tat", op: "update", ids: g.ids.slice(0, 2), patch: { TaskStatus: "FAILED" } });
        const res = await read(GATE, "refreshed", created.getId(), before, news);
        const after = plain(res.getProperties());
        assert.deepEqual([before.passed, after.passed, after.failedTaskCount], [true, false, 2]);
        assert.deepEqual(plain(res.getInputs()), news, "the inputs stay the program's");
        const warned = engine.logs.filter((l) => l.urn === urnOf(GATE, "refreshed") && l.severity === 2);
        assert.match(warned.at(-1)?.message ?? "", /gate "refreshed" has not passed: /);
        const d = await diff(GATE, "refreshed", created.getId(), after, news);
        assert.equal(d.getChanges(), DiffResponse.DiffChanges.DIFF_SOME);
        // A detailed diff of what the read changed, framed as the engine asks (the refreshed outputs as the old state), so a refresh prints that alone.
        assert.ok(d.getHasdetaileddiff());
        const detailed = Object.fromEntries([...d.getDetaileddiffMap().entries()].map(([path, p]) => [path, [p.getKind(), p.getInputdiff()]]));
        const U = PropertyDiff.Kind.UPDATE;
        assert.deepEqual(detailed.passed, [U, false]);
        assert.deepEqual(detailed["summary.failed"], [U, false]);
        assert.equal(detailed.sourceKind, undefined, "what the read did not change is not named");
        assert.equal(detailed["summary.total"], undefined);
        // The diff an up computes has no detailed diff: only the one that follows a refresh's read.
        assert.equal((await diff(GATE, "refreshed", created.getId(), after, news)).getHasdetaileddiff(), false);
    });

    it("a TaskSnapshot records the list, command output and credentials as secrets, and refresh reads it again", async () => {
        const [g] = ctx.emu.generate({ api: "tat", count: 4, statusMix: { SUCCESS: 1 } });
        const news = {
            source: { tatInvocationTasks: { invocationId: g.groups.invocationId, hideOutput: false, secretKey: secret(c.tencent.secretKey) } },
            includeOutput: true,
        };
        const created = await create(SNAPSHOT, "snap", news);
        assert.match(created.getId(), /^tasksnapshot-/);
        const outs = plain(created.getProperties());
        assert.deepEqual([outs.taskCount, outs.snapshotName, outs.recordTasks, Object.keys(outs.tasks as object).length], [4, "snap", "failing", 0]);
        assert.match(outs.digest as string, /^[0-9a-f]{32}$/, "the whole list stands in the digest");
        assert.ok(isSecret(outs.commandOutputs) && isSecret(outs.credentials), JSON.stringify(Object.keys(outs)));
        const { commandOutputs: _o, credentials, ...open } = outs;
        assert.deepEqual((credentials as { value: unknown }).value, { secretKey: c.tencent.secretKey });
        assertNoSecret(JSON.stringify(open), "the snapshot's plain outputs");
        ctx.emu.generate({ api: "tat", count: 2, invocationId: g.groups.invocationId, statusMix: { FAILED: 1 } });
        const res = await read(SNAPSHOT, "snap", created.getId(), outs, news);
        const after = plain(res.getProperties());
        assert.equal(after.taskCount, 6, "the refresh read with the recorded (secret) credentials");
        assert.equal(Object.keys(after.tasks as object).length, 2, "the two failed tasks");
        assert.notEqual(after.digest, outs.digest);
        assert.ok(isSecret(after.credentials) && isSecret(after.commandOutputs));
        const d = await diff(SNAPSHOT, "snap", created.getId(), after, news);
        assert.equal(d.getChanges(), DiffResponse.DiffChanges.DIFF_SOME, "the refresh's new record shows");
    });

    it("delete owns nothing in the cloud", async () => {
        await plugin.call("delete", new (require("@pulumi/pulumi/proto/provider_pb").DeleteRequest)().setId("taskgate-x").setUrn(urnOf(GATE, "gone")));
        assert.deepEqual(ctx.emu.requests(), []);
    });
});
