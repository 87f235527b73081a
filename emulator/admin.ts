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
 * Errors: 400 `{error}` for a bad body, 404 for an unknown route, 403 for non-loopback callers,
 * 415 for a body that is not `application/json`, and 403 for a request that carries an `Origin`
 * other than the emulator's own or a `Host` that is not a loopback name for its port.
 *
 * Why: a web page may send any site a "simple" cross-origin POST (`text/plain`, a form,
 * multipart) without asking, and the browser delivers it even though the page never sees the
 * answer; that alone could re-seed or reset an emulator under a running test. A JSON body needs
 * a CORS preflight the emulator never grants, and a browser names the page's origin on every
 * cross-origin request (and every POST). A page whose name was re-pointed at 127.0.0.1 (DNS
 * rebinding) is same-origin to itself, so it sends no Origin on a GET: its Host header gives it away.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Emulator, ResetScope } from "./api";
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

/** The `host:port` names the emulator answers to, as a Host header writes them. */
function ownHosts(port: number): Set<string> {
    return new Set(["127.0.0.1", "localhost", "[::1]"].map((h) => `${h}:${port}`));
}

/**
 * Why a request must not reach the admin API, or undefined when it may: a foreign caller, a
 * foreign Origin or Host, or a body that is not JSON (see the module comment).
 */
function refusal(port: number, req: IncomingMessage, body: Buffer): { status: number; error: string } | undefined {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) return { status: 403, error: "the admin API only answers loopback callers" };
    const hosts = ownHosts(port);
    const host = (req.headers.host ?? "").toLowerCase();
    if (!hosts.has(host)) return { status: 403, error: `the admin API only answers requests for ${[...hosts].join(", ")}` };
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.has(origin.toLowerCase().replace(/^http:\/\//, ""))) {
        return { status: 403, error: "the admin API does not answer requests from another origin (a web page)" };
    }
    const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (body.length > 0 && type !== "application/json") {
        return { status: 415, error: "the admin API only takes application/json bodies" };
    }
    return undefined;
}

/** Serves one admin request. */
export function handleAdmin(emu: Emulator, req: IncomingMessage, res: ServerResponse, path: string, rawQuery: string, body: Buffer): void {
    const refused = refusal(emu.port, req, body);
    if (refused) {
        send(res, refused.status, { error: refused.error });
        return;
    }
    const route = `${(req.method ?? "GET").toUpperCase()} ${path.replace(/\/+$/, "")}`;
    const query = new URLSearchParams(rawQuery);
    try {
        switch (route) {
            case "GET /_emulator/health":
                send(res, 200, { status: "ok", url: emu.url, now: new Date(emu.now()).toISOString(), records: emu.stats().records });
                return;
            case "GET /_emulator/stats":
                send(res, 200, emu.stats());
                return;
            case "GET /_emulator/requests": {
                const limit = query.get("limit");
                const api = (query.get("api") ?? undefined) as ApiId | undefined;
                send(res, 200, { requests: emu.requests({ api, limit: limit === null ? undefined : Number(limit) }) });
                return;
            }
            case "GET /_emulator/credentials":
                send(res, 200, emu.credentials);
                return;
            case "GET /_emulator/config":
                send(res, 200, emu.config());
                return;
            case "POST /_emulator/config":
                send(res, 200, emu.configure(parseJson(body) as object));
                return;
            case "POST /_emulator/reset": {
                const scopes = (parseJson(body) as { scopes?: ResetScope[] }).scopes;
                emu.reset(scopes);
                send(res, 200, { reset: scopes ?? "all" });
                return;
            }
            case "POST /_emulator/seed": {
                const payload = parseJson(body) as { data?: SeedData; replace?: boolean } & SeedData;
                const data = payload.data ?? payload;
                send(res, 200, emu.seed(data, { replace: payload.replace === true || query.get("replace") === "true" }));
                return;
            }
            case "POST /_emulator/generate":
                send(res, 200, { results: emu.generate(parseJson(body) as GenerateSpec | GenerateSpec[]) });
                return;
            case "POST /_emulator/mutate":
                send(res, 200, emu.mutate(parseJson(body) as Mutation | Mutation[]));
                return;
            case "GET /_emulator/faults":
                send(res, 200, { faults: emu.faults() });
                return;
            case "POST /_emulator/faults": {
                const rules = parseJson(body) as FaultRule | FaultRule[];
                const ids = (Array.isArray(rules) ? rules : [rules]).map((r) => emu.addFault(r));
                send(res, 200, { ids });
                return;
            }
            case "DELETE /_emulator/faults": {
                const cleared = emu.faults().length;
                emu.clearFaults();
                send(res, 200, { cleared });
                return;
            }
            default:
                send(res, 404, { error: `no admin route ${route}` });
                return;
        }
    } catch (err) {
        send(res, 400, { error: (err as Error).message });
    }
}
