import type * as pulumi from "@pulumi/pulumi";
import { readMpsTasks, type MpsTasksArgs, type MpsTasksResult } from "../../provider/sources/mpsTasks";
import { type GetOutputOptions, type InputArgs, outputOf, programRead } from "../runtime";

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
 *
 * @param args the query and, where the stack config and the environment do not give them, the
 *   connection settings (see {@link MpsTasksArgs}).
 * @returns every record read, their summary and the RequestIds of the read.
 * @throws TaskgateValidationError for bad args, before any request; TaskgateCloudError or
 *   TaskgateReadError when the read fails (see the README's Errors).
 */
export function getMpsTasks(args: GetMpsTasksArgs = {}): Promise<GetMpsTasksResult> {
    return programRead("mpsTasks", readMpsTasks, args);
}

/**
 * The Output form of {@link getMpsTasks}: accepts `pulumi.Input`s, waits for them (and for
 * `opts.dependsOn`), and during a preview with unknown inputs yields an unknown result instead of
 * calling the cloud.
 * @param args the args of {@link getMpsTasks}, each a `pulumi.Input`.
 * @param opts `dependsOn`, the resources to wait for before reading (see {@link GetOutputOptions}).
 */
export function getMpsTasksOutput(args: GetMpsTasksOutputArgs = {}, opts?: GetOutputOptions): pulumi.Output<GetMpsTasksResult> {
    return outputOf<MpsTasksArgs, GetMpsTasksResult>("mpsTasks", args, opts, (a) => getMpsTasks(a));
}
