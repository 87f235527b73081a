/**
 * The demo stack (Pulumi.yaml and index.ts at the repository root) on a fresh emulator and a
 * throwaway local backend, through the Automation API. Used by `npm run demo` and by the
 * end-to-end tests.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from "../emulator/server";
import { ensureEngine, offlineEnv, REPO } from "./engine";

/** Fixed ids the demo program reads (see index.ts). */
export const DEMO_IDS = { cphRequestId: "6837531fd3f54550927b930180a706bf", desktopPoolId: "pool-demo-0001", nightlyCommandId: "cmd-nightly1" };

/** Seeds the task lists the demo's data sources read. */
export function seedDemo(emu: Emulator): void {
    emu.generate([
        { api: "tat", count: 120, seed: "demo", commandId: DEMO_IDS.nightlyCommandId, statusMix: { SUCCESS: 117, FAILED: 2, TIMEOUT: 1 } },
        { api: "mps", count: 60, seed: "demo", statusMix: { FINISH: 50, PROCESSING: 7, WAITING: 3 } },
        { api: "bm", count: 40, seed: "demo", statusMix: { SUCCESS: 37, FAILED: 2, RUNNING: 1 } },
        { api: "cph", count: 60, seed: "demo", requestId: DEMO_IDS.cphRequestId, statusMix: { SUCCESS: 58, FAILED: 2 } },
        { api: "workspace", count: 25, seed: "demo", desktopPoolId: DEMO_IDS.desktopPoolId, statusMix: { FINISH: 24, FAILED: 1 } },
    ]);
}

export interface DemoStack {
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
    /** Every file the local backend wrote (the state as stored on disk), concatenated. */
    backendFiles(): string;
    /** Bytes of the stack's state file (the current checkpoint, without backups and history). */
    checkpointBytes(): number;
    /** Destroys nothing: removes the stack, its state folder and config file, stops the emulator. */
    close(): Promise<void>;
}

/**
 * Starts an emulator, seeds it, and creates the stack `stackName` of the root project on a new
 * local backend, configured as a user would configure a real stack (credentials as secrets).
 */
export async function openDemoStack(stackName: string, log: (line: string) => void = () => undefined): Promise<DemoStack> {
    const engineRoot = ensureEngine(log);
    const emu = await startEmulator({ port: 0 });
    seedDemo(emu);
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-demo-state-"));
    fs.mkdirSync(path.join(stateDir, "state"), { recursive: true });
    const pulumiCommand = await PulumiCommand.get({ root: engineRoot });
    const env = offlineEnv(engineRoot, path.join(stateDir, "state"));
    const pulumiHome = path.join(stateDir, "home");
    const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: REPO }, { pulumiCommand, pulumiHome, envVars: env });
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
        "demo:cphRequestId": { value: DEMO_IDS.cphRequestId },
        "demo:desktopPoolId": { value: DEMO_IDS.desktopPoolId },
    });
    return {
        emu, stack, stackName,
        cli: (args) => execFileSync(path.join(engineRoot, "bin/pulumi"), [...args, "--stack", stackName, "--non-interactive"],
            { cwd: REPO, encoding: "utf8", env: { ...process.env, ...env, PULUMI_HOME: pulumiHome }, stdio: ["ignore", "pipe", "pipe"] }),
        async cliAsync(args) {
            const t0 = performance.now();
            const { stdout } = await promisify(execFile)(path.join(engineRoot, "bin/pulumi"), [...args, "--stack", stackName, "--non-interactive", "--color=never"],
                { cwd: REPO, encoding: "utf8", env: { ...process.env, ...env, PULUMI_HOME: pulumiHome }, maxBuffer: 64 << 20 });
            return { stdout, seconds: (performance.now() - t0) / 1000 };
        },
        backendFiles: () => readTree(path.join(stateDir, "state")),
        checkpointBytes: () => fs.statSync(path.join(stateDir, "state/.pulumi/stacks/taskgate-demo", `${stackName}.json`)).size,
        async close() {
            await stack.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
            fs.rmSync(path.join(REPO, `Pulumi.${stackName}.yaml`), { force: true });
            fs.rmSync(stateDir, { recursive: true, force: true });
            await emu.close();
        },
    };
}

function readTree(dir: string): string {
    return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile())
        .map((e) => fs.readFileSync(path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name), "utf8"))
        .join("\n");
}
