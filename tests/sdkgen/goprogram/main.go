// Command goprogram is a Pulumi program in Go over taskgate's generated Go SDK (sdk/go): a data
// source of each cloud, in both forms, a gate that blocks what depends on it, a snapshot, and an
// explicit provider. tests/sdkgen/sdk.test.ts compiles it against the SDK as it is checked in
// (go.mod replaces the SDK's module with ../../../sdk/go), so an SDK that does not build, or a
// name the schema changed under a program, fails the suite. It is compiled, never run.
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

		tasks, err := tencentcloud.GetTatInvocationTasks(ctx, &tencentcloud.GetTatInvocationTasksArgs{
			InvocationId: "inv-1vll7hda",
			HideOutput:   pulumi.BoolRef(false),
		}, pulumi.Provider(emulator))
		if err != nil {
			return err
		}
		ctx.Export("succeeded", pulumi.Int(tasks.Summary.Succeeded))
		for _, t := range tasks.Tasks {
			if t.State == taskgate.TaskStateFAILED {
				ctx.Export("firstFailed", pulumi.String(t.InvocationTaskId))
				break
			}
		}

		jobs := huaweicloud.GetCphJobsOutput(ctx, huaweicloud.GetCphJobsOutputArgs{
			RequestIds: pulumi.StringArray{pulumi.String("6837531fd3f54550927b930180a706bf")},
		})
		ctx.Export("cphJobs", jobs.TotalCount())

		gate, err := taskgate.NewTaskGate(ctx, "migration-gate", &taskgate.TaskGateArgs{
			Source: &taskgate.GateSourceArgs{
				TatInvocationTasks: &taskgate.TatInvocationTasksQueryArgs{InvocationId: pulumi.String("inv-1vll7hda")},
			},
			Require: &taskgate.GateRequirementsArgs{MinSuccessRatio: pulumi.Float64(0.95), MaxFailed: pulumi.Int(5)},
			Wait:    &taskgate.GateWaitArgs{TimeoutSeconds: pulumi.Float64(900)},
		}, pulumi.Provider(emulator))
		if err != nil {
			return err
		}
		ctx.Export("gatePassed", gate.Passed)
		ctx.Export("gateReasons", gate.Reasons)

		snapshot, err := taskgate.NewTaskSnapshot(ctx, "nightly-audit", &taskgate.TaskSnapshotArgs{
			Source: &taskgate.GateSourceArgs{
				WorkspaceScriptTasks: &taskgate.WorkspaceScriptTasksQueryArgs{
					DesktopPoolId: pulumi.String("pool-1"),
					Status:        taskgate.WorkspaceStatusFilterFAILED,
				},
			},
			IncludeOutput: pulumi.Bool(true),
		}, pulumi.DependsOn([]pulumi.Resource{gate}))
		if err != nil {
			return err
		}
		ctx.Export("snapshotTasks", snapshot.TaskCount)
		return nil
	})
}
