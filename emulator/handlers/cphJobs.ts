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
import { type HandlerContext, pageStart, wireFields } from "./context";

/** Renders a job as CPH sends it (the stored `request_id` stays server-side). */
export function renderCphJob(r: CphJobRecord): Record<string, unknown> {
    return wireFields(r, [
        "phone_id",
        "server_id",
        "node_id",
        "encode_server_id",
        "job_id",
        "begin_time",
        "end_time",
        "status",
        "error_code",
        "error_msg",
        "execute_msg",
    ]);
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
