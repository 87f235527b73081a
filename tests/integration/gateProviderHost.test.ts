import { strict as assert } from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from "../../emulator/server";

/*
 * Runs a TaskGate's provider exactly as Pulumi does for dynamic resources: serialized by Pulumi's
 * own closure serializer, then loaded and driven over gRPC by Pulumi's dynamic-provider host in a
 * fresh Node.js process, with a stand-in engine that receives its log calls. Nothing is mocked:
 * the host reads the cloud through the emulator.
 */
const ROOT = path.resolve(__dirname, "../..");
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }));
const { Empty } = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [pulumiDir] }));
const providerRpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const providerPb = require("@pulumi/pulumi/proto/provider_pb");
const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const statusPb = require("@pulumi/pulumi/proto/status_pb");

type Call = (req: unknown) => Promise<any>;

describe("TaskGate as Pulumi runs it: serialized, in Pulumi's dynamic-provider host", function () {
    this.timeout(120_000);
    let emu: Emulator;
    let host: ChildProcess;
    let client: any;
    let engine: any;
    let providerText: string;
    const engineLogs: Array<{ severity: number; message: string; urn: string }> = [];
    /** What the host printed to its stderr, which the engine shows under the stack. */
    let hostStderr = "";
    const urn = "urn:pulumi:dev::demo::pulumi-nodejs:dynamic/taskgate:TaskGate::migration-gate";

    const call =
        (method: string): Call =>
        (req) =>
            new Promise((resolve, reject) => client[method](req, (err: Error | null, res: unknown) => (err ? reject(err) : resolve(res))));
    const struct = (o: object) => Struct.fromJavaScript(o);

    before(async () => {
        assert.ok(fs.existsSync(path.join(ROOT, "dist/provider/dynamic/gateRuntime.js")), "run `npm run build` first (npm test does)");
        emu = await startEmulator({ port: 0 });
        // The provider as users get it: the compiled module, serialized as `new TaskGate(...)` would.
        const { gateProvider } = require(path.join(ROOT, "dist/provider/dynamic/gateProvider"));
        providerText = (await pulumi.runtime.serializeFunction(() => gateProvider, { allowSecrets: false })).text;

        engine = new grpc.Server();
        engine.addService(engineRpc.EngineService, {
            log(c: any, cb: any) {
                engineLogs.push({ severity: c.request.getSeverity(), message: c.request.getMessage(), urn: c.request.getUrn() });
                cb(null, new Empty());
            },
        });
        const enginePort: number = await new Promise((res, rej) =>
            engine.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e: Error, p: number) => (e ? rej(e) : res(p))),
        );

        const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TENCENTCLOUD_|HW_|TASKGATE_|PULUMI_CONFIG)/.test(k)));
        host = spawn(process.execPath, [path.join(pulumiDir, "cmd/dynamic-provider/index.js"), `127.0.0.1:${enginePort}`], {
            cwd: ROOT,
            env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        host.stderr!.on("data", (d) => (hostStderr += d));
        const port: string = await new Promise((resolve, reject) => {
            let out = "";
            host.stdout!.on("data", (d) => {
                out += d;
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) resolve(m[1]);
            });
            host.on("exit", (code) => reject(new Error(`the provider host exited with ${code}`)));
        });
        client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        const c = EMULATOR_CREDENTIALS.tencent;
        const req = new providerPb.ConfigureRequest();
        req.setArgs(
            struct({
                "tencentcloud:secretId": c.secretId,
                "tencentcloud:secretKey": c.secretKey,
                "tencentcloud:region": "ap-guangzhou",
                "taskgate:endpoint": emu.url,
            }),
        );
        await call("configure")(req);
    });

    after(async () => {
        host?.kill();
        engine?.forceShutdown();
        await emu?.close();
    });

    const props = (o: object) => ({ __provider: providerText, ...o });

    it("serializes to a small provider that captures no SDK, no config and no secret", () => {
        assert.ok(providerText.length < 4096, `${providerText.length} chars`);
        assert.match(providerText, /pulumi-taskgate\/dist\/provider\/dynamic\/gateRuntime/);
        for (const banned of ["tencentcloud-sdk-nodejs", "huaweicloud", "@pulumi/pulumi", "Config", EMULATOR_CREDENTIALS.tencent.secretKey]) {
            assert.ok(!providerText.includes(banned), `the serialized provider mentions ${banned}`);
        }
    });

    it("check: reports bad inputs as failures by property", async () => {
        const req = new providerPb.CheckRequest();
        req.setUrn(urn);
        req.setOlds(struct({}));
        req.setNews(
            struct(props({ source: { tatInvocationTasks: { invocationTaskIds: ["invt-a"], instanceId: "ins-1" } }, require: { minSuccessRatio: 1.5 } })),
        );
        const res = await call("check")(req);
        const failures = res.getFailuresList().map((f: any) => f.getProperty());
        assert.deepEqual(failures, ["source.tatInvocationTasks.invocationTaskIds", "require.minSuccessRatio"]);
    });

    it("create: a passing gate, credentials from the stack config, progress logged on the gate", async () => {
        const [g] = emu.generate({ api: "tat", count: 120, finishOverMs: 1500, finalStatusMix: { SUCCESS: 1 } });
        const req = new providerPb.CreateRequest();
        req.setUrn(urn);
        req.setProperties(
            struct(
                props({
                    gateName: "migration-gate",
                    gateUrn: urn,
                    source: { tatInvocationTasks: { invocationId: g.groups.invocationId } },
                    require: { minSuccessRatio: 0.95 },
                    wait: { timeoutSeconds: 30, pollIntervalSeconds: 0.5 },
                }),
            ),
        );
        const res = await call("create")(req);
        const outs = res.getProperties().toJavaScript();
        assert.match(res.getId(), /^taskgate-/);
        assert.equal(outs.passed, true);
        assert.equal(outs.summary.succeeded, 120);
        assert.equal(emu.requests({ api: "tat" }).at(-1)!.credential, EMULATOR_CREDENTIALS.tencent.secretId);
        const mine = engineLogs.filter((l) => l.urn === urn);
        assert.ok(mine.length >= 1, "progress reached the engine, on the gate's URN");
        assert.ok(mine.every((l) => l.severity === 1 && /gate "migration-gate": \d+\/120 tasks done/.test(l.message)));
        assert.ok(!JSON.stringify(outs).includes(EMULATOR_CREDENTIALS.tencent.secretKey));
        // The size one gate adds to a state file: its inputs and outputs, each holding the provider.
        const stateBytes = Buffer.byteLength(JSON.stringify({ inputs: req.getProperties().toJavaScript(), outputs: outs }));
        console.log(`      one TaskGate in state: ~${stateBytes} bytes (serialized provider ${providerText.length} chars, stored twice)`);
        assert.ok(stateBytes < 16_384, `${stateBytes} bytes`);
    });

    it("create: a failing gate is an init error carrying its id, outputs and message", async () => {
        emu.seed({
            tat: [
                {
                    InvocationTaskId: "invt-host0001",
                    InvocationId: "inv-host0001",
                    InstanceId: "ins-host1",
                    TaskStatus: "FAILED",
                    ErrorInfo: "exit 2",
                    TaskResult: { ExitCode: 2 } as never,
                },
            ],
        });
        const req = new providerPb.CreateRequest();
        req.setUrn(urn);
        req.setProperties(
            struct(props({ gateName: "migration-gate", source: { tatInvocationTasks: { invocationId: "inv-host0001" } }, require: { minSucceeded: 1 } })),
        );
        const err: any = await call("create")(req).then(
            () => assert.fail("the gate passed"),
            (e) => e,
        );
        assert.equal(err.code, grpc.status.UNKNOWN);
        assert.match(err.details, /taskgate: gate "migration-gate" failed on TAT invocation tasks/);
        assert.match(err.details, /invt-host0001 {2}on ins-host1 {2}FAILED {2}exit 2 {2}exit 2/);
        const bin = err.metadata.get("grpc-status-details-bin")[0];
        const status = statusPb.Status.deserializeBinary(new Uint8Array(bin));
        const detail = providerPb.ErrorResourceInitFailed.deserializeBinary(status.getDetailsList()[0].getValue());
        assert.match(detail.getId(), /^taskgate-/);
        assert.equal(detail.getProperties().toJavaScript().passed, false);
        assert.equal(detail.getProperties().toJavaScript().failedTasks[0].id, "invt-host0001");

        // The engine keeps the failed gate with these properties as its state: it must still be
        // possible to refresh and delete it (both load the provider from that state).
        const state = detail.getProperties().toJavaScript();
        assert.equal(state.__provider, providerText);
        const read = new providerPb.ReadRequest();
        read.setId(detail.getId());
        read.setUrn(urn);
        read.setProperties(struct(state));
        assert.equal((await call("read")(read)).getProperties().toJavaScript().passed, false);
        const del = new providerPb.DeleteRequest();
        del.setId(detail.getId());
        del.setUrn(urn);
        del.setProperties(struct(state));
        await call("delete")(del);
    });

    it("diff and read (refresh) through the host", async () => {
        emu.seed({ tat: [{ InvocationTaskId: "invt-host0002", InvocationId: "inv-host0002", TaskStatus: "SUCCESS" }] });
        const inputs = props({ source: { tatInvocationTasks: { invocationId: "inv-host0002" } } });
        const create = new providerPb.CreateRequest();
        create.setUrn(urn);
        create.setProperties(struct(inputs));
        const created = await call("create")(create);
        const outs = created.getProperties().toJavaScript();

        const diff = new providerPb.DiffRequest();
        diff.setId(created.getId());
        diff.setUrn(urn);
        diff.setOlds(struct(outs));
        diff.setNews(struct(inputs));
        assert.equal((await call("diff")(diff)).getChanges(), providerPb.DiffResponse.DiffChanges.DIFF_NONE);
        diff.setNews(struct({ ...inputs, triggers: ["redeploy"] }));
        assert.equal((await call("diff")(diff)).getChanges(), providerPb.DiffResponse.DiffChanges.DIFF_SOME);

        emu.mutate({ api: "tat", op: "update", ids: ["invt-host0002"], patch: { TaskStatus: "FAILED" } });
        const read = new providerPb.ReadRequest();
        read.setId(created.getId());
        read.setUrn(urn);
        read.setProperties(struct(outs));
        const refreshed = (await call("read")(read)).getProperties().toJavaScript();
        assert.equal(refreshed.passed, false);
        assert.equal(refreshed.summary.failed, 1);
    });

    it("read (refresh) that the cloud refuses: its error reaches the engine once, the host prints nothing of it", async () => {
        emu.seed({ tat: [{ InvocationTaskId: "invt-host0003", InvocationId: "inv-host0003", TaskStatus: "SUCCESS" }] });
        const create = new providerPb.CreateRequest();
        create.setUrn(urn);
        create.setProperties(struct(props({ gateName: "migration-gate", source: { tatInvocationTasks: { invocationId: "inv-host0003" } } })));
        const created = await call("create")(create);
        const read = new providerPb.ReadRequest();
        read.setId(created.getId());
        read.setUrn(urn);
        read.setProperties(created.getProperties());
        emu.addFault({ api: "tat", kind: "cloudError", code: "AuthFailure.SignatureFailure", message: "refused by the test", times: -1 });
        const printedBefore = hostStderr.length;
        const err: any = await call("read")(read).then(
            () => assert.fail("the read passed"),
            (e) => e,
        );
        assert.match(err.details, /^tencentcloud DescribeInvocationTasks failed: AuthFailure\.SignatureFailure: refused by the test \| RequestId /);

        // A read that hits a bug (a source kind that does not exist) is still printed, trace and
        // all; the host's stderr is one stream, so once that shows, anything printed before it has.
        const broken = new providerPb.ReadRequest();
        broken.setId(created.getId());
        broken.setUrn(urn);
        broken.setProperties(struct({ ...created.getProperties().toJavaScript(), sourceKind: "noSuchSource" }));
        await call("read")(broken).then(
            () => assert.fail("the broken read passed"),
            (e: Error) => assert.match(e.message, /TypeError|Cannot read properties of undefined/),
        );
        while (!hostStderr.slice(printedBefore).includes("Cannot read properties of undefined")) await new Promise((r) => setTimeout(r, 20));
        const printed = hostStderr.slice(printedBefore);
        assert.doesNotMatch(printed, /refused by the test/, "the host echoed the refusal");
        assert.match(
            printed,
            /^TypeError: Cannot read properties of undefined \(reading 'read'\): TypeError: .*\n {4}at /,
            "a bug keeps the host's echo with its trace",
        );
    });
});
