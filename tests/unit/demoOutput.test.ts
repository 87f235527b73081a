/**
 * `npm run demo` prints a failed gate's message whole, out of the failed `pulumi up`'s text. The
 * text below is what the engine (v3.259.0) printed for the demo's failing rollout, cut to the
 * Diagnostics section, with an update-progress line that names the gate too.
 */
import { strict as assert } from "node:assert";
import { gateFailureMessage } from "../../scripts/demoStack";

const ENGINE_OUTPUT = [
    "Updating (demo):",
    "",
    ' +  pulumi-nodejs:dynamic/taskgate:TaskGate payments-gate creating (1s) taskgate: gate "payments-gate" failed on TAT invocation tasks',
    " +  pulumi:pulumi:Stack taskgate-demo-demo **creating failed** 1 error",
    "Diagnostics:",
    "  pulumi:pulumi:Stack (taskgate-demo-demo):",
    "    error: update failed",
    "",
    "  pulumi-nodejs:dynamic/taskgate:TaskGate (payments-gate):",
    '    taskgate: gate "payments-gate": 18/50 tasks done, 14 succeeded, 3 failed, 1 s of 60 s: failed',
    "    error: 1 error occurred:",
    '    \t* taskgate: gate "payments-gate" failed on TAT invocation tasks (stopped early: the requirements can no longer be met)',
    "      required: at least 95.0% of tasks succeeded, at most 0 failed, all done",
    "      found:    50 tasks, 14 succeeded (28.0%), 3 failed, 33 pending or running",
    "      not met:  3 tasks failed, timed out or were cancelled; at most 0 allowed",
    "      not met:  28.0% of 50 tasks succeeded; at least 95.0% required",
    "      not met:  33 tasks are still pending or running",
    "      first failing tasks (3 of 3):",
    "        invt-szb540xj  on ins-ro51eatm  FAILED  exit 1",
    "        invt-nmpgb1br  on ins-fuzf0cqr  FAILED  exit 1",
    "        invt-quw15f55  on ins-hyzl3pt0  TIMED_OUT  TIMEOUT  exit -1",
    "",
    "  pulumi-nodejs:dynamic/taskgate:TaskGate (migration-gate):",
    '    taskgate: gate "migration-gate": 200/200 tasks done, 198 succeeded, 2 failed, 6.1 s of 120 s: passed',
    "",
    "Resources:",
    "    + 5 created",
].join("\n");

describe("npm run demo: the failed gate's message", () => {
    it("is printed whole, every failing task included, with the gate's own indentation", () => {
        assert.deepEqual(gateFailureMessage(ENGINE_OUTPUT, "payments-gate"), [
            'taskgate: gate "payments-gate" failed on TAT invocation tasks (stopped early: the requirements can no longer be met)',
            "  required: at least 95.0% of tasks succeeded, at most 0 failed, all done",
            "  found:    50 tasks, 14 succeeded (28.0%), 3 failed, 33 pending or running",
            "  not met:  3 tasks failed, timed out or were cancelled; at most 0 allowed",
            "  not met:  28.0% of 50 tasks succeeded; at least 95.0% required",
            "  not met:  33 tasks are still pending or running",
            "  first failing tasks (3 of 3):",
            "    invt-szb540xj  on ins-ro51eatm  FAILED  exit 1",
            "    invt-nmpgb1br  on ins-fuzf0cqr  FAILED  exit 1",
            "    invt-quw15f55  on ins-hyzl3pt0  TIMED_OUT  TIMEOUT  exit -1",
        ]);
    });

    it("ends where the resource's next diagnostic begins: a progress line the engine printed after the error is not part of it", () => {
        const after = [
            "Diagnostics:",
            "  pulumi-nodejs:dynamic/taskgate:TaskGate (payments-gate):",
            "    error: 1 error occurred:",
            '    \t* taskgate: gate "payments-gate" failed on TAT invocation tasks (stopped early: the requirements can no longer be met)',
            "      found:    50 tasks, 1 succeeded (2.0%), 1 failed, 48 pending or running",
            "      first failing task (1 of 1):",
            "        invt-esjxiut1  on ins-cd808san  FAILED  exit 1",
            '    taskgate: gate "payments-gate": 2/50 tasks done, 1 succeeded, 1 failed, 0.1 s of 60 s: failed',
            "",
        ].join("\n");
        assert.deepEqual(gateFailureMessage(after, "payments-gate"), [
            'taskgate: gate "payments-gate" failed on TAT invocation tasks (stopped early: the requirements can no longer be met)',
            "  found:    50 tasks, 1 succeeded (2.0%), 1 failed, 48 pending or running",
            "  first failing task (1 of 1):",
            "    invt-esjxiut1  on ins-cd808san  FAILED  exit 1",
        ]);
    });

    it("is absent when the engine's text holds no failure of that gate", () => {
        assert.equal(gateFailureMessage(ENGINE_OUTPUT, "migration-gate"), undefined);
        assert.equal(gateFailureMessage("error: could not connect", "payments-gate"), undefined);
    });
});
