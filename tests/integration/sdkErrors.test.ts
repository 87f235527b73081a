/**
 * How the SDK's errors leave it for a Pulumi program: taskgate's own errors as RunErrors (Pulumi
 * prints their message alone) keeping their class and fields, without stack frames; bad plain
 * args of a getXOutput at the call, before anything is sent; anything else as a RunError that says
 * it is a bug and carries the trace. The end-to-end view is tests/e2e/errors.test.ts.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from "../../emulator/server";
import { TaskgateError } from "../../provider/errors";
import { taskListResult, type QueryFrame } from "../../provider/result";
import { summarize } from "../../provider/summary";
import { forProgram } from "../../sdk/runtime";
import * as taskgate from "../../sdk";
import { thrownBy } from "../unit/thrown";

/** Pulumi prints this error's message alone, and nothing of a stack trace or of its fields. */
function assertPrintedAsMessageAlone(e: unknown): asserts e is TaskgateError {
    assert.ok(e instanceof TaskgateError, `a taskgate error, got ${(e as Error)?.stack ?? e}`);
    assert.ok(pulumi.RunError.isInstance(e), "a RunError to Pulumi");
    assert.equal(e.stack, e.message, "no stack frames");
    assert.ok(!Object.keys(e).some((k) => k.startsWith("__")), "Pulumi's mark is no field of the error's own");
}

describe("sdk: errors as a Pulumi program receives them", function () {
    this.timeout(60_000);
    let emu: Emulator;
    const c = EMULATOR_CREDENTIALS.tencent;

    before(async () => {
        emu = await startEmulator({ port: 0 });
    });
    after(async () => {
        await emu.close();
    });
    beforeEach(() => emu.reset(["data", "stats", "faults"]));

    it("getXOutput with a bad plain argument throws at the call, before any request", () => {
        const e = thrownBy(() => taskgate.tencentcloud.getTatInvocationTasksOutput({ invocationIdd: "inv-12345678", endpoint: emu.url } as never));
        assertPrintedAsMessageAlone(e);
        assert.ok(e instanceof taskgate.TaskgateValidationError);
        assert.equal(e.field, "invocationIdd");
        assert.match(e.message, /^taskgate: invalid invocationIdd: is not an argument of this data source; allowed: invocationTaskIds, /);
        assert.equal(emu.requests().length, 0);
    });

    it("getXOutput with an unknown argument beside an arg that is an Output throws at the call", () => {
        const e = thrownBy(() =>
            taskgate.tencentcloud.getTatInvocationTasksOutput({ instanceIds: ["ins-1"], secretKey: pulumi.secret("x"), endpoint: emu.url } as never),
        );
        assertPrintedAsMessageAlone(e);
        assert.match(e.message, /^taskgate: invalid instanceIds: is not an argument of this data source/);
    });

    it("getXOutput refuses every option but dependsOn at the call, naming it: a provider would not change what is read", () => {
        const args = { invocationId: "inv-12345678", secretId: c.secretId, secretKey: c.secretKey, region: "ap-guangzhou", endpoint: emu.url };
        const provider = thrownBy(() => taskgate.tencentcloud.getTatInvocationTasksOutput(args, { provider: {} } as never));
        assertPrintedAsMessageAlone(provider);
        assert.ok(provider instanceof taskgate.TaskgateValidationError);
        assert.equal(provider.field, "opts.provider");
        assert.match(provider.message, /never a provider resource's settings; give region and credentials as args$/);
        const parent = thrownBy(() => taskgate.huaweicloud.getCphJobsOutput({ requestId: "r1" }, { parent: {} } as never));
        assert.ok(parent instanceof taskgate.TaskgateValidationError);
        assert.equal(parent.field, "opts.parent");
        assert.match(parent.message, /only dependsOn does$/);
        assert.equal(emu.requests().length, 0);
        // The compiler says so first; and the Promise form takes no options at all.
        const typed = () => {
            // @ts-expect-error only dependsOn
            taskgate.tencentcloud.getTatInvocationTasksOutput(args, { provider: undefined });
            // @ts-expect-error no options
            void taskgate.tencentcloud.getTatInvocationTasks(args, {});
        };
        void typed;
    });

    it("getXOutput with a missing credential throws at the call, naming the setting", () => {
        const e = thrownBy(() => taskgate.huaweicloud.getCphJobsOutput({ requestId: "6837531fd3f54550927b930180a706bf", endpoint: emu.url }));
        assertPrintedAsMessageAlone(e);
        assert.match(e.message, /huaweicloud:accessKey/);
    });

    it("the Promise form rejects with the cloud's refusal, as the message alone", async () => {
        const e = await taskgate.tencentcloud
            .getTatInvocationTasks({ secretId: c.secretId, secretKey: "wrong", endpoint: emu.url, region: "ap-guangzhou" })
            .then(
                () => assert.fail("the read passed"),
                (err: unknown) => err,
            );
        assertPrintedAsMessageAlone(e);
        assert.ok(e instanceof taskgate.TaskgateCloudError);
        assert.equal(e.code, "TASKGATE_CLOUD_ERROR");
        assert.equal(e.cloudCode, "AuthFailure.SignatureFailure");
        assert.equal(e.kind, "auth");
    });

    it("check() throws the gate's failure as the message alone", () => {
        const frame: QueryFrame = {
            cloud: "tencentcloud",
            api: "tat",
            region: "ap-guangzhou",
            query: { filters: { invocationId: ["inv-12345678"] }, hideOutput: true },
        };
        const e = thrownBy(() => taskgate.check(taskListResult(frame, [], 0, summarize([]), ["req-1"]), {}, "release-gate"));
        assertPrintedAsMessageAlone(e);
        assert.ok(e instanceof taskgate.GateFailedError);
        assert.match(e.message, /^taskgate: gate "release-gate" failed on TAT invocation tasks\n {2}required: /);
    });

    it("anything else is a bug: a RunError saying so, with the original trace", () => {
        const bug = new TypeError("Cannot read properties of undefined (reading 'tasks')");
        const e = forProgram(bug, "tencentcloud.getTatInvocationTasks");
        assert.ok(pulumi.RunError.isInstance(e));
        assert.ok(!(e instanceof TaskgateError));
        assert.match(
            e.message,
            /^taskgate: tencentcloud\.getTatInvocationTasks failed unexpectedly \(a bug in taskgate; please report it with this trace\):\nTypeError: Cannot read properties of undefined \(reading 'tasks'\)\n {4}at /,
        );
        assert.equal(e.cause, bug);
    });

    it("a malformed result given to check() is a validation error, not a bug", () => {
        const e = thrownBy(() => taskgate.check({ tasks: [] } as never));
        assertPrintedAsMessageAlone(e);
        assert.ok(e instanceof taskgate.TaskgateValidationError);
    });
});
