#!/usr/bin/env node
/**
 * `npm run emulator -- [options]`: runs the emulator in the foreground until SIGINT/SIGTERM.
 *
 *   --port N              TCP port (default 4566; 0 = any free port)
 *   --host ADDR           interface (default 127.0.0.1)
 *   --seed FILE.json      load a seed file (see emulator/README.md)
 *   --generate SPEC       e.g. tat=1000,mps=500,bm=200,cph=100,workspace=50
 *   --random-seed N       PRNG seed for --generate (default 1)
 *   --latency-ms N        fixed latency before every API response
 *   --jitter-ms N         extra uniform jitter
 *   --no-rate-limits      disable every rate limit
 *   --quiet               do not log requests
 *
 * It prints the URL and the emulator-only credentials to use (they open nothing elsewhere).
 */
import { EMULATOR_CREDENTIALS, startEmulator, type EmulatorOptions } from "./server";
import { API_IDS, STORE_IDS, type ApiId, type GenerateSpec, type StoreId } from "./types";

interface CliArgs {
    options: EmulatorOptions;
    generate: GenerateSpec[];
    quiet: boolean;
}

function usage(message: string): never {
    process.stderr.write(
        `${message}\nusage: npm run emulator -- [--port N] [--host ADDR] [--seed file.json] [--generate tat=1000,mps=500] [--random-seed N] [--latency-ms N] [--jitter-ms N] [--no-rate-limits] [--quiet]\n`,
    );
    process.exit(2);
}

function parseArgs(argv: string[]): CliArgs {
    const options: EmulatorOptions = { port: 4566 };
    const counts: Array<[StoreId | "bmLegacy", number]> = [];
    let seed: number | string = 1;
    let quiet = false;
    const value = (i: number) => argv[i + 1] ?? usage(`${argv[i]} needs a value`);
    const int = (i: number) => {
        const n = Number(value(i));
        if (!Number.isInteger(n) || n < 0) usage(`${argv[i]} needs a non-negative integer`);
        return n;
    };
    for (let i = 0; i < argv.length; i++) {
        switch (argv[i]) {
            case "--port":
                options.port = int(i++);
                break;
            case "--host":
                options.host = value(i++);
                break;
            case "--seed":
                options.seed = value(i++);
                break;
            case "--generate":
                for (const part of value(i++).split(",")) {
                    const [api, n] = part.split("=");
                    if (!STORE_IDS.includes(api as StoreId) && api !== "bmLegacy") usage(`unknown api in --generate: ${api}`);
                    if (!Number.isInteger(Number(n)) || Number(n) < 0) usage(`bad count in --generate: ${part}`);
                    counts.push([api as StoreId, Number(n)]);
                }
                break;
            case "--random-seed":
                seed = value(i++);
                break;
            case "--latency-ms":
                options.latency = { ...options.latency, fixedMs: int(i++) };
                break;
            case "--jitter-ms":
                options.latency = { ...options.latency, jitterMs: int(i++) };
                break;
            case "--no-rate-limits":
                options.rateLimits = Object.fromEntries(API_IDS.map((a) => [a, 0])) as Record<ApiId, number>;
                break;
            case "--quiet":
                quiet = true;
                break;
            case "--help":
            case "-h":
                usage("taskgate cloud emulator");
                break; // not reached: usage exits
            default:
                usage(`unknown option ${argv[i]}`);
        }
    }
    return { options, generate: counts.map(([api, count]) => ({ api, count, seed })), quiet };
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2));
    const emu = await startEmulator(args.options);
    if (args.generate.length) emu.generate(args.generate);
    const { tencent, huawei } = EMULATOR_CREDENTIALS;
    const records = emu.stats().records;
    process.stdout.write(
        [
            `taskgate emulator listening on ${emu.url}`,
            `records: ${STORE_IDS.map((s) => `${s}=${records[s]}`).join(" ")}`,
            "",
            "Emulator-only credentials (valid nowhere else):",
            `  TASKGATE_ENDPOINT=${emu.url}`,
            `  TENCENTCLOUD_SECRET_ID=${tencent.secretId}`,
            `  TENCENTCLOUD_SECRET_KEY=${tencent.secretKey}`,
            `  HW_ACCESS_KEY=${huawei.accessKey}`,
            `  HW_SECRET_KEY=${huawei.secretKey}`,
            `  HW_PROJECT_ID=${huawei.projectId}`,
            `  Huawei X-Auth-Token: ${huawei.authToken}`,
            "",
            `Tencent SDKs: endpoint "<tat|mps|bm>.tencentcloudapi.com:${emu.port}", protocol "http://", an agent resolving every host to 127.0.0.1.`,
            `Admin API: ${emu.url}/_emulator/health | stats | requests | faults | config | seed | generate | mutate | reset`,
            "",
        ].join("\n"),
    );

    let logged = 0;
    const timer = args.quiet
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

main().catch((err: unknown) => {
    process.stderr.write(`taskgate emulator: ${(err as Error).message}\n`);
    process.exit(1);
});
