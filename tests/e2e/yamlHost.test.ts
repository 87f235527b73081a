import { strict as assert } from "node:assert";
import * as path from "node:path";
import { openOfflineStack, type OfflineStack } from "../../scripts/offlineStack";

/*
 * Pulumi YAML's language host (pulumi-language-yaml, built by scripts/install-pulumi.sh with
 * TASKGATE_PULUMI_YAML=1 from engine/language-yaml, or beside a `pulumi` on PATH) runs a YAML program
 * (tests/e2e/programs/yaml) under the real engine: config, variables and the fn:: built-ins evaluated,
 * outputs stored in the stack and read back by the CLI, the stack destroyed. The taskgate provider
 * plugin's YAML programs stand on this.
 */
describe("end to end: a Pulumi YAML program under Pulumi YAML's language host", function () {
    this.timeout(600_000);
    let s: OfflineStack;

    before(async () => {
        s = await openOfflineStack({
            workDir: path.resolve(__dirname, "programs/yaml"),
            stackName: `yaml${process.pid}`,
            config: { "taskgate-yaml:team": { value: "platform" } },
            engine: { yaml: true },
        });
    });
    after(async () => {
        await s?.close();
    });

    it("up evaluates config, variables, fn::split, fn::select and fn::toJSON into the outputs; stack output reads them; destroy clears them", async () => {
        const up = await s.run(["up", "--yes", "--skip-preview"]);
        assert.equal(up.code, 0, `pulumi up failed:\n${up.stdout}\n${up.stderr}`);

        const outputs = JSON.parse((await s.cliAsync(["stack", "output", "--json"])).stdout);
        assert.deepEqual(outputs, {
            team: "platform",
            firstRegion: "ap-guangzhou",
            lastRegion: "cn-north-4",
            gate: JSON.stringify({ maxFailed: 2, regions: ["ap-guangzhou", "cn-north-4"], team: "platform" }),
            summary: "gate of platform in cn-north-4, at most 2 failed",
            endpoint: s.emu.url,
        });

        const destroy = await s.run(["destroy", "--yes", "--skip-preview"]);
        assert.equal(destroy.code, 0, `pulumi destroy failed:\n${destroy.stdout}\n${destroy.stderr}`);
        assert.deepEqual(JSON.parse((await s.cliAsync(["stack", "output", "--json"])).stdout), {});
    });
});
