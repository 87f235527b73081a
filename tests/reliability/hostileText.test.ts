/**
 * Text the cloud controls reaches terminals, spreadsheets, Markdown and HTML only made safe for
 * each: hostile strings (escape sequences, C1, bidi overrides, formula prefixes, markup, Markdown
 * links and pipes, line breaks, U+2028, lone surrogates, very long text) are fed through every
 * format and message path (fast-check, fixed seed), and through the real command line against
 * the emulator. The oracle below is written independently of provider/safeText.ts.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { describeError, run } from "../../cli/commands";
import { formatList, renderCsv, renderMarkdown, renderTable } from "../../cli/format";
import { CLI_SOURCES } from "../../cli/sources";
import { TaskgateCloudError, TaskgateReadError } from "../../provider/errors";
import { GateFailedError } from "../../provider/gateRules";
import { createReadContext } from "../../provider/paging";
import { taskListResult } from "../../provider/result";
import { judgeResult, requirementsFor, sourceDefinition } from "../../provider/sources";
import { parseTatPage } from "../../provider/sources/tatInvocationTasks";
import { summarize } from "../../provider/summary";
import type { TaskListResult, TaskState } from "../../provider/types";
import { renderHtmlReport } from "../../report/htmlReport";
import { emulatorEnv, parseCsv } from "../cli/helpers";
import { recordingLogger, useEmulator } from "../integration/helpers";
import { SEED } from "./arbitraries";
import { recordProperty } from "./tally";

// ------------------------------------------------------------------------------------- oracle

/** Whether a UTF-16 unit at `i` of `s` is one no output may carry raw (C0, DEL, C1, bidi, U+2028/9, a lone surrogate). */
function hostileAt(s: string, i: number): boolean {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
    if (c === 0x061c || c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x2028 || c === 0x2029)
        return true;
    const high = (x: number) => x >= 0xd800 && x <= 0xdbff;
    const low = (x: number) => x >= 0xdc00 && x <= 0xdfff;
    if (high(c)) return !low(s.charCodeAt(i + 1));
    if (low(c)) return !high(s.charCodeAt(i - 1));
    return false;
}

/** The first hostile character of `s` not in `allowed`, as `{ at, char }`. */
function firstHostile(s: string, allowed = ""): { at: number; char: string } | undefined {
    for (let i = 0; i < s.length; i++) if (hostileAt(s, i) && !allowed.includes(s[i])) return { at: i, char: s[i] };
    return undefined;
}

/** Asserts `out` carries no hostile character but those in `allowed`. */
function assertSafe(out: string, where: string, allowed = ""): void {
    const h = firstHostile(out, allowed);
    assert.ok(
        !h,
        `${where}: raw U+${h?.char.charCodeAt(0).toString(16).padStart(4, "0")} at ${h?.at} in ${JSON.stringify(out.slice(Math.max(0, (h?.at ?? 0) - 40), (h?.at ?? 0) + 40))}`,
    );
}

