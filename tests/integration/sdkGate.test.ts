import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from "../../emulator/server";
import * as taskgate from "../../sdk";
import { resetPulumiRuntime, useRegistrationMocks } from "../fixtures/pulumiMocks";

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

describe("sdk: TaskGate and check()", function () {
    this.timeout(60_000);

    describe("TaskGate registration (setMocks)", () => {
        const registered = useRegistrationMocks("demo", { passed: true, summary: { total: 1 } });

        it("registers a dynamic resource with the serialized provider, its name and URN", async () => {
            const g = new taskgate.TaskGate("migration-gate", {
                source: { tatInvocationTasks: { invocationId: "inv-1vll7hda" } },
                require: { minSuccessRatio: 0.95 },
                wait: { timeoutSeconds: 900 },
            });
            assert.equal(await (g.passed as any).promise(), true, "declared output fields are wired (not clobbered by class fields)");
            const r = registered.find((x) => x.name === "migration-gate")!;
            assert.equal(r.type, "pulumi-nodejs:dynamic/taskgate:TaskGate");
            assert.equal(typeof r.inputs.__provider, "string");
            assert.ok(r.inputs.__provider.length < 4096);
            assert.equal(r.inputs.gateUrn, "urn:pulumi:dev::demo::pulumi-nodejs:dynamic/taskgate:TaskGate::migration-gate");
            assert.deepEqual(r.inputs.require, { minSuccessRatio: 0.95 });
        });

        it("stores explicit credentials as secrets and Dates as ISO strings", async () => {
            const g = new taskgate.TaskGate("ws-gate", {
                source: {
                    workspaceScriptTasks: { accessKey: "AK1", secretKey: "SK-PLAIN", projectId: "p", executeTimeStart: new Date("2021-01-01T00:00:00Z") },
                },
            });
            await (g.passed as any).promise();
            const source = registered.find((x) => x.name === "ws-gate")!.inputs.source;
            assert.equal(source[SIG_KEY], SECRET_SIG, "the whole source is a secret in state");
            assert.equal(source.value.workspaceScriptTasks.executeTimeStart, "2021-01-01T00:00:00.000Z");
        });

        it("keeps plain inputs plain when no credential is given", async () => {
            const g = new taskgate.TaskGate("plain-gate", { source: { cphJobs: { requestId: "r1" } }, triggers: ["v1"] });
            await (g.passed as any).promise();
            const r = registered.find((x) => x.name === "plain-gate")!;
            assert.deepEqual(r.inputs.source, { cphJobs: { requestId: "r1" } });
            assert.deepEqual(r.inputs.triggers, ["v1"]);
        });
    });

    describe("check(): the same rules on a data-source result", () => {
        let emu: Emulator;
        const args = () => ({
            secretId: EMULATOR_CREDENTIALS.tencent.secretId,
            secretKey: EMULATOR_CREDENTIALS.tencent.secretKey,
            region: "ap-guangzhou",
            endpoint: emu.url,
        });
        const huaweiArgs = () => ({
            accessKey: EMULATOR_CREDENTIALS.huawei.accessKey,
            secretKey: EMULATOR_CREDENTIALS.huawei.secretKey,
            projectId: EMULATOR_CREDENTIALS.huawei.projectId,
            endpoint: emu.url,
        });
        before(async () => {
            emu = await startEmulator({ port: 0 });
        });
        after(() => emu.close());

        it("returns when the requirements hold and throws the gate's error when not", async () => {
            const [g] = emu.generate({ api: "tat", count: 40, statusMix: { SUCCESS: 38, FAILED: 2 } });
            const r = await taskgate.tencentcloud.getTatInvocationTasks({ ...args(), invocationId: g.groups.invocationId });
            const verdict: taskgate.PassedVerdict = taskgate.check(r, { minSuccessRatio: 0.95, maxFailed: 2 });
            assert.deepEqual([verdict.passed, verdict.reasons], [true, []]);
            assert.deepEqual(
                [verdict.tally.unit, verdict.tally.total, verdict.tally.succeeded, verdict.tally.failed, verdict.tally.pending],
                ["tasks", 40, 38, 2, 0],
            );
            assert.throws(
                () => taskgate.check(r, { minSuccessRatio: 0.96, maxFailed: 2 }, "preview-check"),
                (e: unknown) =>
                    e instanceof taskgate.GateFailedError &&
                    /^taskgate: gate "preview-check" failed on TAT invocation tasks/.test(e.message) &&
                    /95\.0% of 40 tasks succeeded; at least 96\.0% required/.test(e.message),
            );
        });

        it("counts machines for Bare Metal results", async () => {
            emu.seed({ bm: [{ TaskId: "cmdtask-c1", Status: 0, InstanceCount: 4, SuccessCount: 3, FailureCount: 1 }] });
            const r = await taskgate.tencentcloud.getBmCmdTasks(args());
            assert.throws(() => taskgate.check(r, { minSuccessRatio: 0.8, maxFailed: 1 }), /75\.0% of 4 machines succeeded/);
        });

        it("does not pass a Workspace result while a task still runs (its desktops are in no count yet)", async () => {
            emu.seed({
                workspace: [
                    { id: "ws-done-1", status: "FINISH", success_num: 10, failed_num: 0, skip_num: 0 } as never,
                    { id: "ws-done-2", status: "FINISH", success_num: 10, failed_num: 0, skip_num: 0 } as never,
                    { id: "ws-running", status: "RUNNING", success_num: 4, failed_num: 0, skip_num: 0 } as never,
                ],
            });
            const h = EMULATOR_CREDENTIALS.huawei;
            const r = await taskgate.huaweicloud.getWorkspaceScriptTasks({
                accessKey: h.accessKey,
                secretKey: h.secretKey,
                projectId: h.projectId,
                endpoint: emu.url,
            });
            assert.equal(r.summary.done, false);
            assert.throws(
                () => taskgate.check(r, { minSucceeded: 1 }),
                (e: unknown) =>
                    e instanceof taskgate.GateFailedError &&
                    /not met: {2}1 desktop is still pending or running/.test(e.message) &&
                    /found: {4}25 desktops, 24 succeeded/.test(e.message),
            );
            assert.deepEqual(taskgate.check(r, { minSucceeded: 1, allDone: false }).tally.succeeded, 24);
        });

        it("refuses settings that cannot work with the source", async () => {
            emu.generate({ api: "mps", count: 3 });
            const r = await taskgate.tencentcloud.getMpsTasks(args());
            assert.throws(
                () => taskgate.check(r, { minSucceeded: 1 }),
                (e: unknown) => e instanceof taskgate.TaskgateValidationError && /MPS tasks report no outcome/.test(e.message),
            );
            assert.equal(taskgate.check(r, { allDone: true }).tally.noOutcome, 3);
            assert.throws(
                () => taskgate.check({ ...r, id: "other-1" }),
                (e: unknown) => e instanceof taskgate.TaskgateValidationError && e.field === "result.id" && /does not name a source/.test(e.message),
            );
        });

        it("fails an empty list under the default rules, naming the query in words; allowEmpty accepts it", async () => {
            emu.generate({ api: "tat", count: 5, invocationId: "inv-real0001" });
            const r = await taskgate.tencentcloud.getTatInvocationTasks({ ...args(), invocationId: "inv-typo0001" });
            assert.deepEqual(r.query, { filters: { invocationId: ["inv-typo0001"] }, hideOutput: true, region: "ap-guangzhou" });
            for (const require of [undefined, { maxFailed: 0 }, { allDone: false, maxFailed: 2 }]) {
                assert.throws(
                    () => taskgate.check(r, require),
                    (e: unknown) =>
                        e instanceof taskgate.GateFailedError &&
                        e.message.includes(
                            "not met:  no tasks matched the query (TAT invocation tasks with invocationId inv-typo0001 in ap-guangzhou): check the filters, or set allowEmpty to accept an empty list",
                        ),
                );
            }
            assert.equal(taskgate.check(r, { allowEmpty: true }).passed, true);
            const ws = await taskgate.huaweicloud.getWorkspaceScriptTasks({
                ...huaweiArgs(),
                region: "cn-north-4",
                desktopPoolId: "pool-typo",
                status: "SUCCESS",
            });
            assert.throws(
                () => taskgate.check(ws),
                (e: unknown) =>
                    e instanceof taskgate.GateFailedError &&
                    e.message.includes(
                        `no tasks matched the query (Workspace script execution tasks with desktopPoolId pool-typo and status SUCCESS in cn-north-4 (project ${EMULATOR_CREDENTIALS.huawei.projectId}))`,
                    ),
            );
        });

        it("fails a preview inside apply", async () => {
            await pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs }, "demo", "dev", true);
            try {
                emu.seed({ tat: [{ InvocationTaskId: "invt-prev0001", InvocationId: "inv-prev0001", TaskStatus: "FAILED" }] });
                const out = taskgate.tencentcloud
                    .getTatInvocationTasksOutput({ ...args(), invocationId: "inv-prev0001" })
                    .apply((r) => taskgate.check(r, { minSucceeded: 1 }));
                await assert.rejects((out as any).promise(), /gate failed on TAT invocation tasks/);
            } finally {
                resetPulumiRuntime();
            }
        });
    });
});
