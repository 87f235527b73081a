/**
 * `npm run bench`: reads each data source at 1 000, 10 000 and 50 000 tasks and round-trip times of
 * 20 ms and 150 ms, against the emulator with the documented rate limits, and compares taskgate
 * with two baselines on the official SDKs (sequential loops of 20 and 100 per page). It also times
 * a cold start and measures the state one TaskGate adds. Figures are ratios within this run; the
 * goals of the benchmark issue are checked at the end.
 *
 * Options: `npm run bench -- --help`.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type OptionSpec, optionRows, parseCommandArgs, UsageError } from "../cli/args";
import { emulatorRecordsPerSecond, type BenchSource, type BenchTarget } from "./baselines";
import { renderChart } from "./chart";
import { type GatePollsResult, gatePollsGoals, gatePollsReport, measureGatePolls } from "./gatePolls";
import { type InstallResult, installGoals, installReport, measureInstall } from "./install";
import type { WorkerResult, WorkerSpec } from "./worker";

const DIST = path.resolve(__dirname, "..");
const REPO = path.resolve(DIST, "..");
const RESULTS = path.join(REPO, "bench/results");

const LIMITS: Record<BenchSource, number> = { tat: 20, mps: 100, bm: 10, cph: 10, workspace: 10 };
const STORE_API: Record<BenchSource, string> = { tat: "tat", mps: "mps", bm: "bm", cph: "cph", workspace: "workspace" };
type Impl = Exclude<WorkerSpec["impl"], "probe">;

const SOURCES: readonly BenchSource[] = ["tat", "mps", "bm", "cph", "workspace"];

const OPTIONS: readonly OptionSpec[] = [
    { name: "quick", help: "1 000 and 10 000 tasks only (default: 1 000, 10 000 and 50 000)" },
    { name: "sources", value: "A,B,...", help: `the data sources to read (default all: ${SOURCES.join(", ")})` },
    { name: "sizes", value: "N,N,...", help: "task counts (default 1000,10000,50000)" },
    { name: "rtts", value: "MS,MS,...", help: "injected round-trip times in ms (default 20,150)" },
    { name: "no-baselines", help: "skip the official-SDK baselines" },
    { name: "no-state", help: "skip measuring the state a TaskGate adds" },
    {
        name: "only",
        value: "SECTION",
        help: "run one section alone: install (the install size and import time, bench/install.ts) or gatePolls (a waiting gate's requests, bench/gatePolls.ts)",
    },
    { name: "help", short: "h", help: "show this help" },
];

/** What one run measures. */
export interface BenchOptions {
    sources: BenchSource[];
    sizes: number[];
    rtts: number[];
    baselines: boolean;
    state: boolean;
    /** Run one section alone. */
    only?: BenchSection;
}

/** `npm run bench -- --help`. */
export function benchHelp(): string {
    return ["Usage: npm run bench -- [options]", "", "Options:", ...optionRows(OPTIONS), ""].join("\n");
}

/** Parses the benchmark's arguments, or undefined for `--help`. Throws a UsageError naming the option and what it takes. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions | undefined {
    const args = parseCommandArgs(argv, OPTIONS);
    if (args.help) return undefined;
    const sizes = args.integers("sizes", { min: 1, max: 1_000_000 });
    if (sizes && args.flag("quick")) throw new UsageError("--quick and --sizes exclude each other: --quick is --sizes 1000,10000");
    return {
        sources: (args.list("sources", SOURCES) as BenchSource[] | undefined) ?? [...SOURCES],
        sizes: sizes ?? (args.flag("quick") ? [1000, 10_000] : [1000, 10_000, 50_000]),
        rtts: args.integers("rtts", { min: 0, max: 10_000 }) ?? [20, 150],
        baselines: !args.flag("no-baselines"),
        state: !args.flag("no-state"),
        ...(args.text("only") === undefined ? {} : { only: onlySection(args.text("only")!) }),
    };
}

/** The sections `--only` runs alone. */
const SECTIONS = ["install", "gatePolls"] as const;
type BenchSection = (typeof SECTIONS)[number];

function onlySection(text: string): BenchSection {
    const section = SECTIONS.find((x) => x === text);
    if (!section) throw new UsageError(`--only: unknown section "${text}"; allowed: ${SECTIONS.join(", ")}`);
    return section;
}

/** An emulator in its own process, so its work and garbage collection never count against the client. */
class EmulatorProcess {
    private constructor(
        readonly url: string,
        readonly port: number,
        private readonly child: ChildProcess,
    ) {}

