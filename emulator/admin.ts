/**
 * The admin HTTP API under `/_emulator/`: the programmatic {@link Emulator} API over JSON, for
 * tests in other processes (benchmarks, the CLI-started emulator). No authentication, and
 * loopback callers only.
 *
 * | route | body / query | answer |
 * |---|---|---|
 * | `GET /_emulator/health` | | `{status, url, now, records}` |
 * | `GET /_emulator/stats` | | {@link EmulatorStats} |
 * | `GET /_emulator/requests` | `?api=tat&limit=50` | `{requests: RequestLogEntry[]}` |
 * | `GET /_emulator/credentials` | | the accepted credentials (emulator-only test keys) |
 * | `GET /_emulator/config` | | {@link EmulatorConfig} |
 * | `POST /_emulator/config` | {@link EmulatorConfigPatch} | the new config |
 * | `POST /_emulator/reset` | `{scopes?: ResetScope[]}` | `{reset: scopes}` |
 * | `POST /_emulator/seed` | `{data: SeedData, replace?}` or a bare SeedData | {@link SeedResult} |
 * | `POST /_emulator/generate` | GenerateSpec or GenerateSpec[] | `{results: GenerateResult[]}` |
 * | `POST /_emulator/mutate` | Mutation or Mutation[] | {@link MutationResult} |
 * | `GET /_emulator/faults` | | `{faults: FaultState[]}` |
 * | `POST /_emulator/faults` | FaultRule or FaultRule[] (`match` as an object) | `{ids}` |
 * | `DELETE /_emulator/faults` | | `{cleared: n}` |
 *
 * Errors: 400 `{error}` for a bad body, 404 for an unknown route, 403 for non-loopback callers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Emulator, ResetScope } from "./server";
import type { ApiId, FaultRule, GenerateSpec, Mutation, SeedData } from "./types";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  return JSON.parse(body.toString("utf8"));
}

/** Serves one admin request. */
export function handleAdmin(emu: Emulator, req: IncomingMessage, res: ServerResponse, path: string, rawQuery: string, body: Buffer): void {
  if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) {
    send(res, 403, { error: "the admin API only answers loopback callers" });
    return;
  }
  const route = `${(req.method ?? "GET").toUpperCase()} ${path.replace(/\/+$/, "")}`;
  const query = new URLSearchParams(rawQuery);
  try {
    switch (route) {
      case "GET /_emulator/health":
        return send(res, 200, { status: "ok", url: emu.url, now: new Date(emu.now()).toISOString(), records: emu.stats().records });
      case "GET /_emulator/stats":
        return send(res, 200, emu.stats());
      case "GET /_emulator/requests": {
        const limit = query.get("limit");
        const api = (query.get("api") ?? undefined) as ApiId | undefined;
        return send(res, 200, { requests: emu.requests({ api, limit: limit === null ? undefined : Number(limit) }) });
      }
      case "GET /_emulator/credentials":
        return send(res, 200, emu.credentials);
      case "GET /_emulator/config":
        return send(res, 200, emu.config());
      case "POST /_emulator/config":
        return send(res, 200, emu.configure(parseJson(body) as object));
      case "POST /_emulator/reset": {
        const scopes = (parseJson(body) as { scopes?: ResetScope[] }).scopes;
        emu.reset(scopes);
        return send(res, 200, { reset: scopes ?? "all" });
      }
      case "POST /_emulator/seed": {
        const payload = parseJson(body) as { data?: SeedData; replace?: boolean } & SeedData;
        const data = payload.data ?? payload;
        return send(res, 200, emu.seed(data, { replace: payload.replace === true || query.get("replace") === "true" }));
      }
      case "POST /_emulator/generate":
        return send(res, 200, { results: emu.generate(parseJson(body) as GenerateSpec | GenerateSpec[]) });
      case "POST /_emulator/mutate":
        return send(res, 200, emu.mutate(parseJson(body) as Mutation | Mutation[]));
      case "GET /_emulator/faults":
        return send(res, 200, { faults: emu.faults() });
      case "POST /_emulator/faults": {
        const rules = parseJson(body) as FaultRule | FaultRule[];
        const ids = (Array.isArray(rules) ? rules : [rules]).map((r) => emu.addFault(r));
        return send(res, 200, { ids });
      }
      case "DELETE /_emulator/faults": {
        const cleared = emu.faults().length;
        emu.clearFaults();
        return send(res, 200, { cleared });
      }
      default:
        return send(res, 404, { error: `no admin route ${route}` });
    }
  } catch (err) {
    send(res, 400, { error: (err as Error).message });
  }
}
