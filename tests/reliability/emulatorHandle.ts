/**
 * An emulator as the reliability suites drive it: in the test's own process, or in a process of
 * its own (the emulator's CLI, driven through its admin API) where it must not share the event
 * loop of the clients it counts.
 */
import { strict as assert } from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ApiId, ApiStats, Emulator, GenerateResult, GenerateSpec, RequestLogEntry, ResetScope } from "../../emulator/server";

/** What these suites need of an emulator, in this process or in its own. */
export interface EmulatorHandle {
    readonly url: string;
    generate(spec: GenerateSpec | GenerateSpec[]): Promise<GenerateResult[]>;
    reset(scopes?: ResetScope[]): Promise<void>;
    requests(api: ApiId): Promise<RequestLogEntry[]>;
    stats(): Promise<Record<ApiId, ApiStats>>;
    rateLimits(): Promise<Record<ApiId, number>>;
    close(): Promise<void>;
}

/** An emulator started in this process, behind the same handle. */
export function inProcess(emu: Emulator): EmulatorHandle {
    return {
        url: emu.url,
        generate: async (s) => emu.generate(s),
        reset: async (s) => emu.reset(s),
        requests: async (api) => emu.requests({ api }),
        stats: async () => emu.stats().apis,
        rateLimits: async () => emu.config().rateLimits,
        close: () => emu.close(),
    };
}

/** The emulator's CLI in a child process, driven through its admin API. */
export async function ownProcess(): Promise<EmulatorHandle> {
    const cli = path.resolve(__dirname, "../../dist/emulator/cli.js");
    assert.ok(fs.existsSync(cli), "run `npm run build` first (npm test does)");
    const child: ChildProcess = spawn(process.execPath, [cli, "--port", "0", "--empty", "--quiet"], { stdio: ["ignore", "pipe", "inherit"] });
    const url: string = await new Promise((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (d) => {
            out += d;
            const m = /listening on (http:\/\/\S+)/.exec(out);
            if (m) resolve(m[1]);
        });
        child.on("exit", (code) => reject(new Error(`the emulator exited with ${code}`)));
    });
    const admin = async (method: string, route: string, body?: unknown) => {
        const r = await fetch(`${url}/_emulator/${route}`, {
            method,
            headers: { "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        assert.equal(r.status, 200, `admin ${route}: HTTP ${r.status}`);
        return r.json() as Promise<any>;
    };
    return {
        url,
        generate: async (s) => (await admin("POST", "generate", s)).results,
        reset: async (scopes) => void (await admin("POST", "reset", scopes ? { scopes } : {})),
        requests: async (api) => (await admin("GET", `requests?api=${api}`)).requests,
        stats: async () => (await admin("GET", "stats")).apis,
        rateLimits: async () => (await admin("GET", "config")).rateLimits,
        close: async () => {
            child.kill();
            await new Promise((r) => child.once("exit", r));
        },
    };
}

/**
 * The most requests of `entries` that the emulator logged within any window of `perMs`
 * milliseconds (by their arrival times, at the log's millisecond resolution), whatever their
 * answer: throttled requests count, as the cloud's counter sees them arrive.
 */
export function busiestWindow(entries: readonly RequestLogEntry[], perMs = 1000): number {
    const times = entries.map((e) => Date.parse(e.time)).sort((a, b) => a - b);
    let most = 0;
    let from = 0;
    for (let to = 0; to < times.length; to++) {
        while (times[to] - times[from] >= perMs) from++;
        most = Math.max(most, to - from + 1);
    }
    return most;
}

/**
 * Throttled answers at most 1% of an API's requests, rounded up: the limiter keeps headroom and
 * halves its rate after a throttled answer, so a busy machine may cost a throttle now and then (a
 * starved process can take in requests late and all at once), never a run of them. A limiter that
 * did not share its budget, or forgot a place, would be throttled far more often than that.
 */
export function assertRarelyThrottled(throttled: number, requests: number, api: string): void {
    assert.ok(throttled <= Math.ceil(requests / 100), `${api}: ${throttled} of ${requests} requests throttled, more than 1%`);
}
