/**
 * scripts/install-pulumi.sh, without building anything: one Pulumi version everywhere (package.json's
 * pin of @pulumi/pulumi, the Go modules under engine/, the cache folder the other scripts and the CLI
 * look in), a `pulumi` already on PATH used as is when it is compatible and complete, and a refusal
 * to go on when the versions disagree. Stand-in `pulumi` and `go` executables on PATH answer the
 * script's `pulumi version` and `go env GOVERSION`; an old stand-in `go` stops the script where it
 * would start a build, so these run in a second and never compile.
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

/** A folder like a Pulumi release's bin: `pulumi` printing `version`, and optionally its Node.js plugins and YAML host. */
function fakePulumi(version: string, plugins: { host?: boolean; shim?: boolean; yaml?: boolean } = { host: true, shim: true }): string {
    const bin = path.join(scratch, `pulumi-${version}`, "bin");
    executable(path.join(bin, "pulumi"), `[ "$1" = version ] && echo ${version}`);
    if (plugins.host) executable(path.join(bin, "pulumi-language-nodejs"), "exit 0");
    if (plugins.shim) executable(path.join(bin, "pulumi-resource-pulumi-nodejs"), "exit 0");
    if (plugins.yaml) executable(path.join(bin, "pulumi-language-yaml"), "exit 0");
    return bin;
}

/** A `go` too old for the build, so the script stops where it would compile (and says so). */
function oldGo(): string {
    const bin = path.join(scratch, "go-old");
    executable(path.join(bin, "go"), `[ "$1 $2" = "env GOVERSION" ] && echo go1.19.8`);
    return bin;
}

/**
 * A `go` recent enough that "builds" in a moment: `go build -o OUT` writes a stand-in that prints the
 * pinned version, and logs the module folder it ran in, CGO_ENABLED and its arguments to goLog().
 */
function builderGo(): string {
    const bin = path.join(scratch, "go-builder");
    executable(
        path.join(bin, "go"),
        [
            `[ "$1 $2" = "env GOVERSION" ] && echo go1.26.8 && exit 0`,
            `[ "$1" = build ] || exit 2`,
            `for a in "$@"; do [ "\${prev:-}" = -o ] && out=$a; prev=$a; done`,
            `echo "$(basename "$PWD") CGO_ENABLED=\${CGO_ENABLED:-} $*" >> "${goLog()}"`,
            `printf '#!/bin/sh\\n[ "$1" = version ] && echo v${PIN}\\nexit 0\\n' > "$out" && chmod +x "$out"`,
        ].join("\n"),
    );
    return bin;
}
const goLog = () => path.join(scratch, "go.log");
/** The builds builderGo() ran, one line each. */
const builds = () => (fs.existsSync(goLog()) ? fs.readFileSync(goLog(), "utf8").trimEnd().split("\n") : []);

/** The pulumi-yaml version engine/language-yaml builds. */
const YAML_VERSION = goRequire(read("engine/language-yaml/go.mod"), "github.com/pulumi/pulumi-yaml");

