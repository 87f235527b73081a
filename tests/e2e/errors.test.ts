import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from "../../emulator/server";
import { ensureEngine, offlineEnv, REPO } from "../../scripts/engine";

/*
 * What a person reads when a data source, check() or a gate fails under the real Pulumi engine:
 * the CLI run as a user runs it (`--non-interactive`, output not a terminal) on a small program
 * (tests/e2e/programs/errors) whose stack config picks the failure.
 */
const PROGRAM = path.join(REPO, "tests/e2e/programs/errors");

/**
 * CPU seconds each process of a `pulumi` run may use. A failing preview of this program uses a few;
 * Pulumi printing an error through util.inspect on Node 20.19.6+/22 (nodejs/node#64011) spins for
 * 30-60 s of CPU before it prints anything: with this budget such a run is stopped instead.
 */
const CPU_SECONDS = 30;

interface Run {
    code: number | null;
    /** stdout and stderr, interleaved as they came. */
    output: string;
}

/** The part of a run's output under "Diagnostics:", where Pulumi repeats every message once. */
function diagnostics(output: string): string {
    const at = output.indexOf("Diagnostics:");
    assert.notEqual(at, -1, `no Diagnostics section in:\n${output}`);
    const end = output.indexOf("\nResources:", at);
    return output.slice(at, end === -1 ? undefined : end);
}

function count(text: string, part: string): number {
    return text.split(part).length - 1;
}

/**
 * The failure reads as the library's message alone, printed once: no "unhandled exception", no
 * stack trace, no dumped fields, no colour codes, no Node.js warnings.
 */
function assertReadable(run: Run, firstLine: string): void {
    assert.notEqual(run.code, 0, "the command must fail");
    const diag = diagnostics(run.output);
    assert.equal(count(diag, firstLine), 1, `the message once in the diagnostics:\n${diag}`);
    assert.match(diag, new RegExp(`error: [^\n]*${firstLine.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`), "an error, the message on its first line");
    assert.doesNotMatch(run.output, /unhandled (exception|error)/, "reported as a crash");
    assert.doesNotMatch(run.output, /^\s+at .+:\d+:\d+\)?$/m, "a stack trace");
    assert.doesNotMatch(run.output, /\.ts:\d+/, "a reference into taskgate's sources");
    assert.doesNotMatch(run.output, /\u001b\[/, "colour codes when the output is not a terminal");
    assert.doesNotMatch(run.output, /Warning:/, "a Node.js warning");
    assert.doesNotMatch(run.output, /^\s+(field|problem|cloud|code|kind|verdict): /m, "the error object's fields dumped");
    assert.doesNotMatch(run.output, /exited with non-zero exit code/, "the program was stopped (over its CPU budget?)");
}

