import { strict as assert } from "node:assert";
import { refreshDetailedDiff } from "../../provider/plugin/refreshDiff";

/**
 * The plugin's detailed diff after a refresh: only the paths the read changed, one level into
 * objects, in the engine's frame (the refreshed outputs as the old state, the state before the
 * refresh as the new inputs), which the engine inverts into what a person reads.
 */
describe("the plugin's refresh diff", () => {
    const before = {
        passed: true,
        sourceKind: "tatInvocationTasks",
        summary: { total: 3, failed: 0, succeeded: 3 },
        tasks: { "invt-a": { state: "SUCCEEDED" }, "invt-b": { state: "SUCCEEDED" }, "invt-gone": { state: "SUCCEEDED" } },
        reasons: [],
    };
    const refreshed = {
        passed: false,
        sourceKind: "tatInvocationTasks",
        summary: { total: 3, failed: 1, succeeded: 2 },
        tasks: { "invt-a": { state: "FAILED" }, "invt-b": { state: "SUCCEEDED" }, "invt-new": { state: "RUNNING" } },
        reasons: ["1 task failed"],
    };

    it("names each changed path once, one level into objects, and nothing unchanged", () => {
        assert.deepEqual(Object.fromEntries(refreshDetailedDiff(refreshed, before)), {
            passed: "UPDATE",
            reasons: "UPDATE",
            "summary.failed": "UPDATE",
            "summary.succeeded": "UPDATE",
            'tasks["invt-a"]': "UPDATE",
            // Found by the refresh: absent from the state before, which the engine inverts into an addition.
            'tasks["invt-new"]': "DELETE",
            // Gone since: the inverse.
            'tasks["invt-gone"]': "ADD",
        });
    });

    it("finds nothing when the read changed nothing, and a top-level output that appeared or went", () => {
        assert.deepEqual([...refreshDetailedDiff(before, structuredClone(before))], []);
        assert.deepEqual(Object.fromEntries(refreshDetailedDiff({ digest: "x" }, { tolerated: [] })), { digest: "DELETE", tolerated: "ADD" });
    });
});
