import { type ErrorKind, requestTimedOut, TaskgateCloudError } from "../errors";
import type { CallResult } from "../paging";
import { parseEndpoint, type ResolvedHuawei } from "../settings";
import type { ApiName } from "../types";
import { redactUrlsIn } from "../redact";
import { agentFor } from "./agents";

/**
 * Huawei Cloud calls go through `@huaweicloud/huaweicloud-sdk-core`: its AK/SK signer
 * (SDK-HMAC-SHA256 with `X-Project-Id`) and its HTTP client. There is no CPH or Workspace package
 * on npm, so the paths are given here the way the generated clients would give them.
 */
export interface HuaweiTransport {
    /** GET `path` (with `{project_id}`) and the query; array values are sent as repeated keys. */
    get<B>(operation: string, path: string, query: Record<string, string | string[]>, timeoutMs: number): Promise<CallResult<B>>;
}

let core: typeof import("@huaweicloud/huaweicloud-sdk-core") | undefined;
let ClientBuilderClass: typeof import("@huaweicloud/huaweicloud-sdk-core/ClientBuilder").ClientBuilder | undefined;

/**
 * Loads the core once. Importing it configures log4js for the whole process to print to stdout,
 * and its HTTP client then logs every failed request with its headers (Authorization and
 * X-Security-Token included). Turning that logger off here, before any request, keeps credentials
 * out of every log.
 */
function loadCore() {
    if (!core || !ClientBuilderClass) {
        core = require("@huaweicloud/huaweicloud-sdk-core") as typeof import("@huaweicloud/huaweicloud-sdk-core");
        const log4j = require("@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger") as { Logger4jInstance: { level: string } };
        log4j.Logger4jInstance.level = "off";
        ClientBuilderClass = (require("@huaweicloud/huaweicloud-sdk-core/ClientBuilder") as typeof import("@huaweicloud/huaweicloud-sdk-core/ClientBuilder"))
            .ClientBuilder;
    }
    return { core, ClientBuilder: ClientBuilderClass };
}

interface HttpRequestLike {
    url?: string;
    headers?: Record<string, unknown>;
}

/**
 * IAM-token authentication (`X-Auth-Token`), which the core has no credential class for: it fills
 * in the project id and adds the header, with nothing to sign.
 */
class IamTokenCredential {
    constructor(
        private readonly token: string,
        private readonly projectId: string,
    ) {}
    getAk(): string | undefined {
        return undefined;
    }
    getSk(): string | undefined {
        return undefined;
    }
    async processAuthParams(): Promise<this> {
        return this;
    }
    async processAuthRequest(_client: unknown, request: HttpRequestLike): Promise<HttpRequestLike> {
        request.url = (request.url ?? "").replace("{project_id}", encodeURIComponent(this.projectId));
        request.headers = { ...request.headers, "X-Auth-Token": this.token };
        return request;
    }
}

