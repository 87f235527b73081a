import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import {
    CheckRequest,
    type CheckResponse,
    ConfigureRequest,
    type ConfigureResponse,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    type GetSchemaResponse,
    ProviderHandshakeRequest,
    type ProviderHandshakeResponse,
} from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { EMULATOR_CREDENTIALS } from "../../emulator/server";
import { assertNoSecret, type PluginProcess, plain, ROOT, rejection, secret, startFakeEngine, startPlugin, struct } from "./helpers";

const PROVIDER_URN = "urn:pulumi:dev::plugintest::pulumi:providers:taskgate::default";
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
const t = EMULATOR_CREDENTIALS.tencent;

function checkConfig(p: PluginProcess, news: Record<string, unknown>): Promise<CheckResponse> {
    return p.call("checkConfig", new CheckRequest().setUrn(PROVIDER_URN).setNews(struct(news)).setOlds(struct({})));
}

describe("plugin: the provider protocol (GetPluginInfo, GetSchema, Handshake, CheckConfig, DiffConfig, Configure)", function () {
    this.timeout(60_000);
    let engine: Awaited<ReturnType<typeof startFakeEngine>>;
    let plugin: PluginProcess;

    before(async () => {
        engine = await startFakeEngine();
        plugin = await startPlugin(engine.address);
    });
    after(async () => {
        await plugin?.stop();
        await engine?.close();
    });

    it("prints its port and nothing else on stdout", () => {
        assert.equal(plugin.stdout(), `${plugin.port}\n`);
    });

    it("reports the package's version", async () => {
        const info = await plugin.call<PluginInfo>("getPluginInfo", new Empty());
        assert.equal(info.getVersion(), VERSION);
    });

    it("serves provider/plugin/schema.json, at the package's version", async () => {
        const res = await plugin.call<GetSchemaResponse>("getSchema", new GetSchemaRequest());
        const served = JSON.parse(res.getSchema());
        assert.deepEqual(served, JSON.parse(fs.readFileSync(path.join(ROOT, "provider/plugin/schema.json"), "utf8")));
        assert.equal(served.version, VERSION);
    });

    it("accepts the handshake, taking secrets and resources marked", async () => {
        const res = await plugin.call<ProviderHandshakeResponse>("handshake", new ProviderHandshakeRequest().setEngineAddress(engine.address));
        assert.deepEqual([res.getAcceptSecrets(), res.getAcceptResources(), res.getAcceptOutputs()], [true, true, false]);
    });

    it("CheckConfig names an unknown setting and the allowed ones, without quoting the value", async () => {
        const res = await checkConfig(plugin, { tencentcloud: { secretId: t.secretId, secretKey: t.secretKey }, regoin: "ap-guangzhou" });
        assert.deepEqual(
            res.getFailuresList().map((f) => [f.getProperty(), f.getReason()]),
            [["regoin", "is not a taskgate provider setting; the settings are endpoint, huaweicloud, tencentcloud"]],
        );
    });

    it("CheckConfig names an unknown member of a cloud's settings, in a JSON string too, and never echoes a secret", async () => {
        const res = await checkConfig(plugin, { tencentcloud: JSON.stringify({ secretId: t.secretId, secretKye: t.secretKey }) });
        const failures = res.getFailuresList().map((f) => [f.getProperty(), f.getReason()]);
        assert.deepEqual(failures, [["tencentcloud.secretKye", "is not a tencentcloud setting; the settings are region, secretId, secretKey, securityToken"]]);
        assertNoSecret(JSON.stringify(failures), "CheckConfig's failures");
    });

    it("CheckConfig fails a setting of the wrong type, by its path, and a bad endpoint", async () => {
        const res = await checkConfig(plugin, { huaweicloud: { accessKey: "AK", secretKey: 42 }, tencentcloud: "[1,2]", endpoint: "ftp://x" });
        assert.deepEqual(
            res
                .getFailuresList()
                .map((f) => [f.getProperty(), f.getReason()])
                .sort(),
            [
                ["endpoint", "must be an http:// or https:// base URL with no path, query or user info, such as http://127.0.0.1:4566"],
                ["huaweicloud.secretKey", "must be a string"],
                ["tencentcloud", "must be an object (or its JSON text) with any of region, secretId, secretKey, securityToken"],
            ],
        );
    });

    it("CheckConfig passes good settings (objects, JSON, snake_case, the engine's own version key) and returns them as given", async () => {
        const news = {
            tencentcloud: { secret_id: t.secretId, secret_key: t.secretKey, region: "ap-guangzhou" },
            huaweicloud: JSON.stringify({ accessKey: "AK", projectId: "p1" }),
            endpoint: "http://127.0.0.1:4566",
            version: VERSION,
        };
        const res = await checkConfig(plugin, news);
        assert.deepEqual(res.getFailuresList(), []);
        assert.deepEqual(plain(res.getInputs()), news);
    });

    it("DiffConfig finds a change of settings, however they are spelled, and no change otherwise; never a replacement", async () => {
        const diff = (olds: Record<string, unknown>, news: Record<string, unknown>) =>
            plugin.call<DiffResponse>(
                "diffConfig",
                new DiffRequest().setUrn(PROVIDER_URN).setOldInputs(struct(olds)).setOlds(struct(olds)).setNews(struct(news)),
            );
        const a = { tencentcloud: { secretId: "a", region: "ap-guangzhou" } };
        const same = await diff(a, { tencentcloud: JSON.stringify({ secret_id: "a", region: "ap-guangzhou" }) });
        assert.equal(same.getChanges(), DiffResponse.DiffChanges.DIFF_NONE);
        const changed = await diff(a, { tencentcloud: { secretId: "a", region: "ap-shanghai" } });
        assert.equal(changed.getChanges(), DiffResponse.DiffChanges.DIFF_SOME);
        assert.deepEqual(changed.getReplacesList(), []);
    });

    it("Configure takes secrets, resources and previews, and refuses bad config naming the key", async () => {
        const ok = await plugin.call<ConfigureResponse>(
            "configure",
            new ConfigureRequest().setArgs(struct({ tencentcloud: secret(JSON.stringify({ secretId: t.secretId, secretKey: t.secretKey })) })),
        );
        assert.deepEqual([ok.getAcceptsecrets(), ok.getAcceptresources(), ok.getSupportspreview()], [true, true, true]);
        const e = await rejection(
            plugin.call("configure", new ConfigureRequest().setArgs(struct({ tencentcloud: { secretKey: t.secretKey, colour: "red" } }))),
        );
        assert.equal(e.code, grpc.status.INVALID_ARGUMENT);
        assert.match(e.details, /tencentcloud\.colour is not a tencentcloud setting; the settings are region, secretId, secretKey, securityToken/);
        assertNoSecret(e.details, "Configure's error");
    });

    it("answers the RPCs it does not serve UNIMPLEMENTED", async () => {
        const e = await rejection(plugin.call("getMappings", new (require("@pulumi/pulumi/proto/provider_pb").GetMappingsRequest)()));
        assert.equal(e.code, grpc.status.UNIMPLEMENTED);
    });

    it("exits on SIGTERM", async () => {
        const other = await startPlugin(engine.address);
        await other.stop();
        assert.equal(other.stdout(), `${other.port}\n`);
    });
});