/** This process's PATH without the folders that hold a Pulumi engine (a developer's own, or the cache's after pulumi-env.sh). */
const PATH_WITHOUT_PULUMI = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter(
        (dir) =>
            !["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs", "pulumi-language-yaml"].some((name) => fs.existsSync(path.join(dir, name))),
    )
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
        assert.match(read("engine/language-yaml/go.mod"), /^tool github\.com\/pulumi\/pulumi-yaml\/cmd\/pulumi-language-yaml$/m);
        assert.match(YAML_VERSION ?? "", /^v1\.\d+\.\d+$/);
        assert.match(read("scripts/pulumi-env.sh"), new RegExp(`\\$HOME/\\.cache/taskgate/pulumi-${PIN.replace(/\./g, "\\.")}\\}`));
        const searched: string[] = [];
        findPulumi({ PATH: "", HOME: "/nowhere" }, searched);
        assert.equal(searched[searched.length - 1], `/nowhere/.cache/taskgate/pulumi-${PIN}/bin/pulumi`);
        const peerFloor = JSON.parse(read("package.json")).peerDependencies["@pulumi/pulumi"].replace(/^\^/, "");
        assert.ok(peerFloor.localeCompare(PIN, undefined, { numeric: true }) <= 0, `peer floor ${peerFloor} above the pin ${PIN}`);
    });

    it("uses a `pulumi` on PATH at the pinned version with its language host and shim, builds nothing, and says so", () => {
        const bin = fakePulumi(`v${PIN}`);
        const r = install([bin, oldGo()]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, `${bin}\n`);
        assert.equal(r.stderr, `install-pulumi: using pulumi v${PIN} on PATH (${bin}/pulumi, with ${bin}/pulumi-language-nodejs); nothing built\n`);
        assert.deepEqual(fs.readdirSync(path.join(scratch, "home")), [], "nothing written into the cache");
    });

    it("uses a newer Pulumi 3 on PATH too (the CLI supports older SDKs), and finds its plugins on PATH when they are not beside it", () => {
        const [major, minor] = PIN.split(".").map(Number);
        const newer = `v${major}.${minor + 1}.0`;
        const bin = fakePulumi(newer, {});
        const plugins = path.join(scratch, "plugins");
        executable(path.join(plugins, "pulumi-language-nodejs"), "exit 0");
        executable(path.join(plugins, "pulumi-resource-pulumi-nodejs"), "exit 0");
        const r = install([bin, plugins, oldGo()]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, `${bin}\n`);
        assert.match(r.stderr, new RegExp(`using pulumi ${newer.replace(/\./g, "\\.")} on PATH .*with ${plugins}/pulumi-language-nodejs\\)`));
    });

    it("does not use an older Pulumi, another major version, or one without its Node.js language host or shim: it says why and goes on to build", () => {
        const [major, minor] = PIN.split(".").map(Number);
        const cases: [string, string][] = [
            [fakePulumi(`v${major}.${minor - 1}.0`), `it is v${major}.${minor - 1}.0, and the npm SDK needs Pulumi ${major}.x at v${PIN} or newer`],
            [fakePulumi(`v${major + 1}.0.0`), `it is v${major + 1}.0.0, and the npm SDK needs Pulumi ${major}.x at v${PIN} or newer`],
            [fakePulumi(`v${PIN}-dev`, { shim: true }), `it is v${PIN}-dev, but has no pulumi-language-nodejs beside it or on PATH`],
            [fakePulumi(`v${PIN}-x`, { host: true }), `it is v${PIN}-x, but has no pulumi-resource-pulumi-nodejs beside it or on PATH`],
        ];
        for (const [bin, why] of cases) {
            const r = install([bin, oldGo()]);
            assert.equal(r.code, 1, r.stderr);
            assert.equal(r.stdout, "");
            assert.equal(
                r.stderr,
                `install-pulumi: not using ${bin}/pulumi: ${why}\n` +
                    `install-pulumi: error: Go 1.19.8 is too old: github.com/pulumi/pulumi/pkg/v3@v${PIN} needs Go >= ${read("engine/cli/go.mod").match(/^go (\S+)$/m)![1]}\n`,
            );
        }
    });

    it("pulumi-env.sh (bash, or sh from the repository root) puts the `pulumi` on PATH it uses first, and leaves TASKGATE_PULUMI_ROOT unset", () => {
        const bin = fakePulumi(`v${PIN}`);
        const show =
            '. scripts/pulumi-env.sh && printf "%s|%s|%s|%s\\n" "$TASKGATE_PULUMI_BIN" "$(env | grep -c ^TASKGATE_PULUMI_ROOT=)" "$(echo "$PATH" | cut -d: -f1)" "$PULUMI_BACKEND_URL"';
        for (const shell of ["bash", "sh"]) {
            const r = spawnSync(shell, ["-c", show], {
                cwd: ROOT,
                encoding: "utf8",
                env: { PATH: [bin, oldGo(), PATH_WITHOUT_PULUMI].join(path.delimiter), HOME: path.join(scratch, "home"), TMPDIR: scratch },
            });
            assert.equal(r.status, 0, `${shell}: ${r.stderr}`);
            const [envBin, root, firstOnPath, backend] = r.stdout.trimEnd().split("|");
            assert.deepEqual([envBin, root, firstOnPath], [bin, "0", bin], shell);
            assert.match(backend, new RegExp(`^file://${scratch}/taskgate-pulumi-state\\.\\w+/state$`), shell);
        }
    });

    it("TASKGATE_PULUMI_ROOT means build there: a `pulumi` on PATH is not even asked its version", () => {
        const bin = fakePulumi(`v${PIN}`);
        const r = install([bin, oldGo()], { TASKGATE_PULUMI_ROOT: path.join(scratch, "root") });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^install-pulumi: error: Go 1\.19\.8 is too old/);
        assert.doesNotMatch(r.stderr, /using|not using/);
    });

    describe("with TASKGATE_PULUMI_YAML=1 (Pulumi YAML's language host too)", () => {
        const YAML = { TASKGATE_PULUMI_YAML: "1" };
        const cacheRoot = () => path.join(scratch, "home", `.cache/taskgate/pulumi-${PIN}`);

        it("uses a `pulumi` on PATH with pulumi-language-yaml beside it, or on PATH, as is: nothing built", () => {
            const beside = fakePulumi(`v${PIN}`, { host: true, shim: true, yaml: true });
            const r = install([beside, oldGo()], YAML);
            assert.equal(r.code, 0, r.stderr);
            assert.equal(r.stdout, `${beside}\n`);
            assert.equal(
                r.stderr,
                `install-pulumi: using pulumi v${PIN} on PATH (${beside}/pulumi, with ${beside}/pulumi-language-nodejs and ${beside}/pulumi-language-yaml); nothing built\n`,
            );
            const [major, minor] = PIN.split(".").map(Number);
            const bin = fakePulumi(`v${major}.${minor + 1}.0`);
            const elsewhere = path.join(scratch, "yaml-host");
            executable(path.join(elsewhere, "pulumi-language-yaml"), "exit 0");
            const onPath = install([bin, elsewhere, oldGo()], YAML);
            assert.equal(onPath.code, 0, onPath.stderr);
            assert.equal(onPath.stdout, `${bin}\n`);
            assert.match(onPath.stderr, new RegExp(`with ${bin}/pulumi-language-nodejs and ${elsewhere}/pulumi-language-yaml\\); nothing built\n$`));
            assert.deepEqual(fs.readdirSync(path.join(scratch, "home")), [], "nothing written into the cache");
        });

        it("a compatible `pulumi` on PATH without it: builds the YAML host alone, once, and prints a folder linking all four", () => {
            const bin = fakePulumi(`v${PIN}`);
            const first = install([bin, builderGo()], YAML);
            assert.equal(first.code, 0, first.stderr);
            const linked = path.join(cacheRoot(), "linked/bin");
            assert.equal(first.stdout, `${linked}\n`);
            assert.deepEqual(builds(), [
                "language-yaml CGO_ENABLED=0 build -mod=readonly -buildvcs=false -trimpath -tags osusergo,grpcnotrace " +
                    `-ldflags -s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=${YAML_VERSION} ` +
                    `-o ${cacheRoot()}/bin/.pulumi-language-yaml.new github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml`,
            ]);
            assert.match(
                first.stderr,
                new RegExp(
                    `^install-pulumi: building pulumi-language-yaml ${YAML_VERSION} .*\n` +
                        `install-pulumi: using pulumi v${PIN} on PATH \\(${bin}/pulumi, with ${bin}/pulumi-language-nodejs\\) and pulumi-language-yaml ${YAML_VERSION} ` +
                        `from ${cacheRoot()}/bin \\(built pulumi-language-yaml in \\d+ s\\), linked together in ${linked}\n$`,
                ),
            );
            const targets = Object.fromEntries(fs.readdirSync(linked).map((name) => [name, fs.readlinkSync(path.join(linked, name))]));
            assert.deepEqual(targets, {
                pulumi: `${bin}/pulumi`,
                "pulumi-language-nodejs": `${bin}/pulumi-language-nodejs`,
                "pulumi-resource-pulumi-nodejs": `${bin}/pulumi-resource-pulumi-nodejs`,
                "pulumi-language-yaml": `${cacheRoot()}/bin/pulumi-language-yaml`,
            });

            const again = install([bin, builderGo()], YAML);
            assert.equal(again.code, 0, again.stderr);
            assert.equal(again.stdout, `${linked}\n`);
            assert.match(again.stderr, /\(built earlier\), linked together in /);
            // With the printed folder first on PATH (as pulumi-env.sh leaves it): used as is, its links intact.
            const fromLinked = install([linked, builderGo()], YAML);
            assert.equal(fromLinked.code, 0, fromLinked.stderr);
            assert.equal(fromLinked.stdout, `${linked}\n`);
            assert.match(fromLinked.stderr, /; nothing built\n$/);
            assert.equal(fs.readlinkSync(path.join(linked, "pulumi")), `${bin}/pulumi`);
            assert.equal(builds().length, 1, "the YAML host is built once");
        });

        it("names pulumi-yaml's Go minimum when the YAML host must be built and Go is too old", () => {
            const bin = fakePulumi(`v${PIN}`);
            const r = install([bin, oldGo()], YAML);
            assert.equal(r.code, 1);
            assert.equal(r.stdout, "");
            const goMin = read("engine/language-yaml/go.mod").match(/^go (\S+)$/m)![1];
            assert.equal(r.stderr, `install-pulumi: error: Go 1.19.8 is too old: github.com/pulumi/pulumi-yaml@${YAML_VERSION} needs Go >= ${goMin}\n`);
        });

        it("in the cache folder: builds it beside the CLI with a stamp of its own; without the variable nothing changes", () => {
            const repo = path.join(scratch, "repo");
            for (const file of [
                "package.json",
                "scripts/install-pulumi.sh",
                "engine/cli/go.mod",
                "engine/language-host/go.mod",
                "engine/language-yaml/go.mod",
            ]) {
                fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
                fs.copyFileSync(path.join(ROOT, file), path.join(repo, file));
            }
            const root = path.join(scratch, "root");
            const env = { TASKGATE_PULUMI_ROOT: root, TASKGATE_PULUMI_SDK_DIR: path.join(ROOT, "node_modules/@pulumi/pulumi") };
            const built = (module: string) => builds().filter((line) => line.startsWith(`${module} `)).length;

            const first = install([builderGo()], { ...env, ...YAML }, repo);
            assert.equal(first.code, 0, first.stderr);
            assert.equal(first.stdout, `${root}/bin\n`);
            assert.deepEqual([built("language-host"), built("cli"), built("language-yaml")], [1, 1, 1]);
            assert.match(
                first.stderr,
                new RegExp(
                    `install-pulumi: pulumi v${PIN} and pulumi-language-nodejs and pulumi-language-yaml ${YAML_VERSION} in ${root}/bin ` +
                        "\\(built pulumi-language-nodejs in \\d+ s, built pulumi in \\d+ s, built pulumi-language-yaml in \\d+ s\\)\n$",
                ),
            );
            assert.ok(fs.statSync(path.join(root, "bin/pulumi-language-yaml")).mode & 0o100);

            const plain = install([builderGo()], env, repo);
            assert.equal(plain.code, 0, plain.stderr);
            assert.equal(plain.stderr, `install-pulumi: using pulumi v${PIN} and pulumi-language-nodejs in ${root}/bin (built earlier)\n`);
            const warm = install([builderGo()], { ...env, ...YAML }, repo);
            assert.equal(
                warm.stderr,
                `install-pulumi: using pulumi v${PIN} and pulumi-language-nodejs and pulumi-language-yaml ${YAML_VERSION} in ${root}/bin (built earlier)\n`,
            );
            assert.equal(builds().length, 3, "nothing rebuilt");

            fs.appendFileSync(path.join(repo, "engine/language-yaml/go.mod"), "\n// changed\n");
            const changed = install([builderGo()], { ...env, ...YAML }, repo);
            assert.equal(changed.code, 0, changed.stderr);
            assert.deepEqual([built("language-host"), built("cli"), built("language-yaml")], [1, 1, 2], "only the YAML host is rebuilt");
        });
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
