/**
 * A stack of a Pulumi project on a fresh emulator and a throwaway local backend, run by the real
 * engine fully offline, through the Automation API and the CLI: the demo stack (demoStack.ts) and
 * the end-to-end tests' small programs (tests/e2e/programs) all open theirs here.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { type ConfigMap, LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from "../emulator/server";
import { type EngineNeeds, ensureEngine, offlineEnv } from "./engine";

/** What {@link openOfflineStack} opens. */
export interface OfflineStackOptions {
    /** The project's folder (its Pulumi.yaml). */
    workDir: string;
    stackName: string;
    /** Fills the emulator before the stack is created. */
    seed?: (emu: Emulator) => void;
    /** Stack config besides the clouds' credentials and the emulator's address, which every stack gets. */
    config?: ConfigMap;
    /** What the engine must run besides Node.js programs (a Pulumi YAML project: `{ yaml: true }`). */
    engine?: EngineNeeds;
    /**
     * Plugins installed into the stack's own PULUMI_HOME before the stack is created, as a user installs
     * one: `pulumi plugin install <kind> <name> <version> --file <tarball>`.
     */
    plugins?: Array<{ kind: "resource"; name: string; version: string; file: string }>;
    log?: (line: string) => void;
}

/** A stack opened by {@link openOfflineStack}. */
export interface OfflineStack {
    readonly emu: Emulator;
    readonly stack: Stack;
    readonly stackName: string;
    /** Runs the Pulumi CLI on this stack with the same offline environment; returns its stdout. */
    cli(args: string[]): string;
    /**
     * As {@link cli}, without blocking this process: for commands that read from the emulator,
     * which answers from this process. Returns stdout and the wall time.
     */
    cliAsync(args: string[]): Promise<{ stdout: string; seconds: number }>;
    /** As {@link cliAsync}, for a command that may fail: its exit code, stdout and stderr, never a rejection. */
    run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
    /**
     * Starts the Pulumi CLI on this stack as a child process in a process group of its own (as a
     * shell starts a foreground job), for a test that signals it. Output is not colored.
     */
    spawnCli(args: string[]): ChildProcess;
    /** Every file the local backend wrote (the state as stored on disk), concatenated. */
    backendFiles(): string;
    /** Bytes of the stack's state file (the current checkpoint, without backups and history). */
    checkpointBytes(): number;
    /** Destroys nothing: removes the stack, its state folder and config file, stops the emulator. */
    close(): Promise<void>;
}

/**
 * Starts an emulator, seeds it, and creates the stack `stackName` of the project in `workDir` on
 * a new local backend, configured as a user would configure a real stack (credentials as secrets).
 */
export async function openOfflineStack(options: OfflineStackOptions): Promise<OfflineStack> {
    const { workDir, stackName } = options;
    const engineRoot = ensureEngine(options.log, options.engine);
    const emu = await startEmulator({ port: 0 });
    options.seed?.(emu);
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-stack-state-"));
    fs.mkdirSync(path.join(stateDir, "state"), { recursive: true });
    const pulumiCommand = await PulumiCommand.get({ root: engineRoot });
    const env = offlineEnv(engineRoot, path.join(stateDir, "state"));
    const pulumiHome = path.join(stateDir, "home");
    for (const p of options.plugins ?? []) {
        execFileSync(path.join(engineRoot, "bin/pulumi"), ["plugin", "install", p.kind, p.name, p.version, "--file", p.file], {
            cwd: workDir,
            env: { ...process.env, ...env, PULUMI_HOME: pulumiHome },
            stdio: ["ignore", "ignore", "pipe"],
        });
    }
    const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir }, { pulumiCommand, pulumiHome, envVars: env });
    const project = (await stack.workspace.projectSettings()).name;
    const c = EMULATOR_CREDENTIALS;
    await stack.setAllConfig({
        "taskgate:endpoint": { value: emu.url },
        "tencentcloud:secretId": { value: c.tencent.secretId },
        "tencentcloud:secretKey": { value: c.tencent.secretKey, secret: true },
        "tencentcloud:region": { value: "ap-guangzhou" },
        "huaweicloud:accessKey": { value: c.huawei.accessKey },
        "huaweicloud:secretKey": { value: c.huawei.secretKey, secret: true },
        "huaweicloud:projectId": { value: c.huawei.projectId },
        "huaweicloud:region": { value: "cn-north-4" },
        ...options.config,
    });
    const bin = path.join(engineRoot, "bin/pulumi");
    const cliEnv = { ...process.env, ...env, PULUMI_HOME: pulumiHome };
    const cliArgs = (args: string[]) => [...args, "--stack", stackName, "--non-interactive", "--color=never"];
    return {
        emu,
        stack,
        stackName,
        cli: (args) => execFileSync(bin, cliArgs(args), { cwd: workDir, encoding: "utf8", env: cliEnv, stdio: ["ignore", "pipe", "pipe"] }),
        async cliAsync(args) {
            const t0 = performance.now();
            const { stdout } = await promisify(execFile)(bin, cliArgs(args), { cwd: workDir, encoding: "utf8", env: cliEnv, maxBuffer: 64 << 20 });
            return { stdout, seconds: (performance.now() - t0) / 1000 };
        },
        run: (args) =>
            new Promise((resolve) => {
                execFile(bin, cliArgs(args), { cwd: workDir, encoding: "utf8", env: cliEnv, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
                    const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
                    resolve({ code, stdout, stderr });
                });
            }),
        spawnCli: (args) => spawn(bin, cliArgs(args), { cwd: workDir, env: cliEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] }),
        backendFiles: () => readTree(path.join(stateDir, "state")),
        checkpointBytes: () => fs.statSync(path.join(stateDir, "state/.pulumi/stacks", project, `${stackName}.json`)).size,
        async close() {
            await stack.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
            fs.rmSync(path.join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
            fs.rmSync(stateDir, { recursive: true, force: true });
            await emu.close();
        },
    };
}

function readTree(dir: string): string {
    return fs
        .readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile())
        .map((e) => fs.readFileSync(path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name), "utf8"))
        .join("\n");
}
