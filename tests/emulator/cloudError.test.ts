/**
 * Fault `cloudError`: the cloud's own error envelope with any code and message, so that a test can
 * make a cloud say something hostile (escape sequences, bidi overrides, markup) and check what
 * the client shows.
 */
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator/server";
import { admin, CPH_JOBS, huaweiClient, huaweiGet, legacyCall, rejects, tencentClient } from "./helpers";

const HOSTILE = "\x1b[2J\x1b[H\x1b[32mALL TASKS SUCCEEDED\u202e <img src=x onerror=alert(1)>\r\nfake line";

describe("emulator: fault cloudError carries any code and message", () => {
    let emu: Emulator;

    before(async () => {
        emu = await startEmulator({});
    });
    after(() => emu.close());
    beforeEach(() => emu.reset(["faults"]));

    it("Tencent API 3.0: Response.Error with the code and message, byte for byte", async () => {
        emu.addFault({ api: "tat", kind: "cloudError", code: "InvalidParameter.\x1b[31m", message: HOSTILE });
        const e = await rejects<{ code?: string; message: string }>(tencentClient(emu, "tat").DescribeInvocationTasks({}));
        assert.equal(e.code, "InvalidParameter.\x1b[31m");
        assert.equal(e.message, HOSTILE);
    });

    it("legacy v2: {code, message}", async () => {
        emu.addFault({ api: "bmLegacy", kind: "cloudError", code: "4000", message: HOSTILE });
        const r = await legacyCall(emu, {});
        assert.deepEqual([r.body.code, r.body.message], [4000, HOSTILE]);
    });

    it("Huawei: {error_code, error_msg} with the given HTTP status (400 by default)", async () => {
        emu.addFault({ api: "cph", kind: "cloudError", code: "CPS.\u202e9999", message: HOSTILE, status: 409 });
        const e = await rejects<{ httpStatusCode?: number; errorCode?: string; errorMsg?: string }>(
            huaweiGet(huaweiClient(emu), CPH_JOBS, { request_id: "r" }),
        );
        assert.deepEqual([e.httpStatusCode, e.errorCode, e.errorMsg], [409, "CPS.\u202e9999", HOSTILE]);
    });

    it("is set over the admin API too, and refuses a rule without a code or message", async () => {
        const added = await admin(emu, "POST", "faults", { api: "mps", kind: "cloudError", code: "X", message: "<b>hi</b>" });
        assert.equal(added.status, 200);
        assert.deepEqual(
            emu.faults().map((f) => [f.kind, f.code, f.message]),
            [["cloudError", "X", "<b>hi</b>"]],
        );
        assert.equal((await admin(emu, "POST", "faults", { api: "mps", kind: "cloudError", message: "no code" })).status, 400);
        assert.equal((await admin(emu, "POST", "faults", { api: "mps", kind: "cloudError", code: "X" })).status, 400);
    });
});
