import { strict as assert } from "node:assert";
import * as net from "node:net";
import { cleanEnv, emulatorEnv, requireBuild, runCli, useEmulator } from "./helpers";

/**
 * Errors exit 2 with one plain message and no stack trace: bad input names the option (the
 * library's validators judge every value, before any request), an unknown option lists the valid
 * ones, and a cloud error shows the cloud's code, message and RequestId.
 */
describe("cli: errors", function () {
    this.timeout(120_000);
    requireBuild();
    const ctx = useEmulator();

    it("refuses bad filter values with the validator's message, naming the option, before any request", async () => {
        const env = emulatorEnv(ctx.emu);
        const cases: Array<[string[], string]> = [
            [["list", "tat", "--invocation-id", "job-7"], 'taskgate: invalid --invocation-id ("job-7"): must be an invocation id such as inv-1vll7hda'],
            [
                ["list", "tat", "--instance-id", "ins-1,,ins-2"],
                'taskgate: invalid --instance-id (""): must be a non-empty identifier of up to 128 printable ASCII characters without spaces',
            ],
            [
                ["list", "tat", "--max-results", "ten"],
                'taskgate: invalid --max-results ("ten"): must be a whole number from 1 to 10000000, or omitted to read every record',
            ],
            [["list", "tat", "--max-results", "0"], "taskgate: invalid --max-results (0): must be a whole number from 1 to 10000000"],
            [["list", "tat", "--hide-output", "no"], 'taskgate: invalid --hide-output ("no"): must be true or false'],
            [
                ["list", "tat", "--invocation-task-ids", "invt-aaaaaaa1", "--instance-id", "ins-1"],
                "taskgate: invalid --invocation-task-ids: cannot be combined with the filters (--instance-id)",
            ],
            [["list", "mps", "--status", "FINISH,DONE"], 'taskgate: invalid --status ("DONE"): must be one of WAITING, PROCESSING, FINISH'],
            [
                ["list", "bm", "--order-by", "status"],
                'taskgate: invalid --order-by ("status"): must be one of runBeginTime, runEndTime, instanceCount, successCount, failureCount',
            ],
            [["list", "bm", "--signature-method", "HmacSHA1"], 'taskgate: invalid --signature-method ("HmacSHA1"): applies to the legacy API only'],
            [["list", "cph"], "taskgate: invalid --request-id: is required: give --request-id or --request-ids"],
            [
                ["list", "workspace", "--execute-time-start", "2021-10-01 12:00"],
                'taskgate: invalid --execute-time-start ("2021-10-01 12:00"): must be a Date or an ISO-8601 time with a zone',
            ],
            [
                ["list", "workspace", "--execute-time-start", "2021-10-02T00:00:00Z", "--execute-time-end", "2021-10-01T00:00:00Z"],
                "taskgate: invalid --execute-time-start",
            ],
            [["list", "workspace", "--task-type", "BATCH"], 'taskgate: invalid --task-type ("BATCH"): must be one of SCRIPT, COMMAND'],
            [["list", "tat", "--region", "ap guangzhou"], 'taskgate: invalid --region ("ap guangzhou"): must not contain whitespace'],
            [["list", "tat", "--endpoint", "ftp://127.0.0.1"], 'taskgate: invalid --endpoint ("ftp://127.0.0.1"): must be an http:// or https:// base URL'],
        ];
        for (const [args, message] of cases) {
            const r = await runCli(args, { env });
            assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
            assert.ok(r.stderr.startsWith(message), `${args.join(" ")}:\n  got      ${r.stderr}\n  expected ${message}`);
            assert.equal(r.stderr.trimEnd().split("\n").length, 1, "one line");
            assert.equal(r.stdout, "");
        }
        assert.equal(ctx.emu.requests().length, 0, "no request was sent for bad input");
    });

    it("names an unknown option, suggests the near one and lists the valid ones", async () => {
        const r = await runCli(["list", "tat", "--instance-ids", "ins-1"], { env: emulatorEnv(ctx.emu) });
        assert.equal(r.code, 2);
        assert.match(
            r.stderr,
            /^taskgate: unknown option --instance-ids \(did you mean --instance-id\?\); valid options for "list tat": --invocation-id, --instance-id, .*--max-results, --region, --endpoint, --output, --require, --expect-targets, --tolerate-failures-on, --stack, --cwd, --timeout, --quiet, --help$/m,
        );
        assert.match(r.stderr, /^Run 'taskgate list tat --help' for usage\.$/m);
        // Options of another source, or of another command, are unknown here too.
        assert.match(
            (await runCli(["list", "mps", "--invocation-id", "inv-1"], { env: emulatorEnv(ctx.emu) })).stderr,
            /unknown option --invocation-id; valid options for "list mps": --status, --max-results/,
        );
        assert.match((await runCli(["list", "cph", "--request-id", "x", "--html", "a.html"], { env: emulatorEnv(ctx.emu) })).stderr, /unknown option --html/);
        assert.match((await runCli(["report", "tat", "--html", "a.html", "-o", "json"], { env: emulatorEnv(ctx.emu) })).stderr, /unknown option -o/);
    });

    it("refuses unknown commands, sources, stray arguments and bad general options", async () => {
        const env = emulatorEnv(ctx.emu);
        const cases: Array<[string[], RegExp]> = [
            [["lsit", "tat"], /^taskgate: unknown command "lsit"; commands: list, summary, report, wait\nRun 'taskgate --help' for usage\.$/],
            [["list", "ecs"], /^taskgate: unknown source "ecs"; sources: tat, mps, bm, cph, workspace\nRun 'taskgate list --help' for usage\.$/],
            [["list"], /^taskgate: "list" needs a source: tat, mps, bm, cph, workspace/],
            [
                ["list", "tat", "inv-1vll7hda"],
                /^taskgate: unexpected argument "inv-1vll7hda": filters are options, e\.g\. taskgate list tat --invocation-id inv-1vll7hda/,
            ],
            [["list", "tat", "--output", "yaml"], /^taskgate: --output must be one of table, json, csv, markdown, junit, got "yaml"/],
            [["list", "tat", "--output", "json", "--output", "csv"], /^taskgate: --output was given 2 times; give it once/],
            [["list", "tat", "--timeout", "0"], /^taskgate: --timeout must be a number of seconds greater than 0 and at most 86400, got "0"/],
            [["list", "tat", "--timeout", "86401"], /^taskgate: --timeout must be a number of seconds greater than 0 and at most 86400, got "86401"/],
            [["list", "tat", "--max-results"], /^taskgate: --max-results needs a value: N\nRun 'taskgate list tat --help' for usage\.$/],
            [["list", "tat", "--max-results", "--quiet"], /^taskgate: --max-results needs a value: N\n/],
            [["list", "tat", "--quiet=yes"], /^taskgate: --quiet takes no value\n/],
            [["list", "tat", "--max-results", "5", "--max-results", "6"], /^taskgate: --max-results was given 2 times; give it once\n/],
            [["list", "tat", "--cwd", "/tmp"], /^taskgate: --cwd is the Pulumi project folder for --stack; give --stack too/],
            [["report", "tat"], /^taskgate: report needs --html FILE/],
        ];
        for (const [args, message] of cases) {
            const r = await runCli(args, { env });
            assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
            assert.match(r.stderr.trimEnd(), message);
        }
        assert.equal(ctx.emu.requests().length, 0);
    });

    it("says which credential is missing and where it is read from", async () => {
        const tencent = await runCli(["list", "tat"], { env: cleanEnv({ TASKGATE_ENDPOINT: ctx.emu.url, TENCENTCLOUD_REGION: "ap-guangzhou" }) });
        assert.equal(tencent.code, 2);
        assert.equal(
            tencent.stderr.trimEnd(),
            "taskgate: invalid secretId: no Tencent Cloud SecretId was given: set the `tencentcloud:secretId` stack config or the TENCENTCLOUD_SECRET_ID environment variable",
        );
        const region = await runCli(["list", "bm"], { env: emulatorEnv(ctx.emu, { TENCENTCLOUD_REGION: undefined }) });
        assert.match(
            region.stderr,
            /^taskgate: invalid --region: no Tencent Cloud region \(e\.g\. ap-guangzhou\) was given: set --region, the `tencentcloud:region` stack config or the TENCENTCLOUD_REGION environment variable$/m,
        );
        const project = await runCli(["list", "cph", "--request-id", "abc"], { env: emulatorEnv(ctx.emu, { HW_PROJECT_ID: undefined }) });
        assert.match(
            project.stderr,
            /^taskgate: invalid --project-id: no Huawei Cloud project id was given: set --project-id, the `huaweicloud:projectId` stack config or the HW_PROJECT_ID environment variable$/m,
        );
        assert.equal(ctx.emu.requests().length, 0);
    });

    it("shows a cloud error's code, message and RequestId, and exits 2", async () => {
        const env = emulatorEnv(ctx.emu, { TENCENTCLOUD_SECRET_KEY: "not-the-emulator-key-0000000000" });
        const r = await runCli(["list", "tat", "--invocation-id", "inv-1vll7hda"], { env });
        assert.equal(r.code, 2);
        const requestId = ctx.emu.requests({ api: "tat" })[0].requestId;
        assert.equal(
            r.stderr.trimEnd(),
            `taskgate: tencentcloud DescribeInvocationTasks failed: AuthFailure.SignatureFailure: The provided credentials could not be validated. Please check your signature is correct. | RequestId ${requestId} | HTTP 200`,
        );
        assert.equal(r.stdout, "");
        assert.ok(!r.stderr.includes("not-the-emulator-key"), "not even a wrong secret is printed");

        const huawei = await runCli(["list", "cph", "--request-id", "0000000000000000000000000000dead"], { env: emulatorEnv(ctx.emu) });
        assert.equal(huawei.code, 2);
        assert.match(huawei.stderr, /^taskgate: huaweicloud ListJobs failed: CPS\.0011: Job not found\. \| RequestId [0-9a-f]{32} \| HTTP 400$/m);
    });

    it("a fault that persists ends with the last cloud error (code, RequestId) when --timeout passes, exit 2", async () => {
        ctx.emu.addFault({ api: "tat", kind: "internalError", times: -1 });
        const r = await runCli(["list", "tat", "--invocation-id", "inv-1vll7hda", "--timeout", "1"], { env: emulatorEnv(ctx.emu) });
        assert.equal(r.code, 2);
        // Only the read's deadline (--timeout 1) ends a fault that persists with "did not succeed before the read's deadline".
        const ids = ctx.emu.requests({ api: "tat" }).map((e) => e.requestId);
        assert.ok(ids.length >= 2, "it retried");
        assert.match(r.stderr, /retry 1\/7 in \d+ ms/, "each retry is reported on stderr");
        assert.match(
            r.stderr,
            new RegExp(
                `^taskgate: TAT DescribeInvocationTasks offset 0 did not succeed before the read's deadline \\(\\d+ attempts?\\); last error: tencentcloud DescribeInvocationTasks failed: InternalError: .+ \\| RequestId ${ids[ids.length - 1]} \\| HTTP 200$`,
                "m",
            ),
        );
    });

    it("a fault that clears is retried and the read succeeds, exit 0", async () => {
        ctx.emu.generate({ api: "workspace", count: 30, seed: "retry" });
        ctx.emu.addFault({ api: "workspace", kind: "http5xx", status: 500, times: 2 });
        const r = await runCli(["list", "workspace", "-o", "json"], { env: emulatorEnv(ctx.emu) });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).tasks.length, 30);
        assert.equal((r.stderr.match(/WKS\.0003 \(RequestId [0-9a-f]{32}\); retry \d\/7/g) ?? []).length, 2);
        assert.equal(
            (await runCli(["list", "workspace", "-o", "json", "-q"], { env: emulatorEnv(ctx.emu) })).stderr,
            "",
            "--quiet silences retries that worked out",
        );
    });

    it("a network failure names the endpoint, exit 2", async () => {
        // A port that refuses connections: bind one, then close it.
        const port = await new Promise<number>((resolve) => {
            const s = net.createServer().listen(0, "127.0.0.1", () => {
                const p = (s.address() as net.AddressInfo).port;
                s.close(() => resolve(p));
            });
        });
        const r = await runCli(["list", "mps", "--endpoint", `http://127.0.0.1:${port}`, "--timeout", "1", "-q"], { env: emulatorEnv(ctx.emu) });
        assert.equal(r.code, 2);
        assert.match(
            r.stderr,
            new RegExp(`NetworkError: request to http://mps\\.tencentcloudapi\\.com:${port}/ failed, reason: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}`),
        );
    });
});
