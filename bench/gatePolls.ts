/**
 * The cost of a waiting gate's polls: a gate on 10 000 TAT tasks that finish one by one over two
 * minutes in the emulator (documented rate limit, 20 ms round trips), run twice in one process, once
 * reading the whole list every poll and once re-reading only the unfinished tasks by id
 * (provider/polls.ts). Each run's requests come from the emulator's count, its wall time from
 * this process's clock, and the gap between the last task finishing and the verdict from both.
 */
import * as path from "node:path";

const DIST = path.resolve(__dirname, "..");

/** What the bench needs of the emulator: its URL and its admin API. */
export interface BenchEmulator {
    readonly url: string;
    admin(method: string, route: string, body?: unknown): Promise<any>;
}

/** One gate's run: how it polled and what that cost. */
export interface GatePollsRun {
    mode: "full" | "incremental";
    /** Requests the emulator answered for TAT, first read included. */
    requests: number;
    throttled: number;
    polls: number;
    /** From the gate's start to its verdict. */
    wallS: number;
    /** From the last task finishing (on the emulator's schedule) to the verdict. */
    verdictAfterLastS: number;
    /** The requests an ideal incremental gate sends: the first read's pages and, per later poll, ceil(unfinished / 100). */
    idealRequests: number;
    passed: boolean;
}

/** The results and their goals. */
export interface GatePollsResult {
    tasks: number;
    finishOverMs: number;
    pollIntervalSeconds: number;
    runs: GatePollsRun[];
}

export const GATE_POLLS = { tasks: 10_000, finishOverMs: 120_000, pollIntervalSeconds: 5, rttMs: 20 } as const;

/** Pages of one full TAT read of `n` tasks: 100, then 99 new ones a page (pages overlap by one). */
const fullReadPages = (n: number) => (n <= 100 ? 1 : 1 + Math.ceil((n - 100) / 99));

/** Runs the gate once in `mode` over freshly generated tasks. */
async function runOnce(emu: BenchEmulator, creds: any, mode: GatePollsRun["mode"]): Promise<GatePollsRun> {
    const gate = require(path.join(DIST, "provider/dynamic/gateRuntime"));
    const rules = require(path.join(DIST, "provider/gateRules"));
    await emu.admin("POST", "reset", { scopes: ["data", "stats", "limits", "faults"] });
    await emu.admin("POST", "config", { latency: { fixedMs: GATE_POLLS.rttMs } });
    const generatedBefore = Date.now();
    await emu.admin("POST", "generate", {
        api: "tat",
        count: GATE_POLLS.tasks,
        seed: "bench-gate-polls",
        invocationId: "inv-benchpoll",
        finishOverMs: GATE_POLLS.finishOverMs,
        finalStatusMix: { SUCCESS: 1 },
        replace: true,
    });
    // The last task finishes finishOverMs after the emulator generated them, no earlier than this.
    const lastFinish = generatedBefore + GATE_POLLS.finishOverMs;
    const config: Record<string, string> = {
        "tencentcloud:secretId": creds.tencent.secretId,
        "tencentcloud:secretKey": creds.tencent.secretKey,
        "tencentcloud:region": "ap-guangzhou",
        "taskgate:endpoint": emu.url,
    };
    // Per poll, the tasks done: the unfinished ones are what the next poll has left to re-read.
    const done: number[] = [];
    const quiet = { debug: () => undefined, warn: () => undefined };
    const log = {
        ...quiet,
        info: (m: string) => {
            const x = /: (\d+)\/(\d+) tasks? done/.exec(m);
            if (x) done.push(Number(x[2]) - Number(x[1]));
        },
    };
    gate.setProgress(() => log, 0);
    gate.setIncrementalPolls(mode === "incremental");
    const t0 = performance.now();
    const run = await gate.runGate(
        "tatInvocationTasks",
        { invocationId: "inv-benchpoll" },
        rules.resolveRequirements({}),
        rules.resolveWait({ timeoutSeconds: 600, pollIntervalSeconds: GATE_POLLS.pollIntervalSeconds }),
        log,
        'gate "bench"',
        undefined,
        { settings: { config: (k: string) => config[k], env: {} } },
    );
    const wallS = (performance.now() - t0) / 1000;
    const verdictAt = Date.now();
    gate.setIncrementalPolls(true);
    const stats = (await emu.admin("GET", "stats")).apis.tat;
    return {
        mode,
        requests: stats.requests,
        throttled: stats.throttled,
        polls: run.polls.length,
        wallS,
        verdictAfterLastS: (verdictAt - lastFinish) / 1000,
        idealRequests: fullReadPages(GATE_POLLS.tasks) + done.slice(0, -1).reduce((sum, unfinished) => sum + Math.ceil(unfinished / 100), 0),
        passed: run.verdict.passed,
    };
}

