import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { COMMANDS, validOptionNames } from "../../cli/options";
import { CLI_SOURCES, CONNECTION_OPTIONS } from "../../cli/sources";
import { CREDENTIAL_ARG_NAMES } from "../../provider/settings";
import { SOURCES } from "../../provider/sources";
import { CLI, cleanEnv, requireBuild, ROOT, runCli } from "./helpers";

/** `--help` at every level lists what the parser accepts, with allowed values and examples; `--version`. */
describe("cli: --help and --version", function () {
    this.timeout(60_000);
    requireBuild();
    const env = cleanEnv();

    it("the built bin is executable with a node shebang (npx runs it directly; the build sets the mode)", () => {
        assert.ok(fs.statSync(CLI).mode & 0o111, `${CLI} is not executable`);
        assert.equal(fs.readFileSync(CLI, "utf8").split("\n")[0], "#!/usr/bin/env node");
    });

    it("prints the version of the package", async () => {
        const version = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
        for (const flag of ["--version", "-v"]) {
            const r = await runCli([flag], { env });
            assert.deepEqual([r.code, r.stdout, r.stderr], [0, `${version}\n`, ""]);
        }
    });

    it("the root help names every command and source, the exit codes and the credentials", async () => {
        for (const args of [[], ["--help"], ["-h"], ["help"]]) {
            const r = await runCli(args, { env });
            assert.equal(r.code, 0);
            assert.equal(r.stderr, "");
            for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  taskgate ${c} <source>`, "m"));
            for (const s of CLI_SOURCES) assert.match(r.stdout, new RegExp(`^  ${s.name} +${s.title.replace(/[()]/g, "\\$&")}$`, "m"));
            assert.match(r.stdout, /^ {2}0 {2}read, and the --require rules hold/m);
            assert.match(r.stdout, /^ {2}1 {2}read, but the --require rules do not hold/m);
            assert.match(r.stdout, /^ {2}2 {2}an error/m);
            assert.match(r.stdout, /TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY/);
            assert.match(r.stdout, /^Examples:\n {2}taskgate list tat --invocation-id inv-1vll7hda$/m);
        }
    });

    it("each command's help lists the sources with their filters, and the command's options", async () => {
        for (const c of COMMANDS) {
            for (const args of [
                [c, "--help"],
                ["help", c],
            ]) {
                const r = await runCli(args, { env });
                assert.equal(r.code, 0, r.stderr);
                assert.match(r.stdout, new RegExp(`^Usage: taskgate ${c} <source>`));
                for (const s of CLI_SOURCES) {
                    assert.match(
                        r.stdout,
                        new RegExp(
                            `^  ${s.name} .*${s.filters
                                .map((f) => f.arg.replace(/[A-Z]/g, (x) => `-${x.toLowerCase()}`))
                                .map((f) => `--${f}`)
                                .join(", ")}$`,
                            "m",
                        ),
                    );
                    assert.ok(r.stdout.includes(`taskgate ${c} ${s.name} ${s.example}`), `an example for ${s.name}`);
                }
                assert.match(r.stdout, /--require RULES +gate the exit code: min-succeeded=N, min-success-ratio=R/);
                assert.equal(r.stdout.includes("--output table|json|csv|markdown"), c !== "report");
                assert.equal(r.stdout.includes("--html FILE"), c === "report");
            }
        }
    });

    it("offers every arg of every data source as an option, except credentials (env or --stack only)", () => {
        const credentials = new Set(CREDENTIAL_ARG_NAMES);
        for (const s of CLI_SOURCES) {
            const def = SOURCES[s.kind];
            const offered = [...s.filters, ...CONNECTION_OPTIONS[def.cloud]].map((f) => f.arg).sort();
            assert.deepEqual(offered, def.args.filter((a) => !credentials.has(a)).sort(), `the options of ${s.name} follow ${s.kind}'s args`);
        }
        assert.deepEqual(CLI_SOURCES.map((s) => s.kind).sort(), Object.keys(SOURCES).sort());
    });

    it("each source's help lists every option the parser accepts, with allowed values", async () => {
        for (const c of COMMANDS) {
            for (const s of CLI_SOURCES) {
                const r = await runCli([c, s.name, "--help"], { env });
                assert.equal(r.code, 0, r.stderr);
                assert.match(r.stdout, new RegExp(`^Usage: taskgate ${c} ${s.name} \\[filters\\] \\[options\\]`));
                const options = validOptionNames(c, s);
                assert.ok(options.includes("--help") && options.length > s.filters.length, `${c} ${s.name}: options ${options.join(", ")}`);
                for (const option of options) assert.match(r.stdout, new RegExp(`^  (-\\w, )?${option}\\b`, "m"), `${c} ${s.name} --help lists ${option}`);
                assert.match(r.stdout, /^Example:\n {2}taskgate /m);
            }
        }
        const mps = (await runCli(["list", "mps", "--help"], { env })).stdout;
        assert.match(mps, /^ {2}--status A,B,\.\.\. +status\(es\) to list; all three when omitted \(WAITING, PROCESSING, FINISH\)$/m);
        const ws = (await runCli(["summary", "workspace", "--help"], { env })).stdout;
        assert.match(ws, /^ {2}--task-type SCRIPT\|COMMAND +task type$/m);
        assert.match(ws, /^ {2}--execute-time-start TIME +executed at or after, ISO-8601 with a zone/m);
        const tat = (await runCli(["list", "tat", "--help"], { env })).stdout;
        assert.match(tat, /^ {2}--hide-output true\|false /m);
        assert.match(tat, /^Columns \(table, csv, markdown\): invocationTaskId, state, taskStatus, instanceId/m);
        // --help wins over anything else on the line, even a mistake.
        assert.equal((await runCli(["list", "tat", "--bogus", "--help"], { env })).code, 0);
    });
});
