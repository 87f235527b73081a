import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { clientEnv, EMULATOR_CREDENTIALS, startEmulator, type Emulator } from "../../emulator/server";
import * as taskgate from "../../sdk";
import { resetPulumiRuntime } from "../fixtures/pulumiMocks";
import { assertExactlyOnce } from "./helpers";

/** Reads an Output's value, known-ness and secret-ness, as a Pulumi program would see them. */
async function inspect<T>(o: pulumi.Output<T>): Promise<{ known: boolean; secret: boolean; value: T | undefined }> {
    const internal = o as unknown as { isKnown: Promise<boolean>; isSecret: Promise<boolean>; promise(): Promise<T> };
    return { known: await internal.isKnown, secret: await internal.isSecret, value: await internal.promise() };
}

class Thing extends pulumi.CustomResource {
    constructor(name: string) {
        super("test:index:Thing", name, {});
    }
}

const TENCENT_ENV = [
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_SECURITY_TOKEN",
    "TENCENTCLOUD_REGION",
    "HW_ACCESS_KEY",
    "HW_SECRET_KEY",
    "HW_SECURITY_TOKEN",
    "HW_AUTH_TOKEN",
    "HW_PROJECT_ID",
    "HW_REGION_NAME",
    "TASKGATE_ENDPOINT",
];

