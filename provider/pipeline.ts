/**
 * The read every data source runs, once: plan the query (validate, send nothing), resolve the
 * connection, open the read's context (deadline, retries, the rate limit of the API and account),
 * page through each request of the query in the API's paging style, merge, and assemble the result.
 * A source file configures it with what differs ({@link SourceSpec}: its args and plan, its cloud
 * access, its requests, paging style, wire request and response mapping, and record type) and
 * {@link defineSource} makes its registry entry, `read` included. What the sources share to map
 * the wire is in ./sources/records.ts and ./sources/clouds.ts.
 */
import type { FailedTask, GateSourceTraits } from "./gateRules";
import { type CallResult, createReadContext, fetchPage, mapConcurrent, type Page, type Paging, readQueries, type ReadOptions } from "./paging";
import { taskListResult } from "./result";
import type { SettingsSources } from "./settings";
import { type Summarizable, summarize } from "./summary";
import type { ApiName, CloudName, TargetSummary, TaskListResult } from "./types";

/**
 * A data source as the registry (./sources) holds it: what gates, `check()` and the CLI need to
 * read any source and judge the result, without a switch over source kinds in each place.
 */
export interface SourceDefinition<A, T> {
    /** The cloud the source reads. */
    readonly cloud: CloudName;
    /** What a gate needs to know of the source: its label, whether it reports targets and outcomes. */
    readonly traits: GateSourceTraits;
    /** One record, for counts of one: `TAT invocation task` beside the label `TAT invocation tasks`. */
    readonly labelOne: string;
    /** The id of a record. */
    readonly idOf: (t: T) => string;
    /** Every arg the source accepts, connection settings included. */
    readonly args: readonly string[];
    /** Validates the query args (no I/O); throws a TaskgateValidationError. */
    readonly plan: (args: unknown) => unknown;
    /** Resolves and validates the connection settings (no I/O); throws a TaskgateValidationError. */
    readonly connection: (args: A, sources: SettingsSources) => unknown;
    /** Reads every record the args select (or the first `maxResults`). */
    readonly read: (args: A, sources: SettingsSources, options?: ReadOptions) => Promise<TaskListResult<T>>;
    /** A record as a gate reports it when it fails (or has not finished). */
    readonly failedTask: (t: T) => FailedTask;
    /** The task's per-target counts, where the API reports targets (machines, desktops). */
    readonly targets?: (t: T) => TargetSummary;
    /** The target a record ran on, where records name one (a TAT instance, a CPH phone or server): what `expectTargets` and `tolerateFailuresOn` match. */
    readonly targetOf?: (t: T) => string | undefined;
    /** When a record was created (or started, where the API reports no creation time): what `createdAfter` compares. */
    readonly createdAt: (t: T) => string | undefined;
    /**
     * The args narrowed to tasks created at or after a time, where the API filters by time (Workspace
     * `execute_time_start`); the gate still compares every task read, so a coarser filter loses nothing.
     */
    readonly since?: (args: A, createdAfter: Date) => A;
    /** The API names a result's id starts with (`tat-...`). */
    readonly idPrefixes: readonly string[];
    /**
     * Present where the API selects tasks by id and reports a query's total: the reads that let a
     * waiting gate's polls re-read only the tasks it still waits for (../polls.ts). Absent, every poll
     * reads the whole list.
     */
    readonly polls?: PollReads<A, T>;
}

/** The reads a waiting gate's polls take where the API selects tasks by id (see {@link SelectByIds}). */
export interface PollReads<A, T> {
    /** The most ids one request takes. */
    readonly idsPerRequest: number;
    /** How many requests {@link PollReads.count} sends for these args: one per request of the query. */
    readonly countRequests: (args: A) => number;
    /**
     * Counts the tasks the args select: one page of the smallest size per request of the query, the
     * totals the API reports summed (undefined where a page reports none). Through the same rate
     * limit, retries and deadline as a read.
     */
    readonly count: (args: A, sources: SettingsSources, options?: ReadOptions) => Promise<{ total?: number; requestIds: string[] }>;
    /** Reads the tasks with these ids, among those the args select (every one of them, `maxResults` aside). */
    readonly readIds: (args: A, ids: readonly string[], sources: SettingsSources, options?: ReadOptions) => Promise<TaskListResult<T>>;
}

