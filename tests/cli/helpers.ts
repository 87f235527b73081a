/**
 * Shared set-up for the command-line tests: they run the BUILT command (`node dist/cli/main.js`,
 * what `npx taskgate` runs) as a child process against an emulator in this process, and assert on
 * its stdout, stderr and exit code. Every run is checked for leaked secrets.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { clientEnv, EMULATOR_CREDENTIALS, type Emulator } from "../../emulator/server";

export { useEmulator } from "../integration/helpers";

export const ROOT = path.resolve(__dirname, "../..");
export const CLI = path.join(ROOT, "dist/cli/main.js");

/** What one run of the command printed, and its exit code. */
export interface CliRun {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Secrets no output may contain: the emulator's keys, and any a test adds. */
export const SECRETS: string[] = [EMULATOR_CREDENTIALS.tencent.secretKey, EMULATOR_CREDENTIALS.huawei.secretKey, EMULATOR_CREDENTIALS.huawei.authToken];

/**
 * The environment of a run: the parent's, less every setting taskgate reads (so a developer's own
 * credentials never reach a test), plus `extra`.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    const env: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(process.env)) {
        if (!/^(TENCENTCLOUD_|HW_|TASKGATE_|PULUMI_)/.test(k)) env[k] = v;
    }
    return { ...env, ...extra };
}

/** The emulator's credentials and a region for both clouds, and its URL as TASKGATE_ENDPOINT (in a clean environment). */
export function emulatorEnv(emu: Emulator, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return cleanEnv({ ...clientEnv(emu.url), ...extra });
}

/** Fails the suite early, with the fix, when the command has not been built. */
export function requireBuild(): void {
    before(() => assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`npm run build\` first (npm test does)`));
}

/**
 * Runs `taskgate ...args` and collects its output. Asserts that no secret appears in it, and that
 * no JavaScript stack trace does (every error is a one-message report).
 */
export async function runCli(args: readonly string[], opts: { env: Record<string, string | undefined>; cwd?: string }): Promise<CliRun> {
    return checkedRun(args, await runNode([CLI, ...args], opts));
}

/** Asserts that a run's output holds no secret and no stack trace; returns it. */
function checkedRun(args: readonly string[], run: CliRun): CliRun {
    for (const s of SECRETS) {
        assert.ok(!run.stdout.includes(s) && !run.stderr.includes(s), `a secret leaked into the output of taskgate ${args.join(" ")}`);
    }
    assert.doesNotMatch(run.stderr, /\n\s+at .+\(.+:\d+:\d+\)/, `a stack trace in the output of taskgate ${args.join(" ")}:\n${run.stderr}`);
    return run;
}

/** A `taskgate` process still running: what it has written to stderr so far, and its end. */
export interface RunningCli {
    /** Resolves once stderr has a line matching `pattern` (rejects if the process ends first). */
    stderrLine(pattern: RegExp): Promise<string>;
    /** Sends the process a signal, as a terminal's Ctrl-C does (SIGINT). */
    signal(name: NodeJS.Signals): void;
    /** The whole run, checked as {@link runCli} checks it. */
    readonly done: Promise<CliRun>;
}

/**
 * Starts `taskgate ...args` and returns at once, so that a test can act while it runs (finish its
 * tasks in the emulator once it has read them, press Ctrl-C): every step waits for what the
 * process printed, never for time to pass.
 */
export function startCli(args: readonly string[], opts: { env: Record<string, string | undefined> }): RunningCli {
    const child = spawn(process.execPath, [CLI, ...args], { env: opts.env as NodeJS.ProcessEnv, cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const waiting: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
    const settle = () => {
        for (const w of [...waiting]) {
            const line = stderr.split("\n").find((l) => w.pattern.test(l));
            if (line !== undefined) {
                waiting.splice(waiting.indexOf(w), 1);
                w.resolve(line);
            }
        }
    };
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
        stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
        stderr += d;
        settle();
    });
    const done = new Promise<CliRun>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => resolve(checkedRun(args, { code, stdout, stderr })));
    });
    return {
        stderrLine: (pattern) =>
            new Promise<string>((resolve, reject) => {
                waiting.push({ pattern, resolve });
                settle();
                void done.then(() => reject(new Error(`taskgate ${args.join(" ")} ended before printing ${pattern}:\n${stderr}`)), reject);
            }),
        signal: (name) => child.kill(name),
        done,
    };
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF), as a spreadsheet would. */
export function parseCsv(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let field = "";
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') {
                field += '"';
                i++;
            } else if (c === '"') quoted = false;
            else field += c;
        } else if (c === '"') {
            quoted = true;
        } else if (c === ",") {
            row.push(field);
            field = "";
        } else if (c === "\r" && text[i + 1] === "\n") {
            row.push(field);
            rows.push(row);
            row = [];
            field = "";
            i++;
        } else {
            field += c;
        }
    }
    assert.equal(field + row.join(""), "", "CSV ends with CRLF");
    return rows;
}

/** The emulator's command line, started as `npm run emulator` starts it (ts-node, no build). */
export interface EmulatorCommand {
    /** Everything it printed before it began tailing requests. */
    readonly banner: string;
    readonly url: string;
    /** The `export NAME=value` lines of the banner, as a shell would set them. */
    readonly exports: Readonly<Record<string, string>>;
    stop(): Promise<void>;
}

/** `npm run emulator`: ts-node on emulator/cli.ts. */
const EMULATOR_COMMAND = ["-r", "ts-node/register/transpile-only", path.join(ROOT, "emulator/cli.ts")];

/** Runs the emulator's command line to its end (for --help and usage errors). */
export function runEmulatorCommand(args: readonly string[]): Promise<CliRun> {
    return runNode([...EMULATOR_COMMAND, ...args]);
}

/** Runs `node ...args` (in the repository, with a clean environment unless given others) to its end. */
export function runNode(args: readonly string[], opts: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CliRun> {
    return runProcess(process.execPath, args, opts);
}

/** Runs any program (in the repository, with a clean environment unless given others) to its end. */
export function runProcess(file: string, args: readonly string[], opts: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CliRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(file, args, {
            env: (opts.env ?? cleanEnv()) as NodeJS.ProcessEnv,
            cwd: opts.cwd ?? ROOT,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => {
            stdout += d;
        });
        child.stderr.setEncoding("utf8").on("data", (d: string) => {
            stderr += d;
        });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

/**
 * Starts the emulator's command line (`npm run emulator -- ...args`) and waits for its banner,
 * whose last line names the admin API.
 */
export function startEmulatorCommand(args: readonly string[]): Promise<EmulatorCommand> {
    const child = spawn(process.execPath, [...EMULATOR_COMMAND, ...args], {
        env: cleanEnv() as NodeJS.ProcessEnv,
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    return new Promise((resolve, reject) => {
        let out = "";
        let err = "";
        child.stderr.setEncoding("utf8").on("data", (d: string) => {
            err += d;
        });
        child.once("exit", (code) => reject(new Error(`the emulator exited with ${code} before its banner:\n${out}${err}`)));
        child.stdout.setEncoding("utf8").on("data", (d: string) => {
            out += d;
            const end = out.indexOf("\nAdmin API: ");
            if (end < 0 || !out.slice(end + 1).includes("\n")) return;
            const banner = out.slice(0, out.indexOf("\n", end + 1) + 1);
            const exports = Object.fromEntries([...banner.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
            resolve({
                banner,
                url: /listening on (http:\/\/\S+)/.exec(banner)![1],
                exports,
                stop: async () => {
                    child.kill("SIGTERM");
                    await exited;
                },
            });
        });
    });
}
