import type { BmCmdTask } from "../provider/sources/bmCmdTasks";
import { BM_ORDER_BY } from "../provider/sources/bmCmdTasks";
import type { CphJob } from "../provider/sources/cphJobs";
import { MPS_STATUSES, type MpsTask } from "../provider/sources/mpsTasks";
import type { TatInvocationTask } from "../provider/sources/tatInvocationTasks";
import { WORKSPACE_STATUS_FILTERS, WORKSPACE_TASK_TYPES, type WorkspaceScriptTask } from "../provider/sources/workspaceScriptTasks";
import type { SourceKind } from "../provider/sources";
import type { CloudName } from "../provider/types";

/**
 * What the command line adds to the SOURCES registry (provider/sources): the short names users
 * type, the data-source args offered as options, and the columns of the table, CSV and Markdown
 * output. Everything else (validation, connection, reading, gate traits) comes from the registry,
 * so this is the one place the CLI knows anything per source.
 */

/**
 * How an option's text becomes the arg's value. The conversion only shapes the text; the source's
 * own validator (planXQuery) judges it, so a wrong value gets the library's message naming the field.
 * - `string`: as given.
 * - `list`: comma-separated (or the option repeated), always an array.
 * - `stringOrList`: like `list`, but one value is passed as a string (the arg takes either).
 * - `number`, `boolean`: converted when they look like one, else passed as text for the validator to refuse.
 * - `date`: ISO-8601 text, checked by the validator.
 */
export type OptionType = "string" | "list" | "stringOrList" | "number" | "boolean" | "date";

/** One data-source arg offered as a `--kebab-case` option. */
export interface FilterSpec {
    /** The arg name in the data source (`invocationId`); the option is its kebab case (`--invocation-id`). */
    readonly arg: string;
    readonly type: OptionType;
    /** The allowed values, for `--help` (the validator enforces them). */
    readonly values?: readonly string[];
    readonly help: string;
}

/** One output column: a record field by path (`taskResult.exitCode`) or a computed value. */
export interface Column<T> {
    /** The CSV header and the field path. */
    readonly key: string;
    /** The table and Markdown header. */
    readonly header: string;
    readonly value?: (t: T) => unknown;
}

/** A source as the command line sees it. */
export interface CliSource<T> {
    /** What users type: `tat`, `mps`, `bm`, `cph`, `workspace`. */
    readonly name: string;
    readonly kind: SourceKind;
    /** One line for `--help`: the cloud's product and API. */
    readonly title: string;
    readonly filters: readonly FilterSpec[];
    readonly columns: ReadonlyArray<Column<T>>;
    /** Filters of a typical call, for `--help` examples. */
    readonly example: string;
    /** The fields that say when a task started and ended (ISO-8601), for the time of its JUnit case. */
    readonly span: readonly [start: keyof T & string, end: keyof T & string];
}

/** A source with its record type erased, for code that handles any source. */
export type AnyCliSource = CliSource<Record<string, unknown>>;

/**
 * The table and Markdown header of each column, by its key (the CSV header and the field path): a
 * field keeps its header in every source that has it.
 */
const HEADERS = {
    invocationTaskId: "TASK",
    state: "STATE",
    taskStatus: "STATUS",
    instanceId: "INSTANCE",
    invocationId: "INVOCATION",
    commandId: "COMMAND",
    startTime: "START",
    endTime: "END",
    "taskResult.exitCode": "EXIT",
    errorInfo: "ERROR",
    taskId: "TASK",
    status: "STATUS",
    taskType: "TYPE",
    createTime: "CREATED",
    beginProcessTime: "BEGIN",
    finishTime: "FINISH",
    subTaskTypes: "SUBTASKS",
    alias: "SCRIPT",
    instanceCount: "MACHINES",
    successCount: "OK",
    failureCount: "FAILED",
    runBeginTime: "BEGIN",
    runEndTime: "END",
    jobId: "JOB",
    phoneId: "PHONE",
    serverId: "SERVER",
    beginTime: "BEGIN",
    errorCode: "ERROR",
    errorMsg: "MESSAGE",
    id: "TASK",
    desktopPoolId: "POOL",
    scripts: "SCRIPTS",
    successNum: "OK",
    failedNum: "FAILED",
    skipNum: "SKIPPED",
} as const;

