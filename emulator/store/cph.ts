/**
 * CPH records: seed rows as stored jobs, each with the `request_id` of the call that started it
 * (kept server-side: ListJobs filters by it and never returns it).
 */
import { isoSeconds } from "../timefmt";
import type { CphJobRecord } from "../types";
import type { RecordSpec } from "./collection";
import { num, requireId, str } from "./fields";

/** Seed rows -> complete CPH job records (each needs its `request_id`). */
export const cphSpec: RecordSpec<CphJobRecord> = {
    name: "cph",
    idOf: (r) => r.job_id,
    normalize(input, nowMs) {
        const id = requireId(input, "job_id", "cph");
        const requestId = requireId(input, "request_id", "cph");
        const status = num(input.status, 2);
        const begin = str(input.begin_time, isoSeconds(nowMs));
        const out: CphJobRecord = {
            job_id: id,
            begin_time: begin,
            end_time: str(input.end_time, status === 1 ? "" : begin),
            status,
            error_code: str(input.error_code, ""),
            error_msg: str(input.error_msg, ""),
            request_id: requestId,
        };
        for (const k of ["phone_id", "server_id", "node_id", "encode_server_id", "execute_msg"] as const) {
            if (typeof input[k] === "string") out[k] = input[k] as string;
        }
        return out;
    },
};
