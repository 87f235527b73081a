/**
 * The taskgate cloud emulator's server factory: one HTTP server on 127.0.0.1 that stands in for
 * Tencent Cloud (TAT, MPS, Bare Metal API 3.0 and legacy v2) and Huawei Cloud (CPH, Workspace),
 * faithfully enough for the official SDKs to be driven against it.
 *
 * This file owns the emulator's state and its programmatic API (api.ts); the request pipeline
 * (pipeline.ts) serves the clouds' APIs and the admin API (admin.ts) the same calls over JSON.
 * Like Azurite: handlers/ (one per API), auth/ (the signature verifiers), store/ (records and
 * timelines), errors.ts, middlewares/ (rate limits, faults, latency, slow and huge bodies).
 *
 * ```ts
 * const emu = await startEmulator({ port: 0 });
 * emu.generate({ api: "tat", count: 500, seed: 7 });
 * // point an SDK at emu.url (see emulator/README.md), then:
 * await emu.close();
 * ```
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { handleAdmin } from "./admin";
import type { Emulator, EmulatorOptions, ResetScope, SeedResult } from "./api";
import { defaultCredentials, KeyRing } from "./auth/keyring";
import { NonceCache } from "./auth/tencentLegacy";
import { applyPatch, initialConfig } from "./config";
import { FaultPlan } from "./middlewares/faults";
import { Latency } from "./middlewares/latency";
import { SlidingWindowLimiter } from "./middlewares/rateLimit";
import { HeldResponses } from "./middlewares/responses";
import { createRequestListener } from "./pipeline";
import { RequestLog } from "./requestLog";
import { Store } from "./store";
import type {
    ApiId,
    EmulatorConfig,
    EmulatorConfigPatch,
    EmulatorCredentials,
    EmulatorStats,
    FaultRule,
    FaultState,
    GenerateResult,
    GenerateSpec,
    Mutation,
    MutationResult,
    RequestLogEntry,
    SeedData,
} from "./types";

export type * from "./api";
export { clientEnv, EMULATOR_CREDENTIALS, EMULATOR_REGIONS } from "./auth/keyring";
export { DEFAULT_RATE_LIMITS } from "./config";
export type * from "./types";

class EmulatorServer implements Emulator {
    readonly credentials: EmulatorCredentials;
    url = "";
    port = 0;

    private readonly server: Server;
    private readonly store = new Store();
    private readonly faultPlan = new FaultPlan();
    private readonly limiter = new SlidingWindowLimiter();
    private readonly nonces = new NonceCache();
    private readonly holds = new HeldResponses();
    private readonly log = new RequestLog();
    private readonly startConfig: EmulatorConfig;
    private cfg: EmulatorConfig;
    private closed = false;

    constructor(options: EmulatorOptions) {
        this.credentials = { ...defaultCredentials(), ...options.credentials };
        this.startConfig = initialConfig(options);
        this.cfg = structuredClone(this.startConfig);
        const listener = createRequestListener({
            keys: new KeyRing(this.credentials),
            nonces: this.nonces,
            store: this.store,
            faults: this.faultPlan,
            limiter: this.limiter,
            latency: new Latency(),
            log: this.log,
            holds: this.holds,
            config: () => this.cfg,
            now: () => this.now(),
            mutate: (m) => this.mutate(m),
            admin: (req, res, path, rawQuery, body) => handleAdmin(this, req, res, path, rawQuery, body),
        });
        // A long keep-alive: a client polling every few seconds must not race the server closing
        // an idle socket (Node's 5 s default), which would show up as random "socket hang up".
        this.server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
            listener(req, res).catch((err: unknown) => {
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
        return this.store.seed(data, this.now(), options.replace === true);
    }

    generate(spec: GenerateSpec | GenerateSpec[]): GenerateResult[] {
        return this.store.generate(Array.isArray(spec) ? spec : [spec], this.now());
    }

    mutate(mutation: Mutation | Mutation[]): MutationResult {
        return this.store.mutate(Array.isArray(mutation) ? mutation : [mutation], this.now());
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
        this.log.trim(this.cfg.requestLogLimit);
        return this.config();
    }

    config(): EmulatorConfig {
        return structuredClone(this.cfg);
    }

    requests(filter: { api?: ApiId | "unknown"; limit?: number } = {}): RequestLogEntry[] {
        return this.log.list(this.cfg.requestLogLimit, filter);
    }

    stats(): EmulatorStats {
        return {
            startedAt: this.log.startedAt.toISOString(),
            apis: this.log.apiStats(),
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
                    this.log.reset();
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
        this.holds.releaseAll();
        const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
        this.server.closeAllConnections();
        await done;
    }
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
