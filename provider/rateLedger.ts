import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BudgetState, BudgetStore, OpenPlace, WaitingSpacer } from "./rateLimit";
import type { ApiName } from "./types";

/**
 * A budget shared by every process on this machine that reads one API with one account in one
 * region: a small JSON ledger per API and scope in a directory (by default one per user under the
 * system's temporary folder), changed under a lock file. The Pulumi program (data sources), the
 * dynamic provider (gates, snapshots) and `taskgate` runs each have their own limiter; through the
 * ledger they count each other's requests, so together they keep the cloud's limit.
 *
 * - The file's name is the API and a hash of the scope: no account id, key or region appears in a
 *   name or in the file, which holds only times, process ids and random owner names.
 * - Every change is a read, change and write under the lock, in one synchronous step of about a
 *   tenth of a millisecond; a process killed at any moment leaves a whole ledger (see writeInPlace).
 * - A lock left by a process that died (or has held it for a second) is broken; the places a dead
 *   process held free as if closed when it was found dead, and its turn in line lapses.
 */

/** How long a place stays held by a process that no longer says it holds it (another host, or a process id reused). */
export const PLACE_LEASE_MS = 60_000;

/** A lock held this long is broken: holders keep it for one synchronous read and write. */
export const LOCK_STALE_MS = 1000;

/** Files of the ledger's directory untouched this long are removed: nothing in them still counts. */
export const SWEEP_AFTER_MS = 10 * 60_000;

/** The ledger file: times in milliseconds since the epoch, as every process on the machine reads them. */
interface LedgerFile {
    v: 1;
    /** Open places: id, owner, process id, host tag, lease end. */
    open: Array<{ i: string; o: string; p: number; h: string; u: number }>;
    frees: number[];
    /** The cut limit, and when it was cut. */
    cut?: { n: number; t: number };
    /** Waiting spacers: owner, process id, host tag, since, until. */
    line: Array<{ o: string; p: number; h: string; s: number; u: number }>;
}

const EMPTY: LedgerFile = { v: 1, open: [], frees: [], line: [] };

/** Tells this machine's processes from another's sharing the directory, whose process ids mean nothing here. */
const HOST = createHash("sha256").update(`taskgate host\n${os.hostname()}`).digest("hex").slice(0, 12);

/** The file of one API and scope in `dir`: the scope (account id, region, endpoint) only as a hash. */
export function ledgerFile(dir: string, api: ApiName, scope: string): string {
    const hash = createHash("sha256").update(`taskgate rate limit\n${api}\n${scope}`).digest("hex").slice(0, 32);
    return path.join(dir, `${api}-${hash}.json`);
}

/** The default directory: one per user under the system's temporary folder. */
export function defaultLedgerDir(): string {
    const user = process.getuid?.() ?? os.userInfo().username.replace(/[^A-Za-z0-9_-]/g, "_");
    return path.join(os.tmpdir(), `taskgate-ratelimit-${user}`);
}

/**
 * Makes sure `dir` can hold ledgers: creates it (private to the user) if missing, and checks it is a
 * writable directory. The default directory sits in a folder every user can write, so there it must
 * also be this user's own and closed to others, or another user could slow this one's reads down.
 * @throws Error saying what is wrong
 */
export function prepareLedgerDir(dir: string, mustBeOwn: boolean): void {
    try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new Error(`${dir} is not a directory`);
        throw e;
    }
    // A link in the shared folder may point anywhere; one the user chose is theirs to follow.
    const st = mustBeOwn ? fs.lstatSync(dir) : fs.statSync(dir);
    if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
    const uid = process.getuid?.();
    if (mustBeOwn && uid !== undefined && (st.uid !== uid || (st.mode & 0o022) !== 0)) {
        throw new Error(`${dir} belongs to another user or others may write to it`);
    }
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.W_OK);
    sweepOnce(dir);
}

const swept = new Set<string>();

/** Removes, once per process and directory, what nobody has touched for {@link SWEEP_AFTER_MS}. */
function sweepOnce(dir: string): void {
    if (swept.has(dir)) return;
    swept.add(dir);
    const now = Date.now();
    for (const name of fs.readdirSync(dir)) {
        if (!/^[a-zA-Z]+-[0-9a-f]{32}\.json(\.lock(\.[0-9a-f.]+\.stale)?)?$/.test(name)) continue;
        const file = path.join(dir, name);
        const st = statOrUndefined(file);
        if (!st || now - st.mtimeMs < SWEEP_AFTER_MS) continue;
        if (!name.endsWith(".json")) {
            unlinkIfThere(file);
            continue;
        }
        // A ledger is removed under its lock, lest a process write it again meanwhile.
        const lock = tryLock(`${file}.lock`);
        if (lock === undefined) continue;
        try {
            const again = statOrUndefined(file);
            if (again && now - again.mtimeMs >= SWEEP_AFTER_MS) unlinkIfThere(file);
        } finally {
            unlock(`${file}.lock`, lock);
        }
    }
}

/** Options of a {@link SharedBudgetStore}. */
export interface SharedStoreOptions {
    /** The clock every process reads alike; tests drive it by hand. Default `Date.now`. */
    wallNow?: () => number;
}