    static async start(): Promise<EmulatorProcess> {
        const child = spawn(process.execPath, [path.join(DIST, "emulator/cli.js"), "--port", "0", "--empty", "--quiet"], {
            stdio: ["ignore", "pipe", "inherit"],
        });
        const url: string = await new Promise((resolve, reject) => {
            let out = "";
            child.stdout!.on("data", (d) => {
                out += d;
                const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
                if (m) resolve(m[1]);
            });
            child.on("exit", (c) => reject(new Error(`emulator exited ${c}`)));
        });
        child.stdout!.resume();
        return new EmulatorProcess(url, Number(new URL(url).port), child);
    }

    async admin(method: string, route: string, body?: unknown): Promise<any> {
        const res = await fetch(`${this.url}/_emulator/${route}`, {
            method,
            headers: { "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (!res.ok) throw new Error(`emulator ${route}: HTTP ${res.status} ${await res.text()}`);
        return res.json();
    }

    stop(): void {
        this.child.kill();
    }
}

interface Row {
    source: BenchSource;
    size: number;
    rttMs: number;
    impl: Impl;
    /** The page round trip measured in this run (see probePageRtt); the floor uses it. */
    measuredRttMs: number;
    wallS: number;
    pages: number;
    requests: number;
    throttled: number;
    peakRssMB: number;
    records: number;
    floorS: number;
    ratioToFloor?: number;
}

const pagesOf = (n: number) => Math.max(1, Math.ceil(n / 100));

/**
 * The fastest a read can be: offset lists are bound by the rate limit (or two round trips),
 * scroll and short-page lists by one round trip per page. `rttMs` is the measured page round trip.
 */
function floorSeconds(source: BenchSource, n: number, rttMs: number): number {
    const rtt = rttMs / 1000;
    if (source === "mps") return pagesOf(n) * rtt;
    if (source === "cph") return (Math.floor(n / 100) + 1) * Math.max(rtt, 1 / LIMITS.cph);
    return Math.max(pagesOf(n) / LIMITS[source], 2 * rtt);
}

async function seed(emu: EmulatorProcess, source: BenchSource, n: number): Promise<BenchTarget["ids"]> {
    await emu.admin("POST", "reset", { scopes: ["data", "stats", "limits", "faults"] });
    const ids = { invocationId: "inv-bench001", requestId: "0123456789abcdef0123456789abcdef", desktopPoolId: "pool-bench-0001" };
    const spec: Record<string, unknown> = { api: STORE_API[source], count: n, seed: `bench-${source}-${n}`, replace: true };
    if (source === "tat") spec.invocationId = ids.invocationId;
    if (source === "cph") spec.requestId = ids.requestId;
    if (source === "workspace") spec.desktopPoolId = ids.desktopPoolId;
    if (source === "mps") spec.statusMix = { FINISH: 1 };
    await emu.admin("POST", "generate", spec);
    return ids;
}

function runWorker(spec: WorkerSpec): Promise<WorkerResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(DIST, "bench/worker.js"), JSON.stringify(spec)], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (err += d));
        child.on("exit", (code) =>
            code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`worker ${spec.source}/${spec.impl} failed: ${err}`)),
        );
    });
}

const measuredRtt = new Map<string, number>();

/** The page round trip at an injected latency, probed once per source and latency in this run. */
async function pageRtt(emu: EmulatorProcess, source: BenchSource, rttMs: number, creds: any): Promise<number> {
    const key = `${source}|${rttMs}`;
    if (!measuredRtt.has(key)) {
        const ids = await seed(emu, source, 1000);
        await emu.admin("POST", "config", { latency: { fixedMs: rttMs }, rateLimits: { [STORE_API[source]]: 0 } });
        const r = await runWorker({ source, impl: "probe", target: { url: emu.url, port: emu.port, tencent: creds.tencent, huawei: creds.huawei, ids } });
        await emu.admin("POST", "config", { rateLimits: { [STORE_API[source]]: LIMITS[source] } });
        measuredRtt.set(key, r.wallMs);
    }
    return measuredRtt.get(key)!;
}

