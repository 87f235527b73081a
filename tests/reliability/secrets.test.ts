/**
 * Secret hygiene: every data source and a gate run, on their success and failure paths, with
 * recognisable secret values (SECRET-CANARY-...) as the emulator's credentials; then everything
 * they produced is scanned for those values and for the request signatures (captured on the wire
 * by a recording TCP proxy in front of the emulator): thrown errors (message, stack, JSON,
 * util.inspect), log lines, everything written to stdout and stderr, results, gate outputs and
 * init-error properties, the serialized gate provider, the emulator's request log and stats.
 * And credentials given to Pulumi are secrets: in a TaskGate's inputs and in getXOutput results.
 */
import { strict as assert } from "node:assert";
import * as net from "node:net";
import * as path from "node:path";
import { inspect } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type Emulator } from "../../emulator/server";
import type { ApiId, FaultRule } from "../../emulator/types";
import type { ReadOptions } from "../../provider/paging";
import type { SettingsSources } from "../../provider/settings";
import { argsOnly } from "../../provider/settings";
import { readBmCmdTasks } from "../../provider/sources/bmCmdTasks";
import { readCphJobs } from "../../provider/sources/cphJobs";
import { readMpsTasks } from "../../provider/sources/mpsTasks";
import { readTatInvocationTasks } from "../../provider/sources/tatInvocationTasks";
import { readWorkspaceScriptTasks } from "../../provider/sources/workspaceScriptTasks";
import * as taskgate from "../../sdk";
import { useRegistrationMocks } from "../fixtures/pulumiMocks";
import { NO_EMULATOR_RATE_LIMITS, quick, recordingLogger, withoutClientRateLimits } from "./subjects";
import { recordSecretScan } from "./tally";

const ROOT = path.resolve(__dirname, "../..");
const PROJECT = "0123456789abcdef0123456789abcdef";
const CANARY = {
    tencentKey: "SECRET-CANARY-TENCENT-KEY-7f3a9c",
    tencentToken: "SECRET-CANARY-TENCENT-TOKEN-52c1e",
    huaweiSk: "SECRET-CANARY-HUAWEI-SK-91bd04",
    huaweiSts: "SECRET-CANARY-HUAWEI-STS-3e88a",
    huaweiIam: "SECRET-CANARY-HUAWEI-IAM-a61f2",
    wrongKey: "SECRET-CANARY-WRONG-KEY-0d2e5",
    wrongToken: "SECRET-CANARY-WRONG-TOKEN-77aa",
    endpointPassword: "SECRET-CANARY-ENDPOINT-PW-4417",
    spaced: "SECRET-CANARY-SPACED KEY-9c0",
};
const IDS = { secretId: "AKIDCANARY00000000000000000000000000", accessKey: "HWCANARYAK0000000000" };

/** A TCP proxy that passes bytes through untouched and keeps what clients sent. */
async function recordingProxy(targetPort: number): Promise<{ port: number; sent(): string; close(): Promise<void> }> {
    const chunks: Buffer[] = [];
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
        const upstream = net.connect(targetPort, "127.0.0.1");
        sockets.add(client).add(upstream);
        client.on("data", (d: Buffer) => chunks.push(d));
        client.pipe(upstream);
        upstream.pipe(client);
        const end = () => {
            client.destroy();
            upstream.destroy();
        };
        client.on("error", end).on("close", end);
        upstream.on("error", end).on("close", end);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        port: (server.address() as net.AddressInfo).port,
        sent: () => Buffer.concat(chunks).toString("latin1"),
        close: () => {
            for (const s of sockets) s.destroy();
            return new Promise((resolve) => server.close(() => resolve()));
        },
    };
}

/** The secret values a request carried: Authorization values, their signatures, tokens, legacy signatures. */
function wireSecrets(bytes: string): { authorization: string[]; signatures: string[]; legacy: string[]; tokens: string[] } {
    const all = (re: RegExp) => [...bytes.matchAll(re)].map((m) => m[1].trim());
    const authorization = [...new Set(all(/^authorization:[ \t]*([^\r\n]+)/gim))];
    const signatures = [...new Set(authorization.flatMap((a) => [...a.matchAll(/Signature=([0-9a-fA-F]{64})/g)].map((m) => m[1])))];
    const legacy = [...new Set(all(/[?&]Signature=([^&\s]+)/g))].flatMap((s) => [s, decodeURIComponent(s)]);
    const tokens = [...new Set(all(/^x-(?:tc-token|security-token|auth-token):[ \t]*([^\r\n]+)/gim))];
    return { authorization, signatures, legacy, tokens };
}