/**
 * A {@link BudgetStore} in a ledger file shared by every process that opens the same file. When the
 * ledger fails mid-run (the disk, the directory removed), the store keeps the state it last had in
 * memory, for this process alone, and says so once.
 */
export class SharedBudgetStore implements BudgetStore {
    readonly shared = true;
    readonly owner = `${process.pid}.${randomBytes(4).toString("hex")}`;
    private readonly wallNow: () => number;
    /** Set when the ledger could not be used: the state from then on, this process's alone. */
    private fallback?: BudgetState;
    /** The state after the last transaction, to go on from if the ledger fails. */
    private last?: BudgetState;
    private notice?: string;
    /** Foreign entries as read, to write back unchanged. */
    private raw = new WeakMap<object, unknown>();

    constructor(
        readonly file: string,
        options: SharedStoreOptions = {},
    ) {
        this.wallNow = options.wallNow ?? Date.now;
    }

    transact<T>(now: number, change: (state: BudgetState) => T): T {
        if (this.fallback) return change(this.fallback);
        let state: BudgetState | undefined;
        let done: { result: T } | undefined;
        let lock: number | undefined;
        try {
            try {
                lock = lockOrBreak(`${this.file}.lock`);
                const wall = this.wallNow();
                const offset = wall - now;
                const fd = fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
                try {
                    const text = readWhole(fd);
                    state = this.toState(parseLedger(text), offset, wall);
                    done = { result: change(state) };
                    const next = JSON.stringify(this.toFile(state, offset, wall));
                    if (next !== text.trimEnd()) writeInPlace(fd, next, text.length);
                } finally {
                    fs.closeSync(fd);
                }
                this.last = state;
            } finally {
                if (lock !== undefined) unlock(`${this.file}.lock`, lock);
            }
        } catch (e) {
            this.goAlone(e, state);
        }
        return done ? done.result : change(this.fallback!);
    }

    /**
     * After a failure of the file system, keeps the budget in memory for this process from now on,
     * starting from `state` (this transaction's, when it got that far) or the last one.
     */
    private goAlone(e: unknown, state: BudgetState | undefined): void {
        if (!isFsError(e)) throw e;
        this.fallback ??= state ?? this.last ?? { open: [], frees: [], line: [] };
        this.notice ??=
            `taskgate: the shared rate-limit ledger ${this.file} failed (${(e as Error).message}); from now on this process keeps the limit ` +
            "on its own, without counting other processes' requests";
    }

    takeNotice(): string | undefined {
        const n = this.notice;
        this.notice = undefined;
        return n;
    }

    /** The ledger in the spacer's time: shared times less `offset`; whose entries are whose, and which holders are gone. */
    private toState(f: LedgerFile, offset: number, wall: number): BudgetState {
        const open = f.open.map((r) =>
            this.keep<OpenPlace>(r, { id: r.i, mine: r.o === this.owner, gone: r.o !== this.owner && (r.u < wall || !alive(r.p, r.h)) }),
        );
        const line = f.line.map((r) =>
            this.keep<WaitingSpacer>(r, {
                mine: r.o === this.owner,
                since: r.s - offset,
                until: r.u - offset,
                gone: r.o !== this.owner && !alive(r.p, r.h),
                owner: r.o,
            }),
        );
        return { open, frees: f.frees.map((t) => t - offset), cut: f.cut && { allowed: f.cut.n, at: f.cut.t - offset }, line };
    }

    private keep<T extends object>(raw: unknown, entry: T): T {
        this.raw.set(entry, raw);
        return entry;
    }

    /** The state as the ledger holds it: this process's entries renewed, the others' as they were. */
    private toFile(s: BudgetState, offset: number, wall: number): LedgerFile {
        const me = { o: this.owner, p: process.pid, h: HOST };
        return {
            v: 1,
            open: s.open.map((x) => (x.mine ? { i: x.id, ...me, u: wall + PLACE_LEASE_MS } : (this.raw.get(x) as LedgerFile["open"][number]))),
            // Rounded up: a place frees no earlier than its holder said.
            frees: s.frees.map((t) => Math.ceil(t + offset)),
            cut: s.cut && { n: s.cut.allowed, t: Math.round(s.cut.at + offset) },
            line: s.line.map((x) =>
                x.mine ? { ...me, s: Math.round(x.since + offset), u: Math.round(x.until + offset) } : (this.raw.get(x) as LedgerFile["line"][number]),
            ),
        };
    }
}

/** A ledger's text as data; a missing or unreadable one is empty (it is rewritten whole at the next change). */
function parseLedger(text: string | undefined): LedgerFile {
    if (text === undefined) return EMPTY;
    let f: Partial<LedgerFile>;
    try {
        f = JSON.parse(text);
    } catch {
        return EMPTY; // not JSON: written by something else; the next change replaces it
    }
    const ok = f && f.v === 1 && Array.isArray(f.open) && Array.isArray(f.frees) && Array.isArray(f.line);
    return ok ? (f as LedgerFile) : EMPTY;
}

