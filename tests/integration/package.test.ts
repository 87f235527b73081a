import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/*
 * What `npm pack` puts in the package, as npm itself lists it (without running the build), and
 * how the package's name resolves: Node resolves a package's own name from inside it through its
 * exports map, exactly as it does from a project that installed it.
 */
const ROOT = path.resolve(__dirname, "../..");
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, string | Record<string, string>>;
    bin: Record<string, string>;
    scripts: Record<string, string>;
};

/** The folders of dist/ whose modules a Pulumi program's code can reach (and Pulumi may capture). */
const PROGRAM_DIRS = ["sdk", "provider", "report"];

/** Resolves and loads each id by the package's name from the repository, in a fresh process: the file each resolves to, or the error code. */
function resolveByName(ids: string[]): Array<{ id: string; file?: string; code?: string }> {
    const script = `const out = []; for (const id of ${JSON.stringify(ids)}) { try { out.push({ id, file: require.resolve(id) }); require(id); } catch (e) { out.push({ id, code: e.code }); } } console.log(JSON.stringify(out));`;
    return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }));
}

describe("the npm package's files", function () {
    this.timeout(120_000);
    let files: string[];

    before(() => {
        assert.ok(fs.existsSync(path.join(ROOT, "dist/provider/dynamic/gateRuntime.js")), "run `npm run build` first (npm test does)");
        const [pack] = JSON.parse(
            execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }),
        );
        files = pack.files.map((f: { path: string }) => f.path);
    });

    it("has no source maps and no TypeScript sources: a stack trace points at a file the package contains", () => {
        assert.ok(files.includes("dist/provider/dynamic/gateRuntime.js") && files.includes("dist/sdk/index.js"), files.join("\n"));
        assert.deepEqual(
            files.filter((f) => f.endsWith(".map")),
            [],
        );
        assert.deepEqual(
            files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")),
            [],
        );
        for (const f of files.filter((x) => x.endsWith(".js"))) {
            assert.doesNotMatch(fs.readFileSync(path.join(ROOT, f), "utf8"), /^\/\/# sourceMappingURL=/m, `${f} points at a source map`);
        }
    });

    it("holds the built code, the declarations a program's types need, package.json, the README, the licence and the changelog: no tests, bench, scripts or examples", () => {
        const shipped = new RegExp(
            `^(package\\.json|README\\.md|LICENSE|CHANGELOG\\.md|bin/pulumi-resource-taskgate|dist/provider/plugin/schema\\.json|dist/(sdk|provider|report|cli|emulator)/.+\\.js|dist/(${PROGRAM_DIRS.join("|")})/.+\\.d\\.ts)$`,
        );
        assert.deepEqual(
            files.filter((f) => !shipped.test(f)),
            [],
        );
        for (const dir of ["cli", "emulator"])
            assert.ok(files.includes(`dist/${dir}/main.js`) || files.includes(`dist/${dir}/cli.js`), `dist/${dir} is shipped`);
    });

    it("holds no module left over from an earlier build: every packed .js and .d.ts is built from a source in the tree", () => {
        // tsc never deletes what it no longer emits; a stale dist/emulator/store.js once shadowed store/index.js.
        const built = files.filter((f) => f.startsWith("dist/"));
        assert.ok(built.length > 100, `${built.length} built files`);
        assert.deepEqual(
            built.filter((f) => !fs.existsSync(path.join(ROOT, f.replace(/^dist\//, "").replace(/(\.d)?\.js$|\.d\.ts$/, ".ts")))),
            [],
        );
    });

    it("exports resolve by the package's name to packed files, and load", () => {
        const named = Object.keys(PKG.exports).filter((k) => !k.includes("*"));
        assert.ok(named.includes(".") && named.includes("./package.json"), named.join(" "));
        const resolved = resolveByName(named.map((k) => PKG.name + k.slice(1)));
        for (const r of resolved) {
            assert.ok(r.file, `${r.id} does not resolve: ${r.code}`);
            assert.ok(files.includes(path.relative(ROOT, r.file)), `${r.id} resolves to ${r.file}, which is not packed`);
        }
    });

    it("every module a program can reach is exported, so Pulumi can serialize a closure that captures it; the CLI and the emulator are not importable", () => {
        const reachable = files.filter((f) => f.endsWith(".js") && PROGRAM_DIRS.some((d) => f.startsWith(`dist/${d}/`)));
        assert.ok(reachable.includes("dist/sdk/index.js") && reachable.includes("dist/provider/sources/index.js"), reachable.join(" "));
        const resolved = resolveByName(reachable.map((f) => `${PKG.name}/${f}`));
        assert.deepEqual(
            resolved.filter((r) => r.file !== path.join(ROOT, r.id.slice(PKG.name.length + 1))),
            [],
        );
        const internal = resolveByName([`${PKG.name}/dist/emulator/server.js`, `${PKG.name}/dist/cli/commands.js`, `${PKG.name}/dist/provider/settings`]);
        assert.deepEqual(
            internal.map((r) => r.code),
            ["ERR_PACKAGE_PATH_NOT_EXPORTED", "ERR_PACKAGE_PATH_NOT_EXPORTED", "ERR_PACKAGE_PATH_NOT_EXPORTED"],
        );
    });

    it("the module ids the packed code loads by the package's name (the dynamic providers' runtimes) are exported", () => {
        const ids = new Set<string>();
        for (const f of files.filter((x) => x.endsWith(".js"))) {
            for (const m of fs.readFileSync(path.join(ROOT, f), "utf8").matchAll(new RegExp(`["'\`](${PKG.name}/[^"'\`]+)["'\`]`, "g"))) ids.add(m[1]);
        }
        assert.ok(ids.has(`${PKG.name}/dist/provider/dynamic/gateRuntime`) && ids.has(`${PKG.name}/dist/provider/dynamic/snapshotRuntime`), [...ids].join(" "));
        const resolved = resolveByName([...ids]);
        assert.deepEqual(
            resolved.filter((r) => !r.file),
            [],
        );
    });

    it("each command is packed and runs by its own name (a node shebang, executable): taskgate and taskgate-emulator print their usage", () => {
        assert.deepEqual(Object.keys(PKG.bin).sort(), ["pulumi-resource-taskgate", "taskgate", "taskgate-emulator"]);
        for (const [name, file] of Object.entries(PKG.bin).filter(([n]) => n !== "pulumi-resource-taskgate")) {
            assert.ok(files.includes(file), `${name}: ${file} is not packed`);
            assert.match(fs.readFileSync(path.join(ROOT, file), "utf8"), /^#!\/usr\/bin\/env node\n/, `${file} starts with a node shebang`);
            // Run as the shell runs a command: the file itself, found through its shebang.
            const r = spawnSync(path.join(ROOT, file), ["--help"], { encoding: "utf8", timeout: 30_000 });
            assert.equal(r.error, undefined, `${file}: ${r.error}`);
            assert.match(
                `${r.stdout}${r.stderr}`,
                name === "taskgate" ? /^taskgate \d+\.\d+\.\d+: .*\nUsage:/s : /^taskgate cloud emulator: .*\nUsage: taskgate-emulator .*--port N.*--generate/s,
                `${name} --help`,
            );
        }
    });

    it("the provider plugin is packed with its schema, and runs by its name from node_modules/.bin and from PATH, through symbolic links", () => {
        const file = PKG.bin["pulumi-resource-taskgate"];
        assert.ok(files.includes(file) && files.includes("dist/provider/plugin/main.js") && files.includes("dist/provider/plugin/schema.json"), file);
        assert.match(fs.readFileSync(path.join(ROOT, file), "utf8"), /^#!\/bin\/sh\n/);
        const links = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-bin-"));
        try {
            // node_modules/.bin links to the package's file; a link on PATH may link to that link.
            fs.symlinkSync(path.join(ROOT, file), path.join(links, "first"));
            fs.symlinkSync("first", path.join(links, "pulumi-resource-taskgate"));
            const r = spawnSync("pulumi-resource-taskgate", [], {
                encoding: "utf8",
                timeout: 30_000,
                env: { ...process.env, PATH: `${links}${path.delimiter}${process.env.PATH}` },
            });
            assert.equal(r.error, undefined, `${r.error}`);
            assert.equal(r.stdout, "", "nothing on stdout, where the engine reads the port");
            assert.match(r.stderr, /^pulumi-resource-taskgate: the Pulumi engine starts this plugin with its address/);
            assert.equal(r.status, 2);
        } finally {
            fs.rmSync(links, { recursive: true, force: true });
        }
    });

    it("has no install-time script (npm 11 names prepare and (pre|post)install to the user at install): the build runs at prepack", () => {
        assert.deepEqual(
            Object.keys(PKG.scripts).filter((s) => ["prepare", "preinstall", "install", "postinstall"].includes(s)),
            [],
        );
        assert.match(PKG.scripts.prepack ?? "", /npm run build/);
    });
});
