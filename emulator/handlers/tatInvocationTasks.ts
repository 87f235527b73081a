/**
 * TAT 2020-10-28 DescribeInvocationTasks.
 *
 * Documented rules: Region required (checked by the frontend); InvocationTaskIds (<= 100) and
 * Filters (<= 10, <= 5 values each) are mutually exclusive; filter names invocation-task-id,
 * invocation-id, instance-id, command-id; Limit default 20, 1..100; Offset >= 0; HideOutput
 * default true, which empties TaskResult.Output.
 *
 * Order: CreatedTime descending, then InvocationTaskId ascending, so pages are stable. Filter
 * lookups go through per-field indexes; each index list is kept in that order, so a filtered
 * page costs O(matches), never a scan of the store.
 */
import { TencentErrors } from "../errors";
import type { Snapshot } from "../store/collection";
import { parseWireTime } from "../timefmt";
import type { TatInvocationTask } from "../types";
import { compareIds, type HandlerContext, pageStart } from "./context";
import { readBool, readInt, readStringArray, rejectUnknown, type TcParams } from "./tencentParams";

/** The action, version and product this handler serves. */
export const TAT_ACTION = { product: "tat", action: "DescribeInvocationTasks", version: "2020-10-28" } as const;

const PARAMS = ["InvocationTaskIds", "Filters", "Limit", "Offset", "HideOutput"] as const;

type IdField = "InvocationTaskId" | "InvocationId" | "InstanceId" | "CommandId";

/** Filter name -> record field, id pattern and the error sub-code for a malformed id. */
const FILTERS: Record<string, { field: IdField; pattern: RegExp; code: string }> = {
    "invocation-task-id": { field: "InvocationTaskId", pattern: /^invt-[0-9a-z]+$/, code: "InvalidInvocationTaskId" },
    "invocation-id": { field: "InvocationId", pattern: /^inv-[0-9a-z]+$/, code: "InvalidInvocationId" },
    // TAT runs on CVM (ins-), Lighthouse (lhins-) and managed instances (mi-).
    "instance-id": { field: "InstanceId", pattern: /^(ins|lhins|mi)-[0-9a-z]+$/, code: "InvalidInstanceId" },
    "command-id": { field: "CommandId", pattern: /^cmd-[0-9a-z]+$/, code: "InvalidCommandId" },
};

interface TatView {
    rank: Map<TatInvocationTask, number>;
    sorted: TatInvocationTask[];
    byField: Record<IdField, Map<string, TatInvocationTask[]>>;
}

function buildView(records: readonly TatInvocationTask[]): TatView {
    const keyed = records.map((r) => ({ r, t: parseWireTime(r.CreatedTime) }));
    keyed.sort((a, b) => b.t - a.t || compareIds(a.r.InvocationTaskId, b.r.InvocationTaskId));
    const sorted = keyed.map((k) => k.r);
    const rank = new Map<TatInvocationTask, number>();
    const byField = {
        InvocationTaskId: new Map(),
        InvocationId: new Map(),
        InstanceId: new Map(),
        CommandId: new Map(),
    } as Record<IdField, Map<string, TatInvocationTask[]>>;
    sorted.forEach((r, i) => {
        rank.set(r, i);
        for (const field of Object.keys(byField) as IdField[]) {
            const list = byField[field].get(r[field]);
            if (list) list.push(r);
            else byField[field].set(r[field], [r]);
        }
    });
    return { rank, sorted, byField };
}

/** Renders a record as TAT sends it (fixed field set and order; Output hidden on request). */
export function renderTatTask(r: TatInvocationTask, hideOutput: boolean): Record<string, unknown> {
    return {
        InvocationId: r.InvocationId,
        InvocationTaskId: r.InvocationTaskId,
        CommandId: r.CommandId,
        TaskStatus: r.TaskStatus,
        InstanceId: r.InstanceId,
        TaskResult: hideOutput ? { ...r.TaskResult, Output: "" } : r.TaskResult,
        StartTime: r.StartTime,
        EndTime: r.EndTime,
        CreatedTime: r.CreatedTime,
        UpdatedTime: r.UpdatedTime,
        CommandDocument: r.CommandDocument,
        ErrorInfo: r.ErrorInfo,
        InvocationSource: r.InvocationSource,
        ...(r.CommandName !== undefined ? { CommandName: r.CommandName } : {}),
    };
}

interface ParsedFilter {
    field: IdField;
    values: string[];
}

