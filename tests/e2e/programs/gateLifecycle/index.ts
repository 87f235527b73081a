/**
 * One gate and the release it protects, driven by the stack config (namespace `lifecycle`):
 * - `invocationId`: the TAT invocation whose tasks the gate judges (the test seeds them);
 * - `gateName` (default `rollout-gate`) and `previousGateName`, an alias, to rename the gate;
 * - `timeoutSeconds`: wait for the tasks that long (polling every second); without it the gate checks once;
 * - `releaseVersion` (default `1`): a change updates the release, which must wait for the gate;
 * - `waveGates`: that many more gates, `wave-gate-1`... on the invocations `inv-wave1`..., each
 *   waiting up to 600 s, to see how many gates wait at once.
 * The repository's SDK is imported by path (a project that installed the package imports `pulumi-taskgate`).
 */
import * as pulumi from "@pulumi/pulumi";
import { Release } from "../../../../examples/demoResources";
import * as taskgate from "../../../../sdk";

const config = new pulumi.Config("lifecycle");
const timeoutSeconds = config.getNumber("timeoutSeconds");
const previousGateName = config.get("previousGateName");

const gate = new taskgate.TaskGate(
    config.get("gateName") ?? "rollout-gate",
    {
        source: { tatInvocationTasks: { invocationId: config.require("invocationId") } },
        require: { maxFailed: 0 },
        wait: timeoutSeconds === undefined ? undefined : { timeoutSeconds, pollIntervalSeconds: 1 },
    },
    { aliases: previousGateName ? [{ name: previousGateName }] : [] },
);

new Release("release", { component: "app", version: config.get("releaseVersion") ?? "1" }, { dependsOn: [gate] });

export const passed = gate.passed;
export const reasons = gate.reasons;

for (let i = 1; i <= (config.getNumber("waveGates") ?? 0); i++) {
    new taskgate.TaskGate(`wave-gate-${i}`, {
        source: { tatInvocationTasks: { invocationId: `inv-wave${i}` } },
        wait: { timeoutSeconds: 600, pollIntervalSeconds: 1 },
    });
}
