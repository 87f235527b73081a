import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from "../../emulator/server";
import { ensureEngine, offlineEnv } from "../../scripts/engine";
import { busiestWindow } from "../reliability/emulatorHandle";

/*
 * One rate limit across the processes of one `pulumi up`: a stack (tests/e2e/programs/quota) with
 * three TAT data sources, read in the program's process, and three TaskGates, judged in the dynamic
 * provider's process, on one account, under the real engine. The emulator, in this test's process
 * (idle while the engine runs), logs when each request arrives: never more than TAT's 20 in any
 * second, and none throttled. The stack config points both processes at a ledger directory of this
 * test's own.
 */
describe("end to end: data sources and gates of one stack share one rate limit", function () {
    this.timeout(600_000);
    const workDir = path.resolve(__dirname, "programs/quota");
    const stackName = `quota${process.pid}`;
    let emu: Emulator;
    let stack: Stack;
    let tmp: string;

    before(async () => {
        const engineRoot = ensureEngine();
        emu = await startEmulator({ port: 0 });
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-quota-e2e-"));
        fs.mkdirSync(path.join(tmp, "state"));
        fs.mkdirSync(path.join(tmp, "ledger"));
        const pulumiCommand = await PulumiCommand.get({ root: engineRoot });
        stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir },
            { pulumiCommand, pulumiHome: path.join(tmp, "home"), envVars: offlineEnv(engineRoot, path.join(tmp, "state")) });
    });
    after(async () => {
        await stack?.workspace.removeStack(stackName, { force: true }).catch(() => undefined); // hygiene: cleanup only
        fs.rmSync(path.join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
        await emu?.close();
    });

    it("up with 3 data sources and 3 gates on one account: every list read whole, never more than 20 TAT requests in any second, none throttled", async () => {
        const invocations = (kind: string) => [0, 1, 2].map((i) => `inv-q${kind}${i}`.padEnd(12, "0"));
        const sources = invocations("src");
        const gated = invocations("gat");
        const counts = new Map([...sources, ...gated].map((id, i) => [id, 2400 + 50 * i]));
        for (const [invocationId, count] of counts) emu.generate({ api: "tat", count, seed: invocationId, invocationId, statusMix: { SUCCESS: 1 } });
        const c = EMULATOR_CREDENTIALS.tencent;
        await stack.setAllConfig({
            "taskgate:endpoint": { value: emu.url },
            "taskgate:rateLimitDir": { value: path.join(tmp, "ledger") },
            "tencentcloud:secretId": { value: c.secretId },
            "tencentcloud:secretKey": { value: c.secretKey, secret: true },
            "tencentcloud:region": { value: "ap-guangzhou" },
            "quota:sourceInvocations": { value: sources.join(",") },
            "quota:gateInvocations": { value: gated.join(",") },
        });
        emu.reset(["stats", "limits"]);

        const up = await stack.up({ color: "never" });

        assert.equal(up.summary.result, "succeeded");
        assert.deepEqual(up.outputs.sourceTotals.value, sources.map((id) => counts.get(id)));
        assert.deepEqual(up.outputs.gates.value, gated.map((id) => ({ passed: true, total: counts.get(id) })));
        const log = emu.requests({ api: "tat" });
        const pages = [...counts.values()].reduce((n, records) => n + 1 + Math.ceil((records - 100) / 99), 0);
        assert.ok(log.length >= pages, `${log.length} requests for ${pages} pages`);
        const throttled = log.filter((e) => e.throttled).length;
        const busiest = busiestWindow(log);
        console.log(`      ${log.length} TAT requests, busiest second at the emulator ${busiest}/20, ${throttled} throttled`);
        assert.ok(busiest <= 20, `the emulator saw ${busiest} requests arrive within one second (limit 20); ${throttled} of ${log.length} throttled`);
        assert.equal(throttled, 0, "throttled requests");
    });
});
