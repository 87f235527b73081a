#!/usr/bin/env node
/**
 * The emulator's command line (`npm run emulator -- [options]`): runs it in the foreground until
 * SIGINT/SIGTERM. It starts with the example data the README's commands read, prints the exports
 * to paste into a shell (endpoint, emulator-only credentials, regions) and the ids of what
 * `--generate` made, then tails the request log. `--help` lists the options.
 */
import { type OptionSpec, optionRows, parseCommandArgs, UsageError } from "../cli/args";
import { EXAMPLE_DATA, EXAMPLE_IDS } from "./exampleData";
import { clientEnv, EMULATOR_CREDENTIALS, type Emulator, type EmulatorOptions, startEmulator } from "./server";
import { API_IDS, type ApiId, type GenerateResult, type GenerateSpec, STORE_IDS, type StoreId } from "./types";

/** The APIs `--generate` can fill (`bmLegacy` fills the Bare Metal store both BM APIs read). */
const GENERATE_APIS: readonly string[] = [...STORE_IDS, "bmLegacy"];

const OPTIONS: readonly OptionSpec[] = [
    { name: "port", value: "N", help: "TCP port (default 4566; 0 = any free port)" },
    { name: "host", value: "ADDR", help: "interface to listen on (default 127.0.0.1)" },
    { name: "seed", value: "FILE", help: "start with the records of this seed file (see emulator/README.md) instead of the example data" },
    { name: "empty", help: "start with no records (default: the example data the README's commands read)" },
    {
        name: "generate",
        value: "API=N,...",
        help: `generate records, e.g. tat=1000,cph=200 (APIs: ${GENERATE_APIS.join(", ")}); prints the ids to query them by`,
    },
    { name: "random-seed", value: "SEED", help: "PRNG seed of --generate, a number or a word (default 1): the same seed, the same records" },
    { name: "latency-ms", value: "N", help: "fixed latency before every API answer" },
    { name: "jitter-ms", value: "N", help: "extra uniform random latency, up to N ms" },
    { name: "no-rate-limits", help: "disable every rate limit (default: the clouds' documented limits)" },
    { name: "quiet", short: "q", help: "do not log requests" },
    { name: "help", short: "h", help: "show this help" },
];

/** What a command line asked for: help, or an emulator to run. */
export type EmulatorCommand =
    | { readonly kind: "help" }
    | {
          readonly kind: "run";
          readonly options: EmulatorOptions;
          /** Load {@link EXAMPLE_DATA} (neither `--seed` nor `--empty` was given). */
          readonly exampleData: boolean;
          readonly generate: GenerateSpec[];
          readonly quiet: boolean;
      };

