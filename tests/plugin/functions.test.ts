import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { ConfigureRequest, InvokeRequest, type InvokeResponse } from "@pulumi/pulumi/proto/provider_pb";
import { EMULATOR_CREDENTIALS, EMULATOR_REGIONS } from "../../emulator/server";
import { FUNCTIONS } from "../../provider/plugin/functions";
import { SOURCE_KINDS, type SourceKind } from "../../provider/sources";
import * as taskgate from "../../sdk";
import { useEmulator } from "../integration/helpers";
import { assertNoSecret, isSecret, type PluginProcess, plain, ROOT, rejection, secret, startFakeEngine, startPlugin, struct } from "./helpers";

const c = EMULATOR_CREDENTIALS;
const SCHEMA = JSON.parse(fs.readFileSync(path.join(ROOT, "provider/plugin/schema.json"), "utf8"));

/** Each function's token, the in-process function that reads the same source, and a query. */
const CASES: Array<{ token: string; kind: SourceKind; inProcess: (args: never) => Promise<unknown> }> = [
    { token: "taskgate:tencentcloud:getTatInvocationTasks", kind: "tatInvocationTasks", inProcess: taskgate.tencentcloud.getTatInvocationTasks },
    { token: "taskgate:tencentcloud:getMpsTasks", kind: "mpsTasks", inProcess: taskgate.tencentcloud.getMpsTasks },
    { token: "taskgate:tencentcloud:getBmCmdTasks", kind: "bmCmdTasks", inProcess: taskgate.tencentcloud.getBmCmdTasks },
    { token: "taskgate:huaweicloud:getCphJobs", kind: "cphJobs", inProcess: taskgate.huaweicloud.getCphJobs },
    { token: "taskgate:huaweicloud:getWorkspaceScriptTasks", kind: "workspaceScriptTasks", inProcess: taskgate.huaweicloud.getWorkspaceScriptTasks },
];

/** The connection args of a source's cloud, for the in-process call. */
function connection(kind: SourceKind, url: string): Record<string, string> {
    return ["cphJobs", "workspaceScriptTasks"].includes(kind)
        ? { accessKey: c.huawei.accessKey, secretKey: c.huawei.secretKey, projectId: c.huawei.projectId, endpoint: url }
        : { secretId: c.tencent.secretId, secretKey: c.tencent.secretKey, region: EMULATOR_REGIONS.tencent, endpoint: url };
}

/** Plain data as a Struct carries it: no undefined, RequestIds (one per request, never the same twice) left out. */
function comparable(result: unknown): unknown {
    const { requestIds, ...rest } = JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
    assert.ok(Array.isArray(requestIds) && requestIds.length > 0, "the result names its requests");
    return rest;
}

async function invoke(p: PluginProcess, token: string, args: Record<string, unknown>): Promise<InvokeResponse> {
    return p.call<InvokeResponse>("invoke", new InvokeRequest().setTok(token).setArgs(struct(args)));
}

/** The ways a provider's config reaches Configure: as `args` (objects, or JSON text, secret, in snake_case) or as the legacy `variables` map. */
const CONFIG_FORMS: Array<{ label: string; request: (url: string) => ConfigureRequest }> = [
    {
        label: "args as objects, camelCase",
        request: (url) =>
            new ConfigureRequest().setArgs(
                struct({
                    tencentcloud: { secretId: c.tencent.secretId, secretKey: c.tencent.secretKey, region: EMULATOR_REGIONS.tencent },
                    huaweicloud: { accessKey: c.huawei.accessKey, secretKey: c.huawei.secretKey, projectId: c.huawei.projectId },
                    endpoint: url,
                }),
            ),
    },
    {
        label: "args as secret JSON strings, snake_case",
        request: (url) =>
            new ConfigureRequest().setArgs(
                struct({
                    tencentcloud: secret(JSON.stringify({ secret_id: c.tencent.secretId, secret_key: c.tencent.secretKey, region: EMULATOR_REGIONS.tencent })),
                    huaweicloud: secret(JSON.stringify({ access_key: c.huawei.accessKey, secret_key: c.huawei.secretKey, project_id: c.huawei.projectId })),
                    endpoint: url,
                }),
            ),
    },
    {
        label: "the variables map alone (JSON strings)",
        request: (url) => {
            const req = new ConfigureRequest();
            const vars = req.getVariablesMap();
            vars.set(
                "taskgate:config:tencentcloud",
                JSON.stringify({ secretId: c.tencent.secretId, secretKey: c.tencent.secretKey, region: EMULATOR_REGIONS.tencent }),
            );
            vars.set(
                "taskgate:config:huaweicloud",
                JSON.stringify({ accessKey: c.huawei.accessKey, secretKey: c.huawei.secretKey, projectId: c.huawei.projectId }),
            );
            vars.set("taskgate:config:endpoint", url);
            return req;
        },
    },
];