describe("reliability: secrets never leak (errors, logs, stdout/stderr, results, gate state, serialized provider, emulator log)", function () {
    this.timeout(120_000);
    withoutClientRateLimits();
    let emu: Emulator;
    let proxy: Awaited<ReturnType<typeof recordingProxy>>;
    /** Everything produced, by place. */
    const produced: Array<{ place: string; text: string }> = [];
    const keep = (place: string, v: unknown) => produced.push({ place, text: typeof v === "string" ? v : safeJson(v) });
    const log = recordingLogger();
    let restoreStreams: () => void;
    const streamText: string[] = [];

    before(async () => {
        emu = await startEmulator({
            port: 0,
            rateLimits: NO_EMULATOR_RATE_LIMITS,
            credentials: {
                tencent: [{ secretId: IDS.secretId, secretKey: CANARY.tencentKey, token: CANARY.tencentToken }],
                huawei: [{ accessKey: IDS.accessKey, secretKey: CANARY.huaweiSk, securityToken: CANARY.huaweiSts }],
                huaweiTokens: [{ token: CANARY.huaweiIam, projectId: PROJECT }],
            },
        });
        emu.generate([
            { api: "tat", count: 150, invocationId: "inv-secret01", statusMix: { SUCCESS: 9, FAILED: 1 } },
            { api: "mps", count: 150, statusMix: { FINISH: 2, PROCESSING: 1 } },
            { api: "bm", count: 150, statusMix: { SUCCESS: 4, FAILED: 1 } },
            { api: "cph", count: 150, requestId: "secretrequest000000000000000001", statusMix: { SUCCESS: 4, FAILED: 1 } },
            { api: "workspace", count: 150, desktopPoolId: "pool-secret", statusMix: { FINISH: 4, FAILED: 1 } },
        ]);
        proxy = await recordingProxy(emu.port);
        // Everything any code writes to stdout or stderr while this suite runs is kept (and still written).
        const out = process.stdout.write.bind(process.stdout);
        const err = process.stderr.write.bind(process.stderr);
        const tap = (write: typeof out) =>
            ((chunk: unknown, ...rest: unknown[]) => {
                streamText.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
                return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
            }) as typeof out;
        process.stdout.write = tap(out);
        process.stderr.write = tap(err);
        restoreStreams = () => {
            process.stdout.write = out;
            process.stderr.write = err;
        };
    });
    after(async () => {
        restoreStreams?.();
        await proxy?.close();
        await emu?.close();
    });

    const endpoint = () => `http://127.0.0.1:${proxy.port}`;
    const tencent = (extra: Record<string, unknown> = {}) => ({
        secretId: IDS.secretId,
        secretKey: CANARY.tencentKey,
        securityToken: CANARY.tencentToken,
        region: "ap-guangzhou",
        endpoint: endpoint(),
        ...extra,
    });
    const huawei = (extra: Record<string, unknown> = {}) => ({
        accessKey: IDS.accessKey,
        secretKey: CANARY.huaweiSk,
        securityToken: CANARY.huaweiSts,
        projectId: PROJECT,
        endpoint: endpoint(),
        ...extra,
    });
    const iam = (extra: Record<string, unknown> = {}) => ({ authToken: CANARY.huaweiIam, projectId: PROJECT, endpoint: endpoint(), ...extra });

    type Read = (args: Record<string, unknown>, o: ReadOptions) => Promise<unknown>;
    const SOURCES: Array<{
        name: string;
        api: ApiId;
        read: Read;
        conn: (extra?: Record<string, unknown>) => Record<string, unknown>;
        wrongToken: Record<string, unknown>;
    }> = [
        {
            name: "TAT",
            api: "tat",
            read: (a, o) => readTatInvocationTasks({ ...a, invocationId: "inv-secret01", hideOutput: false }, argsOnly, o),
            conn: tencent,
            wrongToken: { securityToken: CANARY.wrongToken },
        },
        { name: "MPS", api: "mps", read: (a, o) => readMpsTasks(a, argsOnly, o), conn: tencent, wrongToken: { securityToken: CANARY.wrongToken } },
        { name: "BM 3.0", api: "bm", read: (a, o) => readBmCmdTasks(a, argsOnly, o), conn: tencent, wrongToken: { securityToken: CANARY.wrongToken } },
        {
            name: "BM legacy",
            api: "bmLegacy",
            read: (a, o) => readBmCmdTasks({ ...a, api: "legacy" }, argsOnly, o),
            conn: tencent,
            wrongToken: { securityToken: CANARY.wrongToken },
        },
        {
            name: "CPH",
            api: "cph",
            read: (a, o) => readCphJobs({ ...a, requestId: "secretrequest000000000000000001" }, argsOnly, o),
            conn: huawei,
            wrongToken: { securityToken: CANARY.wrongToken },
        },
        {
            name: "CPH (IAM token)",
            api: "cph",
            read: (a, o) => readCphJobs({ ...a, requestId: "secretrequest000000000000000001" }, argsOnly, o),
            conn: iam,
            wrongToken: { authToken: CANARY.wrongToken },
        },
        {
            name: "Workspace",
            api: "workspace",
            read: (a, o) => readWorkspaceScriptTasks({ ...a, desktopPoolId: "pool-secret" }, argsOnly, o),
            conn: huawei,
            wrongToken: { securityToken: CANARY.wrongToken },
        },
    ];

    /**
     * Runs a read, keeping its result or every form of its error, and checks its outcome: success when
     * `expectedError` is false, else a failure whose message matches it (so a bug's TypeError is no pass).
     */
    async function run(place: string, fn: () => Promise<unknown>, expectedError: false | RegExp) {
        // Settled before asserting, so an assert about the outcome is never caught as the read's failure.
        const outcome = await fn().then(
            (value) => ({ failed: false as const, value }),
            (error: unknown) => ({ failed: true as const, error }),
        );
        if (!outcome.failed) {
            keep(`${place}: result`, outcome.value);
            assert.equal(expectedError, false, `${place}: expected a failure matching ${expectedError}, but the read succeeded`);
            return;
        }
        keepError(place, outcome.error);
        const message = (outcome.error as Error).message;
        assert.ok(expectedError, `${place}: ${message}`);
        assert.match(message, expectedError, `${place}: failed, but not as expected`);
    }
    function keepError(place: string, e: unknown) {
        const err = e as Error;
        keep(`${place}: error message`, err.message);
        keep(`${place}: error stack`, err.stack ?? "");
        keep(`${place}: error JSON`, safeJson(err));
        keep(`${place}: util.inspect(error)`, inspect(err, { depth: 8, showHidden: true }));
    }

    const FAILURES: Array<{
        label: string;
        error: RegExp;
        args?: (s: (typeof SOURCES)[number]) => Record<string, unknown>;
        fault?: Omit<FaultRule, "api">;
        options?: ReadOptions;
    }> = [
        {
            label: "wrong secret key",
            error: /AuthFailure\.SignatureFailure|APIGW\.0301/,
            args: (s) => (s.name.includes("IAM") ? { authToken: CANARY.wrongKey } : { secretKey: CANARY.wrongKey }),
        },
        { label: "wrong token", error: /AuthFailure\.TokenFailure|APIGW\.0301/, args: (s) => s.wrongToken },
        { label: "5xx on every attempt", error: /HTTP 503/, fault: { kind: "http5xx", times: -1 } },
        { label: "throttled on every attempt", error: /RequestLimitExceeded|APIGW\.0308/, fault: { kind: "throttle", times: -1 } },
        { label: "truncated bodies", error: /MalformedResponse/, fault: { kind: "truncated", times: -1 } },
        { label: "connection resets", error: /NetworkError/, fault: { kind: "reset", times: -1 } },
        {
            label: "no answer before the deadline",
            error: /did not succeed before the read's deadline/,
            fault: { kind: "timeout", times: -1 },
            options: quick({ timeoutSeconds: 1, requestTimeoutMs: 300 }),
        },
        {
            label: "a body trickling in",
            error: /did not succeed before the read's deadline/,
            fault: { kind: "slowBody", delayMs: 10_000, times: -1 },
            options: quick({ timeoutSeconds: 1, requestTimeoutMs: 300 }),
        },
    ];

    for (const s of SOURCES) {
        it(`${s.name}: reads, and fails in ${FAILURES.length} ways, with canary credentials`, async () => {
            await run(`${s.name} success`, () => s.read(s.conn(), quick({ log })), false);
            for (const f of FAILURES) {
                emu.clearFaults();
                if (f.fault) emu.addFault({ api: s.api, ...f.fault });
                await run(`${s.name} ${f.label}`, () => s.read(s.conn(f.args?.(s)), f.options ?? quick({ log })), f.error);
            }
            emu.clearFaults();
            // Bad secrets caught before any request: of the wrong type, with a space, in a bad endpoint.
            await run(
                `${s.name} secret of the wrong type`,
                () => s.read(s.conn(s.name.includes("IAM") ? { authToken: ["x"] } : { secretKey: 12345678 }), quick({ log })),
                /invalid (secretKey|authToken): must be a string/,
            );
            await run(
                `${s.name} secret with a space`,
                () => s.read(s.conn(s.name.includes("IAM") ? { authToken: CANARY.spaced } : { secretKey: CANARY.spaced }), quick({ log })),
                /invalid (secretKey|authToken): must not contain whitespace/,
            );
            await run(
                `${s.name} endpoint with a password`,
                () => s.read(s.conn({ endpoint: `http://taskgate:${CANARY.endpointPassword}@127.0.0.1:${proxy.port}` }), quick({ log })),
                /invalid endpoint .*no path, query or user info/,
            );
        });
    }

    it("the SDK functions (getX, getXOutput) from plain Node.js, logging to stderr", async () => {
        await run("sdk getTatInvocationTasks", () => taskgate.tencentcloud.getTatInvocationTasks({ ...tencent(), invocationId: "inv-secret01" }), false);
        await run("sdk getMpsTasks", () => taskgate.tencentcloud.getMpsTasks({ ...tencent(), status: "FINISH" }), false);
        await run("sdk getBmCmdTasks", () => taskgate.tencentcloud.getBmCmdTasks({ ...tencent(), api: "legacy" }), false);
        await run("sdk getCphJobs", () => taskgate.huaweicloud.getCphJobs({ ...huawei(), requestId: "secretrequest000000000000000001" }), false);
        await run("sdk getWorkspaceScriptTasks", () => taskgate.huaweicloud.getWorkspaceScriptTasks({ ...iam(), desktopPoolId: "pool-secret" }), false);
        await run(
            "sdk auth failure",
            () => taskgate.tencentcloud.getTatInvocationTasks({ ...tencent(), secretKey: CANARY.wrongKey, invocationId: "inv-secret01" }),
            /AuthFailure\.SignatureFailure/,
        );
        // A throttled page is retried and each retry logged (to stderr outside a Pulumi run).
        emu.addFault({ api: "workspace", kind: "throttle", times: 1 });
        await run("sdk retry logged", () => taskgate.huaweicloud.getWorkspaceScriptTasks({ ...huawei(), desktopPoolId: "pool-secret" }), false);
        emu.clearFaults();
        assert.ok(
            streamText.some((t) => /retry 1\/7/.test(t)),
            "the SDK logged its retry to stderr",
        );
    });

    it("a gate, as the dynamic provider runs it: passing, failing, failing at the cloud, refreshed, and its inputs checked", async () => {
        // The compiled runtime and provider, as Pulumi's dynamic-provider host loads them.
        const runtime = require(path.join(ROOT, "dist/provider/dynamic/gateRuntime"));
        const config: Record<string, string> = {
            "tencentcloud:secretId": IDS.secretId,
            "tencentcloud:secretKey": CANARY.tencentKey,
            "tencentcloud:securityToken": CANARY.tencentToken,
            "tencentcloud:region": "ap-guangzhou",
            "huaweicloud:accessKey": IDS.accessKey,
            "huaweicloud:secretKey": CANARY.huaweiSk,
            "huaweicloud:securityToken": CANARY.huaweiSts,
            "huaweicloud:projectId": PROJECT,
            "taskgate:endpoint": endpoint(),
        };
        runtime.configure({ config: { get: (k: string) => config[k] } });
        const progress = recordingLogger();
        runtime.setProgress(() => progress, 0);
        try {
            const passing = await runtime.create({
                gateName: "pass-gate",
                source: { tatInvocationTasks: { invocationId: "inv-secret01" } },
                require: { minSuccessRatio: 0.8, maxFailed: 100 },
            });
            keep("gate outputs (passing)", passing);
            assert.equal(passing.outs.passed, true);
            keep("gate refresh", await runtime.read(passing.id, passing.outs));

            const failing = await runtime
                .create({
                    gateName: "fail-gate",
                    source: { workspaceScriptTasks: { desktopPoolId: "pool-secret" } },
                    require: { minSuccessRatio: 1 },
                    wait: { timeoutSeconds: 2, pollIntervalSeconds: 0.5 },
                })
                .then(
                    () => assert.fail("the gate passed"),
                    (e: unknown) => e as Error & { properties?: unknown },
                );
            keepError("gate init error", failing);
            keep("gate init-error properties", failing.properties);
            assert.equal((failing.properties as { passed: boolean }).passed, false);

            // Credentials given as args (they are stored as secrets), one of them wrong: the cloud refuses.
            const cloudFailure = await runtime
                .create({
                    gateName: "auth-gate",
                    source: { cphJobs: { requestId: "secretrequest000000000000000001", secretKey: CANARY.wrongKey, securityToken: CANARY.huaweiSts } },
                })
                .then(
                    () => assert.fail("the gate passed"),
                    (e: unknown) => e as Error,
                );
            keepError("gate cloud failure", cloudFailure);
            keep(
                "gate check failures",
                runtime.checkInputs({ source: { tatInvocationTasks: { invocationId: "inv-1", secretKey: CANARY.spaced } }, require: { minSuccessRatio: 2 } }),
            );

            // With the default progress sink, outside a Pulumi run progress goes to stderr.
            runtime.setProgress(require(path.join(ROOT, "dist/provider/dynamic/engineLog")).progressLogger, 0);
            keep(
                "gate outputs (stderr progress)",
                await runtime.create({ gateName: "stderr-gate", source: { mpsTasks: { status: "FINISH" } }, require: { allDone: true } }),
            );
        } finally {
            runtime.setSettings({ config: () => undefined, env: process.env } satisfies SettingsSources);
        }
        keep("gate progress lines", progress.lines);
        assert.ok(progress.lines.length >= 2);

        const { gateProvider } = require(path.join(ROOT, "dist/provider/dynamic/gateProvider"));
        const serialized = await pulumi.runtime.serializeFunction(() => gateProvider, { allowSecrets: false });
        keep("serialized gate provider", serialized.text);
    });

    describe("credentials given to Pulumi are secrets", () => {
        const SIG_KEY = "4dabf18193072939515e22adb298388d";
        const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
        const registered = useRegistrationMocks("secrets", { passed: true });

        it("a TaskGate given credential args, for every source and every secret setting, stores its source as a secret", async () => {
            const gates: Array<[string, Record<string, unknown>]> = [
                ["tatInvocationTasks", { invocationId: "inv-1", secretKey: CANARY.tencentKey, securityToken: CANARY.tencentToken }],
                ["mpsTasks", { secretKey: CANARY.tencentKey }],
                ["bmCmdTasks", { api: "legacy", securityToken: CANARY.tencentToken }],
                ["cphJobs", { requestId: "r1", secretKey: CANARY.huaweiSk, securityToken: CANARY.huaweiSts }],
                ["workspaceScriptTasks", { authToken: CANARY.huaweiIam }],
                ["tatInvocationTasks", { invocationId: "inv-1", secretKey: pulumi.secret(CANARY.tencentKey) }],
                ["cphJobs", { requestId: "r1", authToken: pulumi.output(CANARY.huaweiIam) }],
            ];
            for (const [i, [kind, args]] of gates.entries()) {
                const g = new taskgate.TaskGate(`secret-gate-${i}`, { source: { [kind]: args } as never, require: { maxFailed: 0 }, triggers: ["v1"] });
                await (g.passed as unknown as { promise(): Promise<unknown> }).promise();
                const r = registered.find((x) => x.name === `secret-gate-${i}`)!;
                assert.equal(r.inputs.source[SIG_KEY], SECRET_SIG, `${kind}: the source holding credentials is a secret`);
                const { source: _secret, ...rest } = r.inputs;
                keep(`TaskGate ${kind} inputs besides the secret source`, rest);
            }
        });

        it("getXOutput with a secret credential gives a secret result; with none, a plain one", async () => {
            const outputs: Array<[string, pulumi.Output<unknown>, boolean]> = [
                [
                    "TAT",
                    taskgate.tencentcloud.getTatInvocationTasksOutput({
                        ...tencent(),
                        secretKey: pulumi.secret(CANARY.tencentKey),
                        invocationId: "inv-secret01",
                    }),
                    true,
                ],
                ["MPS", taskgate.tencentcloud.getMpsTasksOutput({ ...tencent(), securityToken: pulumi.secret(CANARY.tencentToken), status: "FINISH" }), true],
                ["BM", taskgate.tencentcloud.getBmCmdTasksOutput({ ...tencent(), secretKey: pulumi.secret(CANARY.tencentKey) }), true],
                [
                    "CPH",
                    taskgate.huaweicloud.getCphJobsOutput({
                        ...huawei(),
                        secretKey: pulumi.secret(CANARY.huaweiSk),
                        requestId: "secretrequest000000000000000001",
                    }),
                    true,
                ],
                [
                    "Workspace",
                    taskgate.huaweicloud.getWorkspaceScriptTasksOutput({ ...iam(), authToken: pulumi.secret(CANARY.huaweiIam), desktopPoolId: "pool-secret" }),
                    true,
                ],
                ["Workspace (plain)", taskgate.huaweicloud.getWorkspaceScriptTasksOutput({ ...iam(), desktopPoolId: "pool-secret" }), false],
            ];
            for (const [name, out, secret] of outputs) {
                const o = out as unknown as { isSecret: Promise<boolean>; promise(): Promise<{ tasks: unknown[] }> };
                const value = await o.promise();
                assert.equal(await o.isSecret, secret, `${name}: secret-ness of the result`);
                assert.ok(value.tasks.length > 0);
                keep(`getXOutput ${name} value`, value);
            }
        });
    });

    // Declared last: mocha runs nested suites after the tests above, so this scan sees everything.
    describe("the scan", () => {
        it("nothing produced holds a secret: canaries, Authorization values, signatures, tokens", () => {
            keep("emulator request log", emu.requests());
            keep("emulator stats", emu.stats());
            keep("emulator faults", emu.faults());
            keep("recording logger", log.lines);
            keep("stdout and stderr", streamText.join(""));
            const wire = wireSecrets(proxy.sent());
            // The capture must have seen every signing scheme, or the scan proves nothing.
            assert.ok(
                wire.authorization.some((a) => a.startsWith("TC3-HMAC-SHA256 ")),
                "TC3 Authorization captured",
            );
            assert.ok(
                wire.authorization.some((a) => a.startsWith("SDK-HMAC-SHA256 ")),
                "Huawei Authorization captured",
            );
            assert.ok(wire.legacy.length >= 2, "legacy signatures captured");
            assert.ok(
                wire.tokens.includes(CANARY.tencentToken) && wire.tokens.includes(CANARY.huaweiSts) && wire.tokens.includes(CANARY.huaweiIam),
                "tokens captured",
            );
            const secrets = [...new Set([...Object.values(CANARY), ...wire.authorization, ...wire.signatures, ...wire.legacy, ...wire.tokens])].filter(
                (s) => s.length >= 16,
            );
            const forms = secrets.flatMap((s) => [s, encodeURIComponent(s), Buffer.from(s).toString("base64")]);
            const scan = (places: ReadonlyArray<{ place: string; text: string }>) =>
                places.flatMap((p) => forms.filter((f) => p.text.includes(f)).map((f) => `${p.place}: ${f.slice(0, 24)}...`));
            // The scan sees a leak when there is one: an error message quoting a request's headers.
            assert.ok(scan([{ place: "a leaky error", text: `request failed: {"Authorization":"${wire.authorization[0]}"}` }]).length >= 1);
            const found = scan(produced);
            const bytes = produced.reduce((n, p) => n + p.text.length, 0);
            assert.deepEqual(found, [], "secrets found");
            // Recorded once none was found: the summary prints "0 found".
            recordSecretScan(secrets.length, produced.length, bytes);
            assert.ok(produced.length > 100, `${produced.length} places scanned`);
            console.log(`      scanned ${produced.length} places (${bytes} bytes) for ${secrets.length} secret values in 3 forms each: none found`);
        });
    });
});

function safeJson(v: unknown): string {
    try {
        return JSON.stringify(v) ?? String(v);
    } catch {
        return inspect(v, { depth: 8 });
    }
}