describe("end to end: errors a person reads under the real Pulumi engine", function () {
    this.timeout(600_000);
    let emu: Emulator;
    let stateDir: string;
    let env: Record<string, string>;
    let pulumiBin: string;
    const stackName = `errors${process.pid}`;

    /** Runs the CLI on the stack, as a user would, within the CPU budget; never throws on failure. */
    function pulumi(args: string[]): Promise<Run> {
        return new Promise((resolve, reject) => {
            const child = spawn("bash", ["-c", `ulimit -t ${CPU_SECONDS} && exec "$0" "$@"`, pulumiBin, ...args, "--stack", stackName, "--non-interactive"], {
                cwd: PROGRAM,
                env: { ...process.env, ...env },
                stdio: ["ignore", "pipe", "pipe"],
            });
            let output = "";
            child.stdout.on("data", (d) => (output += d));
            child.stderr.on("data", (d) => (output += d));
            child.on("error", reject);
            child.on("close", (code) => resolve({ code, output }));
        });
    }

    async function withCase(failure: string, args: string[]): Promise<Run> {
        const set = await pulumi(["config", "set", "errors:case", failure]);
        assert.equal(set.code, 0, set.output);
        return pulumi(args);
    }

    before(async () => {
        const engineRoot = ensureEngine();
        pulumiBin = path.join(engineRoot, "bin/pulumi");
        emu = await startEmulator({ port: 0 });
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-errors-"));
        fs.mkdirSync(path.join(stateDir, "state"));
        env = {
            ...offlineEnv(engineRoot, path.join(stateDir, "state")),
            PULUMI_HOME: path.join(stateDir, "home"),
            // The program is type-checked with the repository (npm run typecheck).
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        };
        const init = await pulumi(["stack", "init"]);
        assert.equal(init.code, 0, init.output);
        const c = EMULATOR_CREDENTIALS.tencent;
        // secretId is no secret, but named like one: Pulumi asks for --plaintext (or --secret).
        const config = await pulumi([
            "config",
            "set-all",
            "--plaintext",
            `taskgate:endpoint=${emu.url}`,
            "--plaintext",
            `tencentcloud:secretId=${c.secretId}`,
            "--secret",
            `tencentcloud:secretKey=${c.secretKey}`,
            "--plaintext",
            "tencentcloud:region=ap-guangzhou",
        ]);
        assert.equal(config.code, 0, config.output);
    });

    after(async () => {
        if (pulumiBin && stateDir) await pulumi(["stack", "rm", "--yes", "--force"]);
        fs.rmSync(path.join(PROGRAM, `Pulumi.${stackName}.yaml`), { force: true });
        if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
        await emu?.close();
    });

    it("a data source given an unknown argument fails the preview with its message alone", async () => {
        const run = await withCase("unknownArgument", ["preview"]);
        assertReadable(run, "taskgate: invalid invocationIdd: is not an argument of this data source; allowed: invocationTaskIds, invocationId,");
        assert.equal(emu.requests({ api: "tat" }).length, 0, "nothing was sent");
    });

    it("an unknown argument beside a secret credential (an arg that is an Output) fails the same way", async () => {
        const run = await withCase("unknownArgumentSecretArg", ["preview"]);
        assertReadable(run, "taskgate: invalid instanceIds: is not an argument of this data source; allowed: invocationTaskIds, invocationId,");
    });

    it("a bad id given to the Promise form, awaited by the program, fails the same way", async () => {
        const run = await withCase("badIdAwaited", ["preview"]);
        assertReadable(run, `taskgate: invalid invocationId ("not an id"): must be a non-empty identifier`);
    });

    it("a data source the cloud refuses, after the program's own code has run", async () => {
        const run = await withCase("wrongKey", ["preview"]);
        assertReadable(run, "tencentcloud DescribeInvocationTasks failed: AuthFailure.SignatureFailure:");
    });

    it("check() failing inside an apply prints the gate's message, its details on the following lines", async () => {
        const run = await withCase("checkFails", ["preview"]);
        assertReadable(run, `taskgate: gate "errors-check" failed on TAT invocation tasks`);
        assert.match(diagnostics(run.output), /failed on TAT invocation tasks\n\s+required: at most 0 failed, all done\n\s+found: +0 tasks/);
    });

    it("refreshing a gate whose cloud cannot be reached: one error, on the gate, printed once", async () => {
        const up = await withCase("gate", ["up", "--yes"]);
        assert.equal(up.code, 0, up.output);
        await emu.close();
        const run = await pulumi(["refresh", "--yes"]);
        assertReadable(run, "tencentcloud DescribeInvocationTasks failed: NetworkError:");
        const diag = diagnostics(run.output);
        const onGate = diag.slice(diag.indexOf("TaskGate (errors-gate):"));
        assert.match(
            onGate,
            /error: .*tencentcloud DescribeInvocationTasks failed: NetworkError: request to \S+ failed, reason: connect ECONNREFUSED/,
            "the error is on the gate",
        );
        assert.doesNotMatch(diag, /TaskgateCloudError/, "the provider host's echo of the error (its class, its message again)");
    });
});