const liveness = new Map<number, { alive: boolean; at: number }>();

/** Whether the process `pid` of host `host` may still be running (another host's cannot be told: yes). */
function alive(pid: number, host: string): boolean {
    if (host !== HOST || pid === process.pid) return true;
    const now = Date.now();
    const known = liveness.get(pid);
    if (known && now - known.at < 1000) return known.alive;
    let yes = true;
    try {
        process.kill(pid, 0);
    } catch (e) {
        yes = (e as NodeJS.ErrnoException).code !== "ESRCH";
    }
    liveness.set(pid, { alive: yes, at: now });
    return yes;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Takes the lock file `lock`, waiting (synchronously: holders keep it for a moment) while another
 * process holds it, and breaking it when its holder died or has held it for {@link LOCK_STALE_MS}.
 * @returns the lock's open descriptor, which pins its inode until {@link unlock}
 */
function lockOrBreak(lock: string): number {
    const started = Date.now();
    for (;;) {
        const fd = tryLock(lock);
        if (fd !== undefined) return fd;
        breakIfStale(lock);
        if (Date.now() - started > 5 * LOCK_STALE_MS) throw Object.assign(new Error(`${lock} stays locked`), { code: "ETIMEDOUT" });
        Atomics.wait(pause, 0, 0, 0.2 + Math.random() * 0.8);
    }
}

/** Creates the lock file, holding this process's id and host; undefined when another holds it. */
function tryLock(lock: string): number | undefined {
    let fd: number;
    try {
        fd = fs.openSync(lock, "wx", 0o600);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST") return undefined;
        throw e;
    }
    try {
        fs.writeSync(fd, `${process.pid} ${HOST}`);
    } catch (e) {
        fs.closeSync(fd);
        unlinkIfThere(lock);
        throw e;
    }
    return fd;
}

/** Releases a lock taken with {@link tryLock}, unless it was broken and another now holds the name. */
function unlock(lock: string, fd: number): void {
    try {
        const st = statOrUndefined(lock);
        if (st && st.ino === fs.fstatSync(fd).ino) unlinkIfThere(lock);
    } finally {
        fs.closeSync(fd);
    }
}

/**
 * Breaks `lock` when its holder is dead or has held it too long. It is moved aside first, and put
 * back if what was moved turns out to be a lock taken in the meantime (another process broke the
 * stale one first): only a lock seen stale is ever removed.
 */
function breakIfStale(lock: string): void {
    let fd: number;
    try {
        fd = fs.openSync(lock, "r");
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
        throw e;
    }
    try {
        const st = fs.fstatSync(fd);
        const [pid, host] = fs.readFileSync(fd, "utf8").split(" ");
        const dead = pid !== undefined && host !== undefined && !alive(Number(pid), host);
        if (!dead && Date.now() - st.mtimeMs < LOCK_STALE_MS) return;
        const aside = `${lock}.${process.pid}.${randomBytes(4).toString("hex")}.stale`;
        try {
            fs.renameSync(lock, aside);
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
            throw e;
        }
        if (fs.statSync(aside).ino !== st.ino) linkUnlessTaken(aside, lock);
        unlinkIfThere(aside);
    } finally {
        fs.closeSync(fd);
    }
}

/** Puts a lock moved aside by mistake back, unless yet another process has taken the lock since. */
function linkUnlessTaken(from: string, to: string): void {
    try {
        fs.linkSync(from, to);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
}

/** The file's whole text, from its start. */
function readWhole(fd: number): string {
    const buf = Buffer.alloc(fs.fstatSync(fd).size);
    let got = 0;
    while (got < buf.length) {
        const n = fs.readSync(fd, buf, got, buf.length - got, got);
        if (n === 0) break;
        got += n;
    }
    return buf.toString("utf8", 0, got);
}

/**
 * Writes the ledger over the old one in a single write from the file's start, padded with spaces
 * (which JSON ignores) to the old length, so no truncation is needed: a process killed at any
 * moment leaves the old ledger or the new one, whole, as the kernel copies one page (4 KiB, some
 * fifty open places) at once. A larger one killed between two pages reads as empty and is written
 * anew: its places are forgotten for at most a window. A rename into place would leave no such
 * gap but costs a new file each time, four times the price of the rest of a change.
 */
function writeInPlace(fd: number, text: string, oldLength: number): void {
    const bytes = Buffer.byteLength(text);
    fs.writeSync(fd, bytes < oldLength ? text + " ".repeat(oldLength - bytes) : text, 0, "utf8");
    // A ledger that was once large (a burst of places) shrinks when it is mostly padding.
    if (oldLength > 8192 && oldLength > 2 * bytes) fs.ftruncateSync(fd, bytes);
}

function statOrUndefined(file: string): fs.Stats | undefined {
    try {
        return fs.statSync(file);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw e;
    }
}

function unlinkIfThere(file: string): void {
    try {
        fs.unlinkSync(file);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
}

/** An error of the file system (it carries a code such as ENOENT or EACCES), as opposed to a bug. */
function isFsError(e: unknown): boolean {
    return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string";
}