describe("plugin: functions (Invoke) against the emulator", function () {
    this.timeout(120_000);
    const ctx = useEmulator();
    let engine: Awaited<ReturnType<typeof startFakeEngine>>;
    let plugin: PluginProcess | undefined;

    before(async () => {
        engine = await startFakeEngine();
    });
    afterEach(async () => {
        if (plugin) assertNoSecret(plugin.stderr(), "the plugin's stderr");
        await plugin?.stop();
        plugin = undefined;
    });
    after(async () => {
        await engine?.close();
    });

    /** A fresh plugin, configured with `form`. */
    async function configured(form = CONFIG_FORMS[0]): Promise<PluginProcess> {
        plugin = await startPlugin(engine.address);
        await plugin.call("configure", form.request(ctx.emu.url));
        return plugin;
    }

    it("serves one function per data source, under exactly the schema's tokens", () => {
        assert.deepEqual([...FUNCTIONS.keys()].sort(), Object.keys(SCHEMA.functions).sort());
        assert.deepEqual([...FUNCTIONS.values()].sort(), [...SOURCE_KINDS].sort());
        assert.deepEqual(
            CASES.map((x) => FUNCTIONS.get(x.token)),
            CASES.map((x) => x.kind),
        );
    });

    for (const form of CONFIG_FORMS) {
        it(`configured with ${form.label}, all five functions return what the in-process functions return`, async () => {
            const [, , , cph] = ctx.emu.generate([
                { api: "tat", count: 130 },
                { api: "mps", count: 12 },
                { api: "bm", count: 7 },
                { api: "cph", count: 120 },
                { api: "workspace", count: 9 },
            ]);
            // CPH lists the jobs of a request id; the others list everything.
            const query = (kind: SourceKind) => (kind === "cphJobs" ? { requestId: cph.groups.requestId } : {});
            const p = await configured(form);
            for (const x of CASES) {
                const res = await invoke(p, x.token, query(x.kind));
                assert.deepEqual(
                    res.getFailuresList().map((f) => f.getReason()),
                    [],
                    x.token,
                );
                const got = plain(res.getReturn());
                const want = await x.inProcess({ ...query(x.kind), ...connection(x.kind, ctx.emu.url) } as never);
                assert.ok((got.tasks as unknown[]).length > 0, `${x.token} read tasks`);
                assert.deepEqual(comparable(got), comparable(want), x.token);
                assert.ok(!Object.values(got).some(isSecret), `${x.token}: no arg was secret, so no result is`);
            }
        });
    }

    it("bad args fail by field, with what is allowed, before any request", async () => {
        const p = await configured();
        const bad = await invoke(p, "taskgate:tencentcloud:getTatInvocationTasks", { invocationTaskIds: ["invt-ok000001", "not an id"] });
        const unknownArg = await invoke(p, "taskgate:huaweicloud:getCphJobs", { requestID: "x" });
        const failures = [...bad.getFailuresList(), ...unknownArg.getFailuresList()].map((f) => [f.getProperty(), f.getReason()]);
        assert.equal(failures.length, 2, JSON.stringify(failures));
        assert.equal(failures[0][0], "invocationTaskIds[1]");
        assert.match(failures[0][1], /invalid invocationTaskIds\[1\] \("not an id"\): /);
        assert.equal(failures[1][0], "requestID");
        assert.match(failures[1][1], /requestId/, "names the allowed args");
        assert.equal(bad.getReturn(), undefined);
        assert.deepEqual(ctx.emu.requests(), [], "no request reached the emulator");
    });

    it("a missing credential fails naming the setting as a plugin user sets it (the provider's config, not a TypeScript stack's), before any request", async () => {
        plugin = await startPlugin(engine.address);
        await plugin.call("configure", new ConfigureRequest().setArgs(struct({ endpoint: ctx.emu.url })));
        const res = await invoke(plugin, "taskgate:huaweicloud:getWorkspaceScriptTasks", {});
        assert.deepEqual(
            res.getFailuresList().map((f) => f.getProperty()),
            ["accessKey"],
        );
        const reason = res.getFailuresList()[0].getReason();
        assert.match(
            reason,
            /set the `accessKey` argument, the provider's `huaweicloud\.accessKey` config \(stack config `taskgate:huaweicloud\.accessKey`\) or the HW_ACCESS_KEY environment variable/,
        );
        assert.doesNotMatch(reason, /`huaweicloud:accessKey`/);
        assert.deepEqual(ctx.emu.requests(), []);
    });

    it("a secret arg makes the whole result secret, its values as without the secret", async () => {
        ctx.emu.generate({ api: "tat", count: 5 });
        const p = await configured();
        const plainRes = plain((await invoke(p, "taskgate:tencentcloud:getTatInvocationTasks", {})).getReturn());
        const res = plain((await invoke(p, "taskgate:tencentcloud:getTatInvocationTasks", { secretKey: secret(c.tencent.secretKey) })).getReturn());
        assert.ok(Object.keys(res).length > 0 && Object.values(res).every(isSecret), JSON.stringify(Object.keys(res)));
        const unwrapped = Object.fromEntries(Object.entries(res).map(([k, v]) => [k, (v as { value: unknown }).value]));
        assert.deepEqual(comparable(unwrapped), comparable(plainRes));
    });

    it("a cloud error keeps the cloud's code, message and RequestId, and no secret", async () => {
        const wrongKey = "wrongSecretKey00000000000000000000";
        plugin = await startPlugin(engine.address);
        await plugin.call(
            "configure",
            new ConfigureRequest().setArgs(
                struct({ tencentcloud: { secretId: c.tencent.secretId, secretKey: wrongKey, region: EMULATOR_REGIONS.tencent }, endpoint: ctx.emu.url }),
            ),
        );
        const e = await rejection(invoke(plugin, "taskgate:tencentcloud:getTatInvocationTasks", {}));
        assert.equal(e.code, grpc.status.UNAVAILABLE);
        assert.match(e.details, /^tencentcloud DescribeInvocationTasks failed: AuthFailure\.SignatureFailure: .+ \| RequestId [\w-]+/);
        assert.ok(!e.details.includes(wrongKey));
        assertNoSecret(e.details, "the error");
        assert.ok(!plugin.stderr().includes(wrongKey), "no secret on stderr");
    });

    it("an unknown token fails naming the functions there are", async () => {
        const p = await configured();
        const e = await rejection(invoke(p, "taskgate:tencentcloud:getTasks", {}));
        assert.equal(e.code, grpc.status.INVALID_ARGUMENT);
        assert.match(e.details, /tok .*names no taskgate function; the functions are taskgate:tencentcloud:getTatInvocationTasks, /);
    });
});
