/** Tencent Cloud task lists: Bare Metal script tasks, MPS tasks, TAT invocation tasks. */
export * from "./getBmCmdTasks";
export * from "./getMpsTasks";
export * from "./getTatInvocationTasks";
