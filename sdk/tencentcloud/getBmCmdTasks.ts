import type * as pulumi from "@pulumi/pulumi";
import { readBmCmdTasks, type BmCmdTasksArgs, type BmCmdTasksResult } from "../../provider/sources/bmCmdTasks";
import { type GetOutputOptions, type InputArgs, outputOf, programRead } from "../runtime";

/** A collection of arguments for invoking getBmCmdTasks. */
export type GetBmCmdTasksArgs = BmCmdTasksArgs;

/** A collection of arguments for invoking getBmCmdTasksOutput: the same fields, each a `pulumi.Input`. */
export type GetBmCmdTasksOutputArgs = InputArgs<BmCmdTasksArgs>;

/** A collection of values returned by getBmCmdTasks. */
export type GetBmCmdTasksResult = BmCmdTasksResult;

/**
 * Reads Tencent Cloud Bare Metal custom-script tasks (API 3.0 `DescribeUserCmdTasks` by default, or the legacy v2 `GetUserCmdTaskList` with `api: "legacy"`).
 * Every page is read (or the first `maxResults` records), within the API's rate limit, with
 * failed pages retried alone; bad arguments fail before any request is sent.
 *
 * Credentials and region come from the args, then the stack config, then the environment
 * (see the README). Use {@link getBmCmdTasksOutput} when an argument is a `pulumi.Output`.
 *
 * ## Example Usage
 *
 * ```typescript
 * import * as taskgate from "pulumi-taskgate";
 *
 * const tasks = taskgate.tencentcloud.getBmCmdTasksOutput({ region: "ap-guangzhou", orderBy: "runBeginTime" });
 * export const failedMachines = tasks.summary.apply((s) => s.targets?.failed);
 * ```
 *
 * @param args the query and, where the stack config and the environment do not give them, the
 *   connection settings (see {@link BmCmdTasksArgs}).
 * @returns every record read, their summary and the RequestIds of the read.
 * @throws TaskgateValidationError for bad args, before any request; TaskgateCloudError or
 *   TaskgateReadError when the read fails (see the README's Errors).
 */
export function getBmCmdTasks(args: GetBmCmdTasksArgs = {}): Promise<GetBmCmdTasksResult> {
    return programRead("bmCmdTasks", readBmCmdTasks, args);
}

/**
 * The Output form of {@link getBmCmdTasks}: accepts `pulumi.Input`s, waits for them (and for
 * `opts.dependsOn`), and during a preview with unknown inputs yields an unknown result instead of
 * calling the cloud.
 * @param args the args of {@link getBmCmdTasks}, each a `pulumi.Input`.
 * @param opts `dependsOn`, the resources to wait for before reading (see {@link GetOutputOptions}).
 */
export function getBmCmdTasksOutput(args: GetBmCmdTasksOutputArgs = {}, opts?: GetOutputOptions): pulumi.Output<GetBmCmdTasksResult> {
    return outputOf<BmCmdTasksArgs, GetBmCmdTasksResult>("bmCmdTasks", args, opts, (a) => getBmCmdTasks(a));
}
