/**
 * The taskgate cloud emulator: one HTTP server on 127.0.0.1 that stands in for Tencent Cloud
 * (TAT, MPS, Bare Metal API 3.0 and legacy v2) and Huawei Cloud (CPH, Workspace), faithfully
 * enough for the official SDKs to be driven against it.
 *
 * Every API request goes through the same pipeline, in this order:
 *
 *   read body -> route (frontend) -> authenticate -> rate limit -> faults -> handler
 *             -> latency -> write -> log
 *
 * so an authentication failure is always an authentication failure, a real throttle is
 * never hidden by a scripted fault, and latency applies to every answer of an API alike.
 *
 * ```ts
 * const emu = await startEmulator({ port: 0 });
 * emu.generate({ api: "tat", count: 500, seed: 7 });
 * // point an SDK at emu.url (see emulator/README.md), then:
 * await emu.close();
 * ```
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Writable } from "node:stream";
import { createGzip, type Gzip } from "node:zlib";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { handleAdmin } from "./admin";
import { defaultCredentials, KeyRing } from "./auth/keyring";
import { NonceCache } from "./auth/tencentLegacy";
import type { EmuResponse } from "./envelopes";
import { ApiError } from "./errors";
import { FaultPlan, type FiredFault } from "./faults";
import { huaweiNotFound, matchHuaweiRoute, prepareHuawei } from "./frontends/huawei";
import { prepareTencentApi3, TENCENT_MAX_BODY } from "./frontends/tencentApi3";
import { LEGACY_PATH, prepareTencentLegacy } from "./frontends/tencentLegacy";
import type { IncomingCall, Prepared, PreparedCall } from "./frontends/types";
import { generateRecords } from "./generate";
import { Prng } from "./prng";
import { SlidingWindowLimiter } from "./rateLimit";
import { Store } from "./store";
import {
    API_IDS,
    STORE_IDS,
    type ApiId,
    type ApiStats,
    type EmulatorConfig,
    type EmulatorConfigPatch,
    type EmulatorCredentials,
    type EmulatorStats,
    type FaultRule,
    type FaultState,
    type GenerateResult,
    type GenerateSpec,
    type Mutation,
    type MutationResult,
    type RequestLogEntry,
    type SeedData,
    type StoreId,
} from "./types";

export { EMULATOR_CREDENTIALS } from "./auth/keyring";
export type * from "./types";

/** Default per-API rate limits (requests per sliding second, per credential). */
export const DEFAULT_RATE_LIMITS: Readonly<Record<ApiId, number>> = {
    tat: 20,
    mps: 100,
    bm: 10,
    bmLegacy: 10,
    cph: 10,
    workspace: 10,
};

/** Options of {@link startEmulator}. */
export interface EmulatorOptions extends EmulatorConfigPatch {
    /** TCP port; 0 (default) picks a free one. */
    port?: number;
    /** Interface to bind; default 127.0.0.1. */
    host?: string;
    /** Replaces the default credentials per cloud (`tencent`, `huawei`, `huaweiTokens`). */
    credentials?: Partial<EmulatorCredentials>;
    /** Initial data: a {@link SeedData} object or the path of a JSON file holding one. */
    seed?: SeedData | string;
}

/** What {@link Emulator.reset} can reset. Default: all of them. */
export type ResetScope = "data" | "faults" | "stats" | "limits" | "config";

/** The result of seeding. */
export interface SeedResult {
    /** Records added or replaced, per store. */
    upserted: Record<StoreId, number>;
    generated: GenerateResult[];
}

/** A running emulator. */
export interface Emulator {
    /** `http://127.0.0.1:PORT` */
    readonly url: string;
    readonly port: number;
    /** The credentials this instance accepts. */
    readonly credentials: EmulatorCredentials;
    /** Adds (or, with `replace`, replaces the named stores' content with) wire-format records. */
    seed(data: SeedData, options?: { replace?: boolean }): SeedResult;
    /** Generates records deterministically (see {@link GenerateSpec}). */
    generate(spec: GenerateSpec | GenerateSpec[]): GenerateResult[];
    /** Inserts, removes or updates records at runtime. */
    mutate(mutation: Mutation | Mutation[]): MutationResult;
    /** Adds a fault rule; returns its id. */
    addFault(rule: FaultRule): string;
    /** Removes every fault rule. */
    clearFaults(): void;
    /** Fault rules with their counters. */
    faults(): FaultState[];
    /** Changes latency, rate limits, clock offset, quirks; returns the resulting config. */
    configure(patch: EmulatorConfigPatch): EmulatorConfig;
    /** The current configuration (a copy). */
    config(): EmulatorConfig;
    /** The emulator clock: real time plus the configured offset, epoch ms. */
    now(): number;
    /** The request log, oldest first (optionally one API's, optionally the last `limit`). */
    requests(filter?: { api?: ApiId | "unknown"; limit?: number }): RequestLogEntry[];
    /** Counters since start or the last reset. */
    stats(): EmulatorStats;
    /** Resets data, faults, counters and log, rate-limit windows and nonces, and/or config. */
    reset(scopes?: ResetScope[]): void;
    /** Stops listening, drops open connections and releases held responses. */
    close(): Promise<void>;
}