async function measure(emu: EmulatorProcess, source: BenchSource, n: number, rttMs: number, impl: Impl, creds: any): Promise<Row> {
    const measuredRttMs = await pageRtt(emu, source, rttMs, creds);
    const ids = await seed(emu, source, n);
    await emu.admin("POST", "config", { latency: { fixedMs: rttMs } });
    const target: BenchTarget = { url: emu.url, port: emu.port, tencent: creds.tencent, huawei: creds.huawei, ids };
    const r = await runWorker({ source, impl, target });
    const stats = (await emu.admin("GET", "stats")).apis[STORE_API[source]];
    if (r.records !== n) throw new Error(`${source}/${impl} read ${r.records} of ${n} records`);
    const floorS = floorSeconds(source, n, measuredRttMs);
    const wallS = r.wallMs / 1000;
    // Pages of data asked for: the loops (and CPH, which reports no total) end on a short page.
    const pages = impl === "loop20" ? Math.floor(n / 20) + 1 : impl === "loop100" || source === "cph" ? Math.floor(n / 100) + 1 : pagesOf(n);
    const row: Row = {
        source,
        size: n,
        rttMs,
        measuredRttMs,
        impl,
        wallS,
        pages,
        requests: stats.requests,
        throttled: stats.throttled,
        peakRssMB: r.peakRssMB,
        records: r.records,
        floorS,
    };
    if (impl === "taskgate") row.ratioToFloor = wallS / floorS;
    return row;
}

/** Cold start: a fresh Node process importing a module (and, for taskgate, reading 5 tasks). */
function coldStart(emuUrl: string, creds: any): Array<{ what: string; importMs: number; processMs: number; peakRssMB: number }> {
    const sdk = path.join(DIST, "sdk/index.js");
    const cases: Array<[string, string]> = [
        ["@pulumi/pulumi alone", `require("@pulumi/pulumi")`],
        ["pulumi-taskgate", `require(${JSON.stringify(sdk)})`],
        [
            "pulumi-taskgate + one read of 5 TAT tasks (no latency)",
            `const tg = require(${JSON.stringify(sdk)}); await tg.tencentcloud.getTatInvocationTasks({ secretId: ${JSON.stringify(creds.tencent.secretId)}, secretKey: ${JSON.stringify(creds.tencent.secretKey)}, region: "ap-guangzhou", endpoint: ${JSON.stringify(emuUrl)}, invocationId: "inv-bench001" })`,
        ],
        ["tencentcloud-sdk-nodejs-common (the Tencent client, loaded on first use)", `require("tencentcloud-sdk-nodejs-common")`],
    ];
    return cases.map(([what, code]) => {
        const runs = Array.from({ length: 7 }, () => {
            const script = `(async () => { const t0 = performance.now(); ${code}; const ms = performance.now() - t0; console.log(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS / 1024 })); })()`;
            const t0 = performance.now();
            const r = spawnSync(process.execPath, ["-e", script], { cwd: REPO, encoding: "utf8" });
            const processMs = performance.now() - t0;
            if (r.status !== 0) throw new Error(`cold start ${what}: ${r.stderr}`);
            const { ms, rss } = JSON.parse(r.stdout.trim().split("\n").pop()!);
            return { importMs: ms, processMs, peakRssMB: rss };
        });
        const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
        return {
            what,
            importMs: median(runs.map((x) => x.importMs)),
            processMs: median(runs.map((x) => x.processMs)),
            peakRssMB: Math.max(...runs.map((x) => x.peakRssMB)),
        };
    });
}

/** The bytes one TaskGate adds to the state file, measured with the real engine on the demo stack. */
async function stateSize(): Promise<{ bytesAdded: number; gateEntryBytes: number } | { skipped: string }> {
    // bytesAdded: growth of the stack's state file (pretty-printed, as the backend writes it);
    // gateEntryBytes: one gate's entry in `pulumi stack export`, compact.
    try {
        const { openDemoStack } = require(path.join(DIST, "scripts/demoStack"));
        const demo = await openDemoStack(`bench${process.pid}`);
        try {
            await demo.stack.up({ color: "never" });
            const before = demo.checkpointBytes();
            // One more TaskGate (the demo's audit gate, whose source holds an encrypted credential).
            await demo.stack.setConfig("demo:explicitCredentials", { value: "true" });
            await demo.stack.up({ color: "never" });
            const after = demo.checkpointBytes();
            const exported = JSON.parse(demo.cli(["stack", "export"]));
            const gate = exported.deployment.resources.find((r: { urn: string }) => r.urn.endsWith("::migration-gate"));
            await demo.stack.destroy({ color: "never" });
            return { bytesAdded: after - before, gateEntryBytes: Buffer.byteLength(JSON.stringify(gate)) };
        } finally {
            await demo.close();
        }
    } catch (e) {
        return { skipped: (e as Error).message.split("\n")[0] };
    }
}

