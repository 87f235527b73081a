/**
 * The examples a newcomer copies work as written against `npm run emulator`: every `$ taskgate ...`
 * command of README.md, every example `taskgate --help` and each source's help print, every data
 * source call of README.md whose arguments are written out, and every `npm run emulator ...` line of
 * README.md and emulator/README.md. Each runs against the emulator's command line started as the
 * README says (its example data holds the ids the examples name) with the exports its banner prints,
 * and must read tasks, or fail the way the README shows (exit code and first line).
 *
 * Two liberties, so that tests never collide: `--port 4566` becomes `--port 0`, and the README's
 * `http://127.0.0.1:4566` the emulator's real URL. `--stack prod` examples need a Pulumi stack
 * (tests/cli/stack.test.ts runs --stack); `| jq` and `| head` are applied here, not by a shell.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import * as taskgate from "../../sdk";
import { cleanEnv, type EmulatorCommand, requireBuild, ROOT, runCli, runEmulatorCommand, startEmulatorCommand } from "./helpers";

/** A shell example: the command after `$ `, and the lines the README shows it printing. */
interface ShellExample {
    readonly file: string;
    readonly command: string;
    readonly shown: readonly string[];
}

/** The fenced code blocks of a Markdown file, each as its lines. */
function codeBlocks(file: string): string[][] {
    const blocks: string[][] = [];
    let open: string[] | undefined;
    for (const line of fs.readFileSync(path.join(ROOT, file), "utf8").split("\n")) {
        if (line.startsWith("```")) {
            if (open) blocks.push(open);
            open = open ? undefined : [];
        } else open?.push(line);
    }
    return blocks;
}

/** Every `$ command` of a file's code blocks, with the lines shown after it. */
function shellExamples(file: string): ShellExample[] {
    const out: ShellExample[] = [];
    for (const block of codeBlocks(file)) {
        block.forEach((line, i) => {
            if (!line.startsWith("$ ")) return;
            const next = block.findIndex((l, j) => j > i && l.startsWith("$ "));
            out.push({ file, command: line.slice(2), shown: block.slice(i + 1, next < 0 ? undefined : next) });
        });
    }
    return out;
}

/** The parts of a shell line the examples use: `NAME=value taskgate args | filter; echo "exit $?"`. */
interface Command {
    readonly env: Record<string, string>;
    readonly args: string[];
    readonly filter?: string;
}

function parseShell(line: string, url: string): Command {
    const [main, filter] = line.replace(/; echo "exit \$\?"$/, "").split(/ \| /);
    const words = main.replaceAll("http://127.0.0.1:4566", url).trim().split(/\s+/);
    const env: Record<string, string> = {};
    while (/^\w+=/.test(words[0])) {
        const [name, value] = words.shift()!.split("=");
        env[name] = value;
    }
    assert.equal(words.shift(), "taskgate", line);
    return { env, args: words, filter: filter?.trim() };
}

/** The exit code the README shows: `exit N`, a failed gate (1), a `taskgate:` error (2), or 0. */
function shownExitCode(shown: readonly string[]): number {
    const exit = shown.map((l) => /^exit (\d+)$/.exec(l)).find(Boolean);
    if (exit) return Number(exit[1]);
    if (shown.some((l) => l.startsWith("taskgate: gate "))) return 1;
    return shown.some((l) => l.startsWith("taskgate: ")) ? 2 : 0;
}

/** The same query, read as JSON: `report` and `summary` as `list`, no --html, -o or -q of its own. */
function asJsonQuery(args: readonly string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) {
        if (["--html", "-o", "--output"].includes(args[i])) i++;
        else if (args[i] !== "-q" && args[i] !== "--quiet") out.push(i === 0 ? "list" : args[i]);
    }
    return [...out, "--output", "json", "--quiet"];
}

/** Applies the filter a README example pipes its output through, as the shell would. */
function applyFilter(stdout: string, filter: string | undefined): string {
    if (filter === undefined) return stdout;
    const head = /^head -(\d+)$/.exec(filter);
    if (head) return `${stdout.split("\n").slice(0, Number(head[1])).join("\n")}\n`;
    if (filter === "jq .summary") return `${JSON.stringify(JSON.parse(stdout).summary, null, 2)}\n`;
    throw new Error(`the README pipes through "${filter}": teach this test what it does`);
}

