import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EMULATOR_CREDENTIALS, type Emulator } from "../../emulator/server";
import { gateFailureMessage } from "../../scripts/demoStack";
import { openOfflineStack, type OfflineStack } from "../../scripts/offlineStack";
import * as taskgate from "../../sdk";
import { GATE_SCENARIOS } from "./programs/gateScenarios";
import { packedPlugin } from "./pluginTarball";

/*
 * The plugin under the real engine, from another language: Pulumi YAML programs (run by the YAML
 * language host built from github.com/pulumi/pulumi-yaml) on `pulumi-resource-taskgate` installed
 * as a user of the official CLI installs it, from its tarball with `pulumi plugin install`. The
 * first suite runs programs/yamlGates step by step (the steps build on each other); the second
 * judges the gate scenarios of programs/gateScenarios.ts through the dynamic TaskGate and through
 * the plugin, and compares.
 */
const UP = ["up", "--yes", "--skip-preview"];
const c = EMULATOR_CREDENTIALS;

type Res = { urn: string; id?: string; type: string; initErrors?: string[]; inputs?: Record<string, any>; outputs?: Record<string, any> };

const resources = (s: OfflineStack): Res[] => JSON.parse(s.cli(["stack", "export"])).deployment.resources ?? [];
const named = (s: OfflineStack, name: string) => resources(s).find((r) => r.urn.endsWith(`::${name}`));

/** The plugin's own provider config, as a user sets it: `pulumi config set --path [--secret] taskgate:tencentcloud.secretKey ...`. */
const PROVIDER_CONFIG = {
    "taskgate:tencentcloud.secretId": { value: c.tencent.secretId },
    "taskgate:tencentcloud.secretKey": { value: c.tencent.secretKey, secret: true },
    "taskgate:tencentcloud.region": { value: "ap-guangzhou" },
    "taskgate:huaweicloud.accessKey": { value: c.huawei.accessKey },
    "taskgate:huaweicloud.secretKey": { value: c.huawei.secretKey, secret: true },
    "taskgate:huaweicloud.projectId": { value: c.huawei.projectId },
    "taskgate:huaweicloud.region": { value: "cn-north-4" },
};

/** Opens a stack of a YAML project with the packed plugin installed into its PULUMI_HOME and the provider config set. */
async function openYamlStack(
    workDir: string,
    stackName: string,
    seed: (emu: Emulator) => void,
    config: Record<string, { value: string; secret?: boolean }> = {},
) {
    const plugin = packedPlugin();
    const s = await openOfflineStack({
        workDir,
        stackName,
        seed,
        engine: { yaml: true },
        plugins: [{ kind: "resource", name: "taskgate", version: plugin.version, file: plugin.tarball }],
    });
    await s.stack.setAllConfig(PROVIDER_CONFIG, true);
    await s.stack.setAllConfig(config);
    return s;
}