/** Both runs, one after the other on the same emulator (they would share the account's rate limit if run together). */
export async function measureGatePolls(emu: BenchEmulator, creds: any): Promise<GatePollsResult> {
    const runs: GatePollsRun[] = [];
    for (const mode of ["full", "incremental"] as const) {
        const r = await runOnce(emu, creds, mode);
        console.log(
            `  gate on ${GATE_POLLS.tasks} TAT tasks, ${mode.padEnd(11)} ${r.requests} requests (${r.throttled} throttled) in ${r.polls} polls, ` +
                `${r.wallS.toFixed(1)} s, verdict ${r.verdictAfterLastS.toFixed(1)} s after the last task finished`,
        );
        runs.push(r);
    }
    return { tasks: GATE_POLLS.tasks, finishOverMs: GATE_POLLS.finishOverMs, pollIntervalSeconds: GATE_POLLS.pollIntervalSeconds, runs };
}

/** The goals of issue 15: requests within 1.2x of the ideal incremental cost, and the verdict within one poll interval + 1 s of the last task. */
export function gatePollsGoals(r: GatePollsResult): Array<{ goal: string; measured: string; met: boolean }> {
    const inc = r.runs.find((x) => x.mode === "incremental")!;
    const full = r.runs.find((x) => x.mode === "full")!;
    const lagGoal = r.pollIntervalSeconds + 1;
    return [
        {
            goal: `gate on ${r.tasks} TAT tasks: at most 1.2x (first read + sum over polls of ceil(unfinished / 100)) requests`,
            measured: `${inc.requests} requests, ${(inc.requests / inc.idealRequests).toFixed(2)}x of ${inc.idealRequests} (full re-reads: ${full.requests})`,
            met: inc.requests <= 1.2 * inc.idealRequests,
        },
        {
            goal: `gate on ${r.tasks} TAT tasks: the verdict within ${lagGoal} s (one poll interval + 1 s) of the last task finishing`,
            measured: `${inc.verdictAfterLastS.toFixed(1)} s (full re-reads: ${full.verdictAfterLastS.toFixed(1)} s)`,
            met: inc.verdictAfterLastS <= lagGoal,
        },
    ];
}

/** The runs as a Markdown table. */
export function gatePollsReport(r: GatePollsResult): string {
    return [
        `### A gate's polls (${r.tasks} TAT tasks finishing over ${r.finishOverMs / 1000} s, polled every ${r.pollIntervalSeconds} s)`,
        "",
        "| polls | requests | throttled | polls made | wall s | verdict after the last task, s | ideal incremental requests |",
        "|---|---|---|---|---|---|---|",
        ...r.runs.map(
            (x) =>
                `| ${x.mode === "full" ? "full re-reads" : "incremental"} | ${x.requests} | ${x.throttled} | ${x.polls} | ${x.wallS.toFixed(1)} | ${x.verdictAfterLastS.toFixed(1)} | ${x.idealRequests} |`,
        ),
        "",
    ].join("\n");
}
