import * as path from "node:path";
import { TaskgateValidationError } from "./errors";
import { redactUrl } from "./redact";
import type { Phrase, Wording } from "./wording";

/**
 * Connection settings for Tencent Cloud, accepted by every Tencent data source and gate.
 * Each is optional: the call's own value wins, then the stack config, then the environment.
 */
export interface TencentConnectionArgs {
    /** SecretId. Config `tencentcloud:secretId`, env `TENCENTCLOUD_SECRET_ID`. */
    secretId?: string;
    /** SecretKey. Config `tencentcloud:secretKey`, env `TENCENTCLOUD_SECRET_KEY`. */
    secretKey?: string;
    /** Token of temporary credentials. Config `tencentcloud:securityToken`, env `TENCENTCLOUD_SECURITY_TOKEN`. */
    securityToken?: string;
    /** Region, e.g. `ap-guangzhou`. Config `tencentcloud:region`, env `TENCENTCLOUD_REGION`. */
    region?: string;
    /** Base URL that replaces the public endpoints (e.g. the emulator `http://127.0.0.1:4566`).
     * Config `taskgate:endpoint`, env `TASKGATE_ENDPOINT`. */
    endpoint?: string;
}

/**
 * Connection settings for Huawei Cloud, accepted by every Huawei data source and gate.
 * Authenticate with an AK/SK pair (optionally temporary, with `securityToken`) or an IAM token.
 */
export interface HuaweiConnectionArgs {
    /** AK. Config `huaweicloud:accessKey`, env `HW_ACCESS_KEY`. */
    accessKey?: string;
    /** SK. Config `huaweicloud:secretKey`, env `HW_SECRET_KEY`. */
    secretKey?: string;
    /** Security token of a temporary AK/SK. Config `huaweicloud:securityToken`, env `HW_SECURITY_TOKEN`. */
    securityToken?: string;
    /** IAM user token sent as `X-Auth-Token`, instead of AK/SK. Config `huaweicloud:authToken`, env `HW_AUTH_TOKEN`. */
    authToken?: string;
    /** Region, e.g. `cn-north-4`. Config `huaweicloud:region`, env `HW_REGION_NAME`. */
    region?: string;
    /** Project id of the region. Config `huaweicloud:projectId`, env `HW_PROJECT_ID`. */
    projectId?: string;
    /** Base URL that replaces the public endpoints. Config `taskgate:endpoint`, env `TASKGATE_ENDPOINT`. */
    endpoint?: string;
}

/** Reads a namespaced stack config value (`tencentcloud:secretId`), or undefined. */
export type ConfigLookup = (key: string) => string | undefined;

/** Where settings come from besides the call's args. */
export interface SettingsSources {
    config: ConfigLookup;
    env: Record<string, string | undefined>;
    /**
     * How a message names where `config` reads a key from, for a reader who must set it: by default
     * "the `tencentcloud:secretId` stack config"; the provider plugin's config is spelled otherwise.
     * @param key the namespaced key `config` is asked for, e.g. `tencentcloud:secretId`.
     */
    configPlace?: (key: string) => string;
}

/** Settings read from nowhere but the args: for tests and for callers that pass everything. */
export const argsOnly: SettingsSources = { config: () => undefined, env: {} };

/** A parsed endpoint override. */
export interface Endpoint {
    protocol: "http:" | "https:";
    hostname: string;
    /** Port as given, or undefined for the protocol's default. */
    port?: number;
}

export interface ResolvedTencent {
    secretId: string;
    secretKey: string;
    securityToken?: string;
    region?: string;
    endpoint?: Endpoint;
}

export type HuaweiAuth = { kind: "aksk"; accessKey: string; secretKey: string; securityToken?: string } | { kind: "token"; authToken: string };

export interface ResolvedHuawei {
    auth: HuaweiAuth;
    projectId: string;
    region?: string;
    /** Full base URL, e.g. `https://cph.cn-north-4.myhuaweicloud.com` or the override. */
    baseUrl: string;
}

interface Setting {
    arg: string;
    config: string;
    env: string;
}

