/**
 * The emulator's command line as a newcomer meets it (`npm run emulator`): `--help` is help (exit
 * 0), a bad option a usage error naming it (exit 2), and the banner's exports, pasted as printed,
 * point `taskgate` at it, region included; `--generate` prints the ids of what it made, and those
 * ids read what it made. Also `npm run bench`'s command line, which shares the parser.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { cleanEnv, type EmulatorCommand, requireBuild, ROOT, runCli, runEmulatorCommand, runNode, startEmulatorCommand } from "./helpers";

describe("cli: the emulator's command line", function () {
    this.timeout(120_000);
    requireBuild();

    it("--help lists every option on stdout and exits 0", async () => {
        const r = await runEmulatorCommand(["--help"]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, "");
        assert.match(r.stdout, /^Usage: taskgate-emulator \[options\]/m);
        for (const option of [
            "--port N",
            "--host ADDR",
            "--seed FILE",
            "--empty",
            "--generate API=N,...",
            "--random-seed SEED",
            "--latency-ms N",
            "--jitter-ms N",
            "--no-rate-limits",
            "-q, --quiet",
            "-h, --help",
        ]) {
            assert.match(r.stdout, new RegExp(`^ {2}${option.replace(/[.]/g, "\\.")} `, "m"), option);
        }
    });

    it("a bad option is a usage error that names it and what it takes, exit 2, before anything listens", async () => {
        const cases: Array<[string[], string]> = [
            [["--port", "abc"], '--port must be an integer from 0 to 65535, got "abc"'],
            [["--generate"], "--generate needs a value: API=N,..."],
            [["--generate", "tat"], '--generate: "tat" needs a count from 0 to 9999999 after the API, e.g. tat=1000'],
            [
                ["--prot", "1"],
                "unknown option --prot (did you mean --port?); valid options: --port, --host, --seed, --empty, --generate, --random-seed, --latency-ms, --jitter-ms, --no-rate-limits, --quiet, --help",
            ],
        ];
        for (const [args, message] of cases) {
            const r = await runEmulatorCommand(args);
            assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
            assert.equal(r.stdout, "", "nothing listened");
            assert.equal(
                r.stderr,
                `taskgate-emulator: ${message}\nRun 'taskgate-emulator --help' (in this repository: npm run emulator -- --help) for usage.\n`,
            );
        }
    });

    describe("started as the README starts it, with --generate", () => {
        let emu: EmulatorCommand;
        before(async () => {
            // The README says --port 4566; any free port here, so that tests never collide.
            emu = await startEmulatorCommand(["--port", "0", "--generate", "tat=3,cph=2,workspace=2,mps=1", "--random-seed", "newcomer", "--quiet"]);
        });
        after(() => emu?.stop());

        it("prints the exports to paste: the endpoint, the emulator-only credentials and both regions", () => {
            assert.deepEqual(Object.keys(emu.exports).sort(), [
                "HW_ACCESS_KEY",
                "HW_PROJECT_ID",
                "HW_REGION_NAME",
                "HW_SECRET_KEY",
                "TASKGATE_ENDPOINT",
                "TENCENTCLOUD_REGION",
                "TENCENTCLOUD_SECRET_ID",
                "TENCENTCLOUD_SECRET_KEY",
            ]);
            assert.equal(emu.exports.TASKGATE_ENDPOINT, emu.url);
            assert.equal(emu.exports.TENCENTCLOUD_REGION, "ap-guangzhou");
            assert.equal(emu.exports.HW_REGION_NAME, "cn-north-4");
        });

        it("prints, for each --generate batch, its ids and a taskgate command that reads exactly that batch", async () => {
            const lines = [...emu.banner.matchAll(/^ {2}(\w+): (\d+) records?, .*: (taskgate .+)$/gm)];
            assert.deepEqual(
                lines.map((m) => [m[1], m[2]]),
                [
                    ["tat", "3"],
                    ["cph", "2"],
                    ["workspace", "2"],
                    ["mps", "1"],
                ],
                emu.banner,
            );
            const env = cleanEnv(emu.exports);
            for (const [, api, count, command] of lines.filter((m) => m[1] !== "mps")) {
                const r = await runCli([...command.split(" ").slice(1), "--output", "json", "--quiet"], { env });
                assert.equal(r.code, 0, `${command}: ${r.stderr}`);
                assert.equal(JSON.parse(r.stdout).tasks.length, Number(count), `${command} reads the ${api} batch, and only it`);
            }
            assert.match(emu.banner, /^ {2}tat: 3 records, invocationId (inv-\w+), commandId cmd-\w+: taskgate list tat --invocation-id \1$/m);
        });
    });

    it("npm run bench: --sizes with no value is a usage error naming the option, exit 2 (it was a TypeError)", async () => {
        const r = await runNode(["-r", "ts-node/register/transpile-only", path.join(ROOT, "bench/run.ts"), "--sizes"]);
        assert.equal(r.code, 2, r.stderr);
        assert.equal(r.stderr, "bench: --sizes needs a value: N,N,...\nRun 'npm run bench -- --help' for usage.\n");
        const help = await runNode(["-r", "ts-node/register/transpile-only", path.join(ROOT, "bench/run.ts"), "--help"]);
        assert.equal(help.code, 0, help.stderr);
        assert.match(help.stdout, /^ {2}--sizes N,N,\.\.\. +task counts/m);
    });
});
