/**
 * Gate scenarios judged twice under the real engine: by the dynamic TaskGate of a TypeScript
 * program (programs/gateParity) and by the plugin's `taskgate:index:TaskGate` in a YAML program
 * written from the same list (tests/e2e/yamlPlugin.test.ts). Each scenario seeds its own tasks,
 * so both stacks' emulators hold the same lists.
 */
import type { GenerateSpec } from "../../../emulator/types";
import type { GateRequirements, GateSource, GateWait } from "../../../sdk";

/** One gate: the tasks it reads and what it requires of them. */
export interface GateScenario {
    /** The gate's resource name. */
    name: string;
    /** What the emulator holds for it (undefined: nothing, for the empty list). */
    seed?: GenerateSpec | GenerateSpec[];
    /** The gate's `source`: exactly one source kind. */
    source: GateSource;
    require?: GateRequirements;
    wait?: GateWait;
    /** Tasks finish while the gate waits: how far they got when it stopped may differ between runs; only the verdict is compared. */
    timed?: boolean;
}

export const GATE_SCENARIOS: GateScenario[] = [
    {
        name: "tat-all-succeeded",
        seed: { api: "tat", count: 5, seed: "parity-ok", invocationId: "inv-parity01", statusMix: { SUCCESS: 1 } },
        source: { tatInvocationTasks: { invocationId: "inv-parity01" } },
        require: { maxFailed: 0 },
    },
    {
        name: "tat-one-failed",
        seed: { api: "tat", count: 5, seed: "parity-bad", invocationId: "inv-parity02", statusMix: { SUCCESS: 4, FAILED: 1 } },
        source: { tatInvocationTasks: { invocationId: "inv-parity02" } },
        require: { maxFailed: 0 },
    },
    {
        name: "tat-ratio-held",
        seed: { api: "tat", count: 10, seed: "parity-ratio", invocationId: "inv-parity03", statusMix: { SUCCESS: 9, TIMEOUT: 1 } },
        source: { tatInvocationTasks: { invocationId: "inv-parity03" } },
        require: { minSuccessRatio: 0.9 },
    },
    {
        name: "cph-ratio-missed",
        seed: { api: "cph", count: 5, seed: "parity-cph", requestId: "0f3c1e5a9b7d4c2e8a6f1b3d5c7e9a0b", statusMix: { SUCCESS: 3, FAILED: 2 } },
        source: { cphJobs: { requestId: "0f3c1e5a9b7d4c2e8a6f1b3d5c7e9a0b" } },
        require: { minSuccessRatio: 0.8 },
    },
    {
        name: "workspace-one-allowed",
        seed: { api: "workspace", count: 5, seed: "parity-ws", desktopPoolId: "pool-parity01", statusMix: { FINISH: 4, FAILED: 1 } },
        source: { workspaceScriptTasks: { desktopPoolId: "pool-parity01" } },
        require: { maxFailed: 1 },
    },
    {
        name: "bm-not-done",
        seed: { api: "bm", count: 3, seed: "parity-bm", statusMix: { SUCCESS: 2, RUNNING: 1 } },
        source: { bmCmdTasks: {} },
        require: { allDone: true },
    },
    {
        name: "mps-finished",
        seed: { api: "mps", count: 3, seed: "parity-mps", statusMix: { FINISH: 1 } },
        source: { mpsTasks: {} },
        require: { allDone: true },
    },
    {
        name: "tat-nothing-matched",
        source: { tatInvocationTasks: { invocationId: "inv-parity99" } },
    },
    {
        name: "tat-fleet-missing-host",
        seed: {
            api: "tat",
            count: 2,
            seed: "parity-fleet",
            invocationId: "inv-parity06",
            instanceIds: ["ins-parity01", "ins-parity02"],
            statusMix: { SUCCESS: 1 },
        },
        source: { tatInvocationTasks: { invocationId: "inv-parity06" } },
        require: { minSuccessRatio: 1, expectTargets: ["ins-parity01", "ins-parity02", "ins-parity03"] },
    },
    {
        name: "tat-known-bad-tolerated",
        seed: {
            api: "tat",
            count: 3,
            seed: "parity-tolerate",
            invocationId: "inv-parity07",
            instanceIds: ["ins-parity11", "ins-parity12", "ins-parity13"],
            statusMix: { SUCCESS: 2, FAILED: 1 },
        },
        source: { tatInvocationTasks: { invocationId: "inv-parity07" } },
        require: { maxFailed: 0, tolerateFailuresOn: ["ins-parity11", "ins-parity12", "ins-parity13"] },
    },
    {
        name: "tat-last-week-ignored",
        seed: [
            { api: "tat", count: 2, seed: "parity-old", invocationId: "inv-parity08", baseTime: "2026-11-01T00:00:00Z", statusMix: { FAILED: 1 } },
            { api: "tat", count: 2, seed: "parity-new", invocationId: "inv-parity08", statusMix: { SUCCESS: 1 } },
        ],
        source: { tatInvocationTasks: { invocationId: "inv-parity08" } },
        require: { maxFailed: 0, createdAfter: "2026-11-15T00:00:00Z" },
    },
    {
        name: "tat-waited-for",
        seed: { api: "tat", count: 4, seed: "parity-wait", invocationId: "inv-parity04", finishOverMs: 4000, finalStatusMix: { SUCCESS: 1 } },
        source: { tatInvocationTasks: { invocationId: "inv-parity04" } },
        require: { maxFailed: 0 },
        wait: { timeoutSeconds: 120, pollIntervalSeconds: 1 },
        timed: true,
    },
    {
        name: "tat-fail-fast",
        seed: { api: "tat", count: 4, seed: "parity-fast", invocationId: "inv-parity05", finishOverMs: 4000, finalStatusMix: { FAILED: 1 } },
        source: { tatInvocationTasks: { invocationId: "inv-parity05" } },
        require: { minSuccessRatio: 1 },
        wait: { timeoutSeconds: 120, pollIntervalSeconds: 1, failFast: true },
        timed: true,
    },
];
