/**
 * The test harness as Pulumi's engine: it serves the engine's gRPC service (recording the Log
 * calls the plugin makes), starts the BUILT plugin (`bin/pulumi-resource-taskgate`, what the
 * engine runs) with that address, reads the port from its first stdout line, and calls it over
 * gRPC with Pulumi's own generated stubs, as the engine does.
 */
import { strict as assert } from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import type { LogRequest } from "@pulumi/pulumi/proto/engine_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { ErrorResourceInitFailed } from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { type JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import { EMULATOR_CREDENTIALS } from "../../emulator/server";

export const ROOT = path.resolve(__dirname, "../..");
export const PLUGIN = path.join(ROOT, "bin/pulumi-resource-taskgate");

/** Pulumi's marks for a secret value. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** `v` as Pulumi sends a secret. */
export const secret = (v: unknown) => ({ [SIG_KEY]: SECRET_SIG, value: v });

/** Whether `v` is marked secret. */
export const isSecret = (v: unknown) => typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;

/** Secrets no output, error or log of the plugin may contain. */
export const SECRETS = [EMULATOR_CREDENTIALS.tencent.secretKey, EMULATOR_CREDENTIALS.huawei.secretKey, EMULATOR_CREDENTIALS.huawei.authToken];

/** A Log call the plugin made to the engine. */
export interface EngineLogLine {
    severity: number;
    message: string;
    urn: string;
    ephemeral: boolean;
}

/** The engine's gRPC service, as far as a resource plugin uses it: Log, recorded. */
export async function startFakeEngine(): Promise<{ address: string; logs: EngineLogLine[]; close(): Promise<void> }> {
    const logs: EngineLogLine[] = [];
    const server = new grpc.Server();
    const unimplemented = (_call: unknown, cb: grpc.sendUnaryData<never>) => cb({ code: grpc.status.UNIMPLEMENTED }, null);
    server.addService(EngineService, {
        log: (call: grpc.ServerUnaryCall<LogRequest, Empty>, cb: grpc.sendUnaryData<Empty>) => {
            const r = call.request;
            logs.push({ severity: r.getSeverity(), message: r.getMessage(), urn: r.getUrn(), ephemeral: r.getEphemeral() });
            cb(null, new Empty());
        },
        getRootResource: unimplemented,
        setRootResource: unimplemented,
        startDebugging: unimplemented,
        requirePulumiVersion: unimplemented,
    });
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    return {
        address: `127.0.0.1:${port}`,
        logs,
        close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
    };
}

/** A running plugin process and a client of it. */
export interface PluginProcess {
    readonly client: ResourceProviderClient;
    readonly port: number;
    /** Everything it printed to stdout (the port line included) and to stderr so far. */
    stdout(): string;
    stderr(): string;
    /** Calls one RPC: its response, or the gRPC error it failed with. */
    call<Res>(method: string, req: unknown): Promise<Res>;
    stop(): Promise<void>;
}

/** The environment of the plugin: the parent's, less every setting taskgate reads, plus `extra`. */
export function pluginEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
    const env: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(TENCENTCLOUD_|HW_|TASKGATE_|PULUMI_)/.test(k)) env[k] = v;
    return { ...env, TASKGATE_RATE_LIMIT_DIR: "off", ...extra };
}

/** Starts the built plugin as the engine does, with `engine` as its address and the flags Pulumi may add. */
export async function startPlugin(engine: string, env: Record<string, string | undefined> = pluginEnv()): Promise<PluginProcess> {
    assert.ok(fs.existsSync(path.join(ROOT, "dist/provider/plugin/main.js")), "run `npm run build` first (npm test does)");
    const child: ChildProcess = spawn(PLUGIN, [engine, "--logtostderr", "-v=9", "--tracing", "127.0.0.1:1"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stderr!.on("data", (d) => {
        err += d;
    });
    const port = await new Promise<number>((resolve, reject) => {
        child.stdout!.on("data", (d) => {
            out += d;
            const m = /^(\d+)\n/.exec(out);
            if (m) resolve(Number(m[1]));
        });
        child.once("exit", (code) => reject(new Error(`the plugin exited (${code}) before printing its port: ${err}`)));
    });
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return {
        client,
        port,
        stdout: () => out,
        stderr: () => err,
        call: <Res>(method: string, req: unknown) =>
            new Promise<Res>((resolve, reject) => {
                const fn = (client as unknown as Record<string, (r: unknown, cb: (e: grpc.ServiceError | null, res: Res) => void) => void>)[method];
                fn.call(client, req, (e, res) => (e ? reject(e) : resolve(res)));
            }),
        stop: async () => {
            client.close();
            if (child.exitCode !== null) return;
            const exited = new Promise((resolve) => child.once("exit", resolve));
            child.kill("SIGTERM");
            await exited;
        },
    };
}

/** Plain data as a Struct. */
export function struct(o: Record<string, unknown>): Struct {
    return Struct.fromJavaScript(o as Record<string, JavaScriptValue>);
}

/** A Struct as plain data, secrets still marked. */
export function plain(s: Struct | undefined): Record<string, unknown> {
    return (s?.toJavaScript() ?? {}) as Record<string, unknown>;
}

/** The gRPC error a call failed with; fails the test if it succeeded. */
export async function rejection(p: Promise<unknown>): Promise<grpc.ServiceError> {
    const outcome = await p.then(
        () => undefined,
        (e: grpc.ServiceError) => e,
    );
    assert.ok(outcome, "the call succeeded");
    return outcome;
}

/** The ErrorResourceInitFailed detail of a gRPC error, as the engine reads it, or undefined. */
export function initFailure(e: grpc.ServiceError): { id: string; properties: Record<string, unknown>; reasons: string[] } | undefined {
    const [bin] = e.metadata?.get("grpc-status-details-bin") ?? [];
    if (!bin) return undefined;
    const status = Status.deserializeBinary(new Uint8Array(bin as Buffer));
    for (const any of status.getDetailsList()) {
        const d = any.unpack(ErrorResourceInitFailed.deserializeBinary, "pulumirpc.ErrorResourceInitFailed");
        if (d) return { id: d.getId(), properties: plain(d.getProperties()), reasons: d.getReasonsList() };
    }
    return undefined;
}

/** A URN as the engine gives a resource of `type` named `name`. */
export const urnOf = (type: string, name: string) => `urn:pulumi:dev::plugintest::${type}::${name}`;

/** Asserts that no secret appears in `text`. */
export function assertNoSecret(text: string, what: string): void {
    for (const s of SECRETS) assert.ok(!text.includes(s), `a secret leaked into ${what}`);
}

/** Waits until `ready()` holds, polling (the test's own timeout bounds it). */
export async function until(ready: () => boolean): Promise<void> {
    while (!ready()) await new Promise((r) => setTimeout(r, 50));
}
