/**
 * What a user installs and loads: the package as `npm pack` builds it, installed from its tarball
 * with the Pulumi SDK it needs into an empty project, beside an empty project with the Pulumi SDK
 * alone; the size of each `node_modules` (`du`), what npm warned about, and the time to `require`
 * each package in a fresh Node process of the user's project.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The figures of {@link measureInstall}. */
export interface InstallResult {
    /** The tarball `npm pack` writes: compressed and unpacked bytes, and its file count. */
    tarball: { bytes: number; unpackedBytes: number; files: number };
    /** The @pulumi/pulumi version both projects install (the repository's own). */
    pulumiVersion: string;
    /** KiB of `node_modules` with pulumi-taskgate and @pulumi/pulumi, and with @pulumi/pulumi alone (`du -sk`). */
    consumerKiB: number;
    pulumiAloneKiB: number;
    /** The consumer's largest top-level packages (scopes counted whole), largest first. */
    largest: Array<{ name: string; kib: number }>;
    /** npm's warnings installing the consumer, one line each (its engine check aside). */
    warnings: string[];
    /** Median ms to `require` each package in a fresh process of the consumer project. */
    importMs: { taskgate: number; pulumi: number };
    /** Fresh processes per median. */
    runs: number;
}

const npm = (args: string[], cwd: string) =>
    spawnSync("npm", args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_fund: "false", npm_config_audit: "false" } });

