/**
 * The demo stack (Pulumi.yaml and index.ts at the repository root) on a fresh emulator and a
 * throwaway local backend, through the Automation API. Used by `npm run demo` and by the
 * end-to-end tests.
 */
import type { Emulator } from "../emulator/server";
import { REPO } from "./engine";
import { openOfflineStack, type OfflineStack } from "./offlineStack";

/** Fixed ids the demo program reads (see index.ts). */
export const DEMO_IDS = { cphRequestId: "6837531fd3f54550927b930180a706bf", desktopPoolId: "pool-demo-0001", nightlyCommandId: "cmd-nightly1" };

/** Seeds the task lists the demo's data sources read. */
export function seedDemo(emu: Emulator): void {
    emu.generate([
        { api: "tat", count: 120, seed: "demo", commandId: DEMO_IDS.nightlyCommandId, statusMix: { SUCCESS: 117, FAILED: 2, TIMEOUT: 1 } },
        { api: "mps", count: 60, seed: "demo", statusMix: { FINISH: 50, PROCESSING: 7, WAITING: 3 } },
        { api: "bm", count: 40, seed: "demo", statusMix: { SUCCESS: 37, FAILED: 2, RUNNING: 1 } },
        { api: "cph", count: 60, seed: "demo", requestId: DEMO_IDS.cphRequestId, statusMix: { SUCCESS: 58, FAILED: 2 } },
        { api: "workspace", count: 25, seed: "demo", desktopPoolId: DEMO_IDS.desktopPoolId, statusMix: { FINISH: 24, FAILED: 1 } },
    ]);
}

/** The demo stack, opened by {@link openDemoStack}. */
export type DemoStack = OfflineStack;

/**
 * Starts an emulator, seeds it, and creates the stack `stackName` of the root project on a new
 * local backend, configured as a user would configure a real stack (credentials as secrets).
 */
export function openDemoStack(stackName: string, log: (line: string) => void = () => undefined): Promise<DemoStack> {
    return openOfflineStack({
        workDir: REPO,
        stackName,
        log,
        seed: seedDemo,
        config: { "demo:cphRequestId": { value: DEMO_IDS.cphRequestId }, "demo:desktopPoolId": { value: DEMO_IDS.desktopPoolId } },
    });
}
