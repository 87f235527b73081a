import { strict as assert } from "node:assert";
import type { Emulator, GenerateSpec } from "../../emulator/server";
import { emulatorEnv, parseCsv, requireBuild, runCli, useEmulator } from "./helpers";

/**
 * `taskgate list <source>` in each output format, for each of the five sources, against the
 * emulator: the same records in the table, JSON, CSV and Markdown, with the source's columns.
 */

interface Case {
    source: string;
    spec: GenerateSpec;
    /** The filter options selecting the generated records, from the generation's grouping ids. */
    filters: (groups: Record<string, string>) => string[];
    /** The CSV header, which is also the list of columns. */
    header: string[];
    /** The field holding a record's id in the JSON output. */
    idField: string;
}

const CASES: Case[] = [
    {
        source: "tat",
        spec: { api: "tat", count: 150, seed: "cli", statusMix: { SUCCESS: 140, FAILED: 6, TIMEOUT: 2, RUNNING: 2 } },
        filters: (g) => ["--invocation-id", g.invocationId],
        idField: "invocationTaskId",
        header: [
            "invocationTaskId",
            "state",
            "taskStatus",
            "instanceId",
            "invocationId",
            "commandId",
            "startTime",
            "endTime",
            "taskResult.exitCode",
            "errorInfo",
        ],
    },
    {
        source: "mps",
        spec: { api: "mps", count: 130, seed: "cli", statusMix: { FINISH: 100, PROCESSING: 20, WAITING: 10 } },
        filters: () => [],
        idField: "taskId",
        header: ["taskId", "state", "status", "taskType", "createTime", "beginProcessTime", "finishTime", "subTaskTypes"],
    },
    {
        source: "bm",
        spec: { api: "bm", count: 120, seed: "cli", statusMix: { SUCCESS: 100, FAILED: 15, RUNNING: 5 } },
        filters: () => [],
        idField: "taskId",
        header: ["taskId", "state", "status", "alias", "instanceCount", "successCount", "failureCount", "runBeginTime", "runEndTime"],
    },
    {
        source: "cph",
        spec: { api: "cph", count: 140, seed: "cli", statusMix: { SUCCESS: 120, FAILED: 15, RUNNING: 5 } },
        filters: (g) => ["--request-id", g.requestId],
        idField: "jobId",
        header: ["jobId", "state", "status", "phoneId", "serverId", "beginTime", "endTime", "errorCode", "errorMsg"],
    },
    {
        source: "workspace",
        spec: { api: "workspace", count: 110, seed: "cli", statusMix: { FINISH: 90, FAILED: 10, RUNNING: 5, INIT: 5 } },
        filters: (g) => ["--desktop-pool-id", g.desktopPoolId],
        idField: "id",
        header: ["id", "state", "status", "desktopPoolId", "scripts", "successNum", "failedNum", "skipNum", "startTime", "endTime"],
    },
];

function generate(emu: Emulator, c: Case) {
    const [g] = emu.generate(c.spec);
    return { ids: g.ids, filters: c.filters(g.groups) };
}