describe("cli: the README's examples work as written against npm run emulator", function () {
    this.timeout(300_000);
    requireBuild();
    let emu: EmulatorCommand;
    let cwd: string;
    before(async () => {
        emu = await startEmulatorCommand(["--port", "0", "--quiet"]);
        cwd = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-readme-"));
    });
    after(async () => {
        await emu?.stop();
        if (cwd) fs.rmSync(cwd, { recursive: true, force: true });
    });

    /**
     * Runs one shell example and checks it against what the README shows; an example shown with no
     * output (a help print's) may exit 0, or 1 where it judges a gate (--require).
     */
    async function check(example: ShellExample): Promise<void> {
        const label = `${example.file}: $ ${example.command}`;
        const command = parseShell(example.command, emu.url);
        const env = cleanEnv({ ...emu.exports, ...command.env });
        const run = await runCli(command.args, { env, cwd });
        const expected = shownExitCode(example.shown);
        const gated = example.shown.length === 0 && command.args.includes("--require");
        assert.ok(run.code === expected || (gated && run.code === 1), `${label}: exit ${run.code}, expected ${expected}\n${run.stderr}`);
        if (expected === 2) {
            // The README's first line of the error, up to where it abridges or names a fresh RequestId.
            const shown = example.shown.find((l) => l.startsWith("taskgate: "))!.split(/, \.\.\.| \| RequestId /)[0];
            assert.ok(run.stderr.startsWith(shown), `${label}\nREADME: ${shown}\nactual: ${run.stderr}`);
            return;
        }
        // What it made: the report's page, or what it printed.
        const html = command.args[command.args.indexOf("--html") + 1];
        const made = command.args.includes("--html") ? fs.readFileSync(path.join(cwd, html), "utf8") : applyFilter(run.stdout, command.filter);
        assert.ok(made.trim() !== "", `${label} made nothing`);
        const read = await runCli(asJsonQuery(command.args), { env, cwd });
        assert.ok(read.code === 0 || read.code === 1, `${label}\n${read.stderr}`);
        assert.ok(JSON.parse(read.stdout).tasks.length > 0, `${label} read no task`);
    }

    /** Starts the emulator's command line with `args`, and reads the record counts its banner prints. */
    async function startedRecords(args: readonly string[]): Promise<{ records: Record<string, number>; banner: string }> {
        const started = await startEmulatorCommand([...args, "--quiet"]);
        await started.stop();
        const line = /^records: .*$/m.exec(started.banner)?.[0] ?? "";
        return { records: Object.fromEntries([...line.matchAll(/ (\w+)=(\d+)/g)].map((m) => [m[1], Number(m[2])])), banner: started.banner };
    }

    it("every `$ taskgate ...` of README.md reads tasks (or fails as the README shows)", async () => {
        const examples = shellExamples("README.md").filter((e) => /^(\w+=\S+ )*taskgate /.test(e.command));
        assert.ok(examples.length >= 7, `found ${examples.length} examples`);
        for (const example of examples) await check(example);
    });

    it("every example `taskgate --help` and the sources' help print reads tasks", async () => {
        const help = await runCli(["--help"], { env: cleanEnv(emu.exports) });
        const examples = help.stdout
            .slice(help.stdout.indexOf("\nExamples:\n"))
            .split("\n")
            .filter((l) => l.startsWith("  taskgate "))
            .map((l) => l.trim());
        for (const source of ["tat", "mps", "bm", "cph", "workspace"]) {
            const h = await runCli(["list", source, "--help"], { env: cleanEnv(emu.exports) });
            examples.push(h.stdout.slice(h.stdout.indexOf("\nExample:\n")).split("\n")[2].trim());
        }
        const runnable = examples.filter((e) => !e.includes("--stack "));
        assert.ok(runnable.length >= 8 && examples.length - runnable.length === 1, examples.join("\n"));
        for (const command of runnable) await check({ file: "taskgate --help", command: command.replace(/ > \S+$/, ""), shown: [] });
    });

    it("the CI snippets of README.md are the files tests/cli/ciSnippets.test.ts runs, verbatim", () => {
        const blocks = codeBlocks("README.md").map((b) => b.join("\n").trim());
        const files = fs.readdirSync(path.join(ROOT, "tests/cli/fixtures/ci")).filter((f) => f.endsWith(".yml"));
        assert.deepEqual(files.sort(), ["github-actions.yml", "gitlab-ci.yml"]);
        for (const f of files) {
            const text = fs.readFileSync(path.join(ROOT, "tests/cli/fixtures/ci", f), "utf8").trim();
            assert.ok(blocks.includes(text), `README.md has no code block equal to tests/cli/fixtures/ci/${f}`);
        }
    });

    it("every data source call of README.md written out in full reads tasks", async () => {
        const calls = codeBlocks("README.md")
            .flat()
            .flatMap((l) => [...l.matchAll(/taskgate\.(tencentcloud|huaweicloud)\.(get\w+?)(?:Output)?\((\{[^}]*\})\)/g)]);
        const saved = { ...process.env };
        Object.assign(process.env, emu.exports);
        try {
            let ran = 0;
            for (const [text, cloud, fn, argsText] of calls) {
                let args: Record<string, unknown>;
                try {
                    args = vm.runInNewContext(`(${argsText})`, {});
                } catch (e) {
                    // Arguments that name the reader's own variables (a stack's config) are not written out.
                    if ((e as Error).name === "ReferenceError") continue;
                    throw e;
                }
                const read = (taskgate as any)[cloud][fn] as (a: unknown) => Promise<taskgate.TaskListResult<unknown>>;
                const result = await read(args);
                assert.ok(result.tasks.length > 0, `${text} read no task`);
                ran++;
            }
            assert.ok(ran >= 5, `ran ${ran} of ${calls.length} calls`);
        } finally {
            for (const k of Object.keys(emu.exports)) delete process.env[k];
            Object.assign(process.env, saved);
        }
    });

    it("every `npm run emulator` line of README.md and emulator/README.md starts it, with the records it asks for", async () => {
        const lines = ["README.md", "emulator/README.md"].flatMap((f) =>
            codeBlocks(f)
                .flat()
                .map((l) => l.replace(/\s+#.*$/, ""))
                .filter((l) => /^npm run emulator( -- |$)/.test(l)),
        );
        assert.ok(lines.length >= 4, lines.join("\n"));
        // emulator/README.md's seed file example is the fixtures.json its command line loads.
        const seedExample = codeBlocks("emulator/README.md").find((b) => b[0] === "{" && b.join("\n").includes('"generate"'))!;
        const fixtures = path.join(cwd, "fixtures.json");
        fs.writeFileSync(fixtures, seedExample.join("\n"));
        const seeded = JSON.parse(seedExample.join("\n"));
        const exampleRecords = (await startedRecords([])).records;
        for (const line of lines) {
            const args = line
                .slice("npm run emulator -- ".length)
                .split(/\s+/)
                .filter((w) => w !== "")
                .map((w) => (w === "4566" ? "0" : w === "fixtures.json" ? fixtures : w));
            if (args.includes("--help")) {
                const help = await runEmulatorCommand(args);
                assert.equal(help.code, 0, `${line}: ${help.stderr}`);
                assert.match(help.stdout, /^Usage: /m, line);
                continue;
            }
            const { records, banner } = await startedRecords(args);
            const generate = /--generate (\S+)/.exec(line)?.[1];
            for (const [api, count] of generate?.split(",").map((p) => p.split("=")) ?? []) {
                assert.match(banner, new RegExp(`^ {2}${api}: ${count} records, .*: taskgate list ${api}`, "m"), line);
            }
            for (const store of ["tat", "mps", "bm", "cph", "workspace"]) {
                const generated = generate?.split(",").find((p) => p.startsWith(`${store}=`));
                // A seed file replaces the example data: its rows and its generator specs, nothing else.
                const base = args.includes(fixtures)
                    ? seeded[store].length +
                      seeded.generate.filter((g: { api: string }) => g.api === store).reduce((n: number, g: { count: number }) => n + g.count, 0)
                    : exampleRecords[store];
                assert.equal(records[store], base + Number(generated?.split("=")[1] ?? 0), `${line}: ${store}`);
            }
        }
        assert.ok(exampleRecords.tat > 0 && exampleRecords.cph > 0, "the example data");
    });
});
