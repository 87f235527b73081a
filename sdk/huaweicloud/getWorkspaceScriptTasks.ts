import type * as pulumi from "@pulumi/pulumi";
import { readWorkspaceScriptTasks, type WorkspaceScriptTasksArgs, type WorkspaceScriptTasksResult } from "../../provider/sources/workspaceScriptTasks";
import { type GetOutputOptions, type InputArgs, outputOf, programRead } from "../runtime";

/** A collection of arguments for invoking getWorkspaceScriptTasks. */
export type GetWorkspaceScriptTasksArgs = WorkspaceScriptTasksArgs;

/** A collection of arguments for invoking getWorkspaceScriptTasksOutput: the same fields, each a `pulumi.Input`. */
export type GetWorkspaceScriptTasksOutputArgs = InputArgs<WorkspaceScriptTasksArgs>;

/** A collection of values returned by getWorkspaceScriptTasks. */
export type GetWorkspaceScriptTasksResult = WorkspaceScriptTasksResult;

/**
 * Reads Huawei Cloud Workspace desktop-pool script execution tasks, with per-desktop success, failure and skip counts.
 * Every page is read (or the first `maxResults` records), within the API's rate limit, with
 * failed pages retried alone; bad arguments fail before any request is sent.
 *
 * Credentials and region come from the args, then the stack config, then the environment
 * (see the README). Use {@link getWorkspaceScriptTasksOutput} when an argument is a `pulumi.Output`.
 *
 * ## Example Usage
 *
 * ```typescript
 * import * as taskgate from "pulumi-taskgate";
 *
 * const runs = taskgate.huaweicloud.getWorkspaceScriptTasksOutput({ desktopPoolId: "pool-1", executeTimeStart: "2026-11-01T00:00:00Z" });
 * export const desktopsFailed = runs.summary.apply((s) => s.targets?.failed ?? 0);
 * ```
 *
 * @param args the query and, where the stack config and the environment do not give them, the
 *   connection settings (see {@link WorkspaceScriptTasksArgs}).
 * @returns every record read, their summary and the RequestIds of the read.
 * @throws TaskgateValidationError for bad args, before any request; TaskgateCloudError or
 *   TaskgateReadError when the read fails (see the README's Errors).
 */
export function getWorkspaceScriptTasks(args: GetWorkspaceScriptTasksArgs = {}): Promise<GetWorkspaceScriptTasksResult> {
    return programRead("workspaceScriptTasks", readWorkspaceScriptTasks, args);
}

/**
 * The Output form of {@link getWorkspaceScriptTasks}: accepts `pulumi.Input`s, waits for them (and for
 * `opts.dependsOn`), and during a preview with unknown inputs yields an unknown result instead of
 * calling the cloud.
 * @param args the args of {@link getWorkspaceScriptTasks}, each a `pulumi.Input`.
 * @param opts `dependsOn`, the resources to wait for before reading (see {@link GetOutputOptions}).
 */
export function getWorkspaceScriptTasksOutput(
    args: GetWorkspaceScriptTasksOutputArgs = {},
    opts?: GetOutputOptions,
): pulumi.Output<GetWorkspaceScriptTasksResult> {
    return outputOf<WorkspaceScriptTasksArgs, GetWorkspaceScriptTasksResult>("workspaceScriptTasks", args, opts, (a) => getWorkspaceScriptTasks(a));
}
