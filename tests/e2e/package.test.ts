import { strict as assert } from "node:assert";
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openOfflineStack, type OfflineStack } from "../../scripts/offlineStack";

/*
 * The package as a user gets it: `npm pack`, then the tarball installed with @pulumi/pulumi into
 * an empty project in a temporary folder (outside the repository, so nothing can fall back to the
 * repository's own build), and that project's program (tests/e2e/programs/installed, plain
 * JavaScript) run under the real engine. The dynamic providers load their runtimes from the
 * installed package through its exports map, as they do in every user's stack.
 */
const ROOT = path.resolve(__dirname, "../..");
const PROGRAM = path.join(__dirname, "programs/installed");
const INVOCATION = "inv-pkgtest1";
const REQUEST = "pkgtest0000000000000000000000001";

describe("end to end: the packed package installed into a user's project", function () {
    this.timeout(600_000);
    let work: string;
    let project: string;
    let installLog: string;
    let s: OfflineStack;
    const bin = (name: string) => path.join(project, "node_modules/.bin", name);

    before(async () => {
        assert.ok(fs.existsSync(path.join(ROOT, "dist/provider/dynamic/gateRuntime.js")), "run `npm run build` first (npm run test:e2e does)");
        work = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-installed-"));
        const [pack] = JSON.parse(execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: ROOT, encoding: "utf8" }));
        project = path.join(work, "project");
        fs.mkdirSync(project);
        for (const f of ["Pulumi.yaml", "index.js"]) fs.copyFileSync(path.join(PROGRAM, f), path.join(project, f));
        fs.writeFileSync(path.join(project, "package.json"), `${JSON.stringify({ name: "taskgate-installed", private: true, main: "index.js" })}\n`);
        const pulumiVersion = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).devDependencies["@pulumi/pulumi"];
        const install = spawnSync(
            "npm",
            ["install", "--prefer-offline", "--no-audit", "--no-fund", path.join(work, pack.filename), `@pulumi/pulumi@${pulumiVersion}`],
            {
                cwd: project,
                encoding: "utf8",
            },
        );
        assert.equal(install.status, 0, install.stderr);
        installLog = install.stderr;
        s = await openOfflineStack({
            workDir: project,
            stackName: `installed${process.pid}`,
            seed: (emu) => {
                emu.generate({ api: "tat", count: 30, invocationId: INVOCATION, statusMix: { SUCCESS: 1 } });
                emu.generate({ api: "cph", count: 12, requestId: REQUEST });
            },
            config: { "installed:invocationId": { value: INVOCATION }, "installed:requestId": { value: REQUEST } },
        });
    });
    after(async () => {
        await s?.close();
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("installs the Tencent client alone, not the whole Tencent SDK, and no install script of its own", () => {
        const modules = path.join(project, "node_modules");
        assert.ok(fs.existsSync(path.join(modules, "tencentcloud-sdk-nodejs-common/package.json")));
        assert.equal(fs.existsSync(path.join(modules, "tencentcloud-sdk-nodejs")), false, "the whole SDK is installed");
        assert.doesNotMatch(installLog, /install-scripts.*pulumi-taskgate/);
    });

    it("installs both commands: taskgate prints its version, taskgate-emulator serves until it is stopped", async () => {
        const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        assert.equal(execFileSync(bin("taskgate"), ["--version"], { encoding: "utf8" }), `${version}\n`);
        const emulator: ChildProcess = spawn(bin("taskgate-emulator"), ["--port", "0", "--quiet"], { stdio: ["ignore", "pipe", "inherit"] });
        // Its exit code, or why it could not start.
        const exited = new Promise<number | string | null>((resolve) => {
            emulator.once("exit", resolve);
            emulator.once("error", (e) => resolve(e.message));
        });
        try {
            const url = await new Promise<string>((resolve, reject) => {
                let out = "";
                emulator.stdout!.on("data", (d) => {
                    out += d;
                    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
                    if (m) resolve(m[1]);
                });
                void exited.then((code) => reject(new Error(`taskgate-emulator ended (${code}): ${out}`)));
            });
            const health = await fetch(`${url}/_emulator/health`);
            assert.equal(health.status, 200);
        } finally {
            emulator.kill("SIGTERM");
        }
        assert.equal(await exited, 0, "SIGTERM stops it cleanly");
    });

    it("up: data sources of both clouds, a TaskGate, a TaskSnapshot and the user's provider that captures `check`, each from the installed package", async () => {
        const up = await s.stack.up({ color: "never" });
        assert.equal(up.summary.result, "succeeded");
        assert.deepEqual(Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value])), {
            tatTotal: 30,
            cphTotal: 12,
            gatePassed: true,
            snapshotTotal: 12,
            verdictPassed: true,
        });
        const resources: Array<{ urn: string; outputs?: { __provider?: string } }> = JSON.parse(s.cli(["stack", "export"])).deployment.resources;
        const provider = (name: string) => resources.find((r) => r.urn.endsWith(`::${name}`))?.outputs?.__provider ?? "";
        assert.match(provider("installed-gate"), /pulumi-taskgate\/dist\/provider\/dynamic\/gateRuntime/);
        assert.match(provider("installed-snapshot"), /pulumi-taskgate\/dist\/provider\/dynamic\/snapshotRuntime/);
        assert.match(
            provider("installed-verdict"),
            /require\("pulumi-taskgate\/dist\/sdk\/[\w/]+\.js"\)/,
            "the user's provider captured the package's modules by path",
        );
    });

    it("refresh: the providers serialized in the state load the runtimes again", async () => {
        const r = await s.stack.refresh({ color: "never" });
        assert.equal(r.summary.result, "succeeded");
    });
});