describe("end to end: the taskgate plugin from a Pulumi YAML program", function () {
    this.timeout(900_000);
    const workDir = path.join(__dirname, "programs/yamlGates");
    const project = "taskgate-yaml-gates";
    let s: OfflineStack;
    let failingIds: string[];

    before(async () => {
        s = await openYamlStack(
            workDir,
            `yaml${process.pid}`,
            (emu) => {
                emu.generate([
                    { api: "tat", count: 20, seed: "yaml-ok", invocationId: "inv-yaml0001", finishOverMs: 3000, finalStatusMix: { SUCCESS: 1 } },
                    { api: "mps", count: 6, seed: "yaml", statusMix: { FINISH: 5, PROCESSING: 1 } },
                    { api: "bm", count: 4, seed: "yaml", statusMix: { SUCCESS: 3, FAILED: 1 } },
                    { api: "cph", count: 5, seed: "yaml", requestId: "6837531fd3f54550927b930180a706bf", statusMix: { SUCCESS: 5 } },
                    { api: "workspace", count: 3, seed: "yaml", desktopPoolId: "pool-yaml0001", statusMix: { FINISH: 3 } },
                ]);
                failingIds = emu.generate({ api: "tat", count: 3, seed: "yaml-bad", invocationId: "inv-yaml0002", statusMix: { SUCCESS: 2, FAILED: 1 } })[0]
                    .ids;
            },
            Object.fromEntries(
                Object.entries({
                    invocationId: "inv-yaml0001",
                    failingInvocationId: "inv-yaml0002",
                    cphRequestId: "6837531fd3f54550927b930180a706bf",
                    desktopPoolId: "pool-yaml0001",
                    tencentSecretId: c.tencent.secretId,
                }).map(([k, value]) => [`${project}:${k}`, { value }]),
            ),
        );
        await s.stack.setConfig(`${project}:tencentSecretKey`, { value: c.tencent.secretKey, secret: true });
        await s.stack.setConfig(`${project}:endpoint`, { value: s.emu.url });
    });
    after(async () => {
        await s?.close();
    });

    it("up: the passing gate waits and passes, the failing gate fails the update with its reason and the snapshot behind it is not created", async () => {
        const up = await s.run(UP);
        assert.notEqual(up.code, 0, up.stdout);
        assert.match(up.stdout, /taskgate: gate "migrationGate": 20\/20 tasks done, 20 succeeded, 0 failed, .*: passed/);
        const message = gateFailureMessage(up.stdout, "paymentsGate");
        assert.ok(message, `no failure message for paymentsGate in:\n${up.stdout}`);
        assert.match(message.join("\n"), /1 task failed, timed out or was cancelled; at most 0 allowed/);

        assert.equal(named(s, "migrationGate")!.outputs!.passed, true);
        assert.equal(named(s, "migrationGate")!.type, "taskgate:index:TaskGate");
        const payments = named(s, "paymentsGate")!;
        assert.ok(payments.initErrors?.length, "the failed gate is kept with initialization errors, so the next up judges it again");
        assert.equal(payments.outputs!.passed, false);
        assert.equal(named(s, "paymentsRelease"), undefined, "nothing behind a failed gate is created");
        const audit = named(s, "audit")!.outputs!;
        assert.deepEqual(
            [audit.taskCount, audit.recordTasks, audit.truncated, Object.keys(audit.tasks).length],
            [20, "all", true, 10],
            "20 tasks read, 10 recorded (recordTasks: all, maxTasks)",
        );
    });

    it("the credentials set as secrets (stack config and the explicit provider's inputs) appear nowhere in plain text in the state", () => {
        const state = s.backendFiles();
        for (const secret of [c.tencent.secretKey, c.huawei.secretKey]) assert.ok(!state.includes(secret), "a secret key in plain text in the state");
        const explicit = resources(s).find((r) => r.type === "pulumi:providers:taskgate")!;
        assert.ok(explicit, "the explicit provider is in the state");
        assert.equal(JSON.stringify(explicit.inputs).includes(c.tencent.secretKey), false);
    });

    it("`pulumi refresh` after the tasks are fixed shows the failed gate passed; the next up creates what it held back; the functions read what the in-process functions read", async () => {
        s.emu.mutate({ api: "tat", op: "update", ids: failingIds, patch: { TaskStatus: "SUCCESS" } });
        const refresh = await s.run(["refresh", "--yes", "--diff"]);
        assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
        assert.match(refresh.stdout, /~ passed *: false => true/);

        const up = await s.run(UP);
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.equal(named(s, "paymentsRelease")!.outputs!.taskCount, 3);
        const outputs = JSON.parse(s.cli(["stack", "output", "--json", "--show-secrets"]));
        assert.deepEqual([outputs.migrationPassed, outputs.paymentsPassed, outputs.releaseTaskCount, outputs.auditTaskCount], [true, true, 3, 20]);
        assert.equal(outputs.explicitTatTotal, 20);
        assert.match(outputs.firstTatTask, /^invt-/);

        const tencent = { endpoint: s.emu.url, secretId: c.tencent.secretId, secretKey: c.tencent.secretKey, region: "ap-guangzhou" };
        const huawei = {
            endpoint: s.emu.url,
            accessKey: c.huawei.accessKey,
            secretKey: c.huawei.secretKey,
            projectId: c.huawei.projectId,
            region: "cn-north-4",
        };
        const inProcess = {
            tatSummary: (await taskgate.tencentcloud.getTatInvocationTasks({ invocationId: "inv-yaml0001", ...tencent })).summary,
            mpsSummary: (await taskgate.tencentcloud.getMpsTasks({ ...tencent })).summary,
            bmSummary: (await taskgate.tencentcloud.getBmCmdTasks({ orderBy: "runBeginTime", ...tencent })).summary,
            cphSummary: (await taskgate.huaweicloud.getCphJobs({ requestId: "6837531fd3f54550927b930180a706bf", ...huawei })).summary,
            workspaceSummary: (await taskgate.huaweicloud.getWorkspaceScriptTasks({ desktopPoolId: "pool-yaml0001", ...huawei })).summary,
        };
        for (const [key, summary] of Object.entries(inProcess)) assert.deepEqual(outputs[key], summary, key);
        assert.deepEqual([inProcess.mpsSummary.total, inProcess.bmSummary.failed, inProcess.cphSummary.succeeded], [6, 1, 5], "the lists the test seeded");
    });

    it("`pulumi refresh --diff` of a snapshot through the plugin names the task that changed, not every task recorded", async () => {
        const recorded = Object.keys(named(s, "audit")!.outputs!.tasks);
        assert.equal(recorded.length, 10);
        const changed = recorded[recorded.length - 1];
        s.emu.mutate({ api: "tat", op: "update", ids: [changed], patch: { TaskStatus: "FAILED" } });
        const refresh = await s.run(["refresh", "--yes", "--diff"]);
        assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
        // The snapshot's entry: from its header to the next resource's (or the summary).
        const rest = refresh.stdout.slice(refresh.stdout.indexOf("taskgate:index:TaskSnapshot: (update)"));
        const end = rest.search(/\n {4}[~+-] [\w-]+:[\w-]+:\w+|\nResources:/);
        const block = end < 0 ? rest : rest.slice(0, end);
        assert.ok(block.includes(`["${changed}"]`) || block.includes(changed), `the changed task in:\n${refresh.stdout}`);
        const taskLines = block.split("\n").filter((l) => /invt-/.test(l));
        // Failing tasks are recorded first, so the task that failed stays and the last one recorded before may leave: both are changes.
        const after = Object.keys(named(s, "audit")!.outputs!.tasks);
        const unchanged = recorded.filter((id) => id !== changed && after.includes(id));
        assert.equal(unchanged.length >= 8, true, `${unchanged.length} recorded tasks unchanged`);
        assert.deepEqual(
            unchanged.filter((id) => block.includes(id)),
            [],
            `the unchanged recorded tasks are not printed:\n${block}`,
        );
        assert.ok(taskLines.length <= 3, `${taskLines.length} lines name a task:\n${block}`);
    });

    it("`pulumi destroy` removes every resource", async () => {
        const destroy = await s.run(["destroy", "--yes"]);
        assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
        assert.deepEqual(
            resources(s).filter((r) => !r.type.startsWith("pulumi:pulumi:")),
            [],
        );
    });
});

