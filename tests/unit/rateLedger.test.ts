import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TaskgateValidationError } from "../../provider/errors";
import { createReadContext, request } from "../../provider/paging";
import { defaultLedgerDir, ledgerFile, LOCK_STALE_MS, prepareLedgerDir, SharedBudgetStore, SWEEP_AFTER_MS } from "../../provider/rateLedger";
import { type RequestSlot, RequestSpacer } from "../../provider/rateLimit";
import { ask, FakeClock } from "./fakeClock";

/** A process id that is no longer running: a child's, after it exited. */
function deadPid(): number {
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    return Number(child.stdout);
}

/** The host tag this machine writes, read back from a lock file it wrote. */
async function hostTag(dir: string): Promise<string> {
    const file = ledgerFile(dir, "tat", "probe");
    const spacer = new RequestSpacer({ requests: 1, perMs: 1000 }, 0.1, new FakeClock(), new SharedBudgetStore(file));
    await spacer.acquire();
    return JSON.parse(fs.readFileSync(file, "utf8")).open[0].h;
}

/** Answers and ends every granted slot of `reqs` at `at`, as requests that went out and came back at once. */
function finish(reqs: Array<{ slot?: RequestSlot }>, at: number): void {
    for (const r of reqs) {
        if (!r.slot) continue;
        r.slot.sent(at);
        r.slot.answered(at);
        r.slot.done();
    }
}

