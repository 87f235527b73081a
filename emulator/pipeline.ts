/**
 * The request pipeline: every API request goes through the same steps, in this order (as Azurite's
 * request listener factory wires its middlewares in a fixed order):
 *
 *   read body -> route (frontend) -> authenticate -> rate limit -> faults -> handler
 *             -> latency -> write -> log
 *
 * so an authentication failure is always an authentication failure, a real throttle is never
 * hidden by a scripted fault, and latency applies to every answer of an API alike. Requests under
 * `/_emulator/` go to the admin API instead.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { KeyRing } from "./auth/keyring";
import type { NonceCache } from "./auth/tencentLegacy";
import type { EmuResponse } from "./envelopes";
import { ApiError } from "./errors";
import { huaweiNotFound, matchHuaweiRoute, prepareHuawei } from "./frontends/huawei";
import { prepareTencentApi3, TENCENT_MAX_BODY } from "./frontends/tencentApi3";
import { LEGACY_PATH, prepareTencentLegacy } from "./frontends/tencentLegacy";
import type { IncomingCall, Prepared, PreparedCall } from "./frontends/types";
import { faultResponse } from "./middlewares/faultResponses";
import type { FaultPlan } from "./middlewares/faults";
import type { Latency } from "./middlewares/latency";
import type { SlidingWindowLimiter } from "./middlewares/rateLimit";
import { drip, type HeldResponses, readBody, streamHuge, write } from "./middlewares/responses";
import type { RequestLog } from "./requestLog";
import type { Store } from "./store";
import type { EmulatorConfig, Mutation, MutationResult, RequestLogEntry } from "./types";

/** What the pipeline reads and changes: the emulator's state, owned by server.ts. */
export interface PipelineState {
    readonly keys: KeyRing;
    readonly nonces: NonceCache;
    readonly store: Store;
    readonly faults: FaultPlan;
    readonly limiter: SlidingWindowLimiter;
    readonly latency: Latency;
    readonly log: RequestLog;
    readonly holds: HeldResponses;
    /** The live configuration (read, never changed, here). */
    config(): EmulatorConfig;
    /** The emulator clock, epoch ms. */
    now(): number;
    /** Changes the store (fault `mutate`). */
    mutate(mutation: Mutation | Mutation[]): MutationResult;
    /** Serves a request under `/_emulator/`. */
    admin(req: IncomingMessage, res: ServerResponse, path: string, rawQuery: string, body: Buffer): void;
}

/** The request listener of an emulator's HTTP server. */
export function createRequestListener(state: PipelineState): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
    return async (req, res) => {
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
            state.admin(req, res, path, rawQuery, body);
            return;
        }

        const call: IncomingCall = {
            method: req.method ?? "GET",
            path,
            rawQuery,
            headers: req.headers,
            body,
            // Tencent request ids are UUIDs; Huawei's are 32 hex characters.
            requestId: path === "/" || path === LEGACY_PATH ? randomUUID() : randomUUID().replace(/-/g, ""),
        };
        const config = state.config();
        const deps = { keys: state.keys, config, nonces: state.nonces, nowMs: state.now() };
        const prepared = route(call, deps);
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

        const response = prepared.kind === "reject" ? prepared.envelope.fail(prepared.error) : await runCall(state, prepared, entry, { req, res }, deps.nowMs);
        if (response) {
            if (prepared.api) await state.latency.before(prepared.api, config.latency);
            if (response.dripMs !== undefined) await drip(res, response, response.dripMs, state.holds);
            else if (response.huge) await streamHuge(res, response.huge, state.holds);
            else write(res, response);
            entry.status = response.status;
            entry.code = response.code;
        }
        entry.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
        state.log.record(entry, prepared.api, state.config().requestLogLimit);
    };
}

/** The frontend of the wire protocol a path speaks: it recognises the API and authenticates the call. */
function route(call: IncomingCall, deps: Parameters<typeof prepareTencentApi3>[1]): Prepared {
    if (call.path === LEGACY_PATH) return prepareTencentLegacy(call, deps);
    if (call.path === "/") return prepareTencentApi3(call, deps);
    const huawei = matchHuaweiRoute(call.path);
    return huawei ? prepareHuawei(call, deps, huawei) : huaweiNotFound(call);
}

/** Rate limit, faults, handler. Returns undefined when the connection was dropped on purpose. */
async function runCall(
    state: PipelineState,
    call: PreparedCall,
    entry: RequestLogEntry,
    conn: { req: IncomingMessage; res: ServerResponse },
    nowMs: number,
): Promise<EmuResponse | undefined> {
    const limit = state.config().rateLimits[call.api];
    const inWindow = state.limiter.tryAcquire(`${call.api}\n${call.limiterKey}`, limit);
    if (inWindow > 0) {
        entry.throttled = true;
        return call.envelope.throttled(limit, inWindow + 1);
    }

    const fault = state.faults.take(call.api, call.params);
    if (fault) entry.faulted = fault.kind;
    // A drift between two pages: the store changes first, then this request sees the new state.
    if (fault?.kind === "mutate") state.mutate(fault.mutation!);
    const ctx = {
        store: state.store,
        nowMs: fault?.kind === "mutate" ? state.now() : nowMs,
        config: state.config(),
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
    return faultResponse(fault, call, normal, { ...conn, holds: state.holds }, limit);
}
