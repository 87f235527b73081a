import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findPulumi } from "../../cli/stackConfig";
import { EMULATOR_CREDENTIALS } from "../../emulator/server";
import { cleanEnv, requireBuild, runCli, SECRETS, useEmulator } from "./helpers";

/**
 * `--stack NAME`: credentials, region and endpoint from a real Pulumi stack's config, read through
 * the real Pulumi CLI (.ci/run builds it before `npm test`) from a throwaway stack on a file backend.
 */
describe("cli: --stack reads a Pulumi stack's config", function () {
    this.timeout(180_000);
    requireBuild();
    const t = EMULATOR_CREDENTIALS.tencent;
    /** A key pair only the stack holds (the emulator accepts it beside its own). */
    const stackOnlyKey = { secretId: "AKIDTASKGATESTACKONLY000000000000000", secretKey: "stackOnlySecretKeyNeverPrinted0000" };
    const ctx = useEmulator({ credentials: { tencent: [{ secretId: t.secretId, secretKey: t.secretKey }, stackOnlyKey] } });
    const pulumi = findPulumi(process.env);
    let dir: string;
    let project: string;
    let env: Record<string, string | undefined>;

    before(() => {
        // .ci/run installs the engine before the tests; a missing engine is a failure, never a skip.
        if (!pulumi) assert.fail("the Pulumi CLI was not found: run `bash scripts/install-pulumi.sh` (npm test runs it first)");
        SECRETS.push(stackOnlyKey.secretKey);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-cli-stack-"));
        project = path.join(dir, "project");
        fs.mkdirSync(project);
        fs.mkdirSync(path.join(dir, "state"));
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: taskgate-cli-test\nruntime: nodejs\n");
        env = cleanEnv({
            PATH: `${path.dirname(pulumi!)}${path.delimiter}${process.env.PATH}`,
            PULUMI_HOME: path.join(dir, "home"),
            PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: "taskgate-cli-test",
            PULUMI_SKIP_UPDATE_CHECK: "true",
        });
        const p = (...args: string[]) => execFileSync(pulumi!, args, { cwd: project, env: env as NodeJS.ProcessEnv, stdio: "pipe" });
        p("stack", "init", "dev");
        const h = EMULATOR_CREDENTIALS.huawei;
        for (const [key, value, secret] of [
            ["tencentcloud:secretId", stackOnlyKey.secretId, false],
            ["tencentcloud:secretKey", stackOnlyKey.secretKey, true],
            ["tencentcloud:region", "ap-guangzhou", false],
            ["taskgate:endpoint", ctx.emu.url, false],
            ["huaweicloud:accessKey", h.accessKey, false],
            ["huaweicloud:secretKey", h.secretKey, true],
            ["huaweicloud:projectId", h.projectId, false],
        ] as const) {
            p("config", "set", secret ? "--secret" : "--plaintext", key, value);
        }
        // The secret is stored encrypted: what --stack reads is decrypted by Pulumi itself.
        assert.ok(!fs.readFileSync(path.join(project, "Pulumi.dev.yaml"), "utf8").includes(stackOnlyKey.secretKey));
    });
    after(() => {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
        SECRETS.splice(SECRETS.indexOf(stackOnlyKey.secretKey), 1);
    });
    beforeEach(() => {
        ctx.emu.seed({ tat: [{ InvocationTaskId: "invt-stack001", InvocationId: "inv-stack001", TaskStatus: "SUCCESS" }] as never });
    });

    it("reads the credentials, region and endpoint from the stack, with nothing in the environment", async () => {
        const r = await runCli(["list", "tat", "--invocation-id", "inv-stack001", "--stack", "dev", "--cwd", project, "-o", "json", "-q"], { env });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(
            JSON.parse(r.stdout).tasks.map((t: { invocationTaskId: string }) => t.invocationTaskId),
            ["invt-stack001"],
        );
        // Signed with the key pair only the stack holds: its secret half was decrypted by Pulumi.
        assert.equal(ctx.emu.requests({ api: "tat" })[0].credential, stackOnlyKey.secretId);
    });

    it("reads Huawei Cloud settings too", async () => {
        ctx.emu.seed({ cph: [{ job_id: "job-stack01", request_id: "6837531fd3f54550927b930180a706bf", status: 2 }] as never });
        const r = await runCli(["summary", "cph", "--request-id", "6837531fd3f54550927b930180a706bf", "--stack", "dev", "--cwd", project, "-o", "json", "-q"], {
            env,
        });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).summary.succeeded, 1);
        assert.equal(ctx.emu.requests({ api: "cph" })[0].credential, EMULATOR_CREDENTIALS.huawei.accessKey);
    });

    it("the stack's config wins over the environment, and options win over the stack", async () => {
        const t = EMULATOR_CREDENTIALS.tencent;
        const withEnv = { ...env, TENCENTCLOUD_SECRET_ID: t.secretId, TENCENTCLOUD_SECRET_KEY: t.secretKey, TASKGATE_ENDPOINT: "http://127.0.0.1:9" };
        const r = await runCli(["list", "tat", "--invocation-id", "inv-stack001", "--stack", "dev", "--cwd", project, "-q"], { env: withEnv });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(ctx.emu.requests({ api: "tat" })[0].credential, stackOnlyKey.secretId);
        // --endpoint beats taskgate:endpoint: this one refuses connections, and the error names it. The
        // deadline leaves room for every attempt, however busy the machine: with `--timeout 1` a starved
        // process passed its deadline before the first attempt, and the error had no endpoint to name.
        const o = await runCli(["list", "tat", "--stack", "dev", "--cwd", project, "--endpoint", "http://127.0.0.1:9", "--timeout", "120", "-q"], { env });
        assert.equal(o.code, 2);
        assert.match(o.stderr, /request to http:\/\/tat\.tencentcloudapi\.com:9\/ failed/);
    });

    it("--cwd is taken relative to the current folder", async () => {
        const r = await runCli(["list", "tat", "--invocation-id", "inv-stack001", "--stack", "dev", "--cwd", "project", "-q"], { env, cwd: dir });
        assert.equal(r.code, 0, r.stderr);
    });

    it("a stack that does not exist is an error with Pulumi's own words, exit 2", async () => {
        const r = await runCli(["list", "tat", "--stack", "nope", "--cwd", project], { env });
        assert.equal(r.code, 2);
        assert.equal(r.stderr.trimEnd(), `taskgate: could not read the config of stack "nope" (${pulumi} config, in ${project}): no stack named 'nope' found`);
        const wrongPassphrase = await runCli(["list", "tat", "--stack", "dev", "--cwd", project], { env: { ...env, PULUMI_CONFIG_PASSPHRASE: "wrong" } });
        assert.equal(wrongPassphrase.code, 2);
        assert.match(wrongPassphrase.stderr, /^taskgate: could not read the config of stack "dev" .*: incorrect passphrase$/m);
        assert.equal(ctx.emu.requests().length, 0);
    });

    it("without a Pulumi CLI, --stack says where it looked and how to get one", async () => {
        const nowhere = path.join(dir, "empty-home");
        const r = await runCli(["list", "tat", "--stack", "dev", "--cwd", project], {
            env: { ...env, PATH: "", HOME: nowhere, TASKGATE_PULUMI_BIN: undefined },
        });
        assert.equal(r.code, 2);
        assert.equal(
            r.stderr.trimEnd(),
            "taskgate: --stack needs the Pulumi CLI, which was not found (looked on PATH, in TASKGATE_PULUMI_BIN and in " +
                `${path.join(nowhere, ".cache/taskgate/pulumi-3.276.0/bin/pulumi")}); install Pulumi, or run \`bash scripts/install-pulumi.sh\` in a taskgate checkout`,
        );
    });
});
