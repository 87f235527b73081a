/**
 * The one argument parser (cli/args.ts) and the command lines built on it besides `taskgate`
 * (whose usage errors tests/cli/errors.test.ts checks through the built command): the emulator's
 * and the benchmark's. Every bad line is a UsageError that names the option and what it takes.
 */
import { strict as assert } from "node:assert";
import { parseBenchOptions } from "../../bench/run";
import { type OptionSpec, parseCommandArgs, UsageError } from "../../cli/args";
import { parseEmulatorArgs } from "../../emulator/cli";

const OPTIONS: readonly OptionSpec[] = [
    { name: "port", value: "N", help: "port" },
    { name: "sources", value: "A,B,...", help: "sources" },
    { name: "tag", value: "TEXT", help: "tags", multiple: true },
    { name: "quiet", short: "q", help: "quiet" },
    { name: "help", short: "h", help: "help" },
];

/** Asserts that `run` throws a UsageError with exactly `message`, or one it matches. */
function assertUsage(run: () => unknown, message: string | RegExp): void {
    assert.throws(run, (e: unknown) => {
        assert.ok(e instanceof UsageError, `a UsageError, not ${(e as Error)?.name}: ${(e as Error)?.message}`);
        if (typeof message === "string") assert.equal(e.message, message);
        else assert.match(e.message, message);
        return true;
    });
}

describe("the argument parser every command line shares", () => {
    it("reads values, flags, repeats and short names", () => {
        const a = parseCommandArgs(["--port=80", "-q", "--tag", "x", "--tag=y", "--sources", "tat, mps"], OPTIONS);
        assert.equal(a.integer("port", { min: 0, max: 65535 }), 80);
        assert.equal(a.flag("quiet"), true);
        assert.deepEqual(a.texts("tag"), ["x", "y"]);
        assert.deepEqual(a.list("sources", ["tat", "mps"]), ["tat", "mps"]);
        assert.equal(a.help, false);
        const none = parseCommandArgs([], OPTIONS);
        assert.equal(none.integer("port", { min: 0, max: 1 }), undefined);
        assert.equal(none.flag("quiet"), false);
        assert.equal(none.list("sources"), undefined);
    });

    it("names the option and what it takes in every usage error", () => {
        assertUsage(() => parseCommandArgs(["--port"], OPTIONS), "--port needs a value: N");
        assertUsage(() => parseCommandArgs(["--port", "--quiet"], OPTIONS), "--port needs a value: N");
        assertUsage(() => parseCommandArgs(["--quiet=yes"], OPTIONS), "--quiet takes no value");
        assertUsage(
            () => parseCommandArgs(["--prot", "1"], OPTIONS),
            "unknown option --prot (did you mean --port?); valid options: --port, --sources, --tag, --quiet, --help",
        );
        assertUsage(() => parseCommandArgs(["stray"], OPTIONS), 'unexpected argument "stray"');
        assertUsage(() => parseCommandArgs(["--port", "1", "--port", "2"], OPTIONS).text("port"), "--port was given 2 times; give it once");
        assertUsage(() => parseCommandArgs(["--port", "x"], OPTIONS).integer("port", { min: 0, max: 9 }), '--port must be an integer from 0 to 9, got "x"');
        assertUsage(() => parseCommandArgs(["--port", "10"], OPTIONS).integer("port", { min: 0, max: 9 }), '--port must be an integer from 0 to 9, got "10"');
        assertUsage(
            () => parseCommandArgs(["--sources", "tat,ecs"], OPTIONS).list("sources", ["tat", "mps"]),
            '--sources: unknown value "ecs"; allowed: tat, mps',
        );
        assertUsage(() => parseCommandArgs(["--sources", "tat,"], OPTIONS).list("sources"), '--sources takes a comma-separated list (A,B,...), got "tat,"');
    });

    it("points a usage error at the help of the command it came from", () => {
        assert.throws(
            () => parseCommandArgs(["--nope"], OPTIONS, { helpFor: "list tat" }),
            (e: unknown) => e instanceof UsageError && e.helpFor === "list tat" && /valid options for "list tat"/.test(e.message),
        );
    });

    it("recognizes --help and -h wherever they are, whatever else is wrong on the line", () => {
        assert.equal(parseCommandArgs(["--nope", "--port", "-h"], OPTIONS).help, true);
        assert.equal(parseCommandArgs(["--help"], OPTIONS).help, true);
        assert.equal(parseCommandArgs(["--", "--help"], OPTIONS, { positionals: true }).help, false, "after -- it is an argument");
    });
});

