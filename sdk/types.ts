/**
 * The public types: the result frame and summary shared by every data source, the record type of
 * each source with its vocabularies, and the connection settings.
 */
export type { TaskListResult, TaskQuery, TaskSummary, TargetSummary, TaskState, CloudName, ApiName } from "../provider/types";
export { TASK_STATES } from "../provider/types";
export type { TencentConnectionArgs, HuaweiConnectionArgs } from "../provider/settings";
export type { LegacySignatureMethod } from "../provider/clouds/tencentLegacy";
export type { SourceKind, SourceArgsByKind } from "../provider/sources";
export type { BmCmdTask, BmApi, BmCmdTasksArgs, BmCmdTasksResult, BmOrderBy, BmTaskStatus } from "../provider/sources/bmCmdTasks";
export type { MpsTask, MpsStatus, MpsTaskType, MpsTasksArgs, MpsTasksResult } from "../provider/sources/mpsTasks";
export type {
    TatInvocationTask,
    TatTaskResult,
    TatCommandDocument,
    TatCommandType,
    TatTaskStatus,
    TatInvocationTasksArgs,
    TatInvocationTasksResult,
} from "../provider/sources/tatInvocationTasks";
export type { CphJob, CphJobStatus, CphJobsArgs, CphJobsResult } from "../provider/sources/cphJobs";
export type {
    WorkspaceScriptTask,
    WorkspaceScriptTasksArgs,
    WorkspaceScriptTasksResult,
    WorkspaceStatusFilter,
    WorkspaceTaskStatus,
    WorkspaceTaskType,
} from "../provider/sources/workspaceScriptTasks";
