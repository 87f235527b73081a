/**
 * The Pulumi engine taskgate's demo and end-to-end tests run: a compatible `pulumi` on PATH, or the
 * CLI and language host that scripts/install-pulumi.sh builds from the Go modules under engine/
 * (cached; a second call takes under a second), used fully offline against a local file backend.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { findOwnPackage } from "../provider/packageInfo";

/** The repository root: the folder of this package's package.json (this file also runs from dist/). */
export const REPO = findRepo(__dirname);

function findRepo(from: string): string {
    const own = findOwnPackage(from);
    if (!own) throw new Error(`no pulumi-taskgate package.json above ${from}`);
    return own.dir;
}

/** What an engine must run besides Node.js programs. */
export interface EngineNeeds {
    /** Pulumi YAML programs (`runtime: yaml`): the engine's bin folder also holds `pulumi-language-yaml`. */
    yaml?: boolean;
}

/** The root chosen for each kind of engine, once per process: `nodejs`, `yaml`. */
const chosenRoots = new Map<string, string>();

/**
 * Finds or builds the engine (once per process) and returns its root, the folder holding `bin/pulumi`
 * (what `PulumiCommand.get({ root })` takes). install-pulumi.sh says on stderr which engine it chose.
 * Put `<root>/bin` first on PATH ({@link offlineEnv} does): the engine may find a language host there.
 */
export function ensureEngine(log: (line: string) => void = () => undefined, needs: EngineNeeds = {}): string {
    const kind = needs.yaml ? "yaml" : "nodejs";
    const chosen = chosenRoots.get(kind);
    if (chosen !== undefined) return chosen;
    const started = Date.now();
    const out = execFileSync("bash", [path.join(REPO, "scripts/install-pulumi.sh")], {
        cwd: REPO,
        encoding: "utf8",
        env: needs.yaml ? { ...process.env, TASKGATE_PULUMI_YAML: "1" } : process.env,
        stdio: ["ignore", "pipe", "inherit"],
    });
    const bin = out.trim().split("\n").pop()!;
    const seconds = (Date.now() - started) / 1000;
    if (seconds > 5) log(`built the Pulumi engine in ${seconds.toFixed(0)} s`);
    const root = path.dirname(bin);
    chosenRoots.set(kind, root);
    return root;
}

/** Environment for an offline engine run: local state, a passphrase, no update checks, no downloads. */
export function offlineEnv(engineRoot: string, stateDir: string): Record<string, string> {
    return {
        PATH: `${path.join(engineRoot, "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
        PULUMI_BACKEND_URL: `file://${stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: "taskgate-demo-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "false",
    };
}
