/**
 * Test helpers: real SDK clients pointed at an emulator, and a tiny test-only client for the
 * legacy v2 API (no SDK speaks it). Nothing here mocks the SDKs or HTTP.
 */
import { createHmac, randomInt } from "node:crypto";
import * as http from "node:http";
import type { LookupFunction } from "node:net";
import { EMULATOR_CREDENTIALS, type Emulator } from "../../emulator/server";
import { TENCENT_API3_VERSIONS, type TencentService } from "../../provider/clouds/tencentApi3";

// The Huawei core reconfigures log4js on import and logs every failed request (headers
// included) to stdout; turn it off for the test run.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require("@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger").Logger4jInstance.level = "off";

/* eslint-disable @typescript-eslint/no-require-imports */
const { CommonClient } = require("tencentcloud-sdk-nodejs-common");
const { ClientBuilder } = require("@huaweicloud/huaweicloud-sdk-core/ClientBuilder");
const { BasicCredentials } = require("@huaweicloud/huaweicloud-sdk-core");
/* eslint-enable @typescript-eslint/no-require-imports */

/** Resolves every hostname to 127.0.0.1, in both the callback and the `all: true` forms. */
export const loopbackLookup: LookupFunction = (_hostname, options, callback) => {
    const cb = callback as unknown as (...args: unknown[]) => void;
    if (typeof options === "object" && options?.all) cb(null, [{ address: "127.0.0.1", family: 4 }]);
    else cb(null, "127.0.0.1", 4);
};

/** An http.Agent that sends every hostname to loopback ("virtual hosting" of cloud hosts). */
export function loopbackAgent(): http.Agent {
    return new http.Agent({ keepAlive: true, lookup: loopbackLookup });
}

const sharedAgent = loopbackAgent();

/** Options of {@link tencentClient}. */
export interface TencentClientOptions {
    secretId?: string;
    secretKey?: string;
    token?: string;
    region?: string | null;
    reqMethod?: "POST" | "GET";
    signMethod?: "TC3-HMAC-SHA256" | "HmacSHA256" | "HmacSHA1";
    /** Override the endpoint (default `<svc>.tencentcloudapi.com:PORT`). */
    endpoint?: string;
    reqTimeout?: number;
}

/**
 * A real Tencent SDK client of `service` (the official `CommonClient`, the one taskgate ships),
 * virtual-hosted onto the emulator. Any action can be called as a method, `DescribeTasks(req)`,
 * which is `request("DescribeTasks", req)`: all a per-product client of the whole SDK adds.
 */
export function tencentClient(emu: Emulator, service: TencentService, opts: TencentClientOptions = {}) {
    const client = new CommonClient(`${service}.tencentcloudapi.com`, TENCENT_API3_VERSIONS[service], {
        credential: {
            secretId: opts.secretId ?? EMULATOR_CREDENTIALS.tencent.secretId,
            secretKey: opts.secretKey ?? EMULATOR_CREDENTIALS.tencent.secretKey,
            ...(opts.token ? { token: opts.token } : {}),
        },
        region: opts.region === null ? undefined : (opts.region ?? "ap-guangzhou"),
        profile: {
            signMethod: opts.signMethod,
            httpProfile: {
                endpoint: opts.endpoint ?? `${service}.tencentcloudapi.com:${emu.port}`,
                protocol: "http://",
                reqMethod: opts.reqMethod ?? "POST",
                reqTimeout: opts.reqTimeout ?? 10,
                agent: sharedAgent,
            },
        },
    });
    return new Proxy(client, {
        get: (target, key, receiver) =>
            typeof key === "string" && /^[A-Z]/.test(key) && !(key in target)
                ? (req: unknown, cb?: unknown) => target.request(key, req, cb)
                : Reflect.get(target, key, receiver),
    });
}

/** Options of {@link huaweiClient}. */
export interface HuaweiClientOptions {
    accessKey?: string;
    secretKey?: string;
    projectId?: string;
    securityToken?: string;
    /** axios timeout, ms. */
    timeoutMs?: number;
    /** Extra endpoints after the emulator (the core fails over to endpoints[1] on 504/ECONNRESET). */
    endpoints?: string[];
}

/** A real Huawei core HcClient pointed at the emulator. */
export function huaweiClient(emu: Emulator, opts: HuaweiClientOptions = {}) {
    let cred = new BasicCredentials()
        .withAk(opts.accessKey ?? EMULATOR_CREDENTIALS.huawei.accessKey)
        .withSk(opts.secretKey ?? EMULATOR_CREDENTIALS.huawei.secretKey)
        .withProjectId(opts.projectId ?? EMULATOR_CREDENTIALS.huawei.projectId);
    if (opts.securityToken) cred = cred.withSecurityToken(opts.securityToken);
    let builder = new ClientBuilder((hc: unknown) => hc).withCredential(cred).withEndpoint(opts.endpoints ?? emu.url);
    if (opts.timeoutMs !== undefined) builder = builder.withOptions({ axiosRequestConfig: { timeout: opts.timeoutMs } });
    return builder.build();
}

