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

/**
 * The whole message of a failed gate, as a person reads it, out of a failed `pulumi up`'s text:
 * the Diagnostics entry that starts `taskgate: gate "<gate>" failed` and every line of it up to
 * the blank line that ends the entry (the engine indents it and starts it with `* `; both go).
 * Undefined when the text holds no such message.
 */
export function gateFailureMessage(pulumiOutput: string, gate: string): string[] | undefined {
    const lines = pulumiOutput.split("\n");
    const head = `taskgate: gate "${gate}" failed`;
    // The progress lines above may carry the same words; the Diagnostics section has it whole.
    const diagnostics = Math.max(0, lines.indexOf("Diagnostics:"));
    const start = lines.findIndex((l, i) => i >= diagnostics && l.includes(head));
    if (start < 0) return undefined;
    // The entry ends at a blank line, or at the resource's next diagnostic (a progress line logged after the
    // error, as the engine may order them), which is indented no deeper than the error's first line.
    const indent = (l: string) => l.length - l.trimStart().length;
    const end = lines.findIndex((l, i) => i > start && (l.trim() === "" || indent(l) <= indent(lines[start])));
    const entry = lines.slice(start, end < 0 ? undefined : end);
    const first = entry[0].slice(entry[0].indexOf(head));
    // The engine indents the continuation lines by the depth of the first line's text less the `* `.
    const depth = Math.min(...entry.slice(1).map((l) => l.length - l.trimStart().length));
    const gateIndent = 2;
    return [first, ...entry.slice(1).map((l) => l.slice(Math.max(0, depth - gateIndent)))];
}
