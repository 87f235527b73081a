/**
 * The emulator's programmatic API: what {@link startEmulator} (server.ts) takes and returns. The
 * admin HTTP API (admin.ts) serves the same calls as JSON, through this interface alone.
 */
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
    StoreId,
} from "./types";

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
