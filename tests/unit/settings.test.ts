import { strict as assert } from "node:assert";
import { TaskgateValidationError } from "../../provider/errors";
import { argsOnly, resolveHuawei, resolveTencent, type SettingsSources, tencentRateScope } from "../../provider/settings";

function sources(config: Record<string, string>, env: Record<string, string> = {}): SettingsSources {
    return { config: (k) => config[k], env };
}

describe("settings: args, then stack config, then environment", () => {
    it("takes each Tencent setting from the first place that has it", () => {
        const r = resolveTencent(
            { region: "ap-beijing" },
            sources(
                { "tencentcloud:secretId": "AKIDcfg", "tencentcloud:region": "ap-shanghai" },
                { TENCENTCLOUD_SECRET_ID: "AKIDenv", TENCENTCLOUD_SECRET_KEY: "skenv", TASKGATE_ENDPOINT: "http://127.0.0.1:4566" },
            ),
            true,
        );
        assert.equal(r.secretId, "AKIDcfg");
        assert.equal(r.secretKey, "skenv");
        assert.equal(r.region, "ap-beijing");
        assert.deepEqual(r.endpoint, { protocol: "http:", hostname: "127.0.0.1", port: 4566 });
    });

    it("names the argument, config key and environment variable of a missing credential", () => {
        assert.throws(
            () => resolveTencent({ secretId: "AKID" }, sources({}), false),
            /invalid secretKey: no Tencent Cloud SecretKey was given: set the `secretKey` argument, the `tencentcloud:secretKey` stack config or the TENCENTCLOUD_SECRET_KEY/,
        );
        assert.throws(() => resolveTencent({ secretId: "AKID", secretKey: "k" }, sources({}), true), /no Tencent Cloud region/);
        assert.doesNotThrow(() => resolveTencent({ secretId: "AKID", secretKey: "k" }, sources({}), false));
    });

    it("never renders a secret in an error", () => {
        assert.throws(
            () => resolveTencent({ secretId: "AKID", secretKey: "very secret\n" }, sources({}), false),
            (e: unknown) => {
                assert.ok(e instanceof TaskgateValidationError, `not a validation error: ${e}`);
                assert.doesNotMatch(e.message, /very secret/);
                assert.match(e.message, /whitespace or control characters/);
                return true;
            },
        );
    });

    it("rejects endpoints that are not base URLs", () => {
        for (const bad of ["127.0.0.1:4566", "ftp://x", "http://x/path", "http://u:p@x", "http://x?q=1"]) {
            assert.throws(() => resolveTencent({ secretId: "a", secretKey: "b", endpoint: bad }, sources({}), false), /invalid endpoint/, bad);
        }
    });

    it("resolves Huawei AK/SK or an IAM token, and requires a project id", () => {
        const aksk = resolveHuawei(
            {},
            sources({ "huaweicloud:accessKey": "AK", "huaweicloud:secretKey": "SK", "huaweicloud:projectId": "p1", "huaweicloud:region": "cn-north-4" }),
            "cph",
        );
        assert.deepEqual(aksk.auth, { kind: "aksk", accessKey: "AK", secretKey: "SK", securityToken: undefined });
        assert.equal(aksk.baseUrl, "https://cph.cn-north-4.myhuaweicloud.com");
        const token = resolveHuawei({ authToken: "tok", projectId: "p1", endpoint: "http://127.0.0.1:9" }, sources({}), "workspace");
        assert.deepEqual(token.auth, { kind: "token", authToken: "tok" });
        assert.equal(token.baseUrl, "http://127.0.0.1:9");
        assert.throws(() => resolveHuawei({ accessKey: "AK", secretKey: "SK", region: "cn-north-4" }, sources({}, {}), "cph"), /HW_PROJECT_ID/);
        assert.throws(() => resolveHuawei({ accessKey: "AK", projectId: "p" }, sources({}), "cph"), /SK to go with the AK/);
        assert.throws(() => resolveHuawei({ projectId: "p" }, sources({}), "cph"), /no Huawei Cloud credential was given.*HW_AUTH_TOKEN/);
        assert.throws(() => resolveHuawei({ accessKey: "AK", secretKey: "SK", projectId: "p" }, sources({}), "cph"), /region.*or the `endpoint` argument/);
    });
});

describe("settings: what a Tencent API's rate limit counts against", () => {
    const conn = (extra: Record<string, string>) => resolveTencent({ secretId: "AKIDscope", secretKey: "k", region: "ap-guangzhou", ...extra }, argsOnly, true);

    it("the key id and region; an endpoint that replaces the public one counts on its own", () => {
        assert.equal(tencentRateScope(conn({})), "AKIDscope|ap-guangzhou");
        assert.equal(tencentRateScope(conn({ endpoint: "http://127.0.0.1:4566" })), "AKIDscope|ap-guangzhou|http://127.0.0.1:4566");
        assert.notEqual(tencentRateScope(conn({ endpoint: "http://127.0.0.1:4566" })), tencentRateScope(conn({ endpoint: "http://127.0.0.1:4567" })));
        assert.equal(tencentRateScope(conn({ region: "ap-shanghai" })), "AKIDscope|ap-shanghai");
    });
});
