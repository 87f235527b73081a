/**
 * A read's failures as a program receives them, through the real SDKs and real HTTP against the
 * emulator: an answer over the size cap is a TaskgateReadError "answerTooLarge"; a throttle that
 * lasts until the read's deadline is a TaskgateReadError "deadline" whose cause is the throttled
 * TaskgateCloudError, with its code, RequestId and attempts; a throttle that outlasts every attempt
 * before the deadline is that TaskgateCloudError itself.
 */
import { strict as assert } from "node:assert";
import { TaskgateCloudError, TaskgateReadError } from "../../provider/errors";
import { readTatInvocationTasks } from "../../provider/sources/tatInvocationTasks";
import { rejectionOf } from "../unit/thrown";
import { argsOnly, fast, tencentArgs, useEmulator } from "./helpers";

describe("read errors: reason and cause, through the real SDK", function () {
    this.timeout(60_000);
    const ctx = useEmulator();

    it("an answer over the cap: answerTooLarge, sent once", async () => {
        ctx.emu.addFault({ api: "tat", kind: "hugeBody", bytes: 256 * 1024, chunked: true, times: -1 });
        const e = await rejectionOf(readTatInvocationTasks(tencentArgs(ctx.emu), argsOnly, fast({ maxResponseBytes: 64 * 1024 })));
        assert.ok(e instanceof TaskgateReadError, String(e));
        assert.deepEqual([e.code, e.reason], ["TASKGATE_READ_FAILED", "answerTooLarge"]);
        assert.equal(ctx.emu.requests({ api: "tat" }).length, 1, "never retried");
    });

    it("a throttle until the deadline: deadline, carrying the throttled cloud error", async () => {
        ctx.emu.generate({ api: "tat", count: 5 });
        ctx.emu.addFault({ api: "tat", kind: "throttle", times: -1 });
        // Backoffs of 0.5 s and more after a throttle; the read has 1 s.
        const e = await rejectionOf(readTatInvocationTasks(tencentArgs(ctx.emu), argsOnly, { timeoutSeconds: 1 }));
        assert.ok(e instanceof TaskgateReadError, String(e));
        assert.equal(e.reason, "deadline");
        const cause = e.cause;
        assert.ok(cause instanceof TaskgateCloudError, `cause ${cause}`);
        assert.equal(cause.kind, "throttled");
        assert.equal(cause.cloudCode, "RequestLimitExceeded");
        const sent = ctx.emu.requests({ api: "tat" });
        assert.equal(cause.requestId, sent[sent.length - 1].requestId, "the last attempt's RequestId");
        assert.ok(cause.attempts >= 1 && cause.attempts <= sent.length, `${cause.attempts} of ${sent.length} requests`);
    });

    it("a throttle through every attempt before the deadline: the cloud error, counting them", async () => {
        ctx.emu.generate({ api: "tat", count: 5 });
        ctx.emu.addFault({ api: "tat", kind: "throttle", times: -1 });
        const e = await rejectionOf(readTatInvocationTasks(tencentArgs(ctx.emu), argsOnly, fast({ retry: { maxAttempts: 3 }, timeoutSeconds: 60 })));
        assert.ok(e instanceof TaskgateCloudError, String(e));
        assert.deepEqual([e.kind, e.attempts], ["throttled", 3]);
        assert.equal(ctx.emu.requests({ api: "tat" }).length, 3);
    });
});