const TENCENT = {
    secretId: { arg: "secretId", config: "tencentcloud:secretId", env: "TENCENTCLOUD_SECRET_ID" },
    secretKey: { arg: "secretKey", config: "tencentcloud:secretKey", env: "TENCENTCLOUD_SECRET_KEY" },
    securityToken: { arg: "securityToken", config: "tencentcloud:securityToken", env: "TENCENTCLOUD_SECURITY_TOKEN" },
    region: { arg: "region", config: "tencentcloud:region", env: "TENCENTCLOUD_REGION" },
} satisfies Record<string, Setting>;

const HUAWEI = {
    accessKey: { arg: "accessKey", config: "huaweicloud:accessKey", env: "HW_ACCESS_KEY" },
    secretKey: { arg: "secretKey", config: "huaweicloud:secretKey", env: "HW_SECRET_KEY" },
    securityToken: { arg: "securityToken", config: "huaweicloud:securityToken", env: "HW_SECURITY_TOKEN" },
    authToken: { arg: "authToken", config: "huaweicloud:authToken", env: "HW_AUTH_TOKEN" },
    region: { arg: "region", config: "huaweicloud:region", env: "HW_REGION_NAME" },
    projectId: { arg: "projectId", config: "huaweicloud:projectId", env: "HW_PROJECT_ID" },
} satisfies Record<string, Setting>;

const ENDPOINT: Setting = { arg: "endpoint", config: "taskgate:endpoint", env: "TASKGATE_ENDPOINT" };

/** The names of every credential setting, for redaction and for marking secrets. */
export const SECRET_ARG_NAMES: readonly string[] = ["secretKey", "securityToken", "authToken"];

/** Every credential setting, key ids included: what a report or a command line never shows or takes as an option. */
export const CREDENTIAL_ARG_NAMES: readonly string[] = ["secretId", "accessKey", ...SECRET_ARG_NAMES];

function pick(args: Record<string, unknown>, s: Setting, src: SettingsSources, secret: boolean): string | undefined {
    const fromArgs = args[s.arg];
    if (fromArgs !== undefined && fromArgs !== null) {
        if (typeof fromArgs !== "string") {
            throw new TaskgateValidationError(s.arg, "must be a string", secret ? undefined : safeRender(fromArgs));
        }
        if (fromArgs !== "") return checkToken(s.arg, fromArgs, secret);
    }
    const fromConfig = src.config(s.config);
    if (fromConfig) return checkToken(s.config, fromConfig, secret);
    const fromEnv = src.env[s.env];
    if (fromEnv) return checkToken(s.env, fromEnv, secret);
    return undefined;
}

function checkToken(field: string, value: string, secret: boolean): string {
    // Whitespace or control characters in a key or id are always a copy-paste accident, and
    // would otherwise surface later as a confusing signature failure.
    if (/[\s\u0000-\u001f\u007f]/.test(value)) {
        throw new TaskgateValidationError(field, "must not contain whitespace or control characters", secret ? undefined : safeRender(value));
    }
    return value;
}

/**
 * The error for a setting given nowhere: where it is read from, in the reader's words (the command
 * line takes no credential as an option, so it names the config and the environment only).
 * @param extra what else would do, after the setting's places (`, or an \`endpoint\``).
 */
function missing(what: string, s: Setting, src: SettingsSources, extra: Phrase = () => ""): TaskgateValidationError {
    return new TaskgateValidationError(s.arg, (w) => `no ${what} was given: set ${settingPlaces(s, src, w)}${extra(w)}`);
}

/** Where a setting is read from: "the `region` argument, the `tencentcloud:region` stack config or the TENCENTCLOUD_REGION environment variable". */
function settingPlaces(s: Setting, src: SettingsSources, w: Wording): string {
    const arg = w.argSetting(s.arg);
    const config = src.configPlace?.(s.config) ?? `the \`${s.config}\` stack config`;
    return `${arg === undefined ? "" : `${arg}, `}${config} or the ${s.env} environment variable`;
}

