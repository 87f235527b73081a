/**
 * The package as a user installs it (from its tarball) and imports it: by name, in plain
 * JavaScript, with destructuring. The TAT invocation and the CPH request come from the stack
 * config (namespace `installed`), which the test seeds.
 */
const pulumi = require("@pulumi/pulumi");
const { TaskGate, TaskSnapshot, check, tencentcloud, huaweicloud } = require("pulumi-taskgate");

const config = new pulumi.Config("installed");
const invocationId = config.require("invocationId");
const requestId = config.require("requestId");

const tat = tencentcloud.getTatInvocationTasksOutput({ invocationId });
const cph = huaweicloud.getCphJobsOutput({ requestId });
const gate = new TaskGate("installed-gate", { source: { tatInvocationTasks: { invocationId } }, require: { maxFailed: 0 } });
const snapshot = new TaskSnapshot("installed-snapshot", { source: { cphJobs: { requestId } } });

/**
 * A provider of the user's own, which Pulumi serializes with what it captures: `check`, a function
 * of the package, by value, and the package's modules that function uses, by their path in the
 * package (each must be exported).
 */
const judge = {
    async create(inputs) {
        return { id: "verdict", outs: { passed: check(inputs.result, { maxFailed: 0 }).passed } };
    },
};

class Verdict extends pulumi.dynamic.Resource {
    constructor(name, result) {
        super(judge, name, { result, passed: undefined }, {});
    }
}

const verdict = new Verdict("installed-verdict", tat);

exports.tatTotal = tat.totalCount;
exports.cphTotal = cph.totalCount;
exports.gatePassed = gate.passed;
exports.snapshotTotal = snapshot.summary.total;
exports.verdictPassed = verdict.passed;