describe("cli: taskgate list", function () {
    this.timeout(120_000);
    requireBuild();
    const ctx = useEmulator();

    for (const c of CASES) {
        it(`lists every ${c.source} record in the table, JSON, CSV and Markdown`, async () => {
            const { ids, filters } = generate(ctx.emu, c);
            const env = emulatorEnv(ctx.emu);
            const base = ["list", c.source, ...filters, "--quiet"];

            const json = await runCli([...base, "--output", "json"], { env });
            assert.equal(json.code, 0, json.stderr);
            const result = JSON.parse(json.stdout);
            assert.deepEqual(result.tasks.map((t: Record<string, unknown>) => t[c.idField]).sort(), [...ids].sort());
            assert.equal(result.totalCount, ids.length);
            assert.equal(result.summary.total, ids.length);
            assert.ok(result.id.length > 0 && result.requestIds.length >= 2, "the full TaskListResult, RequestIds included");

            const csv = await runCli([...base, "--output", "csv"], { env });
            assert.equal(csv.code, 0, csv.stderr);
            const rows = parseCsv(csv.stdout);
            assert.deepEqual(rows[0], c.header);
            assert.equal(rows.length, ids.length + 1, "one row per task");
            // Row by row, the CSV holds what the JSON holds (states, times in ISO-8601).
            const byId = new Map(result.tasks.map((t: Record<string, unknown>) => [t[c.idField], t]));
            for (const row of rows.slice(1)) {
                const t = byId.get(row[0]) as Record<string, unknown>;
                assert.ok(t, `CSV row ${row[0]} is a task of the result`);
                assert.equal(row[1], t.state);
                for (const [i, key] of c.header.entries()) {
                    const v = key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], t);
                    if (typeof v === "string" || typeof v === "number") assert.equal(row[i], String(v), `${key} of ${row[0]}`);
                    else if (v === undefined || v === null) assert.equal(row[i], "", `${key} of ${row[0]}: no value, an empty cell`);
                    if (typeof v === "string" && /Time$/.test(key)) assert.match(row[i], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
                }
            }

            const table = await runCli(base, { env });
            assert.equal(table.code, 0, table.stderr);
            const lines = table.stdout.trimEnd().split("\n");
            assert.equal(lines.length, ids.length + 2, "a header, one line per task, a counts line");
            assert.match(lines[0], /^[A-Z]+ {2,}STATE {2,}/);
            const stateColumn = lines[0].indexOf("STATE");
            for (const line of lines.slice(1, -1)) {
                assert.match(line.slice(stateColumn), /^(PENDING|RUNNING|SUCCEEDED|FAILED|TIMED_OUT|CANCELLED|FINISHED) /, "columns are aligned");
                assert.ok(ids.includes(line.split(/\s+/)[0]));
            }
            assert.match(lines[lines.length - 1], new RegExp(`^${ids.length} .+; (all done|not done)$`));

            const md = await runCli([...base, "--output", "markdown"], { env });
            assert.equal(md.code, 0, md.stderr);
            const mdLines = md.stdout.trimEnd().split("\n");
            assert.equal(mdLines.length, ids.length + 2);
            assert.equal(mdLines[1], `|${c.header.map(() => "---").join("|")}|`);
            assert.ok(mdLines.every((l) => l.startsWith("| ") || l.startsWith("|---")));
        });
    }

    it("keeps awkward text intact in CSV and JSON, and on one safe line in the table and Markdown", async () => {
        const nasty = 'disk "data", full\nsee | log \u001b[2Jcleared';
        ctx.emu.seed({ tat: [{ InvocationTaskId: "invt-nasty001", InvocationId: "inv-nasty001", TaskStatus: "FAILED", ErrorInfo: nasty } as never] });
        const env = emulatorEnv(ctx.emu);
        const base = ["list", "tat", "--invocation-id", "inv-nasty001", "-q"];
        const csv = parseCsv((await runCli([...base, "-o", "csv"], { env })).stdout);
        assert.equal(csv[1][9], nasty.replace("\u001b", "\\x1b"), "RFC 4180 quoting round-trips commas, quotes and line breaks; ESC is shown, not sent");
        assert.equal(JSON.parse((await runCli([...base, "-o", "json"], { env })).stdout).tasks[0].errorInfo, nasty);
        const table = (await runCli(base, { env })).stdout;
        assert.equal(table.trimEnd().split("\n").length, 3, "the record stays on one line");
        assert.ok(!table.includes("\u001b"), "no terminal escape sequence from cloud data reaches the terminal");
        const md = (await runCli([...base, "-o", "markdown"], { env })).stdout;
        assert.ok(md.includes("see \\| log"), "pipes are escaped in Markdown");
        assert.ok(md.includes("full<br>see"));
    });

    it("takes the endpoint from --endpoint and the region from --region", async () => {
        const { ids, filters } = generate(ctx.emu, CASES[0]);
        const env = emulatorEnv(ctx.emu, { TASKGATE_ENDPOINT: undefined, TENCENTCLOUD_REGION: undefined });
        const r = await runCli(["list", "tat", ...filters, "--endpoint", ctx.emu.url, "--region", "ap-shanghai", "-o", "json", "-q"], { env });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).tasks.length, ids.length);
    });

    it("passes list filters through: repeated and comma-separated values, numbers, booleans", async () => {
        ctx.emu.seed({
            tat: [
                {
                    InvocationTaskId: "invt-flt00001",
                    InvocationId: "inv-flt00001",
                    InstanceId: "ins-flt00001",
                    TaskStatus: "SUCCESS",
                    TaskResult: { ExitCode: 0, Output: Buffer.from("hello\n").toString("base64") },
                },
                { InvocationTaskId: "invt-flt00002", InvocationId: "inv-flt00001", InstanceId: "ins-flt00002", TaskStatus: "SUCCESS" },
                { InvocationTaskId: "invt-flt00003", InvocationId: "inv-flt00001", InstanceId: "ins-flt00003", TaskStatus: "SUCCESS" },
            ] as never,
        });
        const env = emulatorEnv(ctx.emu);
        const r = await runCli(
            [
                "list",
                "tat",
                "--instance-id",
                "ins-flt00001,ins-flt00002",
                "--instance-id",
                "ins-flt00003",
                "--max-results",
                "2",
                "--hide-output",
                "false",
                "-o",
                "json",
                "-q",
            ],
            { env },
        );
        assert.equal(r.code, 0, r.stderr);
        const result = JSON.parse(r.stdout);
        assert.equal(result.tasks.length, 2);
        assert.equal(result.totalCount, 3);
        assert.equal(result.tasks.find((t: { invocationTaskId: string }) => t.invocationTaskId === "invt-flt00001")?.taskResult?.output, "hello\n");
        const sent = ctx.emu.requests({ api: "tat" }).map((e) => e.params);
        assert.deepEqual(sent[sent.length - 1].Filters, [{ Name: "instance-id", Values: ["ins-flt00001", "ins-flt00002", "ins-flt00003"] }]);
        assert.equal(sent[sent.length - 1].HideOutput, false);
    });
});