/** Parses the emulator's arguments. Throws a UsageError (cli/args.ts) naming the option and what it takes. */
export function parseEmulatorArgs(argv: readonly string[]): EmulatorCommand {
    const args = parseCommandArgs(argv, OPTIONS);
    if (args.help) return { kind: "help" };
    const ms = (name: string) => args.integer(name, { min: 0, max: 3_600_000 });
    const seed = args.text("seed");
    if (seed !== undefined && args.flag("empty")) throw new UsageError("--seed and --empty exclude each other: a seed file replaces the example data");
    const latency = { fixedMs: ms("latency-ms"), jitterMs: ms("jitter-ms") };
    const options: EmulatorOptions = {
        port: args.integer("port", { min: 0, max: 65_535 }) ?? 4566,
        ...(args.text("host") !== undefined ? { host: args.text("host") } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(latency.fixedMs !== undefined || latency.jitterMs !== undefined ? { latency } : {}),
        ...(args.flag("no-rate-limits") ? { rateLimits: Object.fromEntries(API_IDS.map((a) => [a, 0])) as Record<ApiId, number> } : {}),
    };
    const randomSeed = args.text("random-seed") ?? 1;
    const generate = parseGenerate(args.text("generate")).map((g) => ({ ...g, seed: randomSeed }));
    return { kind: "run", options, exampleData: seed === undefined && !args.flag("empty"), generate, quiet: args.flag("quiet") };
}

/** `tat=1000,cph=200` as generator specs, or a UsageError naming the part that is wrong. */
function parseGenerate(text: string | undefined): GenerateSpec[] {
    if (text === undefined) return [];
    return text.split(",").map((part) => {
        const [api, count, extra] = part.trim().split("=");
        if (!GENERATE_APIS.includes(api)) throw new UsageError(`--generate: unknown API "${api}" in "${part}"; APIs: ${GENERATE_APIS.join(", ")}`);
        if (extra !== undefined || !/^\d{1,7}$/.test(count ?? "")) {
            throw new UsageError(`--generate: "${part}" needs a count from 0 to 9999999 after the API, e.g. ${api}=1000`);
        }
        return { api: api as StoreId | "bmLegacy", count: Number(count) };
    });
}

/** `--help`. */
export function emulatorHelp(): string {
    return [
        "taskgate cloud emulator: Tencent Cloud TAT, MPS and Bare Metal, and Huawei Cloud CPH and Workspace, on one local port.",
        "",
        "Usage: taskgate-emulator [options]     (in this repository: npm run emulator -- [options])",
        "",
        "Options:",
        ...optionRows(OPTIONS),
        "",
        "It prints the exports to paste into a shell (endpoint, emulator-only credentials, regions), the ids of what",
        "--generate made, and each request it serves, until Ctrl-C. It starts with the example data the README's",
        `commands read: TAT invocation ${EXAMPLE_IDS.tatInvocationId}, CPH request ${EXAMPLE_IDS.cphRequestId}, Workspace pool ${EXAMPLE_IDS.workspaceDesktopPoolId}, MPS and Bare Metal tasks.`,
        "",
        "Examples:",
        "  npm run emulator",
        "  npm run emulator -- --port 4566 --generate tat=1000,cph=200",
        "  npm run emulator -- --seed fixtures.json --no-rate-limits --quiet",
        "",
    ].join("\n");
}

/** The `taskgate` filter that reads one generated batch, by the ids it was grouped under. */
function queryFor(g: GenerateResult): string {
    if (g.api === "tat") return `taskgate list tat --invocation-id ${g.groups.invocationId}`;
    if (g.api === "cph") return `taskgate list cph --request-id ${g.groups.requestId}`;
    if (g.api === "workspace") return `taskgate list workspace --desktop-pool-id ${g.groups.desktopPoolId}`;
    return `taskgate list ${g.api}`;
}

/** What the emulator prints once it listens: where, what it holds, the exports to paste, what --generate made. */
export function banner(emu: Pick<Emulator, "url" | "port" | "stats">, generated: readonly GenerateResult[], exampleData: boolean): string {
    const records = emu.stats().records;
    return [
        `taskgate emulator listening on ${emu.url}`,
        `records: ${STORE_IDS.map((s) => `${s}=${records[s]}`).join(" ")}${exampleData ? " (the example data; --empty starts with none)" : ""}`,
        "",
        "Paste into a shell to point taskgate at it (emulator-only credentials, valid nowhere else):",
        ...Object.entries(clientEnv(emu.url)).map(([name, value]) => `export ${name}=${value}`),
        `# Huawei IAM token (X-Auth-Token), instead of the AK/SK: HW_AUTH_TOKEN=${EMULATOR_CREDENTIALS.huawei.authToken}`,
        "",
        ...(exampleData
            ? [
                  "Then, for example:",
                  `  taskgate list tat --invocation-id ${EXAMPLE_IDS.tatInvocationId}`,
                  `  taskgate summary cph --request-id ${EXAMPLE_IDS.cphRequestId} --require max-failed=0`,
                  "",
              ]
            : []),
        ...(generated.length > 0 ? ["Generated:", ...generated.map(generatedLine), ""] : []),
        `Tencent SDKs: endpoint "<tat|mps|bm>.tencentcloudapi.com:${emu.port}", protocol "http://", an agent resolving every host to 127.0.0.1.`,
        `Admin API: ${emu.url}/_emulator/health | stats | requests | faults | config | seed | generate | mutate | reset`,
        "",
    ].join("\n");
}

/** `  tat: 1000 records, invocationId inv-..., commandId cmd-...: taskgate list tat --invocation-id inv-...` */
function generatedLine(g: GenerateResult): string {
    const groups = Object.entries(g.groups).map(([k, v]) => `${k} ${v}`);
    return `  ${g.api}: ${g.count} ${g.count === 1 ? "record" : "records"}${groups.length ? `, ${groups.join(", ")}` : ""}: ${queryFor(g)}`;
}

async function main(argv: readonly string[]): Promise<void> {
    const command = parseEmulatorArgs(argv);
    if (command.kind === "help") {
        process.stdout.write(emulatorHelp());
        return;
    }
    const emu = await startEmulator(command.options);
    if (command.exampleData) emu.seed(EXAMPLE_DATA);
    const generated = command.generate.length ? emu.generate(command.generate) : [];
    process.stdout.write(banner(emu, generated, command.exampleData));

    let logged = 0;
    const timer = command.quiet
        ? undefined
        : setInterval(() => {
              for (const e of emu.requests()) {
                  if (e.seq <= logged) continue;
                  logged = e.seq;
                  const extra = [e.code, e.throttled ? "throttled" : "", e.faulted ? `fault=${e.faulted}` : ""].filter(Boolean).join(" ");
                  process.stdout.write(`${e.time} ${e.api} ${e.action || e.path} ${e.status} ${extra} ${e.durationMs}ms\n`);
              }
          }, 500);

    const stop = async (signal: string) => {
        if (timer) clearInterval(timer);
        process.stdout.write(`\n${signal}: stopping\n`);
        await emu.close();
        process.exit(0);
    };
    process.once("SIGINT", () => void stop("SIGINT"));
    process.once("SIGTERM", () => void stop("SIGTERM"));
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((err: unknown) => {
        if (err instanceof UsageError) {
            process.stderr.write(
                `taskgate-emulator: ${err.message}\nRun 'taskgate-emulator --help' (in this repository: npm run emulator -- --help) for usage.\n`,
            );
            process.exit(2);
        }
        process.stderr.write(`taskgate-emulator: ${(err as Error).message}\n`);
        process.exit(1);
    });
}
