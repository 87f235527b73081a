// Command goprogram is a Pulumi program in Go over taskgate's generated Go SDK (sdk/go): each data
// source, a gate that blocks what depends on it, a snapshot, and an explicit provider.
// tests/sdkgen/sdk.test.ts compiles it against the SDK as it is checked in (go.mod replaces the
// SDK's module with ../../../sdk/go), so an SDK that does not build, or a name the schema changed
// under a program, fails the suite. It is compiled, never run.
//
// Its `example:` regions are the Go examples of the schema's functions and resources
// (scripts/schema.ts reads them): the examples in the Go SDK's docs are code that compiles.
package main

import (
	"github.com/pulumi-taskgate/pulumi-taskgate/sdk/go/taskgate"
	"github.com/pulumi-taskgate/pulumi-taskgate/sdk/go/taskgate/huaweicloud"
	"github.com/pulumi-taskgate/pulumi-taskgate/sdk/go/taskgate/tencentcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		emulator, err := taskgate.NewProvider(ctx, "emulator", &taskgate.ProviderArgs{
			Endpoint: pulumi.String("http://127.0.0.1:4566"),
			Tencentcloud: &taskgate.TencentcloudSettingsArgs{
				SecretId:  pulumi.String("AKIDEXAMPLE"),
				SecretKey: pulumi.String("example-secret-key"),
				Region:    pulumi.String("ap-guangzhou"),
			},
		})
		if err != nil {
			return err
		}
		if err := dataSources(ctx, emulator); err != nil {
			return err
		}
		return resources(ctx)
	})
}

func dataSources(ctx *pulumi.Context, emulator *taskgate.Provider) error {
	// example: taskgate:tencentcloud:getTatInvocationTasks
	tasks, err := tencentcloud.GetTatInvocationTasks(ctx, &tencentcloud.GetTatInvocationTasksArgs{
		InvocationId: "inv-1vll7hda",
		HideOutput:   pulumi.BoolRef(false),
	})
	if err != nil {
		return err
	}
	ctx.Export("succeeded", pulumi.Int(tasks.Summary.Succeeded))
	for _, t := range tasks.Tasks {
		if t.State == taskgate.TaskStateFAILED {
			ctx.Export("firstFailed", pulumi.String(t.InvocationTaskId))
		}
	}
	// end example

	// example: taskgate:tencentcloud:getMpsTasks
	processing := tencentcloud.GetMpsTasksOutput(ctx, tencentcloud.GetMpsTasksOutputArgs{Status: pulumi.String("PROCESSING")})
	ctx.Export("stillProcessing", processing.TotalCount())
	// end example

	// example: taskgate:tencentcloud:getBmCmdTasks
	orderBy := taskgate.BmOrderBy_RUN_BEGIN_TIME
	bm, err := tencentcloud.GetBmCmdTasks(ctx, &tencentcloud.GetBmCmdTasksArgs{
		OrderBy:    &orderBy,
		MaxResults: pulumi.IntRef(50),
	}, pulumi.Provider(emulator))
	if err != nil {
		return err
	}
	ctx.Export("failedMachines", pulumi.Int(bm.Summary.Targets.Failed))
	// end example

	// example: taskgate:huaweicloud:getCphJobs
	jobs := huaweicloud.GetCphJobsOutput(ctx, huaweicloud.GetCphJobsOutputArgs{
		RequestIds: pulumi.StringArray{pulumi.String("6837531fd3f54550927b930180a706bf")},
	})
	ctx.Export("cphJobsDone", jobs.Summary().Done())
	// end example

	// example: taskgate:huaweicloud:getWorkspaceScriptTasks
	scripts, err := huaweicloud.GetWorkspaceScriptTasks(ctx, &huaweicloud.GetWorkspaceScriptTasksArgs{
		DesktopPoolId:    pulumi.StringRef("pool-1"),
		ExecuteTimeStart: pulumi.StringRef("2026-11-16T00:00:00Z"),
	})
	if err != nil {
		return err
	}
	ctx.Export("desktopsFailed", pulumi.Int(scripts.Summary.Targets.Failed))
	// end example
	return nil
}

func resources(ctx *pulumi.Context) error {
	// example: taskgate:index:TaskGate
	gate, err := taskgate.NewTaskGate(ctx, "migration-gate", &taskgate.TaskGateArgs{
		Source: &taskgate.GateSourceArgs{
			TatInvocationTasks: &taskgate.TatInvocationTasksQueryArgs{InvocationId: pulumi.String("inv-1vll7hda")},
		},
		Require: &taskgate.GateRequirementsArgs{MinSuccessRatio: pulumi.Float64(0.95), MaxFailed: pulumi.Int(5)},
		Wait:    &taskgate.GateWaitArgs{TimeoutSeconds: pulumi.Float64(900)},
	})
	if err != nil {
		return err
	}
	// Anything created with pulumi.DependsOn([]pulumi.Resource{gate}) waits for the gate, and is not
	// created when it fails.
	ctx.Export("gateReasons", gate.Reasons)
	// end example

	// example: taskgate:index:TaskSnapshot
	nightly, err := taskgate.NewTaskSnapshot(ctx, "nightly-audit", &taskgate.TaskSnapshotArgs{
		Source: &taskgate.GateSourceArgs{
			TatInvocationTasks: &taskgate.TatInvocationTasksQueryArgs{CommandId: pulumi.String("cmd-nightly1")},
		},
		IncludeOutput: pulumi.Bool(true), // stored as a secret
	}, pulumi.DependsOn([]pulumi.Resource{gate}))
	if err != nil {
		return err
	}
	ctx.Export("nightlySummary", nightly.Summary)
	// end example
	return nil
}
