/**
 * CPH ListJobs: `GET /v1/{project_id}/cloud-phone/jobs`.
 *
 * Rules (doc and SDK model): `request_id`, or `request_ids` (comma-separated, at most 20;
 * wins when both are given); `offset` >= 0, default 0; `limit` 1..100, default 100. The answer
 * is `{request_id: <this call's id>, jobs: [...]}` with no total, so clients read until a
 * short page. Errors are HTTP 400 with CPS codes from the CPH error table:
 * CPS.0049 no request id, CPS.0161 more than 20 ids, CPS.0002 bad offset/limit, CPS.0011 no
 * job matches any id (an offset past the end of existing jobs is an empty page, not an error).
 *
 * Jobs are grouped by the request id that created them (an index built once per snapshot),
 * in insertion order; with several ids the groups follow the order the ids were given in.
 */
import { CphErrors } from "../errors";
import type { CphJobRecord } from "../types";
import { type HandlerContext, pageStart } from "./context";

/** Renders a job as CPH sends it (the stored `request_id` stays server-side). */
export function renderCphJob(r: CphJobRecord): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (r.phone_id !== undefined) out.phone_id = r.phone_id;
    if (r.server_id !== undefined) out.server_id = r.server_id;
    if (r.node_id !== undefined) out.node_id = r.node_id;
    if (r.encode_server_id !== undefined) out.encode_server_id = r.encode_server_id;
    out.job_id = r.job_id;
    out.begin_time = r.begin_time;
    out.end_time = r.end_time;
    out.status = r.status;
    out.error_code = r.error_code;
    out.error_msg = r.error_msg;
    if (r.execute_msg !== undefined) out.execute_msg = r.execute_msg;
    return out;
}

function byRequestId(records: readonly CphJobRecord[]): Map<string, CphJobRecord[]> {
    const out = new Map<string, CphJobRecord[]>();
    for (const r of records) {
        const list = out.get(r.request_id);
        if (list) list.push(r);
        else out.set(r.request_id, [r]);
    }
    return out;
}

function intParam(raw: string | undefined, fallback: number, min: number, max: number): number {
    if (raw === undefined) return fallback;
    if (!/^\d{1,12}$/.test(raw)) throw CphErrors.offsetOrLimitInvalid();
    const v = Number(raw);
    if (v < min || v > max) throw CphErrors.offsetOrLimitInvalid();
    return v;
}

/** Serves ListJobs; returns the whole body. */
export function listJobs(query: Map<string, string[]>, ctx: HandlerContext): Record<string, unknown> {
    const one = (name: string) => query.get(name)?.[0];
    const idsParam = one("request_ids");
    let ids: string[];
    if (idsParam !== undefined && idsParam.trim() !== "") {
        ids = [
            ...new Set(
                idsParam
                    .split(",")
                    .map((s) => s.trim())
                    .filter(Boolean),
            ),
        ];
        if (ids.length > 20) throw CphErrors.tooManyRequestIds();
    } else {
        const single = one("request_id");
        if (single === undefined || single.trim() === "") throw CphErrors.requestIdEmpty();
        ids = [single.trim()];
    }
    const offset = intParam(one("offset"), 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(one("limit"), 100, 1, 100);

    const index = ctx.store.cph.snapshot(ctx.nowMs).view("cph", byRequestId);
    const groups = ids.map((id) => index.get(id) ?? []).filter((g) => g.length > 0);
    if (groups.length === 0) throw CphErrors.jobNotFound();

    const jobs: Record<string, unknown>[] = [];
    let skip = pageStart(offset, ctx);
    for (const group of groups) {
        if (skip >= group.length) {
            skip -= group.length;
            continue;
        }
        for (let i = skip; i < group.length && jobs.length < limit; i++) jobs.push(renderCphJob(group[i]));
        skip = 0;
        if (jobs.length >= limit) break;
    }
    return { request_id: ctx.requestId, jobs };
}
