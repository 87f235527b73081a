/**
 * What the socket sees, for every transport (the Tencent SDK's node-fetch, the legacy transport's
 * own http client, the Huawei core's axios): the limiter learns each request's wire time, an
 * answer over the size cap is cut off while it streams and fails once, unretried, and a request
 * that hangs is reported while it hangs.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type ApiId, type Emulator } from "../../emulator/server";
import { TaskgateReadError, TaskgateValidationError } from "../../provider/errors";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../../provider/paging";
import { configureRateLimits, DEFAULT_RATE_LIMITS, spacerFor } from "../../provider/rateLimit";
import { readTatInvocationTasks } from "../../provider/sources/tatInvocationTasks";
import { CLI, emulatorEnv } from "../cli/helpers";
import { recordingLogger } from "../integration/helpers";
import { quick, rateScope, SUBJECTS, tencentConn } from "./subjects";

const MiB = 2 ** 20;

/** Waits until the emulator has logged `n` requests of an API (it logs an answer once it is written). */
async function logged(emu: Emulator, api: ApiId, n: number) {
    for (let i = 0; i < 200 && emu.requests({ api }).length < n; i++) await new Promise((r) => setTimeout(r, 25));
    return emu.requests({ api });
}

describe("reliability: what the socket sees", function () {
    this.timeout(120_000);
    let emu: Emulator;
    before(async () => {
        emu = await startEmulator({ port: 0 });
    });
    after(async () => {
        configureRateLimits({ ...DEFAULT_RATE_LIMITS });
        await emu.close();
    });
    beforeEach(() => emu.reset());

    describe("the limiter learns every request's wire time", () => {
        before(() => configureRateLimits({ ...DEFAULT_RATE_LIMITS }));
        for (const s of SUBJECTS) {
            it(`${s.name}: one wire start per request the cloud saw`, async () => {
                s.fill(emu, 3);
                const spacer = spacerFor(s.api, rateScope(s.api, emu.url));
                const before = spacer.stats.sent;
                const r = await s.read(emu, {});
                assert.equal(r.tasks.length, s.count);
                const requests = await logged(emu, s.api, s.pages);
                assert.ok(requests.length >= s.pages, `${requests.length} requests`);
                assert.equal(spacer.stats.sent - before, requests.length, "every request reported its wire time to the limiter");
            });
        }
    });

    describe("an answer over the size cap", () => {
        before(() => configureRateLimits({ tat: 0, mps: 0, bm: 0, bmLegacy: 0, cph: 0, workspace: 0 }));
        const modes = [
            { name: "with its size in Content-Length", fault: {}, words: /declared 314572800 bytes \(300 MiB\), over the cap of 1 MiB per answer/ },
            { name: "chunked", fault: { chunked: true }, words: /passed 1048576 bytes and was cut off after \d+, over the cap of 1 MiB per answer/ },
            {
                name: "gzipped, inflating past the cap",
                fault: { gzip: true },
                words: /passed 1048576 bytes and was cut off after \d+, over the cap of 1 MiB per answer/,
            },
        ];
        for (const s of SUBJECTS) {
            for (const m of modes) {
                it(`${s.name}, ${m.name}: fails at once, naming the size and the cap, after one request`, async () => {
                    s.fill(emu, 4);
                    emu.addFault({ api: s.api, kind: "hugeBody", bytes: 300 * MiB, times: -1, ...m.fault });
                    const err = await s.read(emu, quick({ maxResponseBytes: MiB })).then(
                        () => undefined,
                        (e: unknown) => e,
                    );
                    assert.ok(err instanceof TaskgateReadError, `expected a TaskgateReadError, got ${String(err)}`);
                    assert.match(err.message, m.words);
                    assert.match(err.message, /narrow the query .* or raise maxResponseBytes/);
                    const requests = await logged(emu, s.api, 1);
                    assert.equal(requests.length, 1, "not retried: the same query brings the same answer");
                });
            }
        }

        it("leaves no timer running once the read has failed (one would hold the process open for the request's timeout)", async () => {
            const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
            for (const s of SUBJECTS) {
                emu.reset();
                s.fill(emu, 6);
                emu.addFault({ api: s.api, kind: "hugeBody", bytes: 300 * MiB, chunked: true, times: -1 });
                await new Promise((r) => setImmediate(r));
                const before = timers();
                await assert.rejects(s.read(emu, { maxResponseBytes: MiB, requestTimeoutMs: 60_000 }), /over the cap of 1 MiB/);
                // Sockets close a few turns of the event loop after the error.
                for (let i = 0; i < 50 && timers() > before; i++) await new Promise((r) => setImmediate(r));
                assert.equal(timers(), before, `${s.name}: timers left running`);
            }
        });

        it("is 32 MiB by default, and taskgate:maxResponseBytes or TASKGATE_MAX_RESPONSE_BYTES changes it", async () => {
            assert.equal(DEFAULT_MAX_RESPONSE_BYTES, 32 * MiB);
            const args = { ...tencentConn(emu), invocationId: "inv-big00001" };
            emu.addFault({ api: "tat", kind: "hugeBody", bytes: 40 * MiB, chunked: true, times: -1 });
            await assert.rejects(readTatInvocationTasks(args, { config: () => undefined, env: {} }, quick()), /cut off after \d+, over the cap of 32 MiB/);
            await assert.rejects(
                readTatInvocationTasks(args, { config: () => undefined, env: { TASKGATE_MAX_RESPONSE_BYTES: String(2 * MiB) } }, quick()),
                /over the cap of 2 MiB/,
            );
            const config = (k: string) => (k === "taskgate:maxResponseBytes" ? String(3 * MiB) : undefined);
            await assert.rejects(
                readTatInvocationTasks(args, { config, env: { TASKGATE_MAX_RESPONSE_BYTES: String(2 * MiB) } }, quick()),
                /over the cap of 3 MiB/,
            );
        });

        it("a cap that is not a whole number of bytes is refused before any request, naming where it came from", async () => {
            const args = { ...tencentConn(emu), invocationId: "inv-big00001" };
            const cases: Array<[Record<string, string>, RegExp]> = [
                [{ TASKGATE_MAX_RESPONSE_BYTES: "32MB" }, /invalid TASKGATE_MAX_RESPONSE_BYTES .*whole number of bytes from 1024 up/],
                [{ TASKGATE_MAX_RESPONSE_BYTES: "100" }, /invalid TASKGATE_MAX_RESPONSE_BYTES \(100\)/],
            ];
            for (const [env, words] of cases) {
                const err = await readTatInvocationTasks(args, { config: () => undefined, env }).then(
                    () => undefined,
                    (e: unknown) => e,
                );
                assert.ok(err instanceof TaskgateValidationError, String(err));
                assert.match(err.message, words);
            }
            await assert.rejects(
                readTatInvocationTasks(args, { config: () => undefined, env: {} }, { maxResponseBytes: 1.5e6 + 0.5 }),
                /invalid maxResponseBytes/,
            );
            assert.equal(emu.requests({ api: "tat" }).length, 0, "nothing was sent");
        });

        // A whole process, as a user runs it: `taskgate list` against 2 GiB answers, on each transport.
        const lists = [
            {
                name: "TAT (Tencent API 3.0 SDK)",
                api: "tat" as const,
                fill: (e: Emulator) => e.generate({ api: "tat", count: 5, invocationId: "inv-huge0001" }),
                args: ["list", "tat", "--invocation-id", "inv-huge0001"],
            },
            {
                name: "BM legacy (own http client)",
                api: "bmLegacy" as const,
                fill: (e: Emulator) => e.generate({ api: "bm", count: 5 }),
                args: ["list", "bm", "--api", "legacy"],
            },
            {
                name: "CPH (Huawei core)",
                api: "cph" as const,
                fill: (e: Emulator) => e.generate({ api: "cph", count: 5, requestId: "hugeanswerrequest0000000000001" }),
                args: ["list", "cph", "--request-id", "hugeanswerrequest0000000000001"],
            },
        ];
        for (const l of lists) {
            it(`taskgate list, ${l.name}: a 2 GiB answer fails with exit 2 and the process stays within twice the cap`, async () => {
                l.fill(emu);
                const small = await peakRss(l.args, emulatorEnv(emu));
                assert.equal(small.code, 0, small.stderr);
                for (const fault of [{}, { chunked: true }]) {
                    emu.reset(["faults", "stats"]);
                    emu.addFault({ api: l.api, kind: "hugeBody", bytes: 2 ** 31, times: -1, ...fault });
                    const huge = await peakRss(l.args, emulatorEnv(emu));
                    assert.equal(huge.code, 2, huge.stderr);
                    assert.match(huge.stderr, /over the cap of 32 MiB per answer/);
                    assert.equal((await logged(emu, l.api, 1)).length, 1, "one request, not retried");
                    const grew = huge.maxRss - small.maxRss;
                    assert.ok(
                        grew < 2 * DEFAULT_MAX_RESPONSE_BYTES,
                        `peak RSS grew by ${(grew / MiB).toFixed(1)} MiB over a small read (${JSON.stringify(fault)})`,
                    );
                }
            });
        }
    });

    describe("a request that hangs", () => {
        before(() => configureRateLimits({ tat: 0, mps: 0, bm: 0, bmLegacy: 0, cph: 0, workspace: 0 }));
        for (const s of SUBJECTS) {
            it(`${s.name}: the read says what it waits for, attempt by attempt, before the request times out`, async () => {
                s.fill(emu, 5);
                emu.addFault({ api: s.api, kind: "timeout", delayMs: 1500, times: 1 });
                const log = recordingLogger();
                const r = await s.read(emu, quick({ requestTimeoutMs: 5000, waitNoticeMs: 300, log }));
                assert.equal(r.tasks.length, s.count);
                const waits = log.lines.filter((l) => l.includes("waiting for"));
                assert.ok(waits.length >= 1, `no waiting line in:\n${log.lines.join("\n")}`);
                for (const w of waits)
                    assert.match(w, new RegExp(`waiting for ${emu.url.replace(/[.]/g, "\\.")} \\(attempt 1 of 8\\), no answer for \\d+(\\.\\d)? s`));
            });
        }
    });
});

/** Runs the built command with the emulator's settings; reports its exit code, stderr and peak RSS in bytes. */
function peakRss(args: readonly string[], env: Record<string, string | undefined>): Promise<{ code: number | null; stderr: string; maxRss: number }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-rss-"));
    const out = path.join(dir, "rss");
    // A preload that writes the process's peak resident set when it exits (maxRSS is in KiB).
    const preload = path.join(dir, "peak.js");
    fs.writeFileSync(
        preload,
        `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS * 1024)));\n`,
    );
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", preload, CLI, ...args], {
            env: { ...env, NODE_OPTIONS: undefined } as NodeJS.ProcessEnv,
            stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr!.setEncoding("utf8").on("data", (d: string) => {
            stderr += d;
        });
        child.on("error", reject);
        child.on("close", (code) => {
            try {
                resolve({ code, stderr, maxRss: Number(fs.readFileSync(out, "utf8")) });
            } catch (e) {
                reject(new Error(`no peak RSS written (${String(e)}); stderr: ${stderr}`));
            }
        });
    });
}