/** GET a Huawei path through the SDK (the way the generated CphClient/WorkspaceClient do). */
export function huaweiGet(client: { sendRequest(o: unknown): Promise<Record<string, unknown>> }, url: string, queryParams: Record<string, unknown> = {}) {
    return client.sendRequest({ method: "GET", url, contentType: "application/json", queryParams, pathParams: {}, headers: {} });
}

/** Path templates of the two Huawei APIs. */
export const CPH_JOBS = "/v1/{project_id}/cloud-phone/jobs";
export const WORKSPACE_TASKS = "/v2/{project_id}/desktop-pools/script-execution-tasks/detail";

/** Raw HTTP request to the emulator (for the legacy API, admin calls and wire-level checks). */
export function rawRequest(
    emu: Emulator,
    opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
        const req = http.request(
            { host: "127.0.0.1", port: emu.port, method: opts.method ?? "GET", path: opts.path, headers: opts.headers, agent: false },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
                res.on("error", reject);
            },
        );
        req.on("error", reject);
        if (opts.body !== undefined) req.write(opts.body);
        req.end();
    });
}

/** JSON admin call. */
export async function admin(emu: Emulator, method: string, path: string, body?: unknown) {
    const r = await rawRequest(emu, {
        method,
        path: `/_emulator/${path}`,
        headers: body === undefined ? {} : { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, json: JSON.parse(r.body) };
}

/** Options of {@link legacyCall}. */
export interface LegacyCallOptions {
    method?: "GET" | "POST";
    secretId?: string;
    secretKey?: string;
    signatureMethod?: "HmacSHA1" | "HmacSHA256" | null;
    nonce?: number;
    timestamp?: number;
    host?: string;
    /** Host used in the source string, if not the one sent. */
    signHost?: string;
    token?: string;
    /** Tamper with the params after signing. */
    afterSign?: (params: Record<string, string>) => void;
}

/**
 * A test-only legacy v2 client: builds the documented source string with node:crypto
 * (sorted names, `_` -> `.`, raw values, Host with port), signs, and sends.
 */
export async function legacyCall(emu: Emulator, apiParams: Record<string, string | number>, opts: LegacyCallOptions = {}) {
    const method = opts.method ?? "GET";
    const host = opts.host ?? `bm.api.qcloud.com:${emu.port}`;
    const params: Record<string, string> = {
        Action: "GetUserCmdTaskList",
        Region: "bj",
        SecretId: opts.secretId ?? EMULATOR_CREDENTIALS.tencent.secretId,
        Nonce: String(opts.nonce ?? randomInt(1, 2 ** 31)),
        Timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
        ...Object.fromEntries(Object.entries(apiParams).map(([k, v]) => [k, String(v)])),
    };
    if (opts.signatureMethod !== null) params.SignatureMethod = opts.signatureMethod ?? "HmacSHA256";
    if (opts.token) params.Token = opts.token;
    const source =
        `${method}${opts.signHost ?? host}/v2/index.php?` +
        Object.keys(params)
            .sort()
            .map((k) => `${k.replace(/_/g, ".")}=${params[k]}`)
            .join("&");
    const algorithm = params.SignatureMethod === "HmacSHA256" ? "sha256" : "sha1";
    params.Signature = createHmac(algorithm, opts.secretKey ?? EMULATOR_CREDENTIALS.tencent.secretKey)
        .update(source)
        .digest("base64");
    opts.afterSign?.(params);
    const encoded = new URLSearchParams(params).toString();
    const r =
        method === "GET"
            ? await rawRequest(emu, { path: `/v2/index.php?${encoded}`, headers: { Host: host } })
            : await rawRequest(emu, {
                  method: "POST",
                  path: "/v2/index.php",
                  headers: { Host: host, "Content-Type": "application/x-www-form-urlencoded" },
                  body: encoded,
              });
    return { status: r.status, body: JSON.parse(r.body) as Record<string, unknown>, raw: r };
}

/** Awaits a promise expected to reject; returns the error. */
export async function rejects<T = Record<string, unknown>>(p: Promise<unknown>): Promise<T> {
    try {
        await p;
    } catch (e) {
        return e as T;
    }
    throw new Error("expected the call to fail, it succeeded");
}

/** Sleeps. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
