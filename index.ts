/**
 * The taskgate demo stack (run it with `npm run demo`, which starts the emulator and the engine).
 *
 * 1. Reads all five task lists through the data sources and exports their summaries.
 * 2. Runs a migration on 200 hosts (an emulated TAT invocation finishing over ~6 s) and gates the
 *    `frontend` release on it: at least 95% of hosts succeeded, waiting for them to finish.
 * 3. With `demo:failingRollout` set, runs a second migration that fails on 20% of its hosts: its
 *    gate fails the update, and the `payments` release behind it is never created.
 * 4. With `demo:explicitCredentials`, a gate and a snapshot given their credential as a plain
 *    string: taskgate stores it as a secret.
 * 5. Keeps an audit record of the nightly job in the state (a TaskSnapshot): every task, its host,
 *    times, outcome and exit code, its output as a secret. `pulumi refresh` shows what changed.
 *
 * Credentials and the emulator's address come from the stack config: `tencentcloud:*`,
 * `huaweicloud:*` and `taskgate:endpoint`, as a real stack would configure them.
 */
import * as pulumi from "@pulumi/pulumi";
import { EmulatedInvocation, Release } from "./examples/demoResources";
import * as taskgate from "./sdk";

const demo = new pulumi.Config("demo");
const endpoint = new pulumi.Config("taskgate").require("endpoint");

// 1. The five data sources.
const tat = taskgate.tencentcloud.getTatInvocationTasksOutput({ commandId: "cmd-nightly1" });
const mps = taskgate.tencentcloud.getMpsTasksOutput({});
const bm = taskgate.tencentcloud.getBmCmdTasksOutput({ orderBy: "runBeginTime" });
const bmLegacy = taskgate.tencentcloud.getBmCmdTasksOutput({ api: "legacy" });
const cph = taskgate.huaweicloud.getCphJobsOutput({ requestId: demo.require("cphRequestId") });
const workspace = taskgate.huaweicloud.getWorkspaceScriptTasksOutput({ desktopPoolId: demo.require("desktopPoolId") });

export const summaries = {
    tatNightlyJob: tat.summary,
    mpsTasks: mps.summary,
    bareMetalTasks: bm.summary,
    bareMetalLegacy: bmLegacy.summary,
    cloudPhoneJobs: cph.summary,
    workspaceScripts: workspace.summary,
};

// 2. A migration, gated: the release waits for 95% of its hosts.
const migration = new EmulatedInvocation("schema-migration", { endpoint, hosts: 200, successRatio: 0.99, finishOverSeconds: 6 });

// Unknown until the migration exists: during the first preview this read is skipped, not sent.
export const migrationTasks = taskgate.tencentcloud.getTatInvocationTasksOutput({ invocationId: migration.invocationId }).totalCount;

const migrationGate = new taskgate.TaskGate("migration-gate", {
    source: { tatInvocationTasks: { invocationId: migration.invocationId } },
    require: { minSuccessRatio: 0.95, maxFailed: 5 },
    wait: { timeoutSeconds: 120, pollIntervalSeconds: 1 },
});
const frontend = new Release("frontend", { component: "frontend", version: "2026.11.23" }, { dependsOn: [migrationGate] });

export const gate = { passed: migrationGate.passed, summary: migrationGate.summary, waitedSeconds: migrationGate.waitedSeconds };
export const frontendReleasedAt = frontend.releasedAt;

// 3. A rollout that goes wrong: its gate fails, and the payments release is never created.
if (demo.getBoolean("failingRollout")) {
    const badMigration = new EmulatedInvocation("payments-migration", { endpoint, hosts: 50, successRatio: 0.8, finishOverSeconds: 3 });
    const paymentsGate = new taskgate.TaskGate("payments-gate", {
        source: { tatInvocationTasks: { invocationId: badMigration.invocationId } },
        require: { minSuccessRatio: 0.95 },
        wait: { timeoutSeconds: 60, pollIntervalSeconds: 1 },
    });
    new Release("payments", { component: "payments", version: "2026.11.23" }, { dependsOn: [paymentsGate] });
}

// 4. With `demo:explicitCredentials`, a gate and a snapshot given their credential as a plain-string
//    argument (read from config here): taskgate stores it as a secret, never in plain text.
if (demo.getBoolean("explicitCredentials")) {
    const tencent = new pulumi.Config("tencentcloud");
    new taskgate.TaskGate("audit-gate", {
        source: { tatInvocationTasks: { commandId: "cmd-nightly1", secretId: tencent.require("secretId"), secretKey: tencent.require("secretKey") } },
        require: { minSuccessRatio: 0.9, maxFailed: 5 },
    });
    new taskgate.TaskSnapshot("audit-snapshot", {
        source: { tatInvocationTasks: { commandId: "cmd-nightly1", secretId: tencent.require("secretId"), secretKey: tencent.require("secretKey") } },
        maxTasks: 10,
    });
}

// 5. An audit record of the nightly job, kept in the state: counts of every task, and each failing
//    one (which host, when, how it ended; output as a secret) by default, with a digest of the whole
//    list (`recordTasks: "all"` keeps every task). `pulumi refresh --diff` shows what changed since.
const nightlyAudit = new taskgate.TaskSnapshot("nightly-audit", {
    source: { tatInvocationTasks: { commandId: "cmd-nightly1" } },
    includeOutput: true,
    maxTasks: demo.getNumber("auditMaxTasks"),
});
export const audit = {
    summary: nightlyAudit.summary,
    notSucceeded: nightlyAudit.tasks.apply((tasks) =>
        Object.entries(tasks)
            .filter(([, t]) => t.state !== "SUCCEEDED")
            .map(([id, t]) => `${id} on ${t.target}: ${t.state} (exit ${t.exitCode ?? "-"})`)
            .sort(),
    ),
};