function initialConfig(options: EmulatorConfigPatch): EmulatorConfig {
    return applyPatch(
        {
            latency: {},
            rateLimits: { ...DEFAULT_RATE_LIMITS },
            clockOffsetMs: 0,
            quirks: { legacyCodeAsString: false, mpsRetentionHours: 168 },
            requestLogLimit: 10_000,
        },
        options,
    );
}

function applyPatch(base: EmulatorConfig, patch: EmulatorConfigPatch): EmulatorConfig {
    const next: EmulatorConfig = structuredClone(base);
    if (patch.latency !== undefined) next.latency = structuredClone(patch.latency);
    if (patch.rateLimits) {
        for (const [api, n] of Object.entries(patch.rateLimits)) {
            if (!API_IDS.includes(api as ApiId)) throw new Error(`unknown rate limit api: ${api}`);
            if (!(Number.isInteger(n) && (n as number) >= 0)) throw new Error(`rate limit for ${api} must be an integer >= 0`);
            next.rateLimits[api as ApiId] = n as number;
        }
    }
    if (patch.clockOffsetMs !== undefined) {
        if (!Number.isFinite(patch.clockOffsetMs)) throw new Error("clockOffsetMs must be a number");
        next.clockOffsetMs = patch.clockOffsetMs;
    }
    if (patch.quirks) next.quirks = { ...next.quirks, ...patch.quirks };
    if (patch.requestLogLimit !== undefined) {
        if (!(Number.isInteger(patch.requestLogLimit) && patch.requestLogLimit >= 0)) throw new Error("requestLogLimit must be >= 0");
        next.requestLogLimit = patch.requestLogLimit;
    }
    for (const spec of [next.latency, ...Object.values(next.latency.perApi ?? {})]) {
        if (spec && ((spec.fixedMs ?? 0) < 0 || (spec.jitterMs ?? 0) < 0)) throw new Error("latency must be >= 0");
    }
    return next;
}

function emptyStats(): Record<ApiId, ApiStats> {
    return Object.fromEntries(API_IDS.map((a) => [a, { requests: 0, ok: 0, errors: 0, throttled: 0, faults: 0 }])) as Record<ApiId, ApiStats>;
}

const MALFORMED_BODY = '{"Response":{"RequestId":"00000000-0000-0000-0000-000000000000","TotalCount":1,,"TaskSet":[{]';
const HTML_ERROR_PAGE =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>proxy</center>\r\n</body>\r\n</html>\r\n";

class EmulatorServer implements Emulator {
    readonly credentials: EmulatorCredentials;
    url = "";
    port = 0;

    private readonly server: Server;
    private readonly keys: KeyRing;
    private readonly store = new Store();
    private readonly faultPlan = new FaultPlan();
    private readonly limiter = new SlidingWindowLimiter();
    private readonly nonces = new NonceCache();
    private readonly jitter = new Prng("latency");
    private readonly holds = new Set<() => void>();
    private readonly startConfig: EmulatorConfig;
    private cfg: EmulatorConfig;
    private counters = emptyStats();
    private startedAt = new Date();
    private log: RequestLogEntry[] = [];
    private logSeq = 0;
    private closed = false;

