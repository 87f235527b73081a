import * as dns from "node:dns";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import { endpointOrigin, type Endpoint } from "../settings";
import { watchRequest } from "./wire";

/**
 * HTTP agents for every cloud call. Passing an explicit agent matters twice over: the Tencent SDK
 * otherwise routes through `process.env.http_proxy` (so a CI proxy would swallow calls meant for
 * a local emulator), and keep-alive saves a TCP (and TLS) handshake per page.
 *
 * With an endpoint override the agent connects every host name to the override's host, so the
 * request can keep the cloud's own host name in its Host header: Tencent signs the service name
 * taken from the host (`tat` from `tat.tencentcloudapi.com`), and a faithful emulator routes and
 * verifies by it.
 */
const agents = new Map<string, http.Agent>();

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

function lookupTo(target: string): net.LookupFunction {
    return ((_host: string, options: dns.LookupOptions, callback: LookupCallback) => {
        if (net.isIP(target)) {
            const family = net.isIP(target);
            if (options?.all) callback(null, [{ address: target, family }]);
            else callback(null, target, family);
            return;
        }
        dns.lookup(target, options ?? {}, callback as never);
    }) as unknown as net.LookupFunction;
}

/** The keep-alive agent for a protocol, routing all hosts to `override` when one is given. */
export function agentFor(protocol: "http:" | "https:", override?: Endpoint): http.Agent {
    const target = override?.hostname;
    const key = `${protocol}|${target ?? ""}`;
    let agent = agents.get(key);
    if (!agent) {
        const options: http.AgentOptions & { lookup?: net.LookupFunction } = { keepAlive: true, maxSockets: 64 };
        if (target) options.lookup = lookupTo(target);
        agent = protocol === "https:" ? new https.Agent(options) : new http.Agent(options);
        watchRequestsOf(agent, override?.hostname);
        agents.set(key, agent);
    }
    return agent;
}

/**
 * Every request an agent is given is watched for the attempt that sends it ({@link watchRequest}):
 * its wire time and the size of its answer. `addRequest` is where node's ClientRequest hands itself
 * to its agent, whichever client library built it.
 */
function watchRequestsOf(agent: http.Agent, overrideHost: string | undefined): void {
    type Target = { host?: string; port?: number | string };
    const a = agent as http.Agent & { addRequest(req: http.ClientRequest, options: Target): void };
    const addRequest = a.addRequest;
    a.addRequest = function (req: http.ClientRequest, options: Target) {
        // Where the socket goes: the override's host (the agent routes every name there) or the
        // request's own, and the port it was given; this agent serves every port of that host.
        const protocol = req.protocol === "https:" ? "https:" : "http:";
        const port = options?.port === undefined ? undefined : Number(options.port);
        const host = overrideHost ?? options?.host ?? req.host;
        watchRequest(req, endpointOrigin({ protocol, hostname: host, port: port === (protocol === "https:" ? 443 : 80) ? undefined : port }));
        return addRequest.call(this, req, options);
    };
}

/**
 * The Host a request names: the cloud's host, with the override's port when there is one (the
 * port the socket really reaches, as a client sending to that address would write it).
 */
export function virtualHost(cloudHost: string, override?: Endpoint): string {
    return override?.port ? `${cloudHost}:${override.port}` : cloudHost;
}
