/**
 * Three TAT data sources, read in the program's process, and three TaskGates, judged in the
 * dynamic provider's process, all on one account and region and at once: nothing orders them.
 * The invocations come from the stack config (namespace `quota`, comma-separated lists), which
 * the test seeds. The repository's SDK is imported by path, as a project that installed the
 * package would import it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as taskgate from "../../../../sdk";

const config = new pulumi.Config("quota");
const list = (key: string) => config.require(key).split(",");

export const sourceTotals = list("sourceInvocations").map((invocationId) => taskgate.tencentcloud.getTatInvocationTasksOutput({ invocationId }).totalCount);

export const gates = list("gateInvocations").map((invocationId, i) => {
    const gate = new taskgate.TaskGate(`gate-${i}`, {
        source: { tatInvocationTasks: { invocationId } },
        require: { minSuccessRatio: 0.9 },
    });
    return { passed: gate.passed, total: gate.summary.total };
});
