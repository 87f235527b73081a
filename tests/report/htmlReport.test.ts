import { strict as assert } from "node:assert";
import { EMULATOR_CREDENTIALS } from "../../emulator/server";
import { TaskgateValidationError } from "../../provider/errors";
import { GateFailedError, type GateRequirements } from "../../provider/gateRules";
import { failingTasks, SOURCE_KINDS, SOURCES, sourceDefinition } from "../../provider/sources";
import { esc } from "../../report/html";
import { REPORT_LIMITS, renderHtmlReport } from "../../report/htmlReport";
import { FAILING_SEGMENTS, groupTargets, SEGMENTS, sourceView } from "../../report/targetGroups";
import { check } from "../../sdk/check";
import { useEmulator } from "../integration/helpers";
import { everySource, HOSTILE, read, type Read, tatRollout } from "./fixtures";

const AT = new Date("2025-06-01T12:00:00Z");
const render = (r: Read, require?: GateRequirements) => renderHtmlReport({ kind: r.kind, result: r.result, query: r.query, require, generatedAt: AT });

/** Every stacked bar of a page: its total and its segments' states, counts and widths (%). */
function bars(html: string) {
    return [...html.matchAll(/<div class="bar[^"]*" role="img" data-total="(\d+)" aria-label="([^"]*)">(.*?)<\/div>/g)].map((m) => ({
        total: Number(m[1]),
        label: m[2],
        segs: [...m[3].matchAll(/style="width:([\d.]+)%" data-state="(\w+)" data-count="(\d+)"/g)].map((s) => ({
            width: Number(s[1]),
            state: s[2],
            count: Number(s[3]),
        })),
    }));
}

/** Markup that would load something or run something; none may appear outside escaped text. */
const ACTIVE = /<(script|img|link|iframe|object|embed|svg|video|audio|source|base|form|meta http-equiv="refresh")\b|\son\w+=|\bhref=|\burl\(|@import/i;

describe("report: renderHtmlReport (pure renderer, over results read from the emulator)", function () {
    this.timeout(120_000);
    const ctx = useEmulator();

    describe("every source kind", () => {
        let reads: Awaited<ReturnType<typeof everySource>>;
        beforeEach(async () => {
            reads = await everySource(ctx.emu);
        });

        it("draws each source's counts, groups, failing tasks and every task, with nothing that loads or runs", () => {
            for (const kind of SOURCE_KINDS) {
                const r = reads[kind];
                assert.ok(r.result.tasks.length > 0, `${kind}: tasks were read`);
                const html = render(r);
                const view = sourceView(kind);
                assert.ok(html.startsWith("<!DOCTYPE html>"), kind);
                assert.ok(html.includes(`<h1>${esc(SOURCES[kind].traits.label)}</h1>`), `${kind}: the title names the source`);
                assert.ok(html.includes(`<span class="n">${r.result.summary.total}</span><span class="l">${view.taskNoun[1]} read</span>`), `${kind}: total`);
                assert.ok(html.includes(`<section class="verdict none"`), `${kind}: no verdict without requirements`);
                const html2 = html.replace(esc(HOSTILE), "");
                assert.doesNotMatch(html2, ACTIVE, `${kind}: nothing active in the page`);
                assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'/);
                const failing = failingTasks(kind, r.result.tasks);
                assert.equal(failing.length > 0, kind !== "mpsTasks", `${kind}: failing tasks (MPS reports no outcome)`);
                for (const f of failing) assert.ok(html.includes(`<td class="id">${esc(f.id)}</td>`), `${kind}: failing task ${f.id} listed`);
                for (const t of r.result.tasks) {
                    assert.ok(html.includes(esc(sourceDefinition(kind).idOf(t))), `${kind}: task ${sourceDefinition(kind).idOf(t)} in the full table`);
                    assert.ok(html.includes(esc(view.group(t).label)), `${kind}: group ${view.group(t).label} drawn`);
                }
                // Every bar's segments add up to its total and to 100% of its width.
                const drawn = bars(html);
                assert.ok(drawn.length >= 2, `${kind}: the overall bar and a group's`);
                for (const b of drawn) {
                    assert.equal(
                        b.segs.reduce((a, s) => a + s.count, 0),
                        b.total,
                        `${kind}: ${b.label}`,
                    );
                    assert.ok(Math.abs(b.segs.reduce((a, s) => a + s.width, 0) - 100) < 0.01, `${kind}: ${b.label} spans 100%`);
                }
            }
        });

        it("groups per source: TAT by instance, MPS by task type, BM and Workspace by task (counting targets), CPH by server", () => {
            const labels = (kind: keyof typeof reads) => groupTargets(kind, reads[kind].result.tasks).groups.map((g) => g.label);
            assert.equal(labels("tatInvocationTasks").length, 11, "10 instances round-robin plus the hostile task's own instance");
            assert.deepEqual([...labels("mpsTasks")].sort(), ["EditMediaTask", "WorkflowTask"]);
            assert.equal(labels("cphJobs").length, 2, "two generated batches, one server each");
            assert.ok(
                labels("cphJobs").every((l) => /^[0-9a-f-]{36}$/.test(l)),
                "CPH groups are server ids",
            );
            assert.equal(labels("bmCmdTasks").length, 12, "one bar per BM task");
            assert.equal(labels("workspaceScriptTasks").length, 12, "one bar per Workspace task");
            assert.ok(
                labels("workspaceScriptTasks").every((l) => l.endsWith(" · taskgate-script · finance-pool")),
                labels("workspaceScriptTasks")[0],
            );

            // Target sources count machines and desktops: the overall bar holds the summary's targets.
            for (const kind of ["bmCmdTasks", "workspaceScriptTasks"] as const) {
                const { summary, tasks } = reads[kind].result;
                const overall = bars(render(reads[kind]))[0];
                const count = (st: string) => overall.segs.find((s) => s.state === st)?.count ?? 0;
                assert.equal(count("SUCCEEDED"), summary.targets!.succeeded, kind);
                assert.equal(count("FAILED"), summary.targets!.failed, kind);
                // Workspace: the INIT task reports no desktop and the RUNNING one does not say how many are left: one unit each.
                if (kind === "workspaceScriptTasks") assert.deepEqual([count("PENDING"), count("RUNNING")], [1, 1]);
                else
                    assert.equal(
                        count("RUNNING"),
                        tasks.filter((t) => t.state === "RUNNING").reduce((a, t) => a + ((t as { instanceCount?: number }).instanceCount ?? 0), 0),
                    );
            }
        });

        it("gives the gate's verdict in the gate's words, for every source", () => {
            const requirements: Record<string, GateRequirements> = {
                tatInvocationTasks: { minSuccessRatio: 0.5, maxFailed: 100, allDone: false },
                mpsTasks: { allDone: true },
                bmCmdTasks: { minSuccessRatio: 0.95 },
                cphJobs: { minSucceeded: 1, maxFailed: 10, allDone: false },
                workspaceScriptTasks: { maxFailed: 0 },
            };
            const outcomes: string[] = [];
            for (const kind of SOURCE_KINDS) {
                const r = reads[kind];
                const html = render(r, requirements[kind]);
                let gate: GateFailedError | undefined;
                try {
                    check(r.result, requirements[kind]);
                } catch (e) {
                    assert.ok(e instanceof GateFailedError, `${kind}: check() failed with ${e}`);
                    gate = e;
                }
                assert.ok(html.includes(`data-verdict="${gate ? "failed" : "passed"}"`), `${kind}: ${gate ? "FAILED" : "PASSED"} as check() says`);
                assert.ok(html.includes(gate ? "✗ FAILED" : "✓ PASSED"), kind);
                outcomes.push(`${kind} ${gate ? "FAILED" : "PASSED"}`);
                assert.ok(html.includes(`<title>${gate ? "FAILED" : "PASSED"}: `), `${kind}: the verdict leads the title`);
                for (const line of gate
                    ? gate.message
                          .split("\n")
                          .slice(1)
                          .filter((l) => !l.startsWith("  first") && !l.startsWith("    "))
                    : []) {
                    // "  required: ...", "  found:    ...", "  not met:  ..." become labelled lines of the same words.
                    const [, label, words] = /^\s+(required|found|not met):\s+(.*)$/.exec(line)!;
                    assert.ok(html.includes(`<span class="k">${label}:</span> ${esc(words)}`), `${kind}: ${line}`);
                }
            }
            assert.deepEqual(outcomes, ["tatInvocationTasks PASSED", "mpsTasks FAILED", "bmCmdTasks FAILED", "cphJobs PASSED", "workspaceScriptTasks FAILED"]);
        });
    });

    describe("escaping", () => {
        it("shows markup from error messages, ids and the query as text", async () => {
            const r = await tatRollout(ctx.emu, 3, { SUCCESS: 1 });
            ctx.emu.seed({
                tat: [
                    {
                        InvocationTaskId: "invt-quote001",
                        InvocationId: "inv-report01",
                        InstanceId: `ins-"><b onmouseover=alert(1)>x`,
                        TaskStatus: "FAILED",
                        ErrorInfo: "bell\u0007 nul\u0000 esc\u001b[31m & 'quotes'",
                        TaskResult: { ExitCode: 1 } as never,
                    },
                ],
            });
            const again = await read(ctx.emu, "tatInvocationTasks", { invocationId: "inv-report01" });
            const html = render({ ...again, query: { ...again.query, note: "</title><script>alert(1)</script>" } }, { minSuccessRatio: 1 });
            assert.ok(!/<script/i.test(html), "no script element");
            assert.ok(
                html.includes(
                    "&lt;script&gt;window.__pwned = 1; document.title = &quot;pwned&quot;&lt;/script&gt;&lt;img src=&quot;http://127.0.0.1:9/x.png&quot;",
                ),
                "the hostile message as text",
            );
            assert.ok(html.includes("ins-&quot;&gt;&lt;b onmouseover=alert(1)&gt;x"), "a hostile instance id, escaped in text and title attributes");
            assert.ok(!html.includes(`"><b onmouseover`), "no attribute is broken out of");
            assert.ok(html.includes("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), "the query's values are escaped");
            assert.ok(html.includes("bell\\x07 nul\\x00 esc\\x1b[31m &amp; &#39;quotes&#39;"), "control characters become visible escapes");
            assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(html), "no control character left");
            assert.equal(r.result.tasks.length + 1, again.result.tasks.length);
        });

        it("cuts a long error message, saying how much was cut", async () => {
            ctx.emu.seed({ tat: [{ InvocationTaskId: "invt-long0001", InvocationId: "inv-long0001", TaskStatus: "FAILED", ErrorInfo: "x".repeat(5000) }] });
            const html = render(await read(ctx.emu, "tatInvocationTasks", { invocationId: "inv-long0001" }));
            assert.ok(
                html.includes(`${"x".repeat(REPORT_LIMITS.messageChars)}… (${(5000 - REPORT_LIMITS.messageChars).toLocaleString("en-US")} more characters)`),
            );
            assert.ok(!html.includes("x".repeat(REPORT_LIMITS.messageChars + 1)));
        });
    });

    describe("verdicts", () => {
        it("PASSED when the requirements hold, with what was required and found", async () => {
            const r = await read(ctx.emu, "cphJobs", {
                requestId: ctx.emu.generate({ api: "cph", count: 20, statusMix: { SUCCESS: 19, FAILED: 1 } })[0].groups.requestId,
            });
            const html = render(r, { minSuccessRatio: 0.95, maxFailed: 1 });
            assert.ok(html.includes(`<section class="verdict passed" aria-label="Verdict" data-verdict="passed">`));
            assert.ok(html.includes(`<span class="k">required:</span> at least 95.0% of tasks succeeded, at most 1 failed, all done`));
            assert.ok(html.includes(`<span class="k">found:</span> 20 tasks, 19 succeeded (95.0%), 1 failed`));
            assert.ok(!html.includes("not met:"));
            assert.ok(html.includes("Failing jobs (1)"), "the failing job is still listed on a passing report");
        });

        it("FAILED on an empty list, under the default rules too, with the gate's reason naming the query", async () => {
            const r = await read(ctx.emu, "tatInvocationTasks", { invocationId: "inv-nothing0" });
            const reason =
                "no tasks matched the query (TAT invocation tasks with invocationId inv-nothing0 in ap-guangzhou): check the filters, or set allowEmpty to accept an empty list";
            assert.ok(render(r, {}).includes(`data-verdict="failed"`));
            assert.ok(render(r, {}).includes(esc(reason)));
            assert.ok(render(r, { allowEmpty: true }).includes(`data-verdict="passed"`));
            const html = render(r, { minSucceeded: 1 });
            assert.ok(html.includes(esc(reason)));
            assert.ok(html.includes("No tasks matched the query."));
            assert.ok(html.includes("No failing tasks") && html.includes("(no tasks were read)"));
            assert.ok(!html.includes("<details>\n<summary>All"), "no empty table of every task");
        });

        it("FAILED on a status taskgate does not know, drawn as its own segment", async () => {
            ctx.emu.seed({ tat: [{ InvocationTaskId: "invt-weird001", InvocationId: "inv-weird001", TaskStatus: "QUANTUM", InstanceId: "ins-weird001" }] });
            const r = await read(ctx.emu, "tatInvocationTasks", { invocationId: "inv-weird001" });
            const html = render(r, { allDone: true });
            assert.ok(html.includes("1 task is in a state taskgate does not know"));
            assert.deepEqual(
                bars(html)[0].segs.map((s) => s.state),
                ["UNKNOWN"],
            );
            assert.ok(html.includes(`<td class="id">QUANTUM</td>`), "the raw status is shown beside the state");
        });

        it("refuses requirements a gate would refuse, and a kind that does not match the result", async () => {
            const mps = await read(ctx.emu, "mpsTasks", {});
            assert.throws(
                () => render(mps, { minSucceeded: 1 }),
                (e: unknown) => e instanceof TaskgateValidationError && e.field === "require.minSucceeded",
            );
            const tat = await read(ctx.emu, "tatInvocationTasks", { invocationId: "inv-nothing0" });
            assert.throws(
                () => render(tat, { minSuccessRatio: 2 }),
                (e: unknown) => e instanceof TaskgateValidationError && e.field === "require.minSuccessRatio",
            );
            assert.throws(
                () => renderHtmlReport({ kind: "cphJobs", result: tat.result, generatedAt: AT }),
                /does not match the result, which was read from tatInvocationTasks/,
            );
            assert.throws(() => renderHtmlReport({ kind: "nope" as never, result: tat.result, generatedAt: AT }), /is not a source/);
        });
    });

    describe("huge lists", () => {
        it("keeps the 12 groups with the most failures, folds the rest into others, and caps the tables", async () => {
            // 1 200 tasks over 300 instances: 4 tasks each, failures spread over many instances.
            const r = await tatRollout(ctx.emu, 1200, { SUCCESS: 1000, FAILED: 120, TIMEOUT: 30, RUNNING: 50 }, 300);
            const grouping = groupTargets(r.kind, r.result.tasks, REPORT_LIMITS.groups);
            assert.equal(grouping.groups.length, 12);
            assert.equal(grouping.groupCount, 301);
            assert.equal(grouping.others?.folded, 289);
            assert.equal(grouping.others?.label, "others (289 instances)");
            const failingUnits = (u: Record<string, number>) => SEGMENTS.reduce((a, s) => a + (FAILING_SEGMENTS.has(s) ? u[s] : 0), 0);
            const shown = grouping.groups.map((g) => failingUnits(g.units));
            assert.deepEqual(
                shown,
                [...shown].sort((a, b) => b - a),
                "most failures first",
            );
            assert.ok(shown[11] >= 2, "the 12 worst instances of 300 each have at least 2 failures");
            const all = [...grouping.groups, grouping.others!];
            assert.equal(
                all.reduce((a, g) => a + g.tasks, 0),
                r.result.tasks.length,
                "every task is in exactly one bar",
            );

            const html = render(r);
            const failing = failingTasks(r.kind, r.result.tasks).length;
            assert.equal(failing, 151);
            assert.equal(
                (html.match(/<tr><td(?! colspan)/g) ?? []).length,
                REPORT_LIMITS.failingRows + REPORT_LIMITS.taskRows,
                "rows: 100 failing + 1 000 of every task",
            );
            assert.ok(html.includes(`and ${failing - REPORT_LIMITS.failingRows} more failing tasks, not listed here`));
            assert.ok(html.includes(`and ${r.result.tasks.length - REPORT_LIMITS.taskRows} more tasks, not listed here`));
            assert.ok(html.includes("All 1,201 tasks (the first 1,000 listed)"));
            assert.equal(bars(html).length, 1 + 12 + 1, "overall, 12 groups, others");
        });

        it("shows a single leftover group as itself rather than as others", async () => {
            const r = await tatRollout(ctx.emu, 12, { SUCCESS: 1 }, 12);
            const grouping = groupTargets(r.kind, r.result.tasks, 12);
            assert.equal(grouping.groups.length, 13);
            assert.equal(grouping.others, undefined);
        });

        it("orders groups the same way on every run (ties by label)", async () => {
            const r = await tatRollout(ctx.emu, 200, { SUCCESS: 150, FAILED: 50 }, 200);
            const reversed = { ...r, result: { ...r.result, tasks: [...r.result.tasks].reverse() } };
            assert.deepEqual(
                groupTargets(r.kind, reversed.result.tasks).groups.map((g) => g.label),
                groupTargets(r.kind, r.result.tasks).groups.map((g) => g.label),
            );
            assert.equal(render(r), render(r), "pure: the same input gives the same page"); // hygiene: two renders of one input, a check of purity
        });
    });

    it("never shows connection settings, even when the query carries them", async () => {
        const r = await read(ctx.emu, "workspaceScriptTasks", { desktopPoolId: ctx.emu.generate({ api: "workspace", count: 3 })[0].groups.desktopPoolId });
        const h = EMULATOR_CREDENTIALS.huawei;
        const html = render({
            ...r,
            query: {
                ...r.query,
                accessKey: h.accessKey,
                secretKey: h.secretKey,
                authToken: h.authToken,
                endpoint: `http://user:pw@${ctx.emu.url.slice(7)}`,
                region: "cn-north-4",
            },
        });
        for (const secret of [h.accessKey, h.secretKey, h.authToken, "user:pw", ctx.emu.url, EMULATOR_CREDENTIALS.tencent.secretKey]) {
            assert.ok(!html.includes(secret), `leaked ${secret}`);
        }
        assert.ok(html.includes("<dt>region</dt><dd>cn-north-4</dd>"), "region is not a secret and stays");
        assert.ok(html.includes(`<dt>desktopPoolId</dt><dd>${r.query.desktopPoolId}</dd>`));
    });
});
