/**
 * The generated SDKs, as CI checks them: regenerating sdk/python and sdk/go from the checked-in
 * schema (npm run gen-sdk, Pulumi's own code generators) leaves no difference; the Python SDK
 * installs in a virtual environment beside `pulumi` from PyPI and imports, with its functions,
 * resources and enums; and a Go program over the Go SDK (tests/sdkgen/goprogram) compiles. The
 * schema itself is checked against the TypeScript declarations by tests/unit/schema.test.ts.
 *
 * It needs Go and Python 3 with venv, and reaches the Go module proxy and PyPI the first time
 * (the generator's build, pulumi's wheel); later runs reuse ~/.cache/taskgate and Go's caches.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

const ROOT = path.resolve(__dirname, "../..");
const CACHE = process.env.TASKGATE_CACHE ?? path.join(os.homedir(), ".cache/taskgate");
const VENV = path.join(CACHE, "sdk-python-venv");

/** Runs a command; on failure the error carries what it printed. */
function run(cmd: string, args: readonly string[], cwd = ROOT, env: NodeJS.ProcessEnv = process.env): string {
    try {
        return execFileSync(cmd, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
    } catch (e) {
        const err = e as { status?: number; stdout?: string; stderr?: string };
        throw new Error(`${cmd} ${args.join(" ")} exited ${err.status}:\n${err.stdout ?? ""}\n${err.stderr ?? ""}`);
    }
}

/** Every file under a folder, relative to it with `/`, with its bytes. */
function tree(dir: string): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    const walk = (rel: string) => {
        for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
            const r = rel ? `${rel}/${entry.name}` : entry.name;
            if (entry.isDirectory()) walk(r);
            else out.set(r, fs.readFileSync(path.join(dir, r)));
        }
    };
    walk("");
    return out;
}

/** The files git tracks under a folder of the repository, with their bytes as they are on disk. */
function trackedTree(dir: string): Map<string, Buffer> {
    const files = run("git", ["ls-files", "-z", "--", dir]).split("\0").filter(Boolean);
    return new Map(files.map((f) => [path.relative(dir, f).split(path.sep).join("/"), fs.readFileSync(path.join(ROOT, f))]));
}

