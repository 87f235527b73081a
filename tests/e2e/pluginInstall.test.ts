import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureEngine, offlineEnv, REPO } from "../../scripts/engine";
import { packedPlugin } from "./pluginTarball";

/*
 * The provider plugin's install path for a user of the official Pulumi CLI, without a checkout:
 * `npm run plugin:pack` (scripts/plugin-pack.sh) makes the tarball, and `pulumi plugin install
 * resource taskgate <version> --file <tarball>` puts it in the plugin cache of PULUMI_HOME, where the
 * engine finds it by name and version. The plugin executable is the tarball's shim, which must run
 * the package's entry point with the `node` on PATH, and say so when there is none.
 */
const PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
const VERSION: string = PACKAGE.version;
const GO_OS: Record<string, string> = { linux: "linux", darwin: "darwin" };
const GO_ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64" };
const ENTRY = `node_modules/${PACKAGE.name}/dist/provider/plugin/main.js`;

describe("end to end: the provider plugin's tarball, installed by the Pulumi CLI", function () {
    this.timeout(600_000);
    let scratch: string;
    let tarball: string;

    before(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-plugin-install-"));
        tarball = packedPlugin().tarball;
    });
    after(() => {
        if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    it("is named as Pulumi names plugins and holds the executable shim and the package, production-only", () => {
        assert.equal(
            tarball,
            path.join(REPO, "dist-plugin", `pulumi-resource-taskgate-v${VERSION}-${GO_OS[process.platform]}-${GO_ARCH[process.arch]}.tar.gz`),
        );
        const listing = execFileSync("tar", ["-tvzf", tarball], { encoding: "utf8", maxBuffer: 64 << 20 }).split("\n");
        const entry = (name: string) => listing.find((line) => line.endsWith(` ${name}`));
        assert.match(entry("pulumi-resource-taskgate") ?? "(missing)", /^-rwxr-xr-x /);
        assert.ok(entry(ENTRY), `${ENTRY} in the tarball`);
        assert.equal(entry("PulumiPlugin.yaml"), undefined, "no PulumiPlugin.yaml: the engine runs the executable");
        const unpacked = path.join(scratch, "unpacked");
        fs.mkdirSync(unpacked);
        execFileSync("tar", ["-xzf", tarball, "-C", unpacked, "node_modules/@pulumi/pulumi/package.json"]);
        assert.equal(
            JSON.parse(fs.readFileSync(path.join(unpacked, "node_modules/@pulumi/pulumi/package.json"), "utf8")).version,
            PACKAGE.devDependencies["@pulumi/pulumi"],
        );
        // Type packages aside: production dependencies (protobufjs) bring @types/node of their own.
        const devOnly = Object.keys(PACKAGE.devDependencies).filter((name) => name !== "@pulumi/pulumi" && !name.startsWith("@types/"));
        assert.ok(devOnly.includes("mocha") && devOnly.includes("typescript"));
        for (const dev of devOnly) {
            assert.equal(entry(`node_modules/${dev}/package.json`), undefined, `the devDependency ${dev} is not packed`);
        }
    });

    it("`pulumi plugin install --file` puts it in PULUMI_HOME; `plugin ls` lists it at the package's version; its shim runs node on the installed entry point; `pulumi package get-schema taskgate` starts it and prints its schema", () => {
        const root = ensureEngine();
        const home = path.join(scratch, "pulumi-home");
        const env = { ...process.env, ...offlineEnv(root, path.join(scratch, "state")), PULUMI_HOME: home };
        const pulumi = (args: string[]) =>
            execFileSync(path.join(root, "bin/pulumi"), args, { cwd: scratch, encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"] });

        pulumi(["plugin", "install", "resource", "taskgate", VERSION, "--file", tarball]);
        const listed: { name: string; kind: string; version: string }[] = JSON.parse(pulumi(["plugin", "ls", "--json"]));
        assert.deepEqual(
            listed.filter((p) => p.name === "taskgate").map((p) => [p.kind, p.version]),
            [["resource", VERSION]],
        );

        const installed = path.join(home, "plugins", `resource-taskgate-v${VERSION}`);
        const shim = path.join(installed, "pulumi-resource-taskgate");
        assert.ok(fs.statSync(shim).mode & 0o100, "the shim is executable");
        // A stand-in `node` that prints its arguments: the shim's whole command line, from any working folder.
        const fakeNode = path.join(scratch, "fake-node");
        fs.mkdirSync(fakeNode);
        fs.writeFileSync(path.join(fakeNode, "node"), '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
        const run = spawnSync(shim, ["127.0.0.1:12345"], { cwd: os.tmpdir(), encoding: "utf8", env: { PATH: fakeNode } });
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.stdout, `${installed}/${ENTRY}\n127.0.0.1:12345\n`);
        assert.ok(fs.statSync(path.join(installed, ENTRY)).isFile(), "the entry point the shim runs is installed");

        // The installed plugin runs: the engine starts it and asks for its schema, which is the package's.
        const schema = JSON.parse(pulumi(["package", "get-schema", "taskgate"]));
        assert.deepEqual(schema, JSON.parse(fs.readFileSync(path.join(REPO, "provider/plugin/schema.json"), "utf8")));
        assert.equal(schema.version, VERSION);
    });

    it("the shim says so when there is no node on PATH", () => {
        const unpacked = path.join(scratch, "shim-only");
        fs.mkdirSync(unpacked);
        execFileSync("tar", ["-xzf", tarball, "-C", unpacked, "pulumi-resource-taskgate"]);
        const run = spawnSync(path.join(unpacked, "pulumi-resource-taskgate"), ["127.0.0.1:12345"], {
            encoding: "utf8",
            env: { PATH: path.join(scratch, "nothing") },
        });
        assert.equal(run.status, 1);
        assert.equal(run.stdout, "");
        assert.equal(run.stderr, "pulumi-resource-taskgate: node not found on PATH (the taskgate plugin runs on Node.js 20 or newer)\n");
    });
});
