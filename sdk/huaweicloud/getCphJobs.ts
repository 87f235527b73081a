import type * as pulumi from "@pulumi/pulumi";
import { readCphJobs, type CphJobsArgs, type CphJobsResult } from "../../provider/sources/cphJobs";
import { type GetOutputOptions, type InputArgs, outputOf, programRead } from "../runtime";

/** A collection of arguments for invoking getCphJobs. */
export type GetCphJobsArgs = CphJobsArgs;

/** A collection of arguments for invoking getCphJobsOutput: the same fields, each a `pulumi.Input`. */
export type GetCphJobsOutputArgs = InputArgs<CphJobsArgs>;

/** A collection of values returned by getCphJobs. */
export type GetCphJobsResult = CphJobsResult;

/**
 * Reads Huawei Cloud CPH jobs (`ListJobs`) started by one or more requests, one job per phone or server.
 * Every page is read (or the first `maxResults` records), within the API's rate limit, with
 * failed pages retried alone; bad arguments fail before any request is sent.
 *
 * Credentials and region come from the args, then the stack config, then the environment
 * (see the README). Use {@link getCphJobsOutput} when an argument is a `pulumi.Output`.
 *
 * ## Example Usage
 *
 * ```typescript
 * import * as taskgate from "pulumi-taskgate";
 *
 * const jobs = taskgate.huaweicloud.getCphJobsOutput({ requestId: "6837531fd3f54550927b930180a706bf" });
 * export const failedPhones = jobs.tasks.apply((js) => js.filter((j) => j.state === "FAILED").map((j) => j.phoneId));
 * ```
 *
 * @param args the query and, where the stack config and the environment do not give them, the
 *   connection settings (see {@link CphJobsArgs}).
 * @returns every record read, their summary and the RequestIds of the read.
 * @throws TaskgateValidationError for bad args, before any request; TaskgateCloudError or
 *   TaskgateReadError when the read fails (see the README's Errors).
 */
export function getCphJobs(args: GetCphJobsArgs): Promise<GetCphJobsResult> {
    return programRead("cphJobs", readCphJobs, args);
}

/**
 * The Output form of {@link getCphJobs}: accepts `pulumi.Input`s, waits for them (and for
 * `opts.dependsOn`), and during a preview with unknown inputs yields an unknown result instead of
 * calling the cloud.
 * @param args the args of {@link getCphJobs}, each a `pulumi.Input`.
 * @param opts `dependsOn`, the resources to wait for before reading (see {@link GetOutputOptions}).
 */
export function getCphJobsOutput(args: GetCphJobsOutputArgs, opts?: GetOutputOptions): pulumi.Output<GetCphJobsResult> {
    return outputOf<CphJobsArgs, GetCphJobsResult>("cphJobs", args, opts, (a) => getCphJobs(a));
}
