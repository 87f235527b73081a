/**
 * The read pipeline (provider/pipeline.ts) read through a sixth source that exists only here: its
 * spec is all it is (args and plan, cloud access, requests, paging style, wire mapping, record
 * type), and its page call is injected, so the test sees every page the pipeline asks for. What the
 * five real sources' tests cannot show: that a new source needs nothing but its spec to be planned,
 * paged, merged, retried and summed up like the others.
 */
import { strict as assert } from "node:assert";
import { TaskgateValidationError } from "../../provider/errors";
import {
    offsetPages,
    offsetPagesUntilShort,
    type OffsetCursor,
    type Page,
    type Paging,
    type ReadOptions,
    scrollPages,
    type TokenCursor,
} from "../../provider/paging";
import { defineSource, type PageCall } from "../../provider/pipeline";
import { configureRateLimits, DEFAULT_RATE_LIMITS } from "../../provider/rateLimit";
import type { TencentConnectionArgs } from "../../provider/settings";
import { tencentAccess } from "../../provider/sources/clouds";
import { malformedAnswer, pageRecords, type RecordList, stateMapping, withId } from "../../provider/sources/records";
import { idList, maxResults, rejectUnknownArgs, TENCENT_CONNECTION_ARGS } from "../../provider/validate";
import { num, obj, str } from "../../provider/values";

/** The sixth source's args: the groups whose jobs to list. */
interface FakeArgs extends TencentConnectionArgs {
    group?: string | string[];
    maxResults?: number;
}

/** One fake job. */
interface FakeJob {
    readonly jobId: string;
    readonly status?: string;
    readonly state: ReturnType<typeof fakeState>;
    readonly exitCode?: number;
}

interface FakeQuery {
    readonly groups: string[];
    readonly maxResults?: number;
}

const FAKE_ARGS = ["group", "maxResults", ...TENCENT_CONNECTION_ARGS];
const WIRE = { cloud: "tencentcloud", api: "tat", operation: "ListFakeJobs", listName: "Jobs", idField: "JobId" } as const satisfies RecordList;
const fakeState = stateMapping({ RUNNING: ["busy"], SUCCEEDED: ["done"], FAILED: ["broken"] });

function planFakeQuery(raw: unknown): FakeQuery {
    const args = rejectUnknownArgs(raw, FAKE_ARGS);
    const groups = idList("group", args.group, { re: /^g-[a-z]+$/, hint: "a group such as g-blue" });
    if (!groups) throw new TaskgateValidationError("group", "is required");
    return { groups, maxResults: maxResults(args.maxResults) };
}

const mapFakeJob = (raw: unknown): FakeJob | undefined =>
    withId(raw, WIRE.idField, (r, jobId) => ({ jobId, status: str(r.Status), state: fakeState(r.Status), exitCode: num(r.ExitCode) }));

function parseFakePage(body: unknown, requestId?: string): Page<FakeJob> {
    const malformed = malformedAnswer(WIRE, requestId);
    const b = obj(body);
    if (!Array.isArray(b?.Jobs)) throw malformed("the response lacks Jobs");
    return { items: pageRecords(b.Jobs, WIRE, mapFakeJob, malformed), total: num(b.Total), nextToken: str(b.Next) };
}

/** The fake cloud: each group's jobs as the API would send them. */
type Cloud = Record<string, Array<{ JobId?: string; Status: string; ExitCode?: number }>>;

/** One page the pipeline asked for. */
interface Asked {
    readonly group: string;
    readonly offset?: number;
    readonly token?: string;
    readonly limit: number;
}

const jobs = (prefix: string, n: number, status = "done") => Array.from({ length: n }, (_, i) => ({ JobId: `${prefix}${i}`, Status: status }));

/**
 * The sixth source, on a fake cloud, in the paging style given. Its page call answers from `cloud`
 * and records what it was asked (answering `broken` bodies first where told).
 */