interface HcClientLike {
    sendRequest(options: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export function huawei(conn: ResolvedHuawei, api: ApiName): HuaweiTransport {
    const { core, ClientBuilder } = loadCore();
    const endpoint = parseEndpoint("endpoint", conn.baseUrl);
    const agent = agentFor(endpoint.protocol);
    const credential =
        conn.auth.kind === "aksk"
            ? (() => {
                  const c = new core.BasicCredentials().withAk(conn.auth.accessKey).withSk(conn.auth.secretKey).withProjectId(conn.projectId);
                  return conn.auth.securityToken ? c.withSecurityToken(conn.auth.securityToken) : c;
              })()
            : new IamTokenCredential(conn.auth.authToken, conn.projectId);

    return {
        async get<B>(operation: string, path: string, query: Record<string, string | string[]>, timeoutMs: number): Promise<CallResult<B>> {
            // One client per call: the core's client keeps per-request state on itself
            // (the request being sent, a retry counter), which concurrent pages must not share.
            const client = new ClientBuilder((c: unknown) => c as HcClientLike)
                .withCredential(credential as never)
                .withEndpoint(conn.baseUrl)
                .build();
            // axios' timeout is a socket idle timeout once the answer has begun: an answer that
            // trickles in would never trip it. One timer over the whole exchange bounds the attempt.
            const abort = new AbortController();
            const timer = setTimeout(() => abort.abort(), timeoutMs);
            let body: Record<string, unknown>;
            try {
                body = await client.sendRequest({
                    method: "GET",
                    url: path,
                    contentType: "application/json",
                    queryParams: query,
                    pathParams: {},
                    headers: {},
                    responseHeaders: ["X-Request-Id"],
                    axiosRequestConfig: { timeout: timeoutMs, signal: abort.signal, httpAgent: agent, httpsAgent: agent, proxy: false },
                });
            } catch (e) {
                if (abort.signal.aborted) {
                    throw requestTimedOut("huaweicloud", api, operation, timeoutMs);
                }
                throw toCloudError(api, operation, e);
            } finally {
                clearTimeout(timer);
            }
            const requestId = typeof body["X-Request-Id"] === "string" ? body["X-Request-Id"] : undefined;
            delete body["X-Request-Id"];
            delete body.httpStatusCode;
            return { body: body as B, requestId };
        },
    };
}

/** How a Huawei error is handled, from its HTTP status and `error_code`. */
export function classifyHuawei(status: number | undefined, code: string | undefined): ErrorKind {
    if (status === 429 || code === "APIGW.0308") return "throttled";
    if (status === 401 || status === 403 || (code !== undefined && /^APIGW\.03/.test(code))) return "auth";
    if (status === undefined || status >= 500) return "transient";
    // CPH sends every CPS code with HTTP 400, its "Service internal error" included.
    if (code !== undefined && TRANSIENT_CODES.has(code)) return "transient";
    return "client";
}

/** Service codes of internal errors that some Huawei services send with a 4xx status. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(["CPS.0003"]);

/**
 * Turns a core exception into a {@link TaskgateCloudError}. The core reads the RequestId from the
 * `X-Request-Id` header; a network failure has no status, only axios' message.
 */
function toCloudError(api: ApiName, operation: string, e: unknown): TaskgateCloudError {
    const err = e as { httpStatusCode?: unknown; errorCode?: unknown; errorMsg?: unknown; requestId?: unknown; message?: unknown };
    if (err === null || typeof err !== "object" || !("errorMsg" in err)) {
        // Not a service response (those always carry errorMsg): a fault inside the SDK, which
        // retrying would only repeat.
        const text = e instanceof Error ? e.message : String(e);
        return new TaskgateCloudError({ cloud: "huaweicloud", api, operation, code: "SdkError", message: redactUrlsIn(text), kind: "client" });
    }
    const status = typeof err?.httpStatusCode === "number" ? err.httpStatusCode : undefined;
    const code = typeof err?.errorCode === "string" && err.errorCode ? err.errorCode : undefined;
    const rawMessage = typeof err?.errorMsg === "string" ? err.errorMsg : typeof err?.message === "string" ? err.message : String(e);
    // A 2xx answer that is not JSON (cut short, say) reaches the core as a string, which then fails
    // to copy X-Request-Id onto it: "Cannot create property 'X-Request-Id' on string '<the body>'".
    const notJson = status === undefined && /^Cannot create property '[^']*' on string '/.exec(rawMessage);
    if (notJson) {
        const bytes = Buffer.byteLength(rawMessage) - Buffer.byteLength(notJson[0]) - 1;
        return new TaskgateCloudError({
            cloud: "huaweicloud",
            api,
            operation,
            code: "MalformedResponse",
            message: `the response is not JSON (${bytes} bytes)`,
            kind: "transient",
        });
    }
    const message = redactUrlsIn(rawMessage);
    const requestId = typeof err?.requestId === "string" && err.requestId ? err.requestId : undefined;
    const fallback = status === undefined ? (/timeout/i.test(message) ? "Timeout" : "NetworkError") : "HttpError";
    return new TaskgateCloudError({
        cloud: "huaweicloud",
        api,
        operation,
        code: code ?? fallback,
        message,
        requestId,
        httpStatus: status,
        kind: classifyHuawei(status, code),
    });
}