describe("end to end: the dynamic TaskGate and the plugin's TaskGate judge alike", function () {
    this.timeout(900_000);
    const seed = (emu: Emulator) => emu.generate(GATE_SCENARIOS.flatMap((g) => g.seed ?? []));
    const stacks: OfflineStack[] = [];
    let yamlDir: string;

    before(() => {
        yamlDir = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-yaml-parity-"));
        fs.writeFileSync(path.join(yamlDir, "Pulumi.yaml"), yamlGateProgram());
    });
    after(async () => {
        for (const s of stacks) await s.close();
        fs.rmSync(yamlDir, { recursive: true, force: true });
    });

    it(`${GATE_SCENARIOS.length} scenarios over the five sources: the same verdicts, reasons, counts and failure messages`, async () => {
        const dynamic = await openOfflineStack({ workDir: path.join(__dirname, "programs/gateParity"), stackName: `parityts${process.pid}`, seed });
        stacks.push(dynamic);
        const plugin = await openYamlStack(yamlDir, `parityyaml${process.pid}`, seed);
        stacks.push(plugin);
        const args = [...UP, "--continue-on-error"];
        const [ts, yaml] = await Promise.all([dynamic.run(args), plugin.run(args)]);

        const failing = GATE_SCENARIOS.filter((g) => named(dynamic, g.name)?.outputs?.passed === false);
        assert.ok(
            failing.length >= 4 && failing.length < GATE_SCENARIOS.length,
            `${failing.length} scenarios fail: both outcomes are compared\n${ts.stdout}\n${ts.stderr}`,
        );
        for (const r of [ts, yaml]) assert.notEqual(r.code, 0, "an up with a failed gate fails");
        for (const g of GATE_SCENARIOS) {
            const [a, b] = [named(dynamic, g.name), named(plugin, g.name)];
            assert.ok(a?.outputs && b?.outputs, `${g.name}: judged by both`);
            assert.equal(b.type, "taskgate:index:TaskGate");
            assert.equal(b.outputs.passed, a.outputs.passed, `${g.name}: the verdict`);
            assert.equal(Boolean(b.initErrors?.length), Boolean(a.initErrors?.length), `${g.name}: a failure is an initialization error in both`);
            if (g.timed) continue;
            const judged = (o: Record<string, any>) => ({
                summary: o.summary,
                reasons: o.reasons,
                failedTaskCount: o.failedTaskCount,
                failedTasks: o.failedTasks,
                tolerated: o.tolerated,
            });
            assert.deepEqual(judged(b.outputs), judged(a.outputs), `${g.name}: what was judged`);
            assert.deepEqual(gateFailureMessage(yaml.stdout, g.name), gateFailureMessage(ts.stdout, g.name), `${g.name}: the message a person reads`);
        }
        // The expectations went through the plugin's schema as lists and times, and judged as they should.
        const out = (name: string) => named(plugin, name)!.outputs!;
        assert.match(out("tat-fleet-missing-host").reasons.join("\n"), /never got a task \(ins-parity03\)/);
        assert.deepEqual([out("tat-known-bad-tolerated").passed, out("tat-known-bad-tolerated").tolerated.length], [true, 1]);
        assert.deepEqual(
            [out("tat-last-week-ignored").passed, out("tat-last-week-ignored").summary.failed],
            [true, 2],
            "last week's 2 failures read, not judged",
        );
    });
});

/** The gate scenarios as a Pulumi YAML program (JSON is YAML). */
function yamlGateProgram(): string {
    const resources = Object.fromEntries(
        GATE_SCENARIOS.map((g) => [g.name, { type: "taskgate:index:TaskGate", properties: { source: g.source, require: g.require, wait: g.wait } }]),
    );
    return `${JSON.stringify({ name: "taskgate-gate-parity-yaml", runtime: "yaml", resources }, null, 2)}\n`;
}