/** The visible escape an auditor should see for a hostile character. */
function escapeOf(c: string): string {
    const named: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };
    const code = c.charCodeAt(0);
    return named[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`);
}

/**
 * Asserts that `out` shows the escape of the first hostile character of `text` (outside
 * `allowed`), when that character falls within the first `within` characters (outputs cut long
 * text). Where line breaks are allowed, a CRLF is a line break too.
 */
function assertShown(out: string, text: string, where: string, allowed = "", within = Infinity): void {
    const h = firstHostile(allowed.includes("\n") ? text.replace(/\r\n/g, "\n") : text, allowed);
    if (h && h.at + escapeOf(h.char).length < within) assert.ok(out.includes(escapeOf(h.char)), `${where}: ${escapeOf(h.char)} is not shown`);
}

const FORMULA = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/** Counts `ch` in `line` that no backslash escapes (an odd run of backslashes before it escapes it). */
function unescaped(line: string, ch: string): number {
    let n = 0;
    let slashes = 0;
    for (const c of line) {
        if (c === ch && slashes % 2 === 0) n++;
        slashes = c === "\\" ? slashes + 1 : 0;
    }
    return n;
}

// ---------------------------------------------------------------------------------- generators

/** Hostile strings a cloud could send in an error message, a code, an id or a name. */
const SAMPLES = [
    "\x1b[2J\x1b[H\x1b[32mALL TASKS SUCCEEDED",
    "\x1b]0;pwned\x07",
    "\x1bP+q\x1b\\",
    "=cmd|'/c calc'!A1",
    "+SUM(1)",
    "-1+2",
    "@A1",
    "\t=1",
    "\r=1",
    "\uff1d1",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "a | b \\| c",
    "[click](http://evil.example)",
    "![x](http://evil.example/x.png)",
    "&#8238;&lt;b&gt;",
    "one\ntwo",
    "crlf\r\nnext",
    "\rtaskgate: passed",
    "tab\there",
    "\u2028\u2029",
    "\ud800",
    "x\udc00",
    "\udbff\udfff",
    "abc\u202edef",
    "\u2066\u2069\u200e\u200f\u061c",
    "\x9b31m\x85\x7f\x00",
    "🚀 ok",
    "\\x1b literal",
    "",
];
const piece = fc.oneof(
    { arbitrary: fc.constantFrom(...SAMPLES), weight: 5 },
    { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 20 }), weight: 1 },
    { arbitrary: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 12 }).map((units) => String.fromCharCode(...units)), weight: 2 },
);
const cloudText: fc.Arbitrary<string> = fc.oneof(
    { arbitrary: fc.array(piece, { minLength: 1, maxLength: 4 }).map((p) => p.join("")), weight: 9 },
    { arbitrary: fc.tuple(piece, fc.integer({ min: 2_000, max: 30_000 }), piece).map(([a, n, b]) => `${a}${"x".repeat(n)}${b}`), weight: 1 },
);

function property<T>(name: string, arb: fc.Arbitrary<T>, predicate: (v: T) => void, numRuns: number): void {
    fc.assert(
        fc.property(arb, (v) => {
            predicate(v);
        }),
        { seed: SEED, numRuns, endOnFailure: true },
    );
    recordProperty(name, numRuns);
}

// ------------------------------------------------------------------------------------- subjects

const KIND = "tatInvocationTasks" as const;
const TAT = CLI_SOURCES.find((s) => s.kind === KIND)!;
const TRAITS = sourceDefinition(KIND).traits;

/** What the TAT API would answer: a failed task whose id, instance, status text and error are `text`, and one that succeeded. */
function tatPage(text: string) {
    return {
        InvocationTaskSet: [
            {
                InvocationTaskId: `invt-1${text}`,
                InvocationId: "inv-hostile1",
                InstanceId: text || "ins-x",
                TaskStatus: "FAILED",
                ErrorInfo: text,
                CommandId: text,
                TaskResult: { ExitCode: -1 },
            },
            { InvocationTaskId: "invt-2", InvocationId: "inv-hostile1", InstanceId: "ins-ok", TaskStatus: "SUCCESS", TaskResult: { ExitCode: 0 } },
        ],
        TotalCount: 2,
    };
}

/** The result a read of that page gives, through the source's own mapping; the cloud's RequestId is hostile too. */
function tatResult(text: string): TaskListResult<{ state: TaskState } & Record<string, unknown>> {
    const tasks = parseTatPage(tatPage(text), true).items;
    return taskListResult(
        { cloud: "tencentcloud", api: "tat", region: "ap-guangzhou", query: { invocationId: ["inv-hostile1"] } },
        tasks,
        2,
        summarize(tasks),
        [text || "r"],
    ) as never;
}

const REQUIRE = { minSuccessRatio: 1 };

function gateMessage(text: string): string {
    const req = requirementsFor(KIND, REQUIRE);
    const { verdict, failed } = judgeResult(KIND, tatResult(text), req);
    return new GateFailedError(`gate ${text}`, verdict, failed, req, TRAITS).message;
}

function cloudError(text: string): TaskgateCloudError {
    return new TaskgateCloudError({
        cloud: "tencentcloud",
        api: "tat",
        operation: "DescribeInvocationTasks",
        code: text,
        message: text,
        requestId: text,
        httpStatus: 200,
        kind: "client",
    });
}

function report(text: string): string {
    return renderHtmlReport({ kind: KIND, result: tatResult(text), require: REQUIRE, generatedAt: new Date(0), query: { invocationId: text } });
}

/** The element names of an HTML page. */
const tags = (html: string) => new Set([...html.matchAll(/<\/?([A-Za-z][A-Za-z0-9-]*)/g)].map((m) => m[1].toLowerCase()));

describe("reliability: text the cloud controls is safe in every output", function () {
    this.timeout(300_000);

    describe("every format and message path (fast-check)", () => {
        it("table: one line per record, nothing raw, the escape shown", () => {
            property(
                "hostile text: table",
                cloudText,
                (t) => {
                    const out = renderTable(["TASK", "EXIT", "ERROR"], [[t, -1, t]]);
                    assert.equal(out.split("\n").length, 3, "a header, one row, and the final newline");
                    assertSafe(out, "table", "\n");
                    assertShown(out, t, "table", "", 50);
                },
                1000,
            );
        });

        it("CSV: RFC 4180 parses to one row, nothing raw but line breaks, no formula, typed numbers as they are", () => {
            property(
                "hostile text: CSV",
                cloudText,
                (t) => {
                    const out = renderCsv(["id", "exit", "error"], [[t, -1, t]]);
                    assertSafe(out.replace(/\r\n/g, "\n"), "CSV", "\n");
                    const rows = parseCsv(out);
                    assert.equal(rows.length, 2);
                    assert.equal(rows[1][1], "-1", "taskgate's own number is not neutralised");
                    for (const cell of [rows[1][0], rows[1][2]]) {
                        assert.doesNotMatch(cell, FORMULA, "no cell starts like a formula");
                        if (!firstHostile(t)) assert.equal(cell, FORMULA.test(t) ? `'${t}` : t, "benign text round-trips (with ' before a formula)");
                    }
                    assertShown(out, t, "CSV", "\n");
                },
                1000,
            );
        });

        it("Markdown: one table row, no raw HTML, link or entity from the cloud, pipes escaped, nothing raw", () => {
            property(
                "hostile text: Markdown",
                cloudText,
                (t) => {
                    const out = renderMarkdown(["id", "error"], [[t, t]]);
                    const lines = out.split("\n");
                    assert.equal(lines.length, 4, "header, rule, one row, final newline");
                    assertSafe(out, "Markdown", "\n");
                    const row = lines[2];
                    assert.doesNotMatch(row.replace(/<br>/g, ""), /[<>]/, "no raw < or > from the cloud");
                    assert.doesNotMatch(row, /&(?!amp;|lt;|gt;)/, "no entity from the cloud");
                    assert.equal(unescaped(row, "|"), 3, "only the cell borders are pipes");
                    assert.equal(unescaped(row, "[") + unescaped(row, "]"), 0, "no link or image");
                    assertShown(out, t, "Markdown", "\n");
                },
                1000,
            );
        });

        it("JSON: valid, the raw values parse back, nothing raw", () => {
            property(
                "hostile text: JSON",
                cloudText,
                (t) => {
                    const result = tatResult(t);
                    const out = formatList("json", TAT, TRAITS, result);
                    assert.deepEqual(JSON.parse(out), JSON.parse(JSON.stringify(result)));
                    assert.equal(JSON.parse(out).tasks[0].errorInfo, t || undefined, "the cloud's text, exactly");
                    assertSafe(out, "JSON", "\n");
                },
                300,
            );
        });

        it("HTML report: no element from the cloud, nothing raw, the escape shown", () => {
            const ours = tags(report("benign"));
            property(
                "hostile text: HTML report",
                cloudText,
                (t) => {
                    const html = report(t);
                    assertSafe(html, "report", "\n\t");
                    for (const tag of tags(html)) assert.ok(ours.has(tag), `<${tag}> is not the report's own`);
                    assertShown(html, t, "report", "\n\t", 300);
                },
                300,
            );
        });

        it("GateFailedError: the same lines as for plain text, nothing raw, the escape shown", () => {
            const lines = gateMessage("plain").split("\n").length;
            property(
                "hostile text: GateFailedError",
                cloudText,
                (t) => {
                    const message = gateMessage(t);
                    assert.equal(message.split("\n").length, lines, "cloud text adds no line");
                    assertSafe(message, "gate message", "\n");
                    assertShown(message, t, "gate message");
                },
                500,
            );
        });

        it("TaskgateCloudError: a one-line message, nothing raw, the escape shown; its fields and JSON keep the raw text", () => {
            property(
                "hostile text: TaskgateCloudError",
                cloudText,
                (t) => {
                    const e = cloudError(t);
                    assertSafe(e.message, "cloud error");
                    assertShown(e.message, t, "cloud error");
                    assert.deepEqual([e.cloudCode, e.cloudMessage, e.requestId], [t, t, t || undefined]);
                    const json = JSON.parse(JSON.stringify(e));
                    assert.deepEqual([json.cloudCode, json.cloudMessage, json.message], [t, t, e.message]);
                    const cli = describeError(e, TAT, {});
                    assertSafe(cli, "CLI error", "\n");
                    assertShown(cli, t, "CLI error");
                    assertSafe(new TaskgateReadError("listChanged", `taskgate: a read: ${t}`, e).message, "read error");
                },
                1000,
            );
        });

        it("log lines of a read: one line each, nothing raw, whatever logger gets them", () => {
            property(
                "hostile text: read log",
                cloudText,
                (t) => {
                    const log = recordingLogger();
                    const ctx = createReadContext("tat", "scope", { log });
                    ctx.log.info(`taskgate: DescribeInvocationTasks: ${t}; retry 1/7 in 200 ms`);
                    ctx.log.warn(t);
                    for (const line of log.lines) assertSafe(line, "log line");
                    assertShown(log.lines[0], t, "log line");
                },
                300,
            );
        });
    });

    describe("the command line against the emulator", () => {
        const ctx = useEmulator({ rateLimits: { tat: 0 } });

        /** Runs `taskgate ...args` in this process and collects its output. */
        async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
            let stdout = "";
            let stderr = "";
            const code = await run(args, {
                stdout: { write: (s: string) => (stdout += s) },
                stderr: { write: (s: string) => (stderr += s), isTTY: false },
                env: emulatorEnv(ctx.emu),
                cwd: process.cwd(),
            });
            return { code, stdout, stderr };
        }

        /** Puts one failed task whose error and instance are `text` (and one that succeeded) in the emulator. */
        function seedHostile(text: string): void {
            ctx.emu.seed(
                {
                    tat: [
                        {
                            InvocationTaskId: "invt-hostile1",
                            InvocationId: "inv-hostile1",
                            InstanceId: text,
                            TaskStatus: "FAILED",
                            ErrorInfo: text,
                            TaskResult: { ExitCode: -1 },
                        },
                        { InvocationTaskId: "invt-hostile2", InvocationId: "inv-hostile1", InstanceId: "ins-ok", TaskStatus: "SUCCESS" },
                    ],
                } as never,
                { replace: true },
            );
        }
        const LIST = ["list", "tat", "--invocation-id", "inv-hostile1", "--require", "max-failed=0"];

        it("a failing gate: every format on stdout, its message on stderr, nothing raw (fast-check)", async () => {
            const runs = 25;
            await fc.assert(
                fc.asyncProperty(
                    cloudText.filter((t) => t !== ""),
                    async (t) => {
                        seedHostile(t);
                        for (const format of ["table", "csv", "markdown", "json"]) {
                            const r = await cli([...LIST, "-o", format]);
                            assert.equal(r.code, 1, r.stderr);
                            assertSafe(r.stderr, "stderr", "\n");
                            assertShown(r.stderr, t, "stderr");
                            assertSafe(format === "csv" ? r.stdout.replace(/\r\n/g, "\n") : r.stdout, format, "\n");
                            if (format === "json")
                                assert.equal(JSON.parse(r.stdout).tasks.find((x: { errorInfo?: string }) => x.errorInfo !== undefined).errorInfo, t);
                            if (format === "csv") {
                                const [header, ...rows] = parseCsv(r.stdout);
                                const cloudColumns = ["invocationTaskId", "instanceId", "errorInfo"].map((k) => header.indexOf(k));
                                for (const row of rows) for (const i of cloudColumns) assert.doesNotMatch(row[i], FORMULA);
                            }
                        }
                    },
                ),
                { seed: SEED, numRuns: runs, endOnFailure: true },
            );
            recordProperty("hostile text: CLI gate, 4 formats", runs);
        });

        it("a cloud error and a retried one: their code and message on stderr, nothing raw (fast-check)", async () => {
            const runs = 15;
            seedHostile("ins-plain");
            await fc.assert(
                fc.asyncProperty(cloudText, async (t) => {
                    ctx.emu.clearFaults();
                    ctx.emu.addFault({ api: "tat", kind: "cloudError", code: `InvalidParameter${t}`, message: t });
                    const failed = await cli(["summary", "tat", "--invocation-id", "inv-hostile1"]);
                    assert.equal(failed.code, 2, failed.stderr);
                    assert.match(failed.stderr, /DescribeInvocationTasks failed: InvalidParameter/);
                    assertSafe(failed.stderr, "stderr of a cloud error", "\n");

                    ctx.emu.addFault({ api: "tat", kind: "cloudError", code: `InternalError.${t}`, message: t });
                    const retried = await cli(["summary", "tat", "--invocation-id", "inv-hostile1"]);
                    assert.equal(retried.code, 0, retried.stderr);
                    assert.match(retried.stderr, /InternalError\..*retry 1\/7/);
                    assertSafe(retried.stderr, "stderr of a retry", "\n");
                }),
                { seed: SEED, numRuns: runs, endOnFailure: true },
            );
            recordProperty("hostile text: CLI cloud error and retry", runs);
        });

        describe("the cases of the issue", () => {
            const SCREEN = "\x1b[2J\x1b[H\x1b[32mALL TASKS SUCCEEDED";

            it("a screen-clearing ErrorInfo on a failing gate's stderr is shown, not obeyed", async () => {
                seedHostile(SCREEN);
                const r = await cli([...LIST, "-q"]);
                assert.equal(r.code, 1);
                assert.ok(!r.stderr.includes("\x1b"), "no escape sequence reaches the terminal");
                assert.match(
                    r.stderr,
                    /^ {4}invt-hostile1 {2}on \\x1b\[2J\\x1b\[H\\x1b\[32mALL TASKS SUCCEEDED {2}FAILED {2}exit -1 {2}\\x1b\[2J\\x1b\[H\\x1b\[32mALL TASKS SUCCEEDED$/m,
                );
            });

            it("=cmd|'/c calc'!A1 is a quoted text cell in CSV, and the exit code -1 a number", async () => {
                seedHostile("=cmd|'/c calc'!A1");
                const rows = parseCsv((await cli([...LIST, "-q", "-o", "csv"])).stdout);
                const header = rows[0];
                const failed = rows.find((row) => row[header.indexOf("invocationTaskId")] === "invt-hostile1")!;
                assert.equal(failed[header.indexOf("errorInfo")], "'=cmd|'/c calc'!A1");
                assert.equal(failed[header.indexOf("instanceId")], "'=cmd|'/c calc'!A1");
                assert.equal(failed[header.indexOf("taskResult.exitCode")], "-1");
            });

            it("<img src=x onerror=alert(1)> is text in Markdown", async () => {
                seedHostile("<img src=x onerror=alert(1)>");
                const md = (await cli([...LIST, "-q", "-o", "markdown"])).stdout;
                assert.ok(!md.includes("<img"), md);
                assert.ok(md.includes("&lt;img src=x onerror=alert(1)&gt;"), md);
            });

            it("U+202E is shown as \\u202e in the table and the report, and reverses nothing", async () => {
                seedHostile("ins-\u202egnp.exe");
                const table = (await cli([...LIST, "-q"])).stdout;
                assert.ok(!table.includes("\u202e"));
                assert.match(table, /ins-\\u202egnp\.exe/);
                const html = (await cli(["report", "tat", "--invocation-id", "inv-hostile1", "--html", "-", "-q"])).stdout;
                assert.ok(!html.includes("\u202e"));
                assert.ok(html.includes("ins-\\u202egnp.exe"));
            });

            it("a cloud error message that clears the screen is shown on stderr as text", async () => {
                seedHostile("ins-plain");
                ctx.emu.addFault({ api: "tat", kind: "cloudError", code: "InvalidParameter\x1b[31m", message: SCREEN });
                const r = await cli(["summary", "tat", "--invocation-id", "inv-hostile1"]);
                assert.equal(r.code, 2);
                assert.equal(
                    r.stderr.trimEnd().split("\n").at(-1),
                    "taskgate: tencentcloud DescribeInvocationTasks failed: InvalidParameter\\x1b[31m: \\x1b[2J\\x1b[H\\x1b[32mALL TASKS SUCCEEDED" +
                        ` | RequestId ${ctx.emu.requests({ api: "tat" }).at(-1)!.requestId} | HTTP 200`,
                );
            });
        });
    });
});