/**
 * What a source declares where its API selects tasks by id and reports a total (TAT, Workspace), next
 * to its paging: the arg its plan sends the ids in, and what counting a query costs.
 */
export interface SelectByIds {
    /** The arg that lists task ids (`invocationTaskIds`); the source's plan cuts it into requests of {@link SelectByIds.perRequest}. */
    readonly arg: string;
    /** The most ids the API takes in one request. */
    readonly perRequest: number;
    /**
     * Args the API does not take together with ids (TAT's filters), left out of a read by ids. Only
     * args that select by what a task never changes (its invocation, instance, command) may be listed:
     * the ids alone then select the same tasks. Every other arg is kept, so the API applies it too.
     */
    readonly exclusiveOf?: readonly string[];
    /** The smallest page the API serves: counting a query asks for one page of this size per request and reads its total. */
    readonly countPageSize: number;
}

/** What every planned query holds besides its own fields. */
export interface PlannedQuery {
    readonly maxResults?: number;
}

/** What every resolved connection holds besides its credentials. */
export interface Connection {
    readonly region?: string;
}

/** How a source reaches its cloud: which cloud, how its connection settings resolve, and what its rate limit is counted against. */
export interface CloudAccess<A, C extends Connection> {
    readonly cloud: CloudName;
    /** Resolves and validates the connection settings (no I/O); throws a TaskgateValidationError. */
    readonly connection: (args: A, sources: SettingsSources) => C;
    /** What the cloud counts an API's rate limit against (account, region, endpoint), never a secret. */
    readonly rateScope: (conn: C) => string;
}

/** Asks the cloud for one page: the request it belongs to, the page's cursor, the attempt's timeout. */
export type PageCall<R, P> = (request: R, cursor: P, timeoutMs: number) => Promise<CallResult<unknown>>;

/**
 * What a data source configures: its registry entry less `read`, and the steps of its read that
 * differ from one API to the next.
 * @typeParam A the args. `Q` the planned query. `C` the resolved connection. `R` one API request of
 *   the query (an id batch, a filter combination, a status). `P` a page's cursor. `T` the record.
 */
export interface SourceSpec<A, Q extends PlannedQuery, C extends Connection, R, P, T extends Summarizable>
    extends Omit<SourceDefinition<A, T>, "read" | "cloud" | "connection" | "polls"> {
    /** Validates the query args and plans the requests (no I/O); throws a TaskgateValidationError naming the field. */
    readonly plan: (args: unknown) => Q;
    /** The cloud and how the source connects to it (./sources/clouds: tencentAccess, huaweiAccess). */
    readonly access: CloudAccess<A, C>;
    /** The API read: whose rate limit applies, and the prefix of the result's id. */
    readonly api: ApiName | ((q: Q) => ApiName);
    /** The API requests the query takes (id batches, filter combinations), each paged through; their records are merged in this order, each once. */
    readonly requests: (q: Q) => readonly R[];
    /** Reads the requests one after another instead of together. */
    readonly oneRequestAtATime?: boolean;
    /** The API's paging style and page size (paging.ts: offsetPages, offsetPagesUntilShort, scrollPages). */
    readonly paging: Paging<P>;
    /** Where the API selects tasks by id and reports a total: what a waiting gate's polls re-read by (see {@link SelectByIds}). */
    readonly selectByIds?: SelectByIds;
    /** Names one request's read in logs and errors: `TAT DescribeInvocationTasks`. */
    readonly what: string | ((q: Q, request: R) => string);
    /** Opens the transport and says how one page is asked for. */
    readonly connect: (conn: C, q: Q) => PageCall<R, P>;
    /** Parses one page's body into records; a body of the wrong shape throws a malformed-response error (and is retried). */
    readonly parse: (body: unknown, requestId: string | undefined, q: Q, request: R) => Page<T>;
    /** The query the result carries and its id hashes: the normalized args, never a credential or an endpoint. */
    readonly query: (q: Q, conn: C) => Record<string, unknown>;
}