/** A column's key: a record field (or path) of some source. */
type ColumnKey = keyof typeof HEADERS;

/** A source's columns, in order; `values` computes the ones that are not a plain field. */
function columnsOf<T>(keys: readonly ColumnKey[], values: Partial<Record<ColumnKey, (t: T) => unknown>> = {}): ReadonlyArray<Column<T>> {
    return keys.map((key) => ({ key, header: HEADERS[key], value: values[key] }));
}

const MAX_RESULTS: FilterSpec = { arg: "maxResults", type: "number", help: "read at most this many (1 to 10000000); all of them when omitted" };

function define<T>(s: CliSource<T>): AnyCliSource {
    return s as unknown as AnyCliSource;
}

/** The five sources, in the order `--help` lists them. */
export const CLI_SOURCES: readonly AnyCliSource[] = [
    define<TatInvocationTask>({
        name: "tat",
        kind: "tatInvocationTasks",
        title: "Tencent Cloud TAT invocation tasks (DescribeInvocationTasks)",
        filters: [
            { arg: "invocationId", type: "stringOrList", help: "invocation id(s), inv-..." },
            { arg: "instanceId", type: "stringOrList", help: "instance id(s), ins-... / lhins-... / mi-..." },
            { arg: "commandId", type: "stringOrList", help: "command id(s), cmd-..." },
            { arg: "invocationTaskId", type: "stringOrList", help: "task id(s), invt-... (a filter; combines with the others)" },
            { arg: "invocationTaskIds", type: "list", help: "task ids, any number; not with the filters above" },
            {
                arg: "hideOutput",
                type: "boolean",
                values: ["true", "false"],
                help: "leave out command output (default true); false reads it (JSON output shows it decoded)",
            },
            MAX_RESULTS,
        ],
        columns: columnsOf([
            "invocationTaskId",
            "state",
            "taskStatus",
            "instanceId",
            "invocationId",
            "commandId",
            "startTime",
            "endTime",
            "taskResult.exitCode",
            "errorInfo",
        ]),
        example: "--invocation-id inv-1vll7hda",
        span: ["startTime", "endTime"],
    }),
    define<MpsTask>({
        name: "mps",
        kind: "mpsTasks",
        title: "Tencent Cloud MPS tasks of the last 7 days (DescribeTasks)",
        filters: [{ arg: "status", type: "stringOrList", values: MPS_STATUSES, help: "status(es) to list; all three when omitted" }, MAX_RESULTS],
        columns: columnsOf(["taskId", "state", "status", "taskType", "createTime", "beginProcessTime", "finishTime", "subTaskTypes"]),
        example: "--status PROCESSING,WAITING",
        span: ["beginProcessTime", "finishTime"],
    }),
    define<BmCmdTask>({
        name: "bm",
        kind: "bmCmdTasks",
        title: "Tencent Cloud Bare Metal script tasks (DescribeUserCmdTasks, or legacy GetUserCmdTaskList)",
        filters: [
            { arg: "api", type: "string", values: ["2018-04-23", "legacy"], help: "which API to call (default 2018-04-23)" },
            {
                arg: "orderBy",
                type: "string",
                values: [...new Set(Object.values(BM_ORDER_BY).flat())],
                help: `sort field; API 3.0: ${BM_ORDER_BY["2018-04-23"].join(", ")}; legacy: ${BM_ORDER_BY.legacy.join(", ")}`,
            },
            { arg: "order", type: "string", values: ["asc", "desc"], help: "sort order (default desc)" },
            { arg: "signatureMethod", type: "string", values: ["HmacSHA256", "HmacSHA1"], help: "legacy API only (default HmacSHA256)" },
            MAX_RESULTS,
        ],
        columns: columnsOf(["taskId", "state", "status", "alias", "instanceCount", "successCount", "failureCount", "runBeginTime", "runEndTime"]),
        example: "--api legacy --order-by runBeginTime",
        span: ["runBeginTime", "runEndTime"],
    }),
    define<CphJob>({
        name: "cph",
        kind: "cphJobs",
        title: "Huawei Cloud CPH (cloud phone) jobs (ListJobs)",
        filters: [
            { arg: "requestId", type: "string", help: "the request id returned when the jobs started (this or --request-ids is required)" },
            { arg: "requestIds", type: "list", help: "several request ids, any number" },
            MAX_RESULTS,
        ],
        columns: columnsOf(["jobId", "state", "status", "phoneId", "serverId", "beginTime", "endTime", "errorCode", "errorMsg"]),
        example: "--request-id 6837531fd3f54550927b930180a706bf",
        span: ["beginTime", "endTime"],
    }),
    define<WorkspaceScriptTask>({
        name: "workspace",
        kind: "workspaceScriptTasks",
        title: "Huawei Cloud Workspace desktop-pool script execution tasks",
        filters: [
            { arg: "desktopPoolId", type: "string", help: "desktop pool" },
            { arg: "scriptId", type: "string", help: "script id" },
            { arg: "scriptName", type: "string", help: "script name (exact)" },
            { arg: "status", type: "string", values: WORKSPACE_STATUS_FILTERS, help: "status filter (records say FINISH and INIT for SUCCESS and WAITING)" },
            { arg: "taskType", type: "string", values: WORKSPACE_TASK_TYPES, help: "task type" },
            { arg: "executeTimeStart", type: "date", help: "executed at or after, ISO-8601 with a zone (2021-10-01T12:00:00Z)" },
            { arg: "executeTimeEnd", type: "date", help: "executed at or before, ISO-8601 with a zone" },
            { arg: "taskIds", type: "list", help: "task ids, any number" },
            MAX_RESULTS,
        ],
        columns: columnsOf(["id", "state", "status", "desktopPoolId", "scripts", "successNum", "failedNum", "skipNum", "startTime", "endTime"], {
            scripts: (t) => t.scripts.map((s) => s.name ?? s.id).join(";"),
        }),
        example: "--desktop-pool-id pool-1 --status FAILED",
        span: ["startTime", "endTime"],
    }),
];