describe("the emulator's command line", () => {
    it("--help is help, whatever else is given", () => {
        assert.deepEqual(parseEmulatorArgs(["--help"]), { kind: "help" });
        assert.deepEqual(parseEmulatorArgs(["--port", "x", "-h"]), { kind: "help" });
    });

    it("starts on port 4566 with the example data by default; --seed FILE or --empty leave it out", () => {
        const run = parseEmulatorArgs([]);
        assert.ok(run.kind === "run");
        assert.equal(run.options.port, 4566);
        assert.equal(run.exampleData, true);
        const seeded = parseEmulatorArgs(["--seed", "fixtures.json"]);
        assert.ok(seeded.kind === "run" && !seeded.exampleData && seeded.options.seed === "fixtures.json");
        const empty = parseEmulatorArgs(["--empty", "--no-rate-limits", "--latency-ms", "20"]);
        assert.ok(empty.kind === "run" && !empty.exampleData);
        assert.deepEqual(empty.options.latency, { fixedMs: 20, jitterMs: undefined });
        assert.equal(empty.options.rateLimits?.tat, 0);
    });

    it("reads --generate as one spec per API, with the --random-seed", () => {
        const run = parseEmulatorArgs(["--generate", "tat=1000,cph=200", "--random-seed", "7"]);
        assert.ok(run.kind === "run");
        assert.deepEqual(run.generate, [
            { api: "tat", count: 1000, seed: "7" },
            { api: "cph", count: 200, seed: "7" },
        ]);
    });

    it("refuses a bad line with a message naming the option and what it takes", () => {
        assertUsage(() => parseEmulatorArgs(["--port"]), "--port needs a value: N");
        assertUsage(() => parseEmulatorArgs(["--port", "70000"]), '--port must be an integer from 0 to 65535, got "70000"');
        assertUsage(() => parseEmulatorArgs(["--generate", "ecs=5"]), '--generate: unknown API "ecs" in "ecs=5"; APIs: tat, mps, bm, cph, workspace, bmLegacy');
        assertUsage(() => parseEmulatorArgs(["--generate", "cph"]), '--generate: "cph" needs a count from 0 to 9999999 after the API, e.g. cph=1000');
        assertUsage(() => parseEmulatorArgs(["--generate", "tat=-1"]), '--generate: "tat=-1" needs a count from 0 to 9999999 after the API, e.g. tat=1000');
        assertUsage(() => parseEmulatorArgs(["--seed", "a.json", "--empty"]), "--seed and --empty exclude each other: a seed file replaces the example data");
        assertUsage(() => parseEmulatorArgs(["--latency", "5"]), /^unknown option --latency \(did you mean --latency-ms\?\); valid options: --port, --host, /);
    });
});

describe("the benchmark's command line", () => {
    it("has its defaults, --quick, and lists", () => {
        assert.deepEqual(parseBenchOptions([]), {
            sources: ["tat", "mps", "bm", "cph", "workspace"],
            sizes: [1000, 10_000, 50_000],
            rtts: [20, 150],
            baselines: true,
            state: true,
        });
        assert.deepEqual(parseBenchOptions(["--quick", "--sources", "tat,bm", "--rtts", "0,20", "--no-baselines", "--no-state"]), {
            sources: ["tat", "bm"],
            sizes: [1000, 10_000],
            rtts: [0, 20],
            baselines: false,
            state: false,
        });
        assert.equal(parseBenchOptions(["--help"]), undefined);
        assert.equal(parseBenchOptions(["--only", "install"])?.only, "install");
        assert.equal(parseBenchOptions(["--only", "gatePolls"])?.only, "gatePolls");
    });

    it("refuses --sizes with no value with a usage error, not a TypeError", () => {
        assertUsage(() => parseBenchOptions(["--sizes"]), "--sizes needs a value: N,N,...");
        assertUsage(() => parseBenchOptions(["--sizes", "1000,ten"]), '--sizes must be a list of integers, each from 1 to 1000000, got "ten"');
        assertUsage(() => parseBenchOptions(["--sources", "tat,ecs"]), '--sources: unknown value "ecs"; allowed: tat, mps, bm, cph, workspace');
        assertUsage(() => parseBenchOptions(["--quick", "--sizes", "10"]), "--quick and --sizes exclude each other: --quick is --sizes 1000,10000");
        assertUsage(() => parseBenchOptions(["--only", "tat"]), '--only: unknown section "tat"; allowed: install, gatePolls');
    });
});
