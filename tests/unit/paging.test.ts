import { strict as assert } from "node:assert";
import { TaskgateCloudError, TaskgateReadError } from "../../provider/errors";
import { configureRateLimits, DEFAULT_RATE_LIMITS } from "../../provider/rateLimit";
import { createReadContext, mapConcurrent, type Page, readOffsetPaged, readQueries, readScrollPaged, readUntilShortPage, request } from "../../provider/paging";

type Rec = { id: string };
const recs = (n: number, from = 0): Rec[] => Array.from({ length: n }, (_, i) => ({ id: `r${from + i}` }));

/** A context with no rate limit and fast retries, unique per test and kept to this process so limiters never carry over. */
let scopeSeq = 0;
function ctx(overrides: Parameters<typeof createReadContext>[2] = {}) {
    configureRateLimits({ tat: 0 });
    return createReadContext("tat", `unit-${scopeSeq++}`, {
        retry: { baseDelayMs: 1, throttleBaseDelayMs: 1, maxDelayMs: 2 },
        rateLimitDir: false,
        ...overrides,
    });
}

function offsetSource(data: Rec[]) {
    const calls: Array<[number, number]> = [];
    return {
        calls,
        fetch: async (offset: number, limit: number): Promise<Page<Rec>> => {
            calls.push([offset, limit]);
            return { items: data.slice(offset, offset + limit), total: data.length };
        },
    };
}

