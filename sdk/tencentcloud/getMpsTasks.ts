import type * as pulumi from "@pulumi/pulumi";
import { readMpsTasks, type MpsTasksArgs, type MpsTasksResult } from "../../provider/sources/mpsTasks";
import { type InputArgs, outputOf, programRead } from "../runtime";

/** A collection of arguments for invoking getMpsTasks. */
export type GetMpsTasksArgs = MpsTasksArgs;

/** A collection of arguments for invoking getMpsTasksOutput: the same fields, each a `pulumi.Input`. */
export type GetMpsTasksOutputArgs = InputArgs<MpsTasksArgs>;

/** A collection of values returned by getMpsTasks. */
export type GetMpsTasksResult = MpsTasksResult;

/**
 * Reads Tencent Cloud MPS media-processing tasks of the last 7 days (`DescribeTasks`), following the ScrollToken to the end.
 * Every page is read (or the first `maxResults` records), within the API's rate limit, with
 * failed pages retried alone; bad arguments fail before any request is sent.
 *
 * Credentials and region come from the args, then the stack config, then the environment
 * (see the README). Use {@link getMpsTasksOutput} when an argument is a `pulumi.Output`.
 *
 * ## Example Usage
 *
 * ```typescript
 * import * as taskgate from "pulumi-taskgate";
 *
 * const processing = taskgate.tencentcloud.getMpsTasksOutput({ status: "PROCESSING" });
 * export const stillProcessing = processing.totalCount;
 * ```
 */
export function getMpsTasks(args: GetMpsTasksArgs = {}, opts?: pulumi.InvokeOptions): Promise<GetMpsTasksResult> {
    void opts;
    return programRead("mpsTasks", readMpsTasks, args);
}

/**
 * The Output form of {@link getMpsTasks}: accepts `pulumi.Input`s, waits for them (and for
 * `opts.dependsOn`), and during a preview with unknown inputs yields an unknown result instead of
 * calling the cloud.
 */
export function getMpsTasksOutput(args: GetMpsTasksOutputArgs = {}, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetMpsTasksResult> {
    return outputOf<MpsTasksArgs, GetMpsTasksResult>("mpsTasks", args, opts, (a) => getMpsTasks(a));
}