/**
 * Connection settings offered as options, per cloud. Credentials are not: a secret on the command
 * line ends up in shell history and in `ps`; they come from the environment or `--stack`.
 */
export const CONNECTION_OPTIONS: Readonly<Record<CloudName, readonly FilterSpec[]>> = {
    tencentcloud: [
        { arg: "region", type: "string", help: "region, e.g. ap-guangzhou (else tencentcloud:region, TENCENTCLOUD_REGION)" },
        {
            arg: "endpoint",
            type: "string",
            help: "base URL replacing the public endpoints, e.g. the emulator's http://127.0.0.1:4566 (else taskgate:endpoint, TASKGATE_ENDPOINT)",
        },
    ],
    huaweicloud: [
        { arg: "region", type: "string", help: "region, e.g. cn-north-4 (else huaweicloud:region, HW_REGION_NAME)" },
        { arg: "projectId", type: "string", help: "project id (else huaweicloud:projectId, HW_PROJECT_ID)" },
        {
            arg: "endpoint",
            type: "string",
            help: "base URL replacing the public endpoints, e.g. the emulator's http://127.0.0.1:4566 (else taskgate:endpoint, TASKGATE_ENDPOINT)",
        },
    ],
};

/** Finds a source by its short name or its registry kind (`tat` or `tatInvocationTasks`). */
export function findCliSource(name: string): AnyCliSource | undefined {
    return CLI_SOURCES.find((s) => s.name === name || s.kind === name);
}

/** `invocationTaskIds` -> `invocation-task-ids`. */
export function kebab(arg: string): string {
    return arg.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
