/**
 * The reads of a waiting gate. The first poll reads the whole list; after it, where the source can
 * select tasks by id (SourceDefinition.polls: TAT, Workspace), a poll counts the query (one small page
 * per request, for the total the API reports) and re-reads only the tasks that can still change, by
 * id. The gate then judges the last complete list with those tasks replaced: the same picture a full
 * read would give, for what is left instead of what was. Whenever that picture cannot be vouched for
 * (the total moved, a task is not found by its id, an id cannot be sent), the poll reads the whole
 * list instead, so a task that appears or vanishes is never missed.
 */
import { DEFAULT_TIMEOUT_SECONDS, type ReadOptions } from "./paging";
import type { PollReads, SourceDefinition } from "./pipeline";
import { REAL_CLOCK } from "./retry";
import type { SettingsSources } from "./settings";
import { summarize } from "./summary";
import { TaskgateValidationError } from "./errors";
import type { TaskListResult, TaskState } from "./types";
import { plural } from "./words";

/** States a task can still leave: a poll re-reads these. The others are final. */
const UNSETTLED: ReadonlySet<TaskState> = new Set(["PENDING", "RUNNING", "UNKNOWN"]);

/** What a gate holds between polls: the last complete list, and how many requests reading it whole took. */
export interface PollBase<T> {
    readonly result: TaskListResult<T>;
    /** Pages the last full read asked for: what an incremental poll must cost less than. */
    readonly fullReadRequests: number;
}

/** What one poll reads: the whole list (and why), or the tasks with these ids. */
export type PollChoice = { readonly how: "full"; readonly why: string } | { readonly how: "byIds"; readonly ids: string[] };

/** What choosing a poll needs of the source's reads by id: how many ids go in a request, and what a count costs. */
export interface PollCosts {
    readonly idsPerRequest: number;
    readonly countRequests: number;
}

/**
 * Whether a poll re-reads only the unsettled tasks of `base` by id, or the whole list. Pure.
 * Whole: the first poll; a source whose API cannot select by id; a last list that held only part of
 * what matched (`maxResults`); or when counting and reading by id would cost at least as many
 * requests as the whole list did (a short list, or most tasks still running).
 */
export function choosePoll<T extends { state: TaskState }>(base: PollBase<T> | undefined, costs: PollCosts | undefined, idOf: (t: T) => string): PollChoice {
    if (!base) return { how: "full", why: "the first read" };
    if (!costs) return { how: "full", why: "the API cannot select tasks by id" };
    if (base.result.tasks.length < base.result.totalCount) return { how: "full", why: "the last read held only part of the list" };
    const ids = base.result.tasks.filter((t) => UNSETTLED.has(t.state)).map(idOf);
    const requests = costs.countRequests + Math.ceil(ids.length / costs.idsPerRequest);
    if (requests >= base.fullReadRequests) {
        return {
            how: "full",
            why: `re-reading ${plural(ids.length, "unfinished task")} by id takes ${requests} requests, the whole list ${base.fullReadRequests}`,
        };
    }
    return { how: "byIds", ids };
}

/** The previous list with the re-read tasks in their places, or what keeps it from being the list as it is now. */
export type Merged<T> = { readonly tasks: T[] } | { readonly moved: string };

/**
 * Puts the tasks re-read by id in the places of the same tasks in the previous list (its order kept).
 * Pure. Every id asked for must come back, and only those: a task no longer found, or one that was
 * not asked for, means the list is not what it was, and only a whole read can say what it is now.
 */
export function mergeById<T>(previous: readonly T[], asked: readonly string[], reread: readonly T[], idOf: (t: T) => string): Merged<T> {
    const wanted = new Set(asked);
    const fresh = new Map<string, T>();
    for (const t of reread) {
        const id = idOf(t);
        if (!wanted.has(id)) return { moved: "a task read by id was not one asked for" };
        fresh.set(id, t);
    }
    if (fresh.size < wanted.size) return { moved: `${plural(wanted.size - fresh.size, "unfinished task")} no longer found by id` };
    return { tasks: previous.map((t) => fresh.get(idOf(t)) ?? t) };
}