function table(rows: Row[]): string {
    const head =
        "| source | tasks | RTT injected / measured | impl | wall s | floor s | /floor | pages | requests | throttled | peak RSS MB |\n|---|---|---|---|---|---|---|---|---|---|---|";
    return [
        head,
        ...rows.map(
            (r) =>
                `| ${r.source} | ${r.size} | ${r.rttMs} / ${r.measuredRttMs.toFixed(1)} ms | ${r.impl} | ${r.wallS.toFixed(2)} | ${r.floorS.toFixed(2)} | ${r.ratioToFloor?.toFixed(2) ?? ""} | ${r.pages} | ${r.requests} | ${r.throttled} | ${r.peakRssMB.toFixed(0)} |`,
        ),
    ].join("\n");
}

function speedups(rows: Row[]) {
    const out: Array<{ source: BenchSource; size: number; rttMs: number; taskgateS: number; loop100OverTaskgate?: number; loop20OverTaskgate?: number }> = [];
    for (const t of rows.filter((r) => r.impl === "taskgate")) {
        const other = (impl: Impl) => rows.find((r) => r.impl === impl && r.source === t.source && r.size === t.size && r.rttMs === t.rttMs);
        const b100 = other("loop100");
        const b20 = other("loop20");
        out.push({
            source: t.source,
            size: t.size,
            rttMs: t.rttMs,
            taskgateS: t.wallS,
            loop100OverTaskgate: b100 && b100.wallS / t.wallS,
            loop20OverTaskgate: b20 && b20.wallS / t.wallS,
        });
    }
    return out;
}