/** Packs the repository as it is built now (`npm run bench` builds first). */
function pack(repo: string, into: string): { file: string; tarball: InstallResult["tarball"] } {
    const r = npm(["pack", "--ignore-scripts", "--json", "--pack-destination", into], repo);
    if (r.status !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
    const [p] = JSON.parse(r.stdout) as Array<{ filename: string; size: number; unpackedSize: number; entryCount: number }>;
    return { file: path.join(into, p.filename), tarball: { bytes: p.size, unpackedBytes: p.unpackedSize, files: p.entryCount } };
}

/** An empty project with `specs` installed as a user installs them; npm's stderr. */
function project(dir: string, specs: string[]): string {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: path.basename(dir), private: true }, null, 2)}\n`);
    // --prefer-offline: the bytes installed are the same; the registry is asked only for what the cache lacks.
    const r = npm(["install", "--prefer-offline", ...specs], dir);
    if (r.status !== 0) throw new Error(`npm install ${specs.join(" ")} failed: ${r.stderr}`);
    return r.stderr;
}

const kib = (target: string) => Number(execFileSync("du", ["-sk", target], { encoding: "utf8" }).split("\t")[0]);

function largest(modules: string, n: number): InstallResult["largest"] {
    return fs
        .readdirSync(modules)
        .filter((name) => !name.startsWith("."))
        .map((name) => ({ name, kib: kib(path.join(modules, name)) }))
        .sort((a, b) => b.kib - a.kib)
        .slice(0, n);
}

/** Warning lines, the engine check's block left out (it concerns Node, not this package). */
function warningsOf(stderr: string): string[] {
    return stderr
        .split("\n")
        .filter((l) => l.startsWith("npm warn") && !l.includes("EBADENGINE"))
        .map((l) => l.replace(/^npm warn /, "").trim())
        .filter((l) => l.length > 0 && !/^install-scripts\s*$/.test(l));
}

/** Median ms of `require(id)` in fresh processes in `cwd`; the two ids alternate so drift hits both alike. */
function importTimes(cwd: string, ids: string[], runs: number): number[] {
    const samples = ids.map(() => [] as number[]);
    for (let i = 0; i < runs; i++) {
        ids.forEach((id, k) => {
            const script = `const t0 = performance.now(); require(${JSON.stringify(id)}); console.log(performance.now() - t0);`;
            const r = spawnSync(process.execPath, ["-e", script], { cwd, encoding: "utf8" });
            if (r.status !== 0) throw new Error(`require(${id}) failed in ${cwd}: ${r.stderr}`);
            samples[k].push(Number(r.stdout.trim().split("\n").pop()));
        });
    }
    return samples.map((xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
}

/** Packs `repo`, installs the tarball into an empty project, and measures; removes what it made. */
export function measureInstall(repo: string, log: (line: string) => void = console.log, runs = 7): InstallResult {
    const pulumiVersion: string = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).devDependencies["@pulumi/pulumi"];
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-install-"));
    try {
        const { file, tarball } = pack(repo, work);
        log(`  tarball: ${(tarball.bytes / 1024).toFixed(0)} KiB, ${tarball.files} files`);
        const consumer = path.join(work, "consumer");
        const stderr = project(consumer, [file, `@pulumi/pulumi@${pulumiVersion}`]);
        const alone = path.join(work, "pulumi-alone");
        project(alone, [`@pulumi/pulumi@${pulumiVersion}`]);
        const consumerKiB = kib(path.join(consumer, "node_modules"));
        const pulumiAloneKiB = kib(path.join(alone, "node_modules"));
        log(`  node_modules: ${mib(consumerKiB)} with pulumi-taskgate, ${mib(pulumiAloneKiB)} with @pulumi/pulumi alone`);
        const [taskgate, pulumi] = importTimes(consumer, ["pulumi-taskgate", "@pulumi/pulumi"], runs);
        log(`  require: pulumi-taskgate ${taskgate.toFixed(0)} ms, @pulumi/pulumi ${pulumi.toFixed(0)} ms (medians of ${runs})`);
        return {
            tarball,
            pulumiVersion,
            consumerKiB,
            pulumiAloneKiB,
            largest: largest(path.join(consumer, "node_modules"), 8),
            warnings: warningsOf(stderr),
            importMs: { taskgate, pulumi },
            runs,
        };
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

const mib = (k: number) => `${(k / 1024).toFixed(1)} MiB`;

/**
 * What the package may add to a Pulumi project's `node_modules`. About 21 MiB of what it adds is
 * the Huawei core and its dependencies (moment, moment-timezone, lodash, ramda, axios, log4js);
 * the Tencent client with its own is about 2.5 MiB, taskgate itself about 1 MiB.
 */
export const INSTALL_GOAL_MIB = 30;
/** How much slower than `require("@pulumi/pulumi")` alone the package's `require` may be. */
export const IMPORT_GOAL_RATIO = 1.2;

/** The goal lines of an install measurement. */
export function installGoals(r: InstallResult): Array<{ goal: string; measured: string; met: boolean }> {
    const added = (r.consumerKiB - r.pulumiAloneKiB) / 1024;
    const ratio = r.importMs.taskgate / r.importMs.pulumi;
    const scripts = r.warnings.filter((w) => /install-scripts.*pulumi-taskgate/.test(w));
    return [
        {
            goal: `pulumi-taskgate adds < ${INSTALL_GOAL_MIB} MiB to a Pulumi project's node_modules`,
            measured: `${added.toFixed(1)} MiB (${mib(r.consumerKiB)} vs ${mib(r.pulumiAloneKiB)})`,
            met: added < INSTALL_GOAL_MIB,
        },
        {
            goal: `require("pulumi-taskgate") in a user's project < ${IMPORT_GOAL_RATIO}x require("@pulumi/pulumi")`,
            measured: `${ratio.toFixed(2)}x (${r.importMs.taskgate.toFixed(0)} vs ${r.importMs.pulumi.toFixed(0)} ms)`,
            met: ratio < IMPORT_GOAL_RATIO,
        },
        { goal: "npm install names no install script of pulumi-taskgate", measured: scripts.length ? scripts.join("; ") : "none", met: scripts.length === 0 },
    ];
}

/** The install section of the bench's report (Markdown). */
export function installReport(r: InstallResult): string {
    return [
        `### Install (npm pack, then npm install of the tarball with @pulumi/pulumi@${r.pulumiVersion} in an empty project)`,
        "",
        "| what | measured |",
        "|---|---|",
        `| tarball | ${(r.tarball.bytes / 1024).toFixed(0)} KiB, ${r.tarball.files} files, ${(r.tarball.unpackedBytes / 1024).toFixed(0)} KiB unpacked |`,
        `| node_modules, pulumi-taskgate + @pulumi/pulumi | ${mib(r.consumerKiB)} |`,
        `| node_modules, @pulumi/pulumi alone | ${mib(r.pulumiAloneKiB)} |`,
        `| largest packages | ${r.largest.map((p) => `${p.name} ${mib(p.kib)}`).join(", ")} |`,
        `| require("pulumi-taskgate"), median of ${r.runs} | ${r.importMs.taskgate.toFixed(0)} ms |`,
        `| require("@pulumi/pulumi"), median of ${r.runs} | ${r.importMs.pulumi.toFixed(0)} ms |`,
        `| npm warnings | ${r.warnings.length ? r.warnings.join("; ") : "none"} |`,
        "",
    ].join("\n");
}
