/**
 * One quota across processes: three Node processes read TAT with one account at once (as two
 * `taskgate` runs in one CI job, or a stack's program and its gates' provider do), against one
 * emulator in a process of its own that enforces the documented 20 requests per sliding second.
 * Each process has its own limiter, and they share one ledger of the account's requests (a
 * directory of this test's own). What a user relies on, whatever the machine's load: every list
 * is exact, and throttled answers are as rare as for one process (at most 1%, each retried): three
 * limiters that did not share their budget would send 60 requests a second and be throttled on a
 * third of them. A request holds its place in the ledger from its release until a window (and a
 * 10% guard) after the latest moment the cloud can have counted it, so on an idle machine none is
 * throttled; on a starved one, the emulator's own process may take in requests late and together.
 */
import { strict as assert } from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { clientEnv, EMULATOR_CREDENTIALS } from "../../emulator/server";
import { assertRarelyThrottled, busiestWindow, ownProcess, type EmulatorHandle } from "./emulatorHandle";
import { recordNote } from "./tally";

const DIST = path.resolve(__dirname, "../../dist");

/**
 * A reader process: loads the built package, says `ready`, reads its invocations at once when told
 * `go` on stdin, and prints the task ids of each as one JSON line. Credentials, region, endpoint and
 * the ledger's directory come from the environment, as in a CI job.
 */
const READER = `
const { readTatInvocationTasks } = require(${JSON.stringify(path.join(DIST, "provider/sources/tatInvocationTasks"))});
const sources = { config: () => undefined, env: process.env };
const ids = JSON.parse(process.argv[1]);
process.stdin.once("data", async () => {
    const lists = await Promise.all(ids.map((invocationId) => readTatInvocationTasks({ invocationId }, sources)));
    process.stdout.write(JSON.stringify(lists.map((l) => l.tasks.map((t) => t.invocationTaskId))) + "\\n");
});
process.stdout.write("ready\\n");
`;

interface Reader {
    readonly child: ChildProcess;
    readonly ready: Promise<void>;
    /** The ids each invocation's read returned, in order; rejects when the process fails. */
    readonly lists: Promise<string[][]>;
}

function startReader(invocationIds: string[], env: Record<string, string>): Reader {
    const child = spawn(process.execPath, ["-e", READER, JSON.stringify(invocationIds)], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    let markReady!: () => void;
    const ready = new Promise<void>((r) => (markReady = r));
    child.stdout!.on("data", (d) => {
        out += d;
        if (out.startsWith("ready\n")) markReady();
    });
    const lists = new Promise<string[][]>((resolve, reject) => {
        child.on("exit", (code) => {
            if (code !== 0) return reject(new Error(`a reader exited with ${code}: ${err}`));
            resolve(JSON.parse(out.slice("ready\n".length)));
        });
    });
    return { child, ready: Promise.race([ready, lists.then(() => undefined)]), lists };
}

describe("reliability: one quota across processes (3 processes, one account, one emulator in its own process)", function () {
    this.timeout(180_000);
    let emu: EmulatorHandle;
    let ledgerDir: string;

    beforeEach(async () => {
        emu = await ownProcess();
        ledgerDir = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-quota-test-"));
    });
    afterEach(async () => {
        await emu?.close();
        fs.rmSync(ledgerDir, { recursive: true, force: true });
    });

    /** A reader's environment, as a CI job's: the emulator's endpoint, credentials and regions, and the shared ledger's directory. */
    const readerEnv = () => ({ ...clientEnv(emu.url), TASKGATE_RATE_LIMIT_DIR: ledgerDir });

    it("3 processes reading 3 TAT invocations each at once: every list exact, at most 1% throttled", async () => {
        assert.equal((await emu.rateLimits()).tat, 20);
        const want = new Map<string, string[]>();
        const perProcess: string[][] = [];
        for (let p = 0; p < 3; p++) {
            const ids: string[] = [];
            for (let i = 0; i < 3; i++) {
                const invocationId = `inv-quota${p}${i}`.padEnd(12, "0");
                const [g] = await emu.generate({ api: "tat", count: 1000 + 37 * (3 * p + i), seed: 10 + 3 * p + i, invocationId });
                want.set(invocationId, g.ids);
                ids.push(invocationId);
            }
            perProcess.push(ids);
        }
        const c = EMULATOR_CREDENTIALS.tencent;
        const readers = perProcess.map((ids) => startReader(ids, readerEnv()));
        try {
            await Promise.all(readers.map((r) => r.ready));
            await emu.reset(["stats", "limits"]);
            for (const r of readers) r.child.stdin!.end("go\n");
            const got = await Promise.all(readers.map((r) => r.lists));
            got.forEach((lists, p) => {
                lists.forEach((ids, i) => {
                    const invocationId = perProcess[p][i];
                    assert.equal(new Set(ids).size, ids.length, `${invocationId}: a record twice`);
                    assert.deepEqual([...ids].sort(), [...want.get(invocationId)!].sort(), `${invocationId}: not the exact list`);
                });
            });
        } finally {
            for (const r of readers) r.child.kill();
        }
        const log = await emu.requests("tat");
        const pages = [...want.values()].reduce((n, ids) => n + 1 + Math.ceil((ids.length - 100) / 99), 0);
        assert.ok(log.length >= pages, `${log.length} requests for ${pages} pages`);
        const throttled = log.filter((e) => e.throttled).length;
        const busiest = busiestWindow(log);
        recordNote(`one quota across processes: 3 processes, ${log.length} TAT requests, busiest second at the emulator ${busiest}/20, ${throttled} throttled`);
        assertRarelyThrottled(throttled, log.length, "tat");
        const files = fs.readdirSync(ledgerDir);
        assert.deepEqual(
            files.filter((f) => !f.endsWith(".json")),
            [],
            "no lock or temporary file is left behind",
        );
        const stored = files.join("\n") + files.map((f) => fs.readFileSync(path.join(ledgerDir, f), "utf8")).join("\n");
        for (const secret of [c.secretId, c.secretKey]) assert.ok(!stored.includes(secret), "a credential in the ledger");
    });

    it("a process killed mid-read holds nobody up: the next reads its list exact, its places counted (at most 1% throttled), none of its places left", async () => {
        const invocationId = "inv-quotakil";
        const [g] = await emu.generate({ api: "tat", count: 3000, seed: 99, invocationId });
        const env = readerEnv();
        const killed = startReader([invocationId], env);
        await killed.ready;
        await emu.reset(["stats", "limits"]);
        killed.child.stdin!.end("go\n");
        // Killed once it is well into the read: requests in flight, places open, perhaps the lock held.
        while ((await emu.requests("tat")).length < 25) await new Promise((r) => setTimeout(r, 20));
        killed.child.kill("SIGKILL");
        await assert.rejects(killed.lists, /a reader exited with null/);
        const next = startReader([invocationId], env);
        try {
            await next.ready;
            next.child.stdin!.end("go\n");
            const [ids] = await next.lists;
            assert.deepEqual([...ids].sort(), [...g.ids].sort(), "not the exact list");
        } finally {
            next.child.kill();
        }
        const log = await emu.requests("tat");
        assertRarelyThrottled(log.filter((e) => e.throttled).length, log.length, "tat");
        const ledger = JSON.parse(fs.readFileSync(path.join(ledgerDir, fs.readdirSync(ledgerDir).find((f) => f.endsWith(".json"))!), "utf8"));
        assert.deepEqual(
            ledger.open.filter((p: { p: number }) => p.p === killed.child.pid),
            [],
            "the killed process's places",
        );
    });
});