/** How a poll read the list: whole, or the unsettled tasks by id. */
export type PollHow = "full" | "byIds";

/** One poll's list, and how it was read. */
export interface PollResult<T> {
    readonly result: TaskListResult<T>;
    readonly how: PollHow;
}

/**
 * The reads of one waiting gate over one source and its args: each call is one poll (see the module's
 * comment). `incremental` false reads the whole list every time (a test's or the benchmark's
 * comparison).
 */
export function gatePolls<T extends { state: TaskState }>(
    def: SourceDefinition<unknown, T>,
    args: unknown,
    sources: SettingsSources,
    incremental = true,
): (options: ReadOptions) => Promise<PollResult<T>> {
    let base: PollBase<T> | undefined;
    const reads = incremental ? def.polls : undefined;
    const costs = reads && { idsPerRequest: reads.idsPerRequest, countRequests: reads.countRequests(args) };
    const full = async (options: ReadOptions, fellBack?: string): Promise<PollResult<T>> => {
        if (fellBack) options.log?.debug(`taskgate: ${def.traits.label}: reading the whole list again: ${fellBack}`);
        let pages = 0;
        const result = await def.read(args, sources, {
            ...options,
            onPage: (read, total) => {
                pages++;
                options.onPage?.(read, total);
            },
        });
        base = { result, fullReadRequests: pages };
        return { result, how: "full" };
    };
    return async (options) => {
        const choice = choosePoll(base, costs, def.idOf);
        if (choice.how === "full") return full(options);
        // Chosen only with a last complete list and a source that reads by id.
        const last = base!.result;
        const within = deadlineOf(options);
        const counted = await reads!.count(args, sources, within());
        if (counted.total !== last.totalCount) return full(within(), `the total went from ${last.totalCount} to ${counted.total ?? "unknown"}`);
        const reread = await readIds(reads!, args, choice.ids, sources, within());
        const merged = reread && mergeById(last.tasks, choice.ids, reread.tasks, def.idOf);
        if (!merged || "moved" in merged) return full(within(), merged ? merged.moved : "an unfinished task's id cannot be sent");
        const result: TaskListResult<T> = {
            ...last,
            tasks: merged.tasks,
            summary: summarize(merged.tasks, def.targets),
            requestIds: [...new Set([...counted.requestIds, ...reread.requestIds])],
        };
        base = { result, fullReadRequests: base!.fullReadRequests };
        return { result, how: "byIds" };
    };
}

/**
 * Reads tasks by id; undefined when the source refuses one of the ids. The ids come from the cloud,
 * not the user (whose args the first read validated), so a refusal only says that the list must be
 * read whole.
 */
async function readIds<T>(
    reads: PollReads<unknown, T>,
    args: unknown,
    ids: readonly string[],
    sources: SettingsSources,
    options: ReadOptions,
): Promise<Pick<TaskListResult<T>, "tasks" | "requestIds"> | undefined> {
    // Nothing left to re-read (the count alone vouches for the list): no request, and no empty id list for the API.
    if (ids.length === 0) return { tasks: [], requestIds: [] };
    try {
        return await reads.readIds(args, ids, sources, options);
    } catch (e) {
        if (e instanceof TaskgateValidationError) return undefined;
        throw e;
    }
}

/** The options of the reads one poll takes, each given what is left of the poll's timeout (a poll keeps the deadline one read had). */
function deadlineOf(options: ReadOptions): () => ReadOptions {
    const clock = options.clock ?? REAL_CLOCK;
    const end = clock.now() + (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
    return () => ({ ...options, timeoutSeconds: Math.max(0, (end - clock.now()) / 1000) });
}