function readFilters(params: TcParams): ParsedFilter[] | undefined {
    const raw = params.Filters;
    if (raw === undefined || raw === null) return undefined;
    if (!Array.isArray(raw)) throw TencentErrors.invalidParameter("The value type of parameter `Filters` is invalid: it must be an Array of Filter.");
    if (raw.length > 10) throw TencentErrors.invalidParameterValue(`Filters supports at most 10 filters, got ${raw.length}.`);
    return raw.map((f: unknown, i) => {
        if (typeof f !== "object" || f === null || Array.isArray(f)) {
            throw TencentErrors.invalidParameter(`The value type of parameter \`Filters.${i}\` is invalid: it must be a Filter.`);
        }
        const filter = f as Record<string, unknown>;
        for (const k of Object.keys(filter)) if (k !== "Name" && k !== "Values") throw TencentErrors.unknownParameter(`Filters.${i}.${k}`);
        if (filter.Name === undefined) throw TencentErrors.missingParameter(`Filters.${i}.Name`);
        if (typeof filter.Name !== "string") throw TencentErrors.invalidParameter(`The value type of parameter \`Filters.${i}.Name\` is invalid.`);
        const spec = FILTERS[filter.Name];
        if (!spec) {
            throw TencentErrors.invalidParameterValue(
                `Filter name \`${filter.Name}\` is invalid; valid names: ${Object.keys(FILTERS).join(", ")}.`,
                "InvalidFilter",
            );
        }
        const values = readStringArray(filter, "Values");
        if (!values || values.length === 0) throw TencentErrors.missingParameter(`Filters.${i}.Values`);
        if (values.length > 5) throw TencentErrors.invalidParameterValue(`Filters.${i}.Values supports at most 5 values, got ${values.length}.`);
        for (const v of values) {
            if (!spec.pattern.test(v)) throw TencentErrors.invalidParameterValue(`\`${v}\` is not a valid ${filter.Name}.`, spec.code);
        }
        return { field: spec.field, values };
    });
}

function byRank(view: TatView, set: Iterable<TatInvocationTask>): TatInvocationTask[] {
    return [...set].sort((a, b) => view.rank.get(a)! - view.rank.get(b)!);
}

function select(view: TatView, ids: string[] | undefined, filters: ParsedFilter[] | undefined): TatInvocationTask[] {
    if (ids) {
        const found = new Set<TatInvocationTask>();
        for (const id of ids) for (const r of view.byField.InvocationTaskId.get(id) ?? []) found.add(r);
        return byRank(view, found);
    }
    if (!filters || filters.length === 0) return view.sorted;
    // Values within a filter are ORed, filters are ANDed: start from the smallest candidate set.
    const candidates = filters.map((f) => {
        const set = new Set<TatInvocationTask>();
        for (const v of f.values) for (const r of view.byField[f.field].get(v) ?? []) set.add(r);
        return set;
    });
    candidates.sort((a, b) => a.size - b.size);
    const [smallest, ...rest] = candidates;
    const matched = [...smallest].filter((r) => rest.every((s) => s.has(r)));
    return byRank(view, matched);
}

/** Serves DescribeInvocationTasks; returns the Response fields (RequestId is added by the envelope). */
export function describeInvocationTasks(params: TcParams, ctx: HandlerContext): Record<string, unknown> {
    rejectUnknown(params, PARAMS);
    const ids = readStringArray(params, "InvocationTaskIds");
    const filters = readFilters(params);
    const limit = readInt(params, "Limit") ?? 20;
    const offset = readInt(params, "Offset") ?? 0;
    const hideOutput = readBool(params, "HideOutput") ?? true;

    if (ids !== undefined && filters !== undefined) {
        throw TencentErrors.invalidParameter("InvocationTaskIds and Filters cannot be specified at the same time.", "ConflictParameter");
    }
    if (ids) {
        if (ids.length > 100) throw TencentErrors.invalidParameterValue(`InvocationTaskIds supports at most 100 ids, got ${ids.length}.`);
        for (const id of ids) {
            if (!FILTERS["invocation-task-id"].pattern.test(id)) {
                throw TencentErrors.invalidParameterValue(`\`${id}\` is not a valid invocation task id.`, "InvalidInvocationTaskId");
            }
        }
    }
    if (limit < 1 || limit > 100) throw TencentErrors.invalidParameterValue(`Limit must be between 1 and 100, got ${limit}.`);
    if (offset < 0) throw TencentErrors.invalidParameterValue(`Offset must be >= 0, got ${offset}.`);

    const snap: Snapshot<TatInvocationTask> = ctx.store.tat.snapshot(ctx.nowMs);
    const view = snap.view("tat", buildView);
    // Cached per distinct selection, so paging through one query does not re-sort per page.
    const matched = snap.view(`tat:${JSON.stringify([ids, filters])}`, () => select(view, ids, filters));
    return {
        TotalCount: matched.length,
        InvocationTaskSet: matched.slice(pageStart(offset, ctx), pageStart(offset, ctx) + limit).map((r) => renderTatTask(r, hideOutput)),
    };
}