async function main(argv: readonly string[]): Promise<void> {
    const o = parseBenchOptions(argv);
    if (!o) {
        process.stdout.write(benchHelp());
        return;
    }
    if (o.only === "install") {
        installAlone();
        return;
    }
    if (o.only === "gatePolls") {
        await gatePollsAlone();
        return;
    }
    const started = Date.now();
    const emus = new Map<BenchSource, EmulatorProcess>();
    for (const s of o.sources) emus.set(s, await EmulatorProcess.start());
    const c = await credentialsOf(emus.get(o.sources[0])!);
    const rows: Row[] = [];
    const log = (r: Row) =>
        console.log(
            `  ${r.source.padEnd(9)} ${String(r.size).padStart(6)} tasks ${String(r.rttMs).padStart(3)} ms ${r.impl.padEnd(8)} ${r.wallS.toFixed(2).padStart(7)} s` +
                `${r.ratioToFloor ? `  ${r.ratioToFloor.toFixed(2)}x floor` : ""}  ${r.requests} requests, ${r.throttled} throttled, ${r.peakRssMB.toFixed(0)} MB`,
        );
    try {
        console.log("taskgate, one measurement at a time:");
        for (const s of o.sources)
            for (const rtt of o.rtts)
                for (const n of o.sizes) {
                    const r = await measure(emus.get(s)!, s, n, rtt, "taskgate", c);
                    rows.push(r);
                    log(r);
                }
        if (o.baselines) {
            console.log("baselines (sequential loops on the official SDK), one source per emulator in parallel:");
            await Promise.all(
                o.sources.map(async (s) => {
                    for (const rtt of o.rtts)
                        for (const n of o.sizes)
                            for (const impl of ["loop100", "loop20"] as const) {
                                const r = await measure(emus.get(s)!, s, n, rtt, impl, c);
                                rows.push(r);
                                log(r);
                            }
                }),
            );
        }
        console.log("a waiting gate's polls:");
        const gatePolls = await measureGatePolls(emus.get(o.sources[0])!, c);
        // Cold start reads 5 tasks, with no latency, from a fresh data set.
        const coldEmu = emus.get(o.sources[0])!;
        await coldEmu.admin("POST", "reset", { scopes: ["data", "stats", "limits", "config"] });
        await coldEmu.admin("POST", "generate", { api: "tat", count: 5, invocationId: "inv-bench001" });
        const cold = coldStart(coldEmu.url, c);
        const emulator = await emulatorThroughput(coldEmu, c);
        const state = o.state ? await stateSize() : { skipped: "--no-state" };
        console.log("install:");
        const install = measureInstall(REPO);
        const base = {
            date: new Date().toISOString(),
            node: process.version,
            cores: require("node:os").cpus().length,
            options: o,
            rows,
            speedups: speedups(rows),
            coldStart: cold,
            emulator,
            state,
            install,
            gatePolls,
        };
        const results = { ...base, goals: checkGoals(base), minutes: 0 };
        results.minutes = (Date.now() - started) / 60_000;
        fs.mkdirSync(RESULTS, { recursive: true });
        fs.writeFileSync(path.join(RESULTS, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
        const md = report(results);
        fs.writeFileSync(path.join(RESULTS, "latest.md"), md);
        const png = renderChart(rows);
        if (png) fs.writeFileSync(path.join(RESULTS, "latest.png"), png);
        console.log(`\n${md}`);
    } finally {
        for (const e of emus.values()) e.stop();
    }
}

type Results = {
    rows: Row[];
    speedups: ReturnType<typeof speedups>;
    coldStart: ReturnType<typeof coldStart>;
    emulator: Record<string, number>;
    state: any;
    install: InstallResult;
    gatePolls: GatePollsResult;
};

/** The emulator's first Tencent and Huawei credentials, as the workers and the gate take them. */
async function credentialsOf(emu: EmulatorProcess) {
    const creds = await emu.admin("GET", "credentials");
    return {
        tencent: creds.tencent[0],
        huawei: { ...creds.huawei[0], projectId: creds.huaweiTokens?.[0]?.projectId ?? "0123456789abcdef0123456789abcdef" },
    };
}

/** `--only gatePolls`: a waiting gate's requests, full re-reads against incremental polls, and its goals, printed. */
async function gatePollsAlone(): Promise<void> {
    const emu = await EmulatorProcess.start();
    try {
        console.log("a waiting gate's polls:");
        const r = await measureGatePolls(emu, await credentialsOf(emu));
        const goals = gatePollsGoals(r);
        console.log(`\n${gatePollsReport(r)}\n${goals.map((g) => `- ${g.goal}: ${g.measured} (${g.met ? "met" : "**not met**"})`).join("\n")}`);
    } finally {
        emu.stop();
    }
}

/** `--only install`: the install measurement and its goals, printed. */
function installAlone(): void {
    console.log("install:");
    const install = measureInstall(REPO);
    const goals = installGoals(install);
    console.log(`\n${installReport(install)}\n${goals.map((g) => `- ${g.goal}: ${g.measured} (${g.met ? "met" : "**not met**"})`).join("\n")}`);
}

const EMULATOR_RECORDS = 20_000;

/** Records per second the emulator serves with no latency and no limit (TAT and CPH by offset, MPS by scroll token). */
async function emulatorThroughput(emu: EmulatorProcess, creds: any): Promise<Record<string, number>> {
    await emu.admin("POST", "reset", { scopes: ["data", "stats", "limits", "config"] });
    await emu.admin("POST", "config", { rateLimits: { tat: 0, mps: 0, bm: 0, bmLegacy: 0, cph: 0, workspace: 0 } });
    const out: Record<string, number> = {};
    for (const source of ["tat", "mps", "cph"] as const) {
        const ids = await seed(emu, source, EMULATOR_RECORDS);
        out[source] = Math.round(await emulatorRecordsPerSecond(source, { url: emu.url, port: emu.port, ...creds, ids }, EMULATOR_RECORDS));
        console.log(`  emulator ${source}: ${out[source]} records/s`);
    }
    return out;
}

function checkGoals(r: Results): Array<{ goal: string; measured: string; met: boolean | "not measured" }> {
    const goals: Array<{ goal: string; measured: string; met: boolean | "not measured" }> = [];
    const tg = (s: BenchSource, n: number, rtt: number) => r.rows.find((x) => x.impl === "taskgate" && x.source === s && x.size === n && x.rttMs === rtt);
    for (const s of ["tat", "bm", "workspace"] as const)
        for (const rtt of [20, 150]) {
            const x = tg(s, 10_000, rtt);
            goals.push({
                goal: `${s} 10 000 @ ${rtt} ms within 1.15x of the floor, 0 throttled`,
                measured: x ? `${x.ratioToFloor!.toFixed(2)}x, ${x.throttled} throttled` : "-",
                met: x ? x.ratioToFloor! <= 1.15 && x.throttled === 0 : "not measured",
            });
        }
    for (const rtt of [20, 150]) {
        const x = tg("mps", 10_000, rtt);
        goals.push({
            goal: `mps 10 000 @ ${rtt} ms within 1.1x of pages x RTT`,
            measured: x ? `${x.ratioToFloor!.toFixed(2)}x` : "-",
            met: x ? x.ratioToFloor! <= 1.1 : "not measured",
        });
    }
    const sp = r.speedups.find((x) => x.source === "tat" && x.size === 10_000 && x.rttMs === 150);
    goals.push({
        goal: "tat 10 000 @ 150 ms: >= 2.5x faster than the 100-per-page loop",
        measured: sp?.loop100OverTaskgate ? `${sp.loop100OverTaskgate.toFixed(2)}x` : "-",
        met: sp?.loop100OverTaskgate ? sp.loop100OverTaskgate >= 2.5 : "not measured",
    });
    goals.push({
        goal: "tat 10 000 @ 150 ms: >= 10x faster than the 20-per-page loop",
        measured: sp?.loop20OverTaskgate ? `${sp.loop20OverTaskgate.toFixed(2)}x` : "-",
        met: sp?.loop20OverTaskgate ? sp.loop20OverTaskgate >= 10 : "not measured",
    });
    const big = r.rows.filter((x) => x.impl === "taskgate" && x.size === 50_000);
    const peak = big.length ? Math.max(...big.map((x) => x.peakRssMB)) : undefined;
    goals.push({ goal: "peak RSS for 50 000 tasks < 250 MB", measured: peak ? `${peak.toFixed(0)} MB` : "-", met: peak ? peak < 250 : "not measured" });
    const pulumiAlone = r.coldStart.find((x) => x.what === "@pulumi/pulumi alone")!;
    const ours = r.coldStart.find((x) => x.what === "pulumi-taskgate")!;
    goals.push({
        goal: "import of the package < 1.5x the import of @pulumi/pulumi alone",
        measured: `${(ours.importMs / pulumiAlone.importMs).toFixed(2)}x (${ours.importMs.toFixed(0)} vs ${pulumiAlone.importMs.toFixed(0)} ms)`,
        met: ours.importMs / pulumiAlone.importMs < 1.5,
    });
    for (const [source, rate] of Object.entries(r.emulator)) {
        goals.push({ goal: `the emulator serves ${source} at > 10 000 records/s (never the bottleneck)`, measured: `${rate} records/s`, met: rate > 10_000 });
    }
    goals.push({
        goal: "one TaskGate < 16 KB of state",
        measured: "bytesAdded" in r.state ? `${r.state.bytesAdded} bytes added to the state file` : `not measured (${r.state.skipped})`,
        met: "bytesAdded" in r.state ? r.state.bytesAdded < 16_384 : "not measured",
    });
    goals.push(...installGoals(r.install));
    goals.push(...gatePollsGoals(r.gatePolls));
    return goals;
}

function report(r: Results & { goals: ReturnType<typeof checkGoals>; minutes?: number }): string {
    const sp = r.speedups.map(
        (x) =>
            `| ${x.source} | ${x.size} | ${x.rttMs} ms | ${x.taskgateS.toFixed(2)} | ${x.loop100OverTaskgate?.toFixed(2) ?? "-"}x | ${x.loop20OverTaskgate?.toFixed(2) ?? "-"}x |`,
    );
    return [
        "### Reads",
        "",
        table(r.rows),
        "",
        "### Baseline / taskgate",
        "",
        "| source | tasks | RTT | taskgate s | loop100 / taskgate | loop20 / taskgate |",
        "|---|---|---|---|---|---|",
        ...sp,
        "",
        "### Cold start (median of 7 fresh processes)",
        "",
        "| what | import ms | process ms | peak RSS MB |",
        "|---|---|---|---|",
        ...r.coldStart.map((x) => `| ${x.what} | ${x.importMs.toFixed(0)} | ${x.processMs.toFixed(0)} | ${x.peakRssMB.toFixed(0)} |`),
        "",
        installReport(r.install),
        gatePollsReport(r.gatePolls),
        "### Goals",
        "",
        "| goal | measured | met |",
        "|---|---|---|",
        ...r.goals.map((g) => `| ${g.goal} | ${g.measured} | ${g.met === true ? "yes" : g.met === false ? "**no**" : g.met} |`),
        "",
    ].join("\n");
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((e) => {
        if (e instanceof UsageError) {
            console.error(`bench: ${e.message}\nRun 'npm run bench -- --help' for usage.`);
            process.exitCode = 2;
            return;
        }
        console.error(e instanceof Error ? e.stack : e);
        process.exitCode = 1;
    });
}