    constructor(options: EmulatorOptions) {
        this.credentials = { ...defaultCredentials(), ...options.credentials };
        this.keys = new KeyRing(this.credentials);
        this.startConfig = initialConfig(options);
        this.cfg = structuredClone(this.startConfig);
        // A long keep-alive: a client polling every few seconds must not race the server closing
        // an idle socket (Node's 5 s default), which would show up as random "socket hang up".
        this.server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
            this.onRequest(req, res).catch((err: unknown) => {
                // A bug in the emulator itself: say so plainly rather than imitate a cloud.
                process.stderr.write(`taskgate emulator: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
                if (!res.headersSent && !res.destroyed) {
                    res.writeHead(500, { "Content-Type": "text/plain" });
                    res.end("taskgate emulator internal error\n");
                }
            });
        });
    }

    async listen(port: number, host: string): Promise<void> {
        await new Promise<void>((resolve, reject) => {
            this.server.once("error", reject);
            this.server.listen(port, host, () => {
                this.server.off("error", reject);
                resolve();
            });
        });
        const addr = this.server.address() as AddressInfo;
        this.port = addr.port;
        this.url = `http://${host.includes(":") ? `[${host}]` : host}:${addr.port}`;
    }

    // ------------------------------------------------------------------------------- public API

    now(): number {
        return Date.now() + this.cfg.clockOffsetMs;
    }

    seed(data: SeedData, options: { replace?: boolean } = {}): SeedResult {
        if (!data || typeof data !== "object") throw new Error("seed data must be an object");
        const upserted = Object.fromEntries(STORE_IDS.map((s) => [s, 0])) as Record<StoreId, number>;
        const nowMs = this.now();
        for (const key of Object.keys(data)) {
            if (key !== "generate" && !STORE_IDS.includes(key as StoreId)) throw new Error(`unknown seed key: ${key}`);
        }
        for (const id of STORE_IDS) {
            const rows = data[id];
            if (rows === undefined) continue;
            if (!Array.isArray(rows)) throw new Error(`seed.${id} must be an array`);
            const collection = this.store.collection(id);
            if (options.replace) collection.clear();
            upserted[id] = collection.upsert(rows as Array<Record<string, unknown>>, nowMs).length;
        }
        const generated = data.generate ? this.generate(data.generate) : [];
        return { upserted, generated };
    }

    generate(spec: GenerateSpec | GenerateSpec[]): GenerateResult[] {
        const specs = Array.isArray(spec) ? spec : [spec];
        const nowMs = this.now();
        const batches = specs.map((s) => ({ s, batch: generateRecords(s, nowMs) }));
        return batches.map(({ s, batch }) => {
            const collection = this.store.collection(batch.api);
            if (s.replace) collection.clear();
            const ids = collection.upsert(batch.records, nowMs);
            return { api: batch.api, count: ids.length, ids, groups: batch.groups };
        });
    }

    mutate(mutation: Mutation | Mutation[]): MutationResult {
        const list = Array.isArray(mutation) ? mutation : [mutation];
        const out: MutationResult = { inserted: 0, removed: 0, updated: 0, missing: [] };
        const nowMs = this.now();
        for (const m of list) {
            const collection = this.store.collection(m.api);
            switch (m.op) {
                case "insert":
                    if (!Array.isArray(m.records)) throw new Error("insert needs records[]");
                    out.inserted += collection.upsert(m.records, nowMs).length;
                    break;
                case "remove": {
                    if (!Array.isArray(m.ids)) throw new Error("remove needs ids[]");
                    const r = collection.remove(m.ids);
                    out.removed += r.removed;
                    out.missing.push(...r.missing);
                    break;
                }
                case "update": {
                    if (!Array.isArray(m.ids)) throw new Error("update needs ids[]");
                    const r = collection.update(m.ids, m.patch, m.transitions, nowMs);
                    out.updated += r.updated;
                    out.missing.push(...r.missing);
                    break;
                }
                default:
                    throw new Error(`unknown mutation op: ${String((m as { op?: unknown }).op)}`);
            }
        }
        return out;
    }

    addFault(rule: FaultRule): string {
        return this.faultPlan.add(rule);
    }

    clearFaults(): void {
        this.faultPlan.clear();
    }

    faults(): FaultState[] {
        return this.faultPlan.list();
    }

    configure(patch: EmulatorConfigPatch): EmulatorConfig {
        this.cfg = applyPatch(this.cfg, patch ?? {});
        if (this.log.length > this.cfg.requestLogLimit) this.log = this.log.slice(this.log.length - this.cfg.requestLogLimit);
        return this.config();
    }

    config(): EmulatorConfig {
        return structuredClone(this.cfg);
    }

    requests(filter: { api?: ApiId | "unknown"; limit?: number } = {}): RequestLogEntry[] {
        // The log array may hold up to twice the limit (trimmed in batches); show only the limit.
        const log = this.log.slice(Math.max(0, this.log.length - this.cfg.requestLogLimit));
        let out = filter.api ? log.filter((e) => e.api === filter.api) : log;
        if (filter.limit !== undefined && filter.limit >= 0) out = out.slice(Math.max(0, out.length - filter.limit));
        return out.map((e) => structuredClone(e));
    }

    stats(): EmulatorStats {
        return {
            startedAt: this.startedAt.toISOString(),
            apis: structuredClone(this.counters),
            faults: this.faultPlan.list(),
            records: this.store.counts(),
        };
    }

    reset(scopes: ResetScope[] = ["data", "faults", "stats", "limits", "config"]): void {
        for (const scope of scopes) {
            switch (scope) {
                case "data":
                    this.store.clear();
                    break;
                case "faults":
                    this.faultPlan.clear();
                    break;
                case "stats":
                    this.counters = emptyStats();
                    this.log = [];
                    this.startedAt = new Date();
                    break;
                case "limits":
                    this.limiter.clear();
                    this.nonces.clear();
                    break;
                case "config":
                    this.cfg = structuredClone(this.startConfig);
                    break;
                default:
                    throw new Error(`unknown reset scope: ${String(scope)}`);
            }
        }
    }

    async close(): Promise<void> {
        if (this.closed) return;
        this.closed = true;
        for (const release of this.holds) release();
        this.holds.clear();
        const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
        this.server.closeAllConnections();
        await done;
    }

    // --------------------------------------------------------------------------------- pipeline

    private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const started = performance.now();
        const url = req.url ?? "/";
        const q = url.indexOf("?");
        const path = q < 0 ? url : url.slice(0, q);
        const rawQuery = q < 0 ? "" : url.slice(q + 1);
        const body = await readBody(req, TENCENT_MAX_BODY);
        if (body === "aborted") return; // the client went away mid-body: nothing to answer
        if (body === "tooLarge") {
            res.writeHead(413, { "Content-Type": "text/plain", Connection: "close" });
            res.end("Request Entity Too Large\n");
            return;
        }
        if (path === "/_emulator" || path.startsWith("/_emulator/")) {
            handleAdmin(this, req, res, path, rawQuery, body);
            return;
        }

        const tencent = path === "/" || path === LEGACY_PATH;
        const call: IncomingCall = {
            method: req.method ?? "GET",
            path,
            rawQuery,
            headers: req.headers,
            body,
            // Tencent request ids are UUIDs; Huawei's are 32 hex characters.
            requestId: tencent ? randomUUID() : randomUUID().replace(/-/g, ""),
        };
        const deps = { keys: this.keys, config: this.cfg, nonces: this.nonces, nowMs: this.now() };
        let prepared: Prepared;
        if (path === LEGACY_PATH) prepared = prepareTencentLegacy(call, deps);
        else if (path === "/") prepared = prepareTencentApi3(call, deps);
        else {
            const route = matchHuaweiRoute(path);
            prepared = route ? prepareHuawei(call, deps, route) : huaweiNotFound(call);
        }

        const entry: RequestLogEntry = {
            seq: 0,
            time: new Date(deps.nowMs).toISOString(),
            api: prepared.api ?? "unknown",
            action: prepared.action,
            method: call.method,
            path,
            status: 0,
            code: "",
            throttled: false,
            durationMs: 0,
            credential: prepared.credential ?? "",
            params: prepared.params ?? {},
            requestId: call.requestId,
        };

        let response: EmuResponse | undefined;
        if (prepared.kind === "reject") {
            response = prepared.envelope.fail(prepared.error);
        } else {
            response = await this.runCall(prepared, entry, req, res, deps.nowMs);
        }
        if (response) {
            const api = prepared.api;
            if (api) await this.delay(api);
            if (response.dripMs !== undefined) await this.drip(res, response, response.dripMs);
            else if (response.huge) await this.stream(res, response.huge);
            else write(res, response);
            entry.status = response.status;
            entry.code = response.code;
        }
        this.record(entry, prepared.api, started);
    }

    /** Rate limit, faults, handler. Returns undefined when the connection was dropped on purpose. */
    private async runCall(
        call: PreparedCall,
        entry: RequestLogEntry,
        req: IncomingMessage,
        res: ServerResponse,
        nowMs: number,
    ): Promise<EmuResponse | undefined> {
        const limit = this.cfg.rateLimits[call.api];
        const inWindow = this.limiter.tryAcquire(`${call.api}\n${call.limiterKey}`, limit);
        if (inWindow > 0) {
            entry.throttled = true;
            return call.envelope.throttled(limit, inWindow + 1);
        }

        const fault = this.faultPlan.take(call.api, call.params);
        if (fault) entry.faulted = fault.kind;
        // A drift between two pages: the store changes first, then this request sees the new state.
        if (fault?.kind === "mutate") this.mutate(fault.mutation!);
        const ctx = {
            store: this.store,
            nowMs: fault?.kind === "mutate" ? this.now() : nowMs,
            config: this.cfg,
            requestId: entry.requestId,
            pageShift: fault?.kind === "duplicate" ? (fault.count ?? 1) : 0,
        };
        const normal = (): EmuResponse => {
            try {
                return call.envelope.ok(call.invoke(ctx));
            } catch (err) {
                if (err instanceof ApiError) return call.envelope.fail(err);
                throw err;
            }
        };
        if (!fault) return normal();
        return this.applyFault(fault, call, normal, req, res);
    }

    private async applyFault(
        fault: FiredFault,
        call: PreparedCall,
        normal: () => EmuResponse,
        req: IncomingMessage,
        res: ServerResponse,
    ): Promise<EmuResponse | undefined> {
        const json = (body: string): EmuResponse => ({ status: 200, headers: { "Content-Type": "application/json" }, body, code: "" });
        switch (fault.kind) {
            case "throttle": {
                // A scripted throttle on an unlimited API still names a limit, as the cloud's answer does.
                const limit = this.cfg.rateLimits[call.api] || 1;
                return call.envelope.throttled(limit, limit + 1);
            }
            case "http5xx":
                return call.envelope.serverError(fault.status ?? 503);
            case "internalError":
                return call.envelope.internalError();
            case "cloudError":
                return call.envelope.fail(new ApiError(fault.code!, fault.message!, fault.status ?? 400, {}, true));
            case "timeout": {
                const aborted = await this.hold(res, fault.delayMs);
                return aborted ? undefined : normal();
            }
            case "reset":
                req.socket.destroy();
                return undefined;
            case "malformed":
                return json(MALFORMED_BODY);
            case "truncated": {
                const full = normal();
                return { ...full, body: full.body.slice(0, Math.floor(full.body.length / 2)) };
            }
            case "wrongContentType":
                return { status: fault.status ?? 200, headers: { "Content-Type": "text/html" }, body: HTML_ERROR_PAGE, code: "" };
            case "empty":
                return json("");
            case "slowBody":
                return { ...normal(), dripMs: fault.delayMs ?? 30_000 };
            case "hugeBody":
                return {
                    ...json(""),
                    huge: { bytes: fault.bytes ?? 2 ** 31, chunked: fault.chunked === true || fault.gzip === true, gzip: fault.gzip === true },
                };
            case "duplicate":
            case "mutate":
                // Both change what the handler sees (a page moved back, a changed store), not the answer's form.
                return normal();
        }
    }

    /**
     * Writes the headers (with the full Content-Length) at once, then the body in small chunks every
     * 50 ms over `totalMs`: a response that is never idle long enough to trip a socket idle timeout,
     * yet takes `totalMs` to arrive. Stops when the client goes away (or close()).
     */
    private drip(res: ServerResponse, r: EmuResponse, totalMs: number): Promise<void> {
        if (res.destroyed || res.headersSent) return Promise.resolve();
        const body = Buffer.from(r.body);
        res.writeHead(r.status, { ...r.headers, "Content-Length": body.length });
        res.flushHeaders();
        const tickMs = 50;
        const ticks = Math.max(1, Math.floor(totalMs / tickMs));
        const size = Math.max(1, Math.ceil(body.length / ticks));
        return new Promise((resolve) => {
            let sent = 0;
            let timer: NodeJS.Timeout | undefined;
            const finish = () => {
                if (timer) clearTimeout(timer);
                res.off("close", finish);
                this.holds.delete(finish);
                resolve();
            };
            const tick = () => {
                if (res.destroyed) return finish();
                const next = body.subarray(sent, sent + size);
                sent += next.length;
                if (sent >= body.length) {
                    res.end(next);
                    return finish();
                }
                res.write(next);
                timer = setTimeout(tick, tickMs);
            };
            res.on("close", finish);
            this.holds.add(finish);
            timer = setTimeout(tick, tickMs);
        });
    }

    /**
     * Writes a 200 JSON answer of `bytes` bytes made up on the fly (`{"padding":"aaa...a"}`), at the
     * pace the client reads it, gzipped if asked: what a proxy gone wrong or a runaway output could
     * send. Stops when the client goes away (or close()); never holds more than a chunk.
     */
    private stream(res: ServerResponse, huge: NonNullable<EmuResponse["huge"]>): Promise<void> {
        if (res.destroyed || res.headersSent) return Promise.resolve();
        const head = Buffer.from('{"padding":"');
        const tail = Buffer.from('"}');
        const filler = Buffer.alloc(64 * 1024, "a");
        const headers: Record<string, string | number> = { "Content-Type": "application/json" };
        if (!huge.chunked) headers["Content-Length"] = huge.bytes;
        if (huge.gzip) headers["Content-Encoding"] = "gzip";
        res.writeHead(200, headers);
        const out: Writable = huge.gzip ? createGzip() : res;
        if (huge.gzip) (out as Gzip).pipe(res);
        return new Promise((resolve) => {
            let left = huge.bytes;
            let done = false;
            const finish = () => {
                if (done) return;
                done = true;
                res.off("close", finish);
                this.holds.delete(finish);
                if (huge.gzip) (out as Gzip).destroy();
                resolve();
            };
            const pump = () => {
                while (!done && !res.destroyed) {
                    if (left <= 0) {
                        out.end();
                        return finish();
                    }
                    const piece =
                        left === huge.bytes
                            ? head
                            : left <= tail.length
                              ? tail.subarray(tail.length - left)
                              : filler.subarray(0, Math.min(filler.length, left - tail.length));
                    left -= piece.length;
                    if (!out.write(piece)) return void out.once("drain", pump);
                }
                finish();
            };
            res.on("close", finish);
            this.holds.add(finish);
            pump();
        });
    }

    /** Holds a response for `delayMs`, or until the client (or close()) ends it. True if it ended. */
    private hold(res: ServerResponse, delayMs: number | undefined): Promise<boolean> {
        return new Promise((resolve) => {
            let timer: NodeJS.Timeout | undefined;
            const finish = (aborted: boolean) => {
                if (timer) clearTimeout(timer);
                res.off("close", onClose);
                this.holds.delete(onRelease);
                resolve(aborted);
            };
            const onClose = () => finish(true);
            const onRelease = () => finish(true);
            res.on("close", onClose);
            this.holds.add(onRelease);
            if (delayMs !== undefined) timer = setTimeout(() => finish(false), delayMs);
        });
    }

    private delay(api: ApiId): Promise<void> {
        const global = this.cfg.latency;
        const own = global.perApi?.[api] ?? {};
        const fixed = own.fixedMs ?? global.fixedMs ?? 0;
        const jitter = own.jitterMs ?? global.jitterMs ?? 0;
        const ms = fixed + (jitter > 0 ? this.jitter.next() * jitter : 0);
        return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
    }

    private record(entry: RequestLogEntry, api: ApiId | undefined, started: number): void {
        entry.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
        if (api) {
            const c = this.counters[api];
            c.requests++;
            if (entry.throttled) c.throttled++;
            if (entry.faulted) c.faults++;
            // A `mutate` fault changes the data, not the answer: that answer is a success.
            if (entry.status === 200 && entry.code === "" && (!entry.faulted || entry.faulted === "mutate")) c.ok++;
            else c.errors++;
        }
        if (this.cfg.requestLogLimit === 0) return;
        entry.seq = ++this.logSeq;
        this.log.push(entry);
        if (this.log.length > this.cfg.requestLogLimit * 2) this.log = this.log.slice(this.log.length - this.cfg.requestLogLimit);
    }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "tooLarge" | "aborted"> {
    return new Promise((resolve) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size <= limit) chunks.push(chunk);
        });
        req.on("end", () => resolve(size > limit ? "tooLarge" : Buffer.concat(chunks)));
        req.on("error", () => resolve("aborted"));
        req.on("close", () => {
            if (!req.complete) resolve("aborted");
        });
    });
}

function write(res: ServerResponse, r: EmuResponse): void {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(r.status, { ...r.headers, "Content-Length": Buffer.byteLength(r.body) });
    res.end(r.body);
}

/**
 * Starts an emulator. Resolves once it listens.
 *
 * @example
 * ```ts
 * const emu = await startEmulator({ port: 0, rateLimits: { tat: 0 } });
 * emu.seed({ tat: [{ InvocationTaskId: "invt-abc12345", TaskStatus: "RUNNING" }] });
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const emu = new EmulatorServer(options);
    if (options.seed !== undefined) {
        const data: SeedData = typeof options.seed === "string" ? JSON.parse(readFileSync(options.seed, "utf8")) : options.seed;
        emu.seed(data);
    }
    await emu.listen(options.port ?? 0, options.host ?? "127.0.0.1");
    return emu;
}