/** Renders a non-secret value for an error message, cut short. */
export function safeRender(v: unknown): string {
    let s: string;
    try {
        s = typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
    } catch {
        s = String(v);
    }
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

const REGION = /^[a-z][a-z0-9-]{1,40}$/;

function checkRegion(field: string, region: string | undefined): string | undefined {
    if (region !== undefined && !REGION.test(region)) {
        throw new TaskgateValidationError(
            field,
            "must be a region id of lower-case letters, digits and dashes, e.g. ap-guangzhou or cn-north-4",
            safeRender(region),
        );
    }
    return region;
}

/** Parses an endpoint override; only http and https base URLs without a path are allowed. */
export function parseEndpoint(field: string, value: string): Endpoint {
    let u: URL;
    try {
        u = new URL(value);
    } catch {
        throw new TaskgateValidationError(field, "must be an http:// or https:// base URL such as http://127.0.0.1:4566", safeRender(redactUrl(value)));
    }
    if ((u.protocol !== "http:" && u.protocol !== "https:") || (u.pathname !== "/" && u.pathname !== "") || u.search || u.hash || u.username || u.password) {
        throw new TaskgateValidationError(
            field,
            "must be an http:// or https:// base URL with no path, query or user info, such as http://127.0.0.1:4566",
            safeRender(redactUrl(value)),
        );
    }
    return { protocol: u.protocol, hostname: u.hostname.replace(/^\[|\]$/g, ""), port: u.port ? Number(u.port) : undefined };
}

function resolveEndpoint(args: Record<string, unknown>, src: SettingsSources): Endpoint | undefined {
    const v = pick(args, ENDPOINT, src, false);
    return v === undefined ? undefined : parseEndpoint("endpoint", v);
}

/** Origin of an endpoint, e.g. `http://127.0.0.1:4566`. */
export function endpointOrigin(e: Endpoint): string {
    const host = e.hostname.includes(":") ? `[${e.hostname}]` : e.hostname;
    return `${e.protocol}//${host}${e.port ? `:${e.port}` : ""}`;
}

/**
 * Resolves Tencent Cloud settings: args, then stack config, then environment.
 * @param requireRegion the API needs `X-TC-Region` (TAT, BM); MPS does not.
 */
export function resolveTencent(args: TencentConnectionArgs, src: SettingsSources, requireRegion: boolean): ResolvedTencent {
    const a = args as Record<string, unknown>;
    const secretId = pick(a, TENCENT.secretId, src, false);
    const secretKey = pick(a, TENCENT.secretKey, src, true);
    const securityToken = pick(a, TENCENT.securityToken, src, true);
    const region = checkRegion("region", pick(a, TENCENT.region, src, false));
    const endpoint = resolveEndpoint(a, src);
    if (!secretId) throw missing("Tencent Cloud SecretId", TENCENT.secretId, src);
    if (!secretKey) throw missing("Tencent Cloud SecretKey", TENCENT.secretKey, src);
    if (requireRegion && !region) throw missing("Tencent Cloud region (e.g. ap-guangzhou)", TENCENT.region, src);
    return { secretId, secretKey, securityToken, region, endpoint };
}

/** A Huawei Cloud service the sources read: its API name, and the prefix of its public endpoint (`cph.cn-north-4.myhuaweicloud.com`). */
export type HuaweiService = "cph" | "workspace";

/**
 * Resolves Huawei Cloud settings: args, then stack config, then environment.
 * @param service the endpoint prefix (`cph`, `workspace`) used to build the public endpoint.
 */
export function resolveHuawei(args: HuaweiConnectionArgs, src: SettingsSources, service: HuaweiService): ResolvedHuawei {
    const a = args as Record<string, unknown>;
    const accessKey = pick(a, HUAWEI.accessKey, src, false);
    const secretKey = pick(a, HUAWEI.secretKey, src, true);
    const securityToken = pick(a, HUAWEI.securityToken, src, true);
    const authToken = pick(a, HUAWEI.authToken, src, true);
    const region = checkRegion("region", pick(a, HUAWEI.region, src, false));
    const projectId = pick(a, HUAWEI.projectId, src, false);
    const endpoint = resolveEndpoint(a, src);

    let auth: HuaweiAuth;
    if (accessKey || secretKey) {
        if (!accessKey) throw missing("Huawei Cloud AK to go with the SK", HUAWEI.accessKey, src);
        if (!secretKey) throw missing("Huawei Cloud SK to go with the AK", HUAWEI.secretKey, src);
        auth = { kind: "aksk", accessKey, secretKey, securityToken };
    } else if (authToken) {
        auth = { kind: "token", authToken };
    } else {
        throw missing(
            "Huawei Cloud credential",
            HUAWEI.accessKey,
            src,
            (w) => ` (with its secret key: ${settingPlaces(HUAWEI.secretKey, src, w)}), or an IAM token: ${settingPlaces(HUAWEI.authToken, src, w)}`,
        );
    }
    if (!projectId) throw missing("Huawei Cloud project id", HUAWEI.projectId, src);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(projectId)) {
        throw new TaskgateValidationError(
            "projectId",
            "must be a project id of letters, digits, '-' and '_' (32 hex characters on Huawei Cloud)",
            safeRender(projectId),
        );
    }
    let baseUrl: string;
    if (endpoint) {
        baseUrl = endpointOrigin(endpoint);
    } else {
        if (!region) throw missing("Huawei Cloud region (e.g. cn-north-4)", HUAWEI.region, src, (w) => `, or ${w.argSetting("endpoint") ?? "an endpoint"}`);
        baseUrl = `https://${service}.${region}.myhuaweicloud.com`;
    }
    return { auth, projectId, region, baseUrl };
}