describe("sdk: the public functions, from plain Node.js and inside a Pulumi program", function () {
    this.timeout(60_000);
    let emu: Emulator;
    const savedEnv: Record<string, string | undefined> = {};
    const temp = {
        tencent: { secretId: "AKIDTEMPORARY000000000000000000000", secretKey: "temporarySecretKey0000000000000000", token: "tmp-token-0001" },
        huawei: { accessKey: "HWTEMPORARYAK0000000", secretKey: "temporaryHuaweiSk000000000", securityToken: "hw-sts-token-0001" },
    };

    before(async () => {
        for (const k of TENCENT_ENV) savedEnv[k] = process.env[k];
        const c = EMULATOR_CREDENTIALS;
        emu = await startEmulator({
            port: 0,
            credentials: {
                tencent: [{ secretId: c.tencent.secretId, secretKey: c.tencent.secretKey }, temp.tencent],
                huawei: [{ accessKey: c.huawei.accessKey, secretKey: c.huawei.secretKey }, temp.huawei],
                huaweiTokens: [{ token: c.huawei.authToken, projectId: c.huawei.projectId }],
            },
        });
    });
    beforeEach(() => {
        emu.reset(["data", "stats", "faults"]);
        for (const k of TENCENT_ENV) delete process.env[k];
        pulumi.runtime.setAllConfig({});
    });
    after(async () => {
        for (const k of TENCENT_ENV)
            if (savedEnv[k] === undefined) delete process.env[k];
            else process.env[k] = savedEnv[k];
        pulumi.runtime.setAllConfig({});
        resetPulumiRuntime();
        await emu.close();
    });

    it("reads all five sources with credentials from the environment only", async () => {
        Object.assign(process.env, clientEnv(emu.url));
        const [tat, mps, bm, cph, ws] = emu.generate([
            { api: "tat", count: 120 },
            { api: "mps", count: 15 },
            { api: "bm", count: 7 },
            { api: "cph", count: 130 },
            { api: "workspace", count: 11 },
        ]);
        assertExactlyOnce(
            (await taskgate.tencentcloud.getTatInvocationTasks()).tasks.map((t) => t.invocationTaskId),
            tat.ids,
        );
        assertExactlyOnce(
            (await taskgate.tencentcloud.getMpsTasks()).tasks.map((t) => t.taskId),
            mps.ids,
        );
        assertExactlyOnce(
            (await taskgate.tencentcloud.getBmCmdTasks()).tasks.map((t) => t.taskId),
            bm.ids,
        );
        assertExactlyOnce(
            (await taskgate.tencentcloud.getBmCmdTasks({ api: "legacy" })).tasks.map((t) => t.taskId),
            bm.ids,
        );
        assertExactlyOnce(
            (await taskgate.huaweicloud.getCphJobs({ requestId: cph.groups.requestId })).tasks.map((t) => t.jobId),
            cph.ids,
        );
        assertExactlyOnce(
            (await taskgate.huaweicloud.getWorkspaceScriptTasks()).tasks.map((t) => t.id),
            ws.ids,
        );
    });

    it("prefers the stack config (clouds' own namespaces) over the environment", async () => {
        Object.assign(process.env, { TENCENTCLOUD_SECRET_ID: "AKIDwrong", TENCENTCLOUD_SECRET_KEY: "wrong", TASKGATE_ENDPOINT: "http://127.0.0.1:1" });
        pulumi.runtime.setAllConfig({
            "tencentcloud:secretId": EMULATOR_CREDENTIALS.tencent.secretId,
            "tencentcloud:secretKey": EMULATOR_CREDENTIALS.tencent.secretKey,
            "tencentcloud:region": "ap-beijing",
            "taskgate:endpoint": emu.url,
        });
        emu.generate({ api: "tat", count: 3 });
        const r = await taskgate.tencentcloud.getTatInvocationTasks();
        assert.equal(r.tasks.length, 3);
        assert.equal(emu.requests({ api: "tat" })[0].credential, EMULATOR_CREDENTIALS.tencent.secretId);
    });

    it("signs with temporary credentials (X-TC-Token, X-Security-Token)", async () => {
        const [tat, cph] = emu.generate([
            { api: "tat", count: 2 },
            { api: "cph", count: 2 },
        ]);
        const t = await taskgate.tencentcloud.getTatInvocationTasks({
            ...temp.tencent,
            securityToken: temp.tencent.token,
            token: undefined,
            region: "ap-guangzhou",
            endpoint: emu.url,
        } as never);
        assertExactlyOnce(
            t.tasks.map((x) => x.invocationTaskId),
            tat.ids,
        );
        const h = await taskgate.huaweicloud.getCphJobs({
            ...temp.huawei,
            projectId: EMULATOR_CREDENTIALS.huawei.projectId,
            endpoint: emu.url,
            requestId: cph.groups.requestId,
        });
        assertExactlyOnce(
            h.tasks.map((x) => x.jobId),
            cph.ids,
        );
        await assert.rejects(
            taskgate.tencentcloud.getTatInvocationTasks({
                secretId: temp.tencent.secretId,
                secretKey: temp.tencent.secretKey,
                region: "ap-guangzhou",
                endpoint: emu.url,
            }),
            (e: unknown) => e instanceof taskgate.TaskgateCloudError && e.cloudCode === "AuthFailure.TokenFailure",
        );
    });

    describe("getXOutput inside a Pulumi program (setMocks)", () => {
        function useMocks(preview: boolean) {
            before(() =>
                pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "proj", "stack", preview),
            );
            after(() => resetPulumiRuntime());
        }

        describe("during up", () => {
            useMocks(false);
            it("reads with Input args, keeping a secret credential's result secret", async () => {
                const [g] = emu.generate({ api: "tat", count: 30, invocationId: "inv-mocks001" });
                const out = taskgate.tencentcloud.getTatInvocationTasksOutput({
                    secretId: EMULATOR_CREDENTIALS.tencent.secretId,
                    secretKey: pulumi.secret(EMULATOR_CREDENTIALS.tencent.secretKey),
                    region: pulumi.output("ap-guangzhou"),
                    endpoint: emu.url,
                    invocationId: pulumi.output("inv-mocks001"),
                });
                const r = await inspect(out);
                assert.equal(r.known, true);
                assert.equal(r.secret, true, "a secret input makes the result secret");
                assertExactlyOnce(
                    r.value!.tasks.map((t) => t.invocationTaskId),
                    g.ids,
                );
            });

            it("passes Dates through Inputs and waits for dependsOn", async () => {
                emu.seed({ workspace: [{ id: "w-1", status: "FINISH", start_time: "2021-10-02T10:00:00Z" } as never] });
                let resolved = false;
                const dep = new Thing("dep");
                void dep.id.apply(() => {
                    resolved = true;
                });
                const out = taskgate.huaweicloud.getWorkspaceScriptTasksOutput(
                    {
                        accessKey: EMULATOR_CREDENTIALS.huawei.accessKey,
                        secretKey: EMULATOR_CREDENTIALS.huawei.secretKey,
                        projectId: EMULATOR_CREDENTIALS.huawei.projectId,
                        endpoint: emu.url,
                        executeTimeStart: new Date("2021-10-01T00:00:00Z"),
                        executeTimeEnd: pulumi.output("2021-10-03T00:00:00+08:00"),
                    },
                    { dependsOn: dep },
                );
                const r = await inspect(out);
                assert.ok(resolved);
                assert.deepEqual(
                    r.value!.tasks.map((t) => t.id),
                    ["w-1"],
                );
                assert.equal(emu.requests({ api: "workspace" })[0].params.execute_time_start, "2021-10-01T00:00:00Z");
                assert.equal(emu.requests({ api: "workspace" })[0].params.execute_time_end, "2021-10-02T16:00:00Z");
            });

            it("rejects bad args with the validation error", async () => {
                const out = taskgate.tencentcloud.getMpsTasksOutput({ status: pulumi.output("DONE" as never), endpoint: emu.url });
                await assert.rejects(
                    (out as unknown as { promise(): Promise<unknown> }).promise(),
                    /invalid status \("DONE"\): must be one of WAITING, PROCESSING, FINISH/,
                );
            });
        });

        describe("during preview", () => {
            useMocks(true);
            it("passes an unknown input through as an unknown result, calling nothing", async () => {
                emu.generate({ api: "cph", count: 3 });
                const unknownRequestId = pulumi.output(pulumi.unknown) as unknown as pulumi.Output<string>;
                const out = taskgate.huaweicloud.getCphJobsOutput({
                    ...{
                        accessKey: EMULATOR_CREDENTIALS.huawei.accessKey,
                        secretKey: EMULATOR_CREDENTIALS.huawei.secretKey,
                        projectId: EMULATOR_CREDENTIALS.huawei.projectId,
                    },
                    endpoint: emu.url,
                    requestId: unknownRequestId,
                });
                const r = await inspect(out);
                assert.equal(r.known, false);
                assert.equal(emu.requests().length, 0, "no request with half-known arguments");
            });

            it("still reads during preview when every input is known", async () => {
                emu.generate({ api: "mps", count: 4 });
                const r = await inspect(
                    taskgate.tencentcloud.getMpsTasksOutput({
                        secretId: EMULATOR_CREDENTIALS.tencent.secretId,
                        secretKey: EMULATOR_CREDENTIALS.tencent.secretKey,
                        endpoint: emu.url,
                    }),
                );
                assert.equal(r.known, true);
                assert.equal(r.value!.tasks.length, 4);
            });
        });
    });
});