function fakeSource<P extends OffsetCursor | TokenCursor>(
    cloud: Cloud,
    paging: Paging<P>,
    o: { oneRequestAtATime?: boolean; malformedFirst?: number; inFlight?: { now: number; max: number } } = {},
) {
    const asked: Asked[] = [];
    let malformedLeft = o.malformedFirst ?? 0;
    let requests = 0;
    const call: PageCall<string, P> = async (group, page) => {
        const offset = "offset" in page ? page.offset : Number(page.token ?? 0);
        asked.push({ group, limit: page.limit, ...("offset" in page ? { offset } : { token: page.token }) });
        const flight = o.inFlight ?? { now: 0, max: 0 };
        flight.now++;
        flight.max = Math.max(flight.max, flight.now);
        await new Promise((r) => setImmediate(r));
        flight.now--;
        const requestId = `req-${++requests}`;
        if (malformedLeft > 0) {
            malformedLeft--;
            return { body: { Jobs: [{ Status: "done" }], Total: 1 }, requestId };
        }
        const all = cloud[group] ?? [];
        const next = offset + page.limit < all.length ? String(offset + page.limit) : undefined;
        return { body: { Jobs: all.slice(offset, offset + page.limit), Total: all.length, Next: next }, requestId };
    };
    const source = defineSource({
        labelOne: "fake job",
        traits: { label: "fake jobs", hasTargets: false, reportsOutcome: true },
        args: FAKE_ARGS,
        idPrefixes: ["tat"],
        idOf: (j: FakeJob) => j.jobId,
        failedTask: (j: FakeJob) => ({ id: j.jobId, state: j.state, errorCode: j.status, exitCode: j.exitCode }),
        createdAt: () => undefined,
        plan: planFakeQuery,
        access: tencentAccess<FakeArgs>(true),
        api: WIRE.api,
        requests: (q) => q.groups,
        oneRequestAtATime: o.oneRequestAtATime,
        paging,
        what: (_q, group) => `Fake ${WIRE.operation} ${group}`,
        connect: () => call,
        parse: (body, requestId) => parseFakePage(body, requestId),
        query: (q) => ({ groups: q.groups, maxResults: q.maxResults }),
    });
    return { source, asked };
}

const CONN = { secretId: "AKIDfake0000", secretKey: "fake-secret-key", region: "ap-test", endpoint: "http://127.0.0.1:9" };
const SOURCES = { config: () => undefined, env: {} };
const QUICK: ReadOptions = { rateLimitDir: false, random: () => 0, retry: { baseDelayMs: 1, maxDelayMs: 1 } };

