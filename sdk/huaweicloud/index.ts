/** Huawei Cloud task lists: CPH jobs, Workspace script execution tasks. */
export * from "./getCphJobs";
export * from "./getWorkspaceScriptTasks";