/** Makes a source's registry entry from its configuration: the read is the pipeline's. */
export function defineSource<A, Q extends PlannedQuery, C extends Connection, R, P, T extends Summarizable>(
    spec: SourceSpec<A, Q, C, R, P, T>,
): SourceDefinition<A, T> {
    const { access, selectByIds, ...entry } = spec;
    return {
        ...entry,
        cloud: access.cloud,
        connection: access.connection,
        read: (args, sources, options) => readSource(spec, args, sources, options),
        ...(selectByIds && { polls: pollReads(spec, selectByIds) }),
    };
}

/** What every read of a source opens before sending: the plan, the connection, the read's context and the page call. */
function openRead<A, Q extends PlannedQuery, C extends Connection, R, P, T extends Summarizable>(
    spec: SourceSpec<A, Q, C, R, P, T>,
    args: A,
    sources: SettingsSources,
    options?: ReadOptions,
) {
    // The args are judged before the connection settings, and both before anything is sent.
    const q = spec.plan(args);
    const conn = spec.access.connection(args, sources);
    const api = typeof spec.api === "function" ? spec.api(q) : spec.api;
    const ctx = createReadContext(api, spec.access.rateScope(conn), options, sources);
    const call = spec.connect(conn, q);
    const what = (request: R) => (typeof spec.what === "function" ? spec.what(q, request) : spec.what);
    /** One page of one request, sent through the rate limit with retries, and parsed. */
    const page = (request: R, cursor: P, name: string) =>
        fetchPage(
            ctx,
            name,
            (timeoutMs) => call(request, cursor, timeoutMs),
            (body, requestId) => spec.parse(body, requestId, q, request),
        );
    return { q, conn, api, ctx, what, page };
}

/** One read of every record the args select. */
async function readSource<A, Q extends PlannedQuery, C extends Connection, R, P, T extends Summarizable>(
    spec: SourceSpec<A, Q, C, R, P, T>,
    args: A,
    sources: SettingsSources,
    options?: ReadOptions,
): Promise<TaskListResult<T>> {
    const { q, conn, api, ctx, what, page } = openRead(spec, args, sources, options);
    const { paging, idOf } = spec;
    const readRequest = (request: R) =>
        paging.read(ctx, {
            what: what(request),
            maxResults: q.maxResults,
            idOf,
            fetch: (cursor) => page(request, cursor, `${what(request)}${paging.pageName(cursor)}`),
        });
    const list = await readQueries(spec.oneRequestAtATime ? { ...ctx, concurrency: 1 } : ctx, spec.requests(q), idOf, q.maxResults, readRequest);
    return taskListResult(
        { cloud: spec.access.cloud, api, region: conn.region, query: spec.query(q, conn) },
        list.items,
        paging.reportsTotal ? list.total : list.items.length,
        summarize(list.items, spec.targets),
        ctx.requestIds,
    );
}

/** The reads by id and the count a source's {@link SelectByIds} makes possible. */
function pollReads<A, Q extends PlannedQuery, C extends Connection, R, P, T extends Summarizable>(
    spec: SourceSpec<A, Q, C, R, P, T>,
    select: SelectByIds,
): PollReads<A, T> {
    return {
        idsPerRequest: select.perRequest,
        countRequests: (args) => spec.requests(spec.plan(args)).length,
        count: async (args, sources, options) => {
            const { q, ctx, what, page } = openRead(spec, args, sources, options);
            const cursor = spec.paging.firstPage(select.countPageSize);
            const pages = await mapConcurrent(spec.requests(q), ctx.concurrency, (request) => page(request, cursor, `${what(request)} (count)`));
            const totals = pages.map((p) => p.total);
            const total = totals.every((t) => t !== undefined) ? totals.reduce((a, b) => a + b, 0) : undefined;
            return { total, requestIds: [...new Set(ctx.requestIds)] };
        },
        readIds: (args, ids, sources, options) => readSource(spec, idArgs(args, ids, select), sources, options),
    };
}

/** The args of a read by ids: the gate's args less `maxResults` and what the API does not take with ids, and the ids. */
function idArgs<A>(args: A, ids: readonly string[], select: SelectByIds): A {
    const dropped = new Set(["maxResults", ...(select.exclusiveOf ?? [])]);
    const kept = Object.entries(args as Record<string, unknown>).filter(([k]) => !dropped.has(k));
    return { ...Object.fromEntries(kept), [select.arg]: [...ids] } as A;
}