describe("the read pipeline, configured by a source that exists only in this test", () => {
    before(() => configureRateLimits({ tat: 0 }));
    after(() => configureRateLimits({ tat: DEFAULT_RATE_LIMITS.tat }));

    it("plans, pages each request in its paging style, merges in request order with each record once, and sums up the result", async () => {
        const cloud: Cloud = {
            "g-blue": [...jobs("a", 4), { JobId: "a4", Status: "broken", ExitCode: 3 }],
            "g-red": [...jobs("a", 1, "done"), ...jobs("b", 2, "busy")],
        };
        const { source, asked } = fakeSource(cloud, offsetPages(3));
        const r = await source.read({ ...CONN, group: ["g-blue", "g-red"] }, SOURCES, QUICK);
        assert.deepEqual(
            r.tasks.map((t) => t.jobId),
            ["a0", "a1", "a2", "a3", "a4", "b0", "b1"],
        );
        // Offset paging with a total: pages of 3 that overlap by one record, per request.
        assert.deepEqual(
            asked.filter((a) => a.group === "g-blue").map((a) => [a.offset, a.limit]),
            [
                [0, 3],
                [2, 3],
            ],
        );
        assert.deepEqual(
            asked.filter((a) => a.group === "g-red").map((a) => [a.offset, a.limit]),
            [[0, 3]],
        );
        assert.equal(r.totalCount, 8, "the totals the API reported, summed over the requests");
        assert.deepEqual([r.summary.total, r.summary.succeeded, r.summary.failed, r.summary.running, r.summary.done], [7, 4, 1, 2, false]);
        assert.deepEqual(r.query, { groups: ["g-blue", "g-red"], region: "ap-test" });
        assert.match(r.id, /^tat-[0-9a-f]{24}$/);
        assert.deepEqual([...r.requestIds].sort(), ["req-1", "req-2", "req-3"]);
        assert.doesNotMatch(JSON.stringify(r), /fake-secret-key|AKIDfake0000|127\.0\.0\.1/);
        assert.deepEqual(source.failedTask(r.tasks[4]), { id: "a4", state: "FAILED", errorCode: "broken", exitCode: 3 });
    });

    it("refuses bad args, naming the field, before any page is asked for", async () => {
        const { source, asked } = fakeSource({}, offsetPages(3));
        await assert.rejects(
            source.read({ ...CONN, group: "blue" }, SOURCES, QUICK),
            (e: Error) => e instanceof TaskgateValidationError && e.field === "group" && /g-blue/.test(e.message),
        );
        await assert.rejects(
            source.read({ ...CONN, group: "g-blue", colour: "red" } as FakeArgs, SOURCES, QUICK),
            (e: Error) => e instanceof TaskgateValidationError && /colour/.test(e.message),
        );
        await assert.rejects(source.read({ group: "g-blue" }, SOURCES, QUICK), (e: Error) => e instanceof TaskgateValidationError && e.field === "secretId");
        assert.deepEqual(asked, []);
    });

    it("a page whose record has no id is a malformed answer, asked for again", async () => {
        const { source, asked } = fakeSource({ "g-blue": jobs("a", 2) }, offsetPages(3), { malformedFirst: 1 });
        const r = await source.read({ ...CONN, group: "g-blue" }, SOURCES, QUICK);
        assert.deepEqual(
            r.tasks.map((t) => t.jobId),
            ["a0", "a1"],
        );
        assert.equal(asked.length, 2);
        assert.ok(r.requestIds.includes("req-1"), "the malformed answer's RequestId is kept for a support ticket");
        const { source: broken } = fakeSource({}, offsetPages(3), { malformedFirst: 99 });
        await assert.rejects(
            broken.read({ ...CONN, group: "g-blue" }, SOURCES, { ...QUICK, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }),
            (e: Error) => /ListFakeJobs.*Jobs\[0\] has no JobId/.test(e.message),
        );
    });

    it("a scroll-token source read one request at a time: one page in flight, pages chained by token", async () => {
        const inFlight = { now: 0, max: 0 };
        const cloud: Cloud = { "g-blue": jobs("a", 5), "g-red": jobs("b", 3) };
        const { source, asked } = fakeSource(cloud, scrollPages(2), { oneRequestAtATime: true, inFlight });
        const r = await source.read({ ...CONN, group: ["g-blue", "g-red"] }, SOURCES, QUICK);
        assert.deepEqual(
            r.tasks.map((t) => t.jobId),
            ["a0", "a1", "a2", "a3", "a4", "b0", "b1", "b2"],
        );
        assert.deepEqual(
            asked.map((a) => `${a.group}:${a.token ?? "-"}`),
            ["g-blue:-", "g-blue:2", "g-blue:4", "g-red:-", "g-red:2"],
        );
        assert.equal(inFlight.max, 1);
    });

    it("offset paging without a total stops at a short page and counts what it read; maxResults caps the read", async () => {
        const { source, asked } = fakeSource({ "g-blue": jobs("a", 4) }, offsetPagesUntilShort(3));
        const r = await source.read({ ...CONN, group: "g-blue" }, SOURCES, QUICK);
        assert.deepEqual(
            r.tasks.map((t) => t.jobId),
            ["a0", "a1", "a2", "a3"],
        );
        assert.equal(r.totalCount, 4);
        assert.deepEqual(
            asked.map((a) => [a.offset, a.limit]),
            [
                [0, 3],
                [2, 3],
            ],
        );
        const capped = await source.read({ ...CONN, group: "g-blue", maxResults: 2 }, SOURCES, QUICK);
        assert.deepEqual(
            capped.tasks.map((t) => t.jobId),
            ["a0", "a1"],
        );
        assert.equal(capped.query.maxResults, 2);
    });
});
