import * as path from "node:path";
import { safeLogger } from "../safeText";
import type { Logger } from "../types";

/**
 * Logs from inside Pulumi's dynamic-provider process to the engine, attached to a resource.
 * That process has no Pulumi runtime of its own (`pulumi.log` there only prints to stdout, which
 * the CLI hides), but it is started with the engine's address as its first argument, the one a
 * provider plugin logs through. Failures to log are dropped: progress must never fail a gate.
 */
type LogFn = (severity: number, message: string, urn: string | undefined) => void;

let engineLog: LogFn | null | undefined;

/** The engine's address as taskgate's own plugin was told it (see {@link useEngine}). */
let pluginEngine: string | undefined;

/**
 * Called by taskgate's provider plugin (provider/plugin/main.ts) with the engine address it was
 * started with: progress lines then reach that engine, and waiting gates watch it (engineWatch.ts),
 * as they do in Pulumi's dynamic-provider process. One process serves one engine.
 */
export function useEngine(address: string): void {
    pluginEngine = address;
    engineLog = undefined;
}

/** The engine's address in taskgate's plugin, or when this is Pulumi's dynamic-provider process (its first argument); else undefined. */
export function engineAddress(): string | undefined {
    if (pluginEngine) return pluginEngine;
    const arg = process.argv[2];
    return arg && /^[\w.-]+:\d+$/.test(arg) && process.argv[1]?.includes("dynamic-provider") ? arg : undefined;
}

function connect(): LogFn | null {
    const address = engineAddress();
    if (!address) return null;
    try {
        const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
        const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
        const { EngineClient } = require("@pulumi/pulumi/proto/engine_grpc_pb");
        const { LogRequest } = require("@pulumi/pulumi/proto/engine_pb");
        const client = new EngineClient(address, grpc.credentials.createInsecure());
        return (severity, message, urn) => {
            const req = new LogRequest();
            req.setSeverity(severity);
            req.setMessage(message);
            req.setUrn(urn ?? "");
            client.log(req, { deadline: Date.now() + 5000 }, () => undefined);
        };
    } catch {
        return null;
    }
}

/**
 * A logger that reaches the engine (DEBUG 0, INFO 1, WARNING 2), or stderr outside a Pulumi run.
 * Lines are made safe for a terminal (`pulumi up` prints them as they are).
 */
export function progressLogger(urn: string | undefined): Logger {
    if (engineLog === undefined) engineLog = connect();
    const send = engineLog;
    if (!send) return safeLogger({ debug: () => undefined, info: (m) => console.error(m), warn: (m) => console.error(m) });
    return safeLogger({ debug: (m) => send(0, m, urn), info: (m) => send(1, m, urn), warn: (m) => send(2, m, urn) });
}
