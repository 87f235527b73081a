import type * as pulumi from "@pulumi/pulumi";
import { readTatInvocationTasks, type TatInvocationTasksArgs, type TatInvocationTasksResult } from "../../provider/sources/tatInvocationTasks";
import { type GetOutputOptions, type InputArgs, outputOf, programRead } from "../runtime";

/** A collection of arguments for invoking getTatInvocationTasks. */
export type GetTatInvocationTasksArgs = TatInvocationTasksArgs;

/** A collection of arguments for invoking getTatInvocationTasksOutput: the same fields, each a `pulumi.Input`. */
export type GetTatInvocationTasksOutputArgs = InputArgs<TatInvocationTasksArgs>;

/** A collection of values returned by getTatInvocationTasks. */
export type GetTatInvocationTasksResult = TatInvocationTasksResult;

/**
 * Reads Tencent Cloud TAT invocation tasks (`DescribeInvocationTasks`): one task per instance a command ran on, with its exit code and decoded output.
 * Every page is read (or the first `maxResults` records), within the API's rate limit, with
 * failed pages retried alone; bad arguments fail before any request is sent.
 *
 * Credentials and region come from the args, then the stack config, then the environment
 * (see the README). Use {@link getTatInvocationTasksOutput} when an argument is a `pulumi.Output`.
 *
 * ## Example Usage
 *
 * ```typescript
 * import * as taskgate from "pulumi-taskgate";
 *
 * const run = taskgate.tencentcloud.getTatInvocationTasksOutput({ invocationId: "inv-1vll7hda", hideOutput: false });
 * export const succeeded = run.summary.succeeded;
 * export const firstOutput = run.tasks.apply((t) => t[0]?.taskResult?.output);
 * ```
 *
 * @param args the query and, where the stack config and the environment do not give them, the
 *   connection settings (see {@link TatInvocationTasksArgs}).
 * @returns every record read, their summary and the RequestIds of the read.
 * @throws TaskgateValidationError for bad args, before any request; TaskgateCloudError or
 *   TaskgateReadError when the read fails (see the README's Errors).
 */
export function getTatInvocationTasks(args: GetTatInvocationTasksArgs = {}): Promise<GetTatInvocationTasksResult> {
    return programRead("tatInvocationTasks", readTatInvocationTasks, args);
}

/**
 * The Output form of {@link getTatInvocationTasks}: accepts `pulumi.Input`s, waits for them (and for
 * `opts.dependsOn`), and during a preview with unknown inputs yields an unknown result instead of
 * calling the cloud.
 * @param args the args of {@link getTatInvocationTasks}, each a `pulumi.Input`.
 * @param opts `dependsOn`, the resources to wait for before reading (see {@link GetOutputOptions}).
 */
export function getTatInvocationTasksOutput(args: GetTatInvocationTasksOutputArgs = {}, opts?: GetOutputOptions): pulumi.Output<GetTatInvocationTasksResult> {
    return outputOf<TatInvocationTasksArgs, GetTatInvocationTasksResult>("tatInvocationTasks", args, opts, (a) => getTatInvocationTasks(a));
}