describe("rate limiting shared across processes (the ledger, on a hand-driven clock)", () => {
    const limit = { requests: 10, perMs: 1000 };
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskgate-ledger-unit-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** Spacers of separate "processes": one store each, all on one ledger file and one clock. */
    function processes(n: number, clock: FakeClock, file = ledgerFile(dir, "tat", "acct|ap-guangzhou")): RequestSpacer[] {
        return Array.from({ length: n }, () => new RequestSpacer(limit, 0.1, clock, new SharedBudgetStore(file, { wallNow: () => clock.now() })));
    }

    it("two stores on one ledger act as one limiter: one burst of the limit between them, the rest one window later", async () => {
        const clock = new FakeClock();
        const [a, b] = processes(2, clock);
        const fromA = ask(a, clock, 7);
        await clock.advanceTo(0);
        const fromB = ask(b, clock, 7);
        await clock.advanceTo(0);
        assert.equal(fromA.filter((r) => r.slot).length, 7);
        assert.equal(fromB.filter((r) => r.slot).length, 3, "B gets only what A left of the burst");
        finish([...fromA, ...fromB], 0);
        await clock.advanceTo(1099);
        assert.equal(fromB.filter((r) => r.slot).length, 3, "nothing more within the window and its guard");
        await clock.advanceTo(1200);
        assert.deepEqual(
            fromB.map((r) => r.at),
            [0, 0, 0, 1100, 1100, 1100, 1100],
        );
    });

    it("a place another process holds open blocks until it closes, then frees a window after the cloud can have counted it", async () => {
        const clock = new FakeClock();
        const [a, b] = processes(2, clock);
        const fromA = ask(a, clock, 10);
        await clock.advanceTo(0);
        const fromB = ask(b, clock, 1);
        await clock.advanceTo(3000);
        assert.equal(fromB[0].slot, undefined, "ten places open in A: B waits, however long");
        finish(fromA.slice(0, 1), 3000);
        await clock.advanceTo(10_000);
        assert.equal(fromB[0].at, 4100, "B learns of A's answer by looking at the ledger, and goes one window after it");
    });

    it("serves the processes first come first served: a process that asked first is not overtaken by one that asked later", async () => {
        const clock = new FakeClock();
        const [a, b, c] = processes(3, clock);
        const first = ask(a, clock, 10);
        await clock.advanceTo(0);
        finish(first, 0);
        const fromB = ask(b, clock, 6);
        await clock.advanceTo(100);
        const fromC = ask(c, clock, 6);
        await clock.advanceTo(200);
        const moreB = ask(b, clock, 6);
        await clock.advanceTo(1100 + 4 * 25);
        assert.deepEqual(
            [fromB, fromC, moreB].map((rs) => rs.filter((r) => r.slot).length),
            [6, 4, 0],
            "B's first six, then C's, at the free burst",
        );
        finish([...fromB, ...fromC], 1100);
        await clock.advanceTo(2200 + 4 * 25);
        assert.deepEqual(
            [fromC, moreB].map((rs) => rs.filter((r) => r.slot).length),
            [6, 6],
        );
        assert.ok(Math.max(...fromC.map((r) => r.at!)) <= Math.min(...moreB.map((r) => r.at!)), "C's last two before B's later six");
    });

    it("shares the cut after a throttled answer: every process slows down", async () => {
        const clock = new FakeClock();
        const [a, b] = processes(2, clock);
        a.throttled();
        assert.equal(b.stats.allowed, 5);
        b.throttled(); // the same burst's answer in the other process
        assert.equal(a.stats.allowed, 5, "halved once per window, whoever heard it");
        const fromB = ask(b, clock, 10);
        await clock.advanceTo(0);
        assert.equal(fromB.filter((r) => r.slot).length, 5);
    });

    it("frees the places of a process that died holding them, as if they closed when it was found dead", async () => {
        const clock = new FakeClock();
        const file = ledgerFile(dir, "tat", "acct|r");
        const [a] = processes(1, clock, file);
        const held = ask(a, clock, 10);
        await clock.advanceTo(500);
        // The ledger as a process that was killed mid-request left it: its ten places open.
        const f = JSON.parse(fs.readFileSync(file, "utf8"));
        const pid = deadPid();
        f.open = f.open.map((p: Record<string, unknown>) => ({ ...p, o: `${pid}.dead`, p: pid }));
        f.line = [{ o: `${pid}.dead`, p: pid, h: f.open[0].h, s: 0, u: 1e12 }];
        fs.writeFileSync(file, JSON.stringify(f));
        assert.equal(held.length, 10);
        const [b] = processes(1, clock, file);
        const fromB = ask(b, clock, 10);
        await clock.advanceTo(5000);
        assert.deepEqual(new Set(fromB.map((r) => r.at)), new Set([1600]), "all ten one window (and guard) after 500, its dead turn in line no bar");
    });

    it("lets a place of another host lapse when its lease ends, not before", async () => {
        const clock = new FakeClock();
        const file = ledgerFile(dir, "tat", "acct|r");
        fs.writeFileSync(file, JSON.stringify({ v: 1, open: [{ i: "1", o: "1.other", p: 1, h: "otherhost000", u: 60_000 }], frees: [], line: [] }));
        const [a] = processes(1, clock, file);
        const reqs = ask(a, clock, 10);
        await clock.advanceTo(59_999);
        assert.equal(reqs.filter((r) => r.slot).length, 9, "the other host's place counts while its lease runs");
        await clock.advanceTo(62_000);
        // Seen gone at the first look after 60 000 (every 25 ms while every place is held), free one window after.
        assert.equal(reqs[9].at, 60_025 + 1100, "then frees one window after the lease ran out");
    });

    it("breaks a lock left by a dead process, and one held too long", async () => {
        const clock = new FakeClock();
        const file = ledgerFile(dir, "tat", "acct|r");
        const [a] = processes(1, clock, file);
        const host = await hostTag(dir);
        fs.writeFileSync(`${file}.lock`, `${deadPid()} ${host}`);
        const first = ask(a, clock, 1);
        await clock.advanceTo(0);
        assert.ok(first[0].slot, "the dead process's lock was broken");
        assert.equal(fs.existsSync(`${file}.lock`), false, "and the new one released");
        fs.writeFileSync(`${file}.lock`, `${process.pid} ${host}`);
        const old = (Date.now() - 2 * LOCK_STALE_MS) / 1000;
        fs.utimesSync(`${file}.lock`, old, old);
        const later = ask(a, clock, 1);
        await clock.advanceTo(0);
        assert.ok(later[0].slot, "a lock held for two seconds was broken");
        assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).open.length, 2, "and the ledger holds both places");
    });

    it("keeps no account id, key, region or endpoint in the ledger's file names or contents", async () => {
        const clock = new FakeClock();
        const scope = "AKIDsecretid0123456789abcdef|ap-guangzhou|http://127.0.0.1:4566";
        const [a, b] = processes(2, clock, ledgerFile(dir, "tat", scope));
        const reqs = [...ask(a, clock, 8), ...ask(b, clock, 8)];
        await clock.advanceTo(0);
        finish(reqs.slice(0, 3), 0);
        a.throttled();
        const names = fs.readdirSync(dir);
        assert.equal(names.length, 1);
        const text = names.join("\n") + fs.readFileSync(path.join(dir, names[0]), "utf8");
        assert.match(text, /"open":\[\{/, "the ledger holds open places");
        for (const part of ["AKIDsecretid", "0123456789abcdef", "guangzhou", "127.0.0.1", "4566"]) assert.ok(!text.includes(part), `${part} in the ledger`);
    });

    it("goes on alone, saying so once, when the ledger's directory goes away mid-run", async () => {
        const clock = new FakeClock();
        const store = new SharedBudgetStore(ledgerFile(dir, "tat", "acct|r"), { wallNow: () => clock.now() });
        const spacer = new RequestSpacer(limit, 0.1, clock, store);
        const before = ask(spacer, clock, 5);
        await clock.advanceTo(0);
        fs.rmSync(dir, { recursive: true });
        const after = ask(spacer, clock, 6);
        await clock.advanceTo(0);
        assert.equal([...before, ...after].filter((r) => r.slot).length, 10, "the five places it held still count");
        assert.match(
            spacer.takeNotice() ?? "",
            /^taskgate: the shared rate-limit ledger .*tat-[0-9a-f]{32}\.json failed \(ENOENT.*\); from now on this process keeps the limit on its own/,
        );
        assert.equal(spacer.takeNotice(), undefined, "said once");
    });

    it("removes ledger and lock files nobody touched for ten minutes, and keeps the rest", () => {
        const name = (n: number) => `tat-${String(n).repeat(32)}.json`;
        const files = [name(1), `${name(2)}.lock`, `${name(4)}.lock.123.abcdef01.stale`, name(5), "notes.txt"];
        for (const f of files) fs.writeFileSync(path.join(dir, f), "{}");
        const old = (Date.now() - SWEEP_AFTER_MS - 1000) / 1000;
        for (const f of files.filter((x) => x !== name(5))) fs.utimesSync(path.join(dir, f), old, old);
        prepareLedgerDir(dir, true);
        assert.deepEqual(fs.readdirSync(dir).sort(), ["notes.txt", name(5)]);
    });

    describe("choosing the directory", () => {
        it("takes rateLimitDir, then taskgate:rateLimitDir, then TASKGATE_RATE_LIMIT_DIR; off keeps the limit to the process", async () => {
            const env = { TASKGATE_RATE_LIMIT_DIR: path.join(dir, "from-env") };
            const fromEnv = createReadContext("tat", "choose|1", {}, { config: () => undefined, env });
            await fromEnv.spacer.acquire().then((s) => s.done());
            assert.equal(fs.readdirSync(path.join(dir, "from-env")).length, 1, "a ledger in the environment's directory");
            const fromConfig = createReadContext(
                "tat",
                "choose|2",
                {},
                { config: (k) => (k === "taskgate:rateLimitDir" ? path.join(dir, "from-config") : undefined), env },
            );
            await fromConfig.spacer.acquire().then((s) => s.done());
            assert.equal(fs.readdirSync(path.join(dir, "from-config")).length, 1, "the stack config before the environment");
            const fromOption = createReadContext("tat", "choose|3", { rateLimitDir: path.join(dir, "from-option") }, { config: () => undefined, env });
            await fromOption.spacer.acquire().then((s) => s.done());
            assert.equal(fs.readdirSync(path.join(dir, "from-option")).length, 1, "the read's option before both");
            const off = createReadContext("tat", "choose|4", {}, { config: () => undefined, env: { TASKGATE_RATE_LIMIT_DIR: "off" } });
            await off.spacer.acquire().then((s) => s.done());
            for (const d of [defaultLedgerDir(), path.join(dir, "from-env")])
                assert.equal(fs.existsSync(ledgerFile(d, "tat", "choose|4")), false, `off writes no ledger (${d})`);
        });

        it("reads on alone, saying so once in the read's log, when the default directory is not a private directory of this user", async () => {
            const tmpdir = process.env.TMPDIR;
            process.env.TMPDIR = dir;
            try {
                const cases = [
                    { make: (d: string) => fs.writeFileSync(d, ""), why: /is not a directory/ },
                    {
                        make: (d: string) => {
                            fs.mkdirSync(d);
                            fs.chmodSync(d, 0o777);
                        },
                        why: /belongs to another user or others may write to it/,
                    },
                ];
                for (const [i, c] of cases.entries()) {
                    fs.rmSync(defaultLedgerDir(), { recursive: true, force: true });
                    c.make(defaultLedgerDir());
                    const log = {
                        lines: [] as string[],
                        debug() {},
                        info() {},
                        warn(m: string) {
                            log.lines.push(m);
                        },
                    };
                    const ctx = createReadContext("tat", `fallback|${i}`, { log }, { config: () => undefined, env: {} });
                    for (let k = 0; k < 2; k++) await request(ctx, "DescribeInvocationTasks", async () => ({ body: {} }));
                    assert.equal(log.lines.length, 1, log.lines.join("\n"));
                    assert.match(
                        log.lines[0],
                        /^taskgate: the rate-limit ledger directory cannot be used \(.*\): tat requests are limited in this process only, not together with other processes on this machine; set TASKGATE_RATE_LIMIT_DIR to a directory to use, or to off$/,
                    );
                    assert.match(log.lines[0], c.why);
                }
            } finally {
                if (tmpdir === undefined) delete process.env.TMPDIR;
                else process.env.TMPDIR = tmpdir;
            }
        });

        it("refuses a relative path or a directory it cannot use, naming the setting, before any request", () => {
            assert.throws(
                () => createReadContext("tat", "bad|1", {}, { config: () => undefined, env: { TASKGATE_RATE_LIMIT_DIR: "ledgers" } }),
                (e: Error) => e instanceof TaskgateValidationError && /TASKGATE_RATE_LIMIT_DIR.*must be an absolute directory path, or off/.test(e.message),
            );
            assert.throws(
                () => createReadContext("tat", "bad|2", { rateLimitDir: "./x" }),
                (e: Error) => e instanceof TaskgateValidationError && /rateLimitDir.*must be an absolute directory path/.test(e.message),
            );
            const file = path.join(dir, "a-file");
            fs.writeFileSync(file, "");
            assert.throws(
                () => createReadContext("tat", "bad|3", {}, { config: (k) => (k === "taskgate:rateLimitDir" ? file : undefined), env: {} }),
                (e: Error) =>
                    e instanceof TaskgateValidationError &&
                    /taskgate:rateLimitDir.*must be a directory this process can create and write \(.*a-file is not a directory\), or off/.test(e.message),
            );
        });
    });
});