describe("paging", () => {
    // These tests run the pagers without a client-side rate limit; put the documented one back.
    after(() => configureRateLimits({ tat: DEFAULT_RATE_LIMITS.tat }));
    describe("offset paging with a total", () => {
        for (const n of [0, 1, 99, 100, 101, 250, 10_000]) {
            it(`returns each of ${n} records exactly once, in order`, async () => {
                const data = recs(n);
                const src = offsetSource(data);
                const r = await readOffsetPaged(ctx(), { what: "t", pageSize: 100, idOf: (x: Rec) => x.id, fetch: src.fetch });
                assert.deepEqual(
                    r.items.map((x) => x.id),
                    data.map((x) => x.id),
                );
                assert.equal(r.total, n);
                // Pages after the first overlap the previous one by a record: 99 new records each.
                assert.equal(src.calls.length, n <= 100 ? 1 : 1 + Math.ceil((n - 100) / 99));
            });
        }

        for (const total of [1e9, 1e12, Number.MAX_SAFE_INTEGER]) {
            it(`fails at once, after one request, on a total of ${total} records (no limiter, nothing planned)`, async () => {
                const calls: number[] = [];
                const fetch = async (offset: number): Promise<Page<Rec>> => {
                    calls.push(offset);
                    return { items: recs(100, offset), total };
                };
                // Planning the pages of such a total first would never finish (or run out of memory):
                // the test would time out instead of reaching the asserts.
                await assert.rejects(
                    readOffsetPaged(ctx(), { what: "TAT tasks", pageSize: 100, idOf: (x: Rec) => x.id, fetch }),
                    (e: Error) =>
                        e instanceof TaskgateReadError &&
                        e.message.includes(`reports ${total} records, more than one read holds (5000000)`) &&
                        /maxResults/.test(e.message),
                );
                assert.deepEqual(calls, [0]);
            });
        }

        it("fails at once when the rate limit cannot let the pages through before the deadline, naming both", async () => {
            // BM API 3.0: 10 requests/s. 100 000 records are 1 011 pages: at least 110 s, more than 60 s.
            const calls: number[] = [];
            const fetch = async (offset: number): Promise<Page<Rec>> => {
                calls.push(offset);
                return { items: recs(100, offset), total: 100_000 };
            };
            const c = createReadContext("bm", `unit-${scopeSeq++}`, { timeoutSeconds: 60, rateLimitDir: false });
            await assert.rejects(
                readOffsetPaged(c, { what: "BM tasks", pageSize: 100, idOf: (x: Rec) => x.id, fetch }),
                (e: Error) =>
                    e instanceof TaskgateReadError &&
                    /reports 100000 records \(1011 pages\); at the rate limit of 10 requests per 1 s that takes at least 1\d\d s, more than the (59|60) s left/.test(
                        e.message,
                    ) &&
                    /raise timeoutSeconds/.test(e.message),
            );
            assert.deepEqual(calls, [0]);
            // The same read with a longer timeout is planned (maxResults keeps this test short).
            const ok = await readOffsetPaged(createReadContext("bm", `unit-${scopeSeq++}`, { timeoutSeconds: 200, rateLimitDir: false }), {
                what: "BM tasks",
                pageSize: 100,
                maxResults: 150,
                idOf: (x: Rec) => x.id,
                fetch,
            });
            assert.equal(ok.items.length, 150);
        });

        it("reads only the pages maxResults needs, trimming the last", async () => {
            const src = offsetSource(recs(1000));
            const r = await readOffsetPaged(ctx(), { what: "t", pageSize: 100, maxResults: 150, idOf: (x: Rec) => x.id, fetch: src.fetch });
            assert.equal(r.items.length, 150);
            assert.equal(r.total, 1000);
            assert.deepEqual(
                src.calls.sort((a, b) => a[0] - b[0]),
                [
                    [0, 100],
                    [99, 51],
                ],
            );
        });

        it("re-reads when a record leaves before the read position while one arrives after it (same total)", async () => {
            // Without overlapping pages this loses a record silently: nothing repeats, no page is short.
            let data = recs(300);
            let reads = 0;
            let shifted = false;
            const r = await readOffsetPaged(ctx(), {
                what: "t",
                pageSize: 100,
                idOf: (x: Rec) => x.id,
                fetch: async (offset, limit) => {
                    if (offset === 0) reads++;
                    if (reads === 1 && offset > 0 && !shifted) {
                        shifted = true;
                        data = [...data.slice(1), { id: "late" }];
                    }
                    return { items: data.slice(offset, offset + limit), total: data.length };
                },
            });
            assert.equal(reads, 2);
            assert.deepEqual(
                r.items.map((x) => x.id),
                data.map((x) => x.id),
            );
        });

        it("re-reads when the total changes between pages, and returns the new list whole", async () => {
            const data = recs(250);
            let reads = 0;
            let inserted = false;
            const r = await readOffsetPaged(ctx(), {
                what: "t",
                pageSize: 100,
                idOf: (x: Rec) => x.id,
                fetch: async (offset, limit) => {
                    if (offset === 0) reads++;
                    // During the first pass a record is inserted at the top after page 1.
                    if (reads === 1 && offset > 0 && !inserted) {
                        inserted = true;
                        data.unshift({ id: "new" });
                    }
                    return { items: data.slice(offset, offset + limit), total: data.length };
                },
            });
            assert.equal(reads, 2);
            assert.equal(new Set(r.items.map((x) => x.id)).size, r.items.length);
            assert.equal(r.items.length, data.length);
        });

        it("re-reads when a record shows up on two pages with the same total", async () => {
            let pass = 0;
            const r = await readOffsetPaged(ctx(), {
                what: "t",
                pageSize: 2,
                idOf: (x: Rec) => x.id,
                fetch: async (offset) => {
                    if (offset === 0) pass++;
                    const data = pass === 1 && offset === 2 ? [{ id: "r1" }, { id: "r3" }] : recs(4).slice(offset, offset + 2);
                    return { items: data, total: 4 };
                },
            });
            assert.equal(pass, 2);
            assert.deepEqual(
                r.items.map((x) => x.id),
                ["r0", "r1", "r2", "r3"],
            );
        });

        it("fails loudly, never with a partial list, when the list keeps changing", async () => {
            let total = 300;
            await assert.rejects(
                readOffsetPaged(ctx({ maxRereads: 2 }), {
                    what: "TAT read",
                    pageSize: 100,
                    idOf: (x: Rec) => x.id,
                    fetch: async (offset, limit) => ({ items: recs(limit, offset), total: offset === 0 ? total++ : total + 5 }),
                }),
                (e: unknown) => e instanceof TaskgateReadError && /kept changing.*3 times; no partial list/.test(e.message),
            );
        });

        it("treats a short middle page as a change, not as the end", async () => {
            let pass = 0;
            const r = await readOffsetPaged(ctx(), {
                what: "t",
                pageSize: 10,
                idOf: (x: Rec) => x.id,
                fetch: async (offset, limit) => {
                    if (offset === 0) pass++;
                    const items = recs(30).slice(offset, offset + limit);
                    return { items: pass === 1 && offset === 9 ? items.slice(0, 5) : items, total: 30 };
                },
            });
            assert.equal(pass, 2);
            assert.equal(r.items.length, 30);
        });
    });

    describe("paging until a short page (no total)", () => {
        for (const n of [0, 1, 99, 100, 101, 199, 250]) {
            it(`returns each of ${n} records once`, async () => {
                const src = offsetSource(recs(n));
                const r = await readUntilShortPage(ctx(), { what: "t", pageSize: 100, idOf: (x: Rec) => x.id, fetch: src.fetch });
                assert.deepEqual(
                    r.items.map((x) => x.id),
                    recs(n).map((x) => x.id),
                );
                assert.equal(src.calls.length, n < 100 ? 1 : Math.floor((n - 100) / 99) + 2);
            });
        }

        it("re-reads when a record before the read position is removed between pages", async () => {
            let data = recs(250);
            let reads = 0;
            const r = await readUntilShortPage(ctx(), {
                what: "t",
                pageSize: 100,
                idOf: (x: Rec) => x.id,
                fetch: async (offset, limit) => {
                    if (offset === 0) reads++;
                    if (reads === 1 && offset > 0) data = data.filter((x) => x.id !== "r5");
                    return { items: data.slice(offset, offset + limit) };
                },
            });
            assert.equal(reads, 2);
            assert.deepEqual(
                r.items.map((x) => x.id),
                data.map((x) => x.id),
            );
        });

        it("stops at maxResults with the overlap counted", async () => {
            const src = offsetSource(recs(1000));
            const r = await readUntilShortPage(ctx(), { what: "t", pageSize: 100, maxResults: 150, idOf: (x: Rec) => x.id, fetch: src.fetch });
            assert.deepEqual(
                r.items.map((x) => x.id),
                recs(150).map((x) => x.id),
            );
            assert.deepEqual(src.calls, [
                [0, 100],
                [99, 51],
            ]);
        });
    });

    describe("scroll-token paging", () => {
        function scrollSource(data: Rec[], totalOnScrolled: (left: number) => number = (left) => left) {
            let calls = 0;
            return {
                get calls() {
                    return calls;
                },
                fetch: async (token: string | undefined, limit: number): Promise<Page<Rec>> => {
                    calls++;
                    const start = token ? data.findIndex((r) => r.id === token) : 0;
                    const items = data.slice(start, start + limit);
                    const next = data[start + limit]?.id ?? "";
                    return { items, total: token ? totalOnScrolled(data.length - start) : data.length, nextToken: next };
                },
            };
        }

        for (const n of [0, 1, 100, 101, 10_000]) {
            it(`follows the token through ${n} records`, async () => {
                const src = scrollSource(recs(n));
                const r = await readScrollPaged(ctx(), { what: "t", pageSize: 100, idOf: (x: Rec) => x.id, fetch: src.fetch });
                assert.equal(r.items.length, n);
                assert.equal(r.total, n);
                assert.equal(src.calls, Math.max(1, Math.ceil(n / 100)));
            });
        }

        it("ignores TotalCount on scrolled pages (the docs answer 1 there) and de-duplicates by id", async () => {
            const data = recs(12);
            const r = await readScrollPaged(ctx(), {
                what: "t",
                pageSize: 5,
                idOf: (x: Rec) => x.id,
                fetch: async (token, limit) => {
                    const start = token ? Number(token.slice(1)) - 1 : 0; // the next page repeats one record
                    const items = data.slice(Math.max(0, start), start + limit);
                    return { items, total: token ? 1 : 12, nextToken: data[start + limit]?.id ?? "" };
                },
            });
            assert.deepEqual(
                r.items.map((x) => x.id),
                data.map((x) => x.id),
            );
            assert.equal(r.total, 12);
        });

        it("stops with an error when the API hands back a token it gave before", async () => {
            await assert.rejects(
                readScrollPaged(ctx(), {
                    what: "MPS",
                    pageSize: 1,
                    idOf: (x: Rec) => x.id,
                    fetch: async (token) => ({ items: [{ id: token ?? "a" }], nextToken: "loop" }),
                }),
                /ScrollToken "loop" twice/,
            );
        });

        it("stops at maxResults", async () => {
            const src = scrollSource(recs(1000));
            const r = await readScrollPaged(ctx(), { what: "t", pageSize: 100, maxResults: 150, idOf: (x: Rec) => x.id, fetch: src.fetch });
            assert.equal(r.items.length, 150);
            assert.equal(src.calls, 2);
        });
    });

    it("merges batched queries in order, each record once, summing totals", async () => {
        const c = ctx();
        const r = await readQueries(
            c,
            [recs(3), recs(2, 2)],
            (x: Rec) => x.id,
            undefined,
            async (q) => ({ items: q, total: q.length }),
        );
        assert.deepEqual(
            r.items.map((x) => x.id),
            ["r0", "r1", "r2", "r3"],
        );
        assert.equal(r.total, 5);
    });

    it("mapConcurrent keeps order and never exceeds its limit", async () => {
        let inFlight = 0;
        let peak = 0;
        const out = await mapConcurrent(
            Array.from({ length: 20 }, (_, i) => i),
            3,
            async (i) => {
                inFlight++;
                peak = Math.max(peak, inFlight);
                await new Promise((r) => setTimeout(r, 2));
                inFlight--;
                return i * 2;
            },
        );
        assert.equal(peak, 3);
        assert.deepEqual(
            out,
            Array.from({ length: 20 }, (_, i) => i * 2),
        );
    });

    describe("request: retries one page alone", () => {
        const throttled = () =>
            new TaskgateCloudError({
                cloud: "tencentcloud",
                api: "tat",
                operation: "X",
                code: "RequestLimitExceeded",
                message: "slow down",
                requestId: "rid-t",
                kind: "throttled",
            });
        const auth = () =>
            new TaskgateCloudError({
                cloud: "tencentcloud",
                api: "tat",
                operation: "X",
                code: "AuthFailure.SignatureFailure",
                message: "bad",
                requestId: "rid-a",
                kind: "auth",
            });

        it("retries throttling, then succeeds, recording every RequestId", async () => {
            const c = ctx();
            let n = 0;
            const r = await request(c, "page", async () => {
                if (++n < 3) throw throttled();
                return { body: "ok", requestId: "rid-ok" };
            });
            assert.equal(r.body, "ok");
            assert.equal(n, 3);
            assert.deepEqual(c.requestIds, ["rid-t", "rid-t", "rid-ok"]);
        });

        it("never retries an auth failure", async () => {
            let n = 0;
            await assert.rejects(
                request(ctx(), "page", async () => {
                    n++;
                    throw auth();
                }),
                (e: unknown) => e instanceof TaskgateCloudError && e.cloudCode === "AuthFailure.SignatureFailure",
            );
            assert.equal(n, 1);
        });

        it("gives up after maxAttempts with the last cloud error", async () => {
            let n = 0;
            await assert.rejects(
                request(ctx({ retry: { maxAttempts: 3, baseDelayMs: 1, throttleBaseDelayMs: 1, maxDelayMs: 1 } }), "page", async () => {
                    n++;
                    throw throttled();
                }),
                (e: unknown) => e instanceof TaskgateCloudError && e.attempts === 3,
            );
            assert.equal(n, 3);
        });

        it("stops before a backoff would pass the deadline", async () => {
            // A backoff of a minute against a deadline of 50 ms: sleeping it first would time the test out.
            const c = ctx({ timeoutSeconds: 0.05, retry: { baseDelayMs: 60_000, throttleBaseDelayMs: 60_000, maxDelayMs: 60_000 } });
            let sends = 0;
            await assert.rejects(
                request(c, "page", async () => {
                    sends++;
                    throw throttled();
                }),
                /did not succeed before the read's deadline \(1 attempt\)/,
            );
            assert.equal(sends, 1, "sent once, and given up instead of waiting");
        });
    });
});
