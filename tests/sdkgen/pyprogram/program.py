"""A Pulumi program in Python over taskgate's generated Python SDK (sdk/python): each data source,
a gate, a snapshot and an explicit provider. tests/sdkgen/sdk.test.ts runs it under Pulumi's mocks
(run_with_mocks.py) with the SDK installed in a venv, so an SDK that does not import, or a name the
schema changed under a program, fails the suite.

Its ``example:`` regions are the Python examples of the schema's functions and resources
(scripts/schema.ts reads them): the examples in the Python SDK's docs are code that runs.
"""
import pulumi
import pulumi_taskgate as taskgate

emulator = taskgate.Provider(
    "emulator",
    endpoint="http://127.0.0.1:4566",
    tencentcloud=taskgate.TencentcloudSettingsArgs(secret_id="AKIDEXAMPLE", secret_key="example-secret-key", region="ap-guangzhou"),
)

# example: taskgate:tencentcloud:getTatInvocationTasks
tasks = taskgate.tencentcloud.get_tat_invocation_tasks(invocation_id="inv-1vll7hda", hide_output=False)
pulumi.export("succeeded", tasks.summary.succeeded)
pulumi.export("failed", [t.invocation_task_id for t in tasks.tasks if t.state == taskgate.TaskState.FAILED])
# end example

# example: taskgate:tencentcloud:getMpsTasks
processing = taskgate.tencentcloud.get_mps_tasks_output(status="PROCESSING")
pulumi.export("stillProcessing", processing.total_count)
# end example

# example: taskgate:tencentcloud:getBmCmdTasks
bm = taskgate.tencentcloud.get_bm_cmd_tasks(
    order_by=taskgate.BmOrderBy.RUN_BEGIN_TIME,
    max_results=50,
    opts=pulumi.InvokeOptions(provider=emulator),
)
pulumi.export("bmTasks", bm.total_count)
# end example

# example: taskgate:huaweicloud:getCphJobs
jobs = taskgate.huaweicloud.get_cph_jobs_output(request_ids=["6837531fd3f54550927b930180a706bf"])
pulumi.export("cphJobsDone", jobs.summary.done)
# end example

# example: taskgate:huaweicloud:getWorkspaceScriptTasks
scripts = taskgate.huaweicloud.get_workspace_script_tasks(desktop_pool_id="pool-1", execute_time_start="2026-11-16T00:00:00Z")
pulumi.export("workspaceTasks", scripts.total_count)
# end example

# example: taskgate:index:TaskGate
gate = taskgate.TaskGate(
    "migration-gate",
    source={"tat_invocation_tasks": {"invocation_id": "inv-1vll7hda"}},
    require={"min_success_ratio": 0.95, "max_failed": 5},
    wait={"timeout_seconds": 900},
)
# Anything created with opts=pulumi.ResourceOptions(depends_on=[gate]) waits for the gate, and is
# not created when it fails.
pulumi.export("gateReasons", gate.reasons)
# end example

# example: taskgate:index:TaskSnapshot
nightly = taskgate.TaskSnapshot(
    "nightly-audit",
    source={"tat_invocation_tasks": {"command_id": "cmd-nightly1"}},
    include_output=True,  # stored as a secret
    opts=pulumi.ResourceOptions(depends_on=[gate]),
)
pulumi.export("nightlySummary", nightly.summary)
# end example
