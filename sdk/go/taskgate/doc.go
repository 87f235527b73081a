// Typed Pulumi data sources and deployment gates over the task lists of Tencent Cloud (TAT, MPS, Bare Metal) and Huawei Cloud (CPH, Workspace).
package taskgate