describe("the generated SDKs (sdk/python, sdk/go)", function () {
    // Builds and installs: a cold first run downloads and compiles; none of this is a speed goal.
    this.timeout(30 * 60_000);
    let work: string;
    let python: string | undefined;
    before(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-sdkgen-"));
    });

    /**
     * The venv's python with the SDK as checked in installed, and with it what its pyproject.toml
     * requires (pulumi, from PyPI). Once per run; the venv is kept in the cache, so pulumi's wheels
     * are downloaded once.
     */
    function pythonWithSdk(): string {
        if (python) return python;
        const bin = path.join(VENV, "bin/python");
        if (!fs.existsSync(bin)) run("python3", ["-m", "venv", VENV]);
        // A copy: building the package writes build/ and *.egg-info beside its sources.
        const copy = path.join(work, "python");
        fs.cpSync(path.join(ROOT, "sdk/python"), copy, { recursive: true });
        run(bin, ["-m", "pip", "uninstall", "--quiet", "--yes", "pulumi_taskgate"]);
        run(bin, ["-m", "pip", "install", "--quiet", copy]);
        python = bin;
        return bin;
    }
    after(() => {
        fs.rmSync(work, { recursive: true, force: true });
    });

    it("are what npm run gen-sdk makes of the checked-in schema, file for file and byte for byte", () => {
        const out = path.join(work, "generated");
        run("bash", ["scripts/gen-sdk.sh", out]);
        for (const lang of ["python", "go"]) {
            const generated = tree(path.join(out, lang));
            const checkedIn = trackedTree(`sdk/${lang}`);
            assert.ok(generated.size > 10, `${lang}: ${generated.size} files generated`);
            assert.deepEqual([...checkedIn.keys()].sort(), [...generated.keys()].sort(), `sdk/${lang}: the files differ; run npm run gen-sdk`);
            const differing = [...generated].filter(([f, bytes]) => !bytes.equals(checkedIn.get(f) ?? Buffer.alloc(0))).map(([f]) => f);
            assert.deepEqual(differing, [], `sdk/${lang}: these files differ from what the schema gives; run npm run gen-sdk`);
        }
    });

    it("the Go SDK builds into a Go program that uses its functions, resources, enums and provider", () => {
        run("go", ["build", "-o", path.join(work, "goprogram"), "."], path.join(ROOT, "tests/sdkgen/goprogram"), { ...process.env, GOFLAGS: "-mod=readonly" });
        assert.ok(fs.statSync(path.join(work, "goprogram")).size > 0);
    });

    it("the Python SDK installs in a venv beside pulumi from PyPI, and imports with its functions, resources and enums", () => {
        const python = pythonWithSdk();
        const script = [
            "import importlib.metadata, inspect, json, pulumi, pulumi_taskgate as t",
            "from pulumi_taskgate import tencentcloud, huaweicloud",
            "print(json.dumps({",
            "  'file': t.__file__,",
            "  'requires': importlib.metadata.requires('pulumi_taskgate'),",
            "  'pulumi': importlib.metadata.version('pulumi'),",
            "  'resources': [c.__name__ for c in (t.TaskGate, t.TaskSnapshot, t.Provider)],",
            "  'functions': [f.__name__ for f in (tencentcloud.get_tat_invocation_tasks, tencentcloud.get_mps_tasks_output,",
            "      tencentcloud.get_bm_cmd_tasks, huaweicloud.get_cph_jobs, huaweicloud.get_workspace_script_tasks_output)],",
            "  'states': [s.value for s in t.TaskState],",
            "  'cph': {s.name: s.value for s in t.CphJobStatus},",
            "  'gateArgs': sorted(p for p in inspect.signature(t.TaskGateArgs.__init__).parameters if p != '__self__'),",
            "}))",
        ].join("\n");
        const seen = JSON.parse(run(python, ["-c", script], work));
        assert.ok(seen.file.startsWith(VENV), `imported from ${seen.file}, not the venv`);
        assert.ok(
            seen.requires.some((r: string) => /^pulumi(<|>|=)/.test(r.replace(/\s/g, ""))),
            `requires ${seen.requires}`,
        );
        assert.match(seen.pulumi, /^3\./);
        assert.deepEqual(seen.resources, ["TaskGate", "TaskSnapshot", "Provider"]);
        assert.deepEqual(seen.functions, [
            "get_tat_invocation_tasks",
            "get_mps_tasks_output",
            "get_bm_cmd_tasks",
            "get_cph_jobs",
            "get_workspace_script_tasks_output",
        ]);
        assert.deepEqual(seen.states, ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT", "FINISHED", "UNKNOWN"]);
        assert.deepEqual(seen.cph, { RUNNING: 1, SUCCEEDED: 2, FAILED: -1 });
        assert.deepEqual(seen.gateArgs, ["require", "source", "triggers", "wait"]);
    });

    it("a Python program over the SDK (the schema's Python examples) runs under Pulumi's mocks: each function invoked by its token with camelCase args, each resource registered", () => {
        const python = pythonWithSdk();
        const program = path.join(ROOT, "tests/sdkgen/pyprogram");
        const sent = JSON.parse(run(python, [path.join(program, "run_with_mocks.py"), program], work));
        const calls = new Map<string, unknown>(sent.calls.map((c: { token: string; args: unknown }) => [c.token, c.args]));
        assert.deepEqual(
            [...calls.keys()].sort(),
            Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "provider/plugin/schema.json"), "utf8")).functions).sort(),
        );
        assert.deepEqual(calls.get("taskgate:tencentcloud:getTatInvocationTasks"), { invocationId: "inv-1vll7hda", hideOutput: false });
        const byType = new Map<string, { name: string; inputs: Record<string, unknown> }>(sent.resources.map((r: { type: string }) => [r.type, r]));
        assert.deepEqual([...byType.keys()].sort(), ["pulumi:providers:taskgate", "taskgate:index:TaskGate", "taskgate:index:TaskSnapshot"]);
        assert.deepEqual(byType.get("taskgate:index:TaskGate")?.inputs, {
            source: { tatInvocationTasks: { invocationId: "inv-1vll7hda" } },
            require: { minSuccessRatio: 0.95, maxFailed: 5 },
            wait: { timeoutSeconds: 900 },
        });
        // An explicit provider's cloud settings travel as one JSON string, camelCase, and secret (Pulumi's secret signature).
        const provider = byType.get("pulumi:providers:taskgate")?.inputs ?? {};
        const settings = provider.tencentcloud as Record<string, string>;
        assert.equal(settings[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig, "the provider's tencentcloud settings are not secret");
        assert.deepEqual(JSON.parse(settings.value), { secretId: "AKIDEXAMPLE", secretKey: "example-secret-key", region: "ap-guangzhou" });
    });
});
