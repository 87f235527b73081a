/**
 * The records `npm run emulator` starts with: the task lists the README's examples read, under the
 * ids they name (`taskgate list tat --invocation-id inv-1vll7hda`, the CPH request
 * `6837531fd3f54550927b930180a706bf`, the Workspace pool `pool-1`), so that every example works as
 * written against a fresh emulator. Generated, so the same on every start.
 */
import type { SeedData } from "./types";

/** The ids the README's examples use, and the emulator's example data holds. */
export const EXAMPLE_IDS = {
    tatInvocationId: "inv-1vll7hda",
    cphRequestId: "6837531fd3f54550927b930180a706bf",
    workspaceDesktopPoolId: "pool-1",
} as const;

/** The example data, as a seed: one batch per API, each with a mix of outcomes for the gates to judge. */
export const EXAMPLE_DATA: SeedData = {
    generate: [
        {
            api: "tat",
            count: 1200,
            seed: "demo",
            invocationId: EXAMPLE_IDS.tatInvocationId,
            statusMix: { SUCCESS: 1130, FAILED: 30, TIMEOUT: 10, RUNNING: 30 },
        },
        { api: "mps", count: 340, seed: "demo", statusMix: { FINISH: 300, PROCESSING: 30, WAITING: 10 } },
        { api: "bm", count: 260, seed: "demo", statusMix: { SUCCESS: 240, FAILED: 15, RUNNING: 5 } },
        { api: "cph", count: 40, seed: "demo", requestId: EXAMPLE_IDS.cphRequestId, statusMix: { SUCCESS: 36, FAILED: 4 } },
        {
            api: "workspace",
            count: 150,
            seed: "demo",
            desktopPoolId: EXAMPLE_IDS.workspaceDesktopPoolId,
            statusMix: { FINISH: 140, FAILED: 6, RUNNING: 4 },
        },
    ],
};
