/**
 * scripts/install-pulumi.sh, without building anything: one Pulumi version everywhere (package.json's
 * pin of @pulumi/pulumi, the Go modules under engine/, the cache folder the other scripts and the CLI
 * look in), and a refusal to go on when the versions disagree. A stand-in `go` on PATH, too old for
 * the build, stops the script where it would start one, so these run in a second and never compile.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findPulumi } from "../../cli/stackConfig";

const ROOT = path.resolve(__dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const PIN: string = JSON.parse(read("package.json")).devDependencies["@pulumi/pulumi"];

/** The version a go.mod requires of a module (`require X vN` or a line of a `require (...)` block). */
function goRequire(goMod: string, module: string): string | undefined {
    const line = goMod.split("\n").find((l) =>
        l
            .trim()
            .replace(/^require\s+/, "")
            .startsWith(`${module} `),
    );
    return line
        ?.trim()
        .replace(/^require\s+/, "")
        .split(/\s+/)[1];
}

let scratch: string;
beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-install-pulumi-"));
});
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Writes an executable shell script. */
function executable(file: string, body: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

/** A folder like a Pulumi release's bin: `pulumi` printing `version`, and optionally its Node.js plugins. */
function fakePulumi(version: string, plugins: { host?: boolean; shim?: boolean } = { host: true, shim: true }): string {
    const bin = path.join(scratch, `pulumi-${version}`, "bin");
    executable(path.join(bin, "pulumi"), `[ "$1" = version ] && echo ${version}`);
    if (plugins.host) executable(path.join(bin, "pulumi-language-nodejs"), "exit 0");
    if (plugins.shim) executable(path.join(bin, "pulumi-resource-pulumi-nodejs"), "exit 0");
    return bin;
}

/** A `go` too old for the build, so the script stops where it would compile (and says so). */
function oldGo(): string {
    const bin = path.join(scratch, "go-old");
    executable(path.join(bin, "go"), `[ "$1 $2" = "env GOVERSION" ] && echo go1.19.8`);
    return bin;
}

/** This process's PATH without the folders that hold a Pulumi engine (a developer's own, or the cache's after pulumi-env.sh). */
const PATH_WITHOUT_PULUMI = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => !["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"].some((name) => fs.existsSync(path.join(dir, name))))
    .join(path.delimiter);

/** Runs the script (of `repo`, default this checkout) with a fresh HOME (an empty cache) and the given PATH entries first. */
function install(pathFirst: string[], env: Record<string, string> = {}, repo = ROOT) {
    const home = path.join(scratch, "home");
    fs.mkdirSync(home, { recursive: true });
    const r = spawnSync("bash", [path.join(repo, "scripts/install-pulumi.sh")], {
        encoding: "utf8",
        env: { PATH: [...pathFirst, PATH_WITHOUT_PULUMI].join(path.delimiter), HOME: home, TMPDIR: scratch, ...env },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("install-pulumi.sh", () => {
    it("one Pulumi version: package.json's exact pin, both Go modules under engine/, pulumi-env.sh's and the CLI's cache folder", () => {
        assert.match(PIN, /^3\.\d+\.\d+$/);
        const cli = read("engine/cli/go.mod");
        const host = read("engine/language-host/go.mod");
        assert.equal(goRequire(cli, "github.com/pulumi/pulumi/pkg/v3"), `v${PIN}`);
        assert.equal(goRequire(cli, "github.com/pulumi/pulumi/sdk/v3"), `v${PIN}`);
        assert.equal(goRequire(host, "github.com/pulumi/pulumi/sdk/v3"), `v${PIN}`);
        assert.match(cli, /^tool github\.com\/pulumi\/pulumi\/pkg\/v3\/cmd\/pulumi$/m);
        assert.match(read("scripts/pulumi-env.sh"), new RegExp(`\\$HOME/\\.cache/taskgate/pulumi-${PIN.replace(/\./g, "\\.")}\\}`));
        const searched: string[] = [];
        findPulumi({ PATH: "", HOME: "/nowhere" }, searched);
        assert.equal(searched[searched.length - 1], `/nowhere/.cache/taskgate/pulumi-${PIN}/bin/pulumi`);
        const peerFloor = JSON.parse(read("package.json")).peerDependencies["@pulumi/pulumi"].replace(/^\^/, "");
        assert.ok(peerFloor.localeCompare(PIN, undefined, { numeric: true }) <= 0, `peer floor ${peerFloor} above the pin ${PIN}`);
    });

    it("refuses to go on when package.json pins a version the Go modules do not require, naming both", () => {
        const repo = path.join(scratch, "repo");
        for (const file of ["scripts/install-pulumi.sh", "engine/cli/go.mod", "engine/language-host/go.mod"]) {
            fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
            fs.copyFileSync(path.join(ROOT, file), path.join(repo, file));
        }
        const pkg = JSON.parse(read("package.json"));
        pkg.devDependencies["@pulumi/pulumi"] = "3.300.0";
        fs.writeFileSync(path.join(repo, "package.json"), JSON.stringify(pkg, null, 2));
        const r = install([fakePulumi("v3.300.0"), oldGo()], {}, repo);
        assert.equal(r.code, 1);
        assert.equal(
            r.stderr,
            `install-pulumi: error: package.json pins @pulumi/pulumi 3.300.0 but engine/cli/go.mod requires github.com/pulumi/pulumi/pkg/v3 ${PIN}; keep them equal\n`,
        );
        pkg.devDependencies["@pulumi/pulumi"] = "^3.300.0";
        fs.writeFileSync(path.join(repo, "package.json"), JSON.stringify(pkg, null, 2));
        const ranged = install([oldGo()], {}, repo);
        assert.equal(ranged.code, 1);
        assert.equal(ranged.stderr, `install-pulumi: error: package.json's devDependencies must pin @pulumi/pulumi to an exact version (found "^3.300.0")\n`);
    });
});
