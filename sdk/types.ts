/**
 * The public types: the result frame and summary shared by every data source, the record type of
 * each source, and the connection settings.
 */
export type { TaskListResult, TaskQuery, TaskSummary, TargetSummary, TaskState, CloudName, ApiName } from "../provider/types";
export { TASK_STATES } from "../provider/types";
export type { TencentConnectionArgs, HuaweiConnectionArgs } from "../provider/settings";
export type { BmCmdTask, BmApi, BmCmdTasksArgs } from "../provider/sources/bmCmdTasks";
export type { MpsTask, MpsStatus, MpsTasksArgs } from "../provider/sources/mpsTasks";
export type { TatInvocationTask, TatTaskResult, TatCommandDocument, TatTaskStatus, TatInvocationTasksArgs } from "../provider/sources/tatInvocationTasks";
export type { CphJob, CphJobsArgs } from "../provider/sources/cphJobs";
export type { WorkspaceScriptTask, WorkspaceScriptTasksArgs } from "../provider/sources/workspaceScriptTasks";