/** 32 MiB: a full page of 100 TAT tasks with their output is under 3 MiB, so this leaves ten times that. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

const MAX_RESPONSE_BYTES: Setting = { arg: "maxResponseBytes", config: "taskgate:maxResponseBytes", env: "TASKGATE_MAX_RESPONSE_BYTES" };

/** Checks a cap on the size of one answer: whole bytes, at least 1 KiB. */
export function checkMaxResponseBytes(field: string, value: number): number {
    if (!Number.isSafeInteger(value) || value < 1024) {
        throw new TaskgateValidationError(
            field,
            `must be a whole number of bytes from 1024 up (default ${DEFAULT_MAX_RESPONSE_BYTES}, 32 MiB)`,
            safeRender(value),
        );
    }
    return value;
}

/** The cap on one answer's size from the stack config (`taskgate:maxResponseBytes`) or the environment, if set. */
export function maxResponseBytesSetting(src: SettingsSources): number | undefined {
    const fromConfig = src.config(MAX_RESPONSE_BYTES.config);
    const [field, raw] = fromConfig ? [MAX_RESPONSE_BYTES.config, fromConfig] : [MAX_RESPONSE_BYTES.env, src.env[MAX_RESPONSE_BYTES.env]];
    if (raw === undefined || raw === "") return undefined;
    return checkMaxResponseBytes(field, /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN);
}

const RATE_LIMIT_DIR: Setting = { arg: "rateLimitDir", config: "taskgate:rateLimitDir", env: "TASKGATE_RATE_LIMIT_DIR" };

/**
 * Where processes on this machine share each API's rate limit: a directory, or `false` for this
 * process alone.
 */
export interface RateLimitDirChoice {
    readonly dir: string | false;
    /** The setting it came from; undefined for the default directory. */
    readonly field?: string;
}

/** Checks a rate-limit ledger directory: an absolute path, or false (off). */
export function checkRateLimitDir(field: string, value: unknown): string | false {
    if (value === false) return false;
    if (typeof value !== "string" || !path.isAbsolute(value)) {
        throw new TaskgateValidationError(
            field,
            "must be an absolute directory path, or off (false) to keep each process's rate limit to itself",
            safeRender(value),
        );
    }
    return value;
}

/** The rate-limit ledger's directory from the stack config (`taskgate:rateLimitDir`) or the environment, if set; `off` turns sharing off. */
export function rateLimitDirSetting(src: SettingsSources): RateLimitDirChoice | undefined {
    const fromConfig = src.config(RATE_LIMIT_DIR.config);
    const [field, raw] = fromConfig ? [RATE_LIMIT_DIR.config, fromConfig] : [RATE_LIMIT_DIR.env, src.env[RATE_LIMIT_DIR.env]];
    if (raw === undefined || raw.trim() === "") return undefined;
    return { dir: raw.trim().toLowerCase() === "off" ? false : checkRateLimitDir(field, raw.trim()), field };
}

/**
 * What the cloud counts a Tencent API's rate limit against: the account's key id and the region,
 * and the endpoint when one replaces the public one (another endpoint counts on its own).
 */
export function tencentRateScope(conn: ResolvedTencent): string {
    return `${conn.secretId}|${conn.region ?? ""}${conn.endpoint ? `|${endpointOrigin(conn.endpoint)}` : ""}`;
}

/** What a Huawei API's rate limit is counted against here: the project and the endpoint (its base URL, with the region in it). */
export function huaweiRateScope(conn: ResolvedHuawei): string {
    return `${conn.projectId}|${conn.baseUrl}`;
}
