import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openOfflineStack, type OfflineStack } from "../../scripts/offlineStack";
import { assertRarelyThrottled, busiestWindow } from "../reliability/emulatorHandle";

/*
 * One rate limit across the processes of one `pulumi up`: a stack (tests/e2e/programs/quota) with
 * three TAT data sources, read in the program's process, and three TaskGates, judged in the dynamic
 * provider's process, on one account, under the real engine. The emulator, in this test's process
 * (idle while the engine runs), logs each request and its answer: every list whole, and throttled
 * answers at most 1% (each retried), as rare as for one process; without one shared budget the six
 * readers would be throttled on a large share. The stack config points both processes at a ledger directory of this
 * test's own.
 */
describe("end to end: data sources and gates of one stack share one rate limit", function () {
    this.timeout(600_000);
    let s: OfflineStack;
    let ledger: string;

    before(async () => {
        ledger = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-quota-ledger-"));
        s = await openOfflineStack({
            workDir: path.resolve(__dirname, "programs/quota"),
            stackName: `quota${process.pid}`,
            config: { "taskgate:rateLimitDir": { value: ledger } },
        });
    });
    after(async () => {
        await s?.close();
        if (ledger) fs.rmSync(ledger, { recursive: true, force: true });
    });

    it("up with 3 data sources and 3 gates on one account: every list read whole, at most 1% of TAT requests throttled", async () => {
        const invocations = (kind: string) => [0, 1, 2].map((i) => `inv-q${kind}${i}`.padEnd(12, "0"));
        const sources = invocations("src");
        const gated = invocations("gat");
        const counts = new Map([...sources, ...gated].map((id, i) => [id, 2400 + 50 * i]));
        const emu = s.emu;
        for (const [invocationId, count] of counts) emu.generate({ api: "tat", count, seed: invocationId, invocationId, statusMix: { SUCCESS: 1 } });
        await s.stack.setAllConfig({
            "quota:sourceInvocations": { value: sources.join(",") },
            "quota:gateInvocations": { value: gated.join(",") },
        });
        emu.reset(["stats", "limits"]);

        const up = await s.stack.up({ color: "never" });

        assert.equal(up.summary.result, "succeeded");
        assert.deepEqual(
            up.outputs.sourceTotals.value,
            sources.map((id) => counts.get(id)),
        );
        assert.deepEqual(
            up.outputs.gates.value,
            gated.map((id) => ({ passed: true, total: counts.get(id) })),
        );
        const log = emu.requests({ api: "tat" });
        const pages = [...counts.values()].reduce((n, records) => n + 1 + Math.ceil((records - 100) / 99), 0);
        assert.ok(log.length >= pages, `${log.length} requests for ${pages} pages`);
        const throttled = log.filter((e) => e.throttled).length;
        const busiest = busiestWindow(log);
        console.log(`      ${log.length} TAT requests, busiest second at the emulator ${busiest}/20, ${throttled} throttled`);
        assertRarelyThrottled(throttled, log.length, "tat");
    });
});
