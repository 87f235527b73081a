import { malformedResponse, type TaskgateCloudError } from "../errors";
import type { ApiName, CloudName, TaskState } from "../types";
import { obj, str } from "../values";

/**
 * How the sources read the records of an answer, the same way for every API: a record is an object
 * with its id, a page without an id in one of its records is malformed as a whole, and a raw status
 * maps to a state through a table, anything else being `UNKNOWN`.
 */

/** Where a source's records stand in one operation's answers: the list's name and each record's id field. */
export interface RecordList {
    readonly cloud: CloudName;
    readonly api: ApiName;
    readonly operation: string;
    /** The list in the body, as an error names it: `InvocationTaskSet`, `data.list`. */
    readonly listName: string;
    /** The field holding a record's id, which every record must have. */
    readonly idField: string;
}

/** The malformed-response error of one answer (its RequestId given) of the list's operation: the read retries it. */
export function malformedAnswer(list: RecordList, requestId: string | undefined): (detail: string) => TaskgateCloudError {
    return (detail) => malformedResponse(list.cloud, list.api, list.operation, detail, requestId);
}

/**
 * Maps a raw record that is an object with an id (a non-empty string at `idField`); undefined for
 * anything else, which the page then calls malformed (see {@link pageRecords}).
 */
export function withId<T>(raw: unknown, idField: string, build: (r: Record<string, unknown>, id: string) => T): T | undefined {
    const r = obj(raw);
    const id = str(r?.[idField]);
    return r && id ? build(r, id) : undefined;
}

/**
 * Every record of one page, mapped. One that maps to nothing (no id) makes the answer malformed,
 * named by its place: `jobs[3] has no job_id`; the read retries it like any malformed answer.
 * @param malformed the source's malformed-response error for this answer (its cloud, API, operation, RequestId).
 */
export function pageRecords<T>(
    list: readonly unknown[],
    where: Pick<RecordList, "listName" | "idField">,
    map: (raw: unknown) => T | undefined,
    malformed: (detail: string) => TaskgateCloudError,
): T[] {
    return list.map((raw, i) => {
        const t = map(raw);
        if (t === undefined) throw malformed(`${where.listName}[${i}] has no ${where.idField}`);
        return t;
    });
}

/**
 * Maps a raw status to the normalized state, given the raw statuses each state stands for:
 * `{ PENDING: ["WAITING", "INIT"], ... }`. A status the table leaves out, or one that is not a
 * string, is `UNKNOWN`: never a success.
 */
export function stateMapping(byState: Readonly<Partial<Record<TaskState, readonly string[]>>>): (status: unknown) => TaskState {
    const table = new Map<string, TaskState>();
    for (const [state, raws] of Object.entries(byState) as Array<[TaskState, readonly string[]]>) {
        for (const raw of raws) table.set(raw, state);
    }
    return (status) => (typeof status === "string" && table.get(status)) || "UNKNOWN";
}
