/**
 * One error factory per cloud, and the envelopes that put errors and results on the wire.
 *
 * Handlers and verifiers throw {@link ApiError}s built by these factories; the server renders
 * them with the envelope of the cloud that was called. Keeping codes and messages here means
 * a test can assert on a code without knowing which layer produced it, and the emulator's
 * choices for undocumented cases live in one place (listed in emulator/README.md).
 *
 * No message built here ever contains a secret, a signature, a token or a string-to-sign.
 */

/** An error as a cloud reports it: a code, a message, the HTTP status (Huawei) and extra body fields. */
export class ApiError extends Error {
    constructor(
        /** The cloud's code: `AuthFailure.SignatureFailure`, `4100`, `APIGW.0301`, `CPS.0011`, `WKS.0002`. */
        readonly code: string,
        message: string,
        /** HTTP status for Huawei errors; Tencent answers 200 whatever this says. */
        readonly status = 400,
        /** Extra body fields: `codeDesc` (legacy), `error_detail` (Workspace). */
        readonly extra: Record<string, unknown> = {},
        /** Huawei: put `request_id` in the body (API gateway and CPH errors do; Workspace does not). */
        readonly bodyRequestId = false,
    ) {
        super(message);
        this.name = "ApiError";
    }
}

// ---------------------------------------------------------------------------------------------
// Tencent Cloud API 3.0 (always HTTP 200, `{"Response":{"Error":{Code,Message},RequestId}}`)
// ---------------------------------------------------------------------------------------------

const tc = (code: string, message: string) => new ApiError(code, message, 200);

/** Tencent API 3.0 common and per-API error codes. */
export const TencentErrors = {
    invalidAuthorization: (detail: string) => tc("AuthFailure.InvalidAuthorization", `Authorization header is invalid: ${detail}.`),
    secretIdNotFound: () => tc("AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct."),
    signatureExpire: (timestamp: number, serverTime: number) =>
        tc(
            "AuthFailure.SignatureExpire",
            `Signature expired. Timestamp ${timestamp} and server time ${serverTime} differ by more than 300 seconds; please check that your local time is correct.`,
        ),
    signatureFailure: (detail?: string) =>
        tc(
            "AuthFailure.SignatureFailure",
            `The provided credentials could not be validated. Please check your signature is correct.${detail ? ` (${detail})` : ""}`,
        ),
    tokenFailure: (detail: string) => tc("AuthFailure.TokenFailure", `Token verification failed: ${detail}.`),
    requestLimitExceeded: (count: number, limit: number) =>
        tc(
            "RequestLimitExceeded",
            `Your current request times equals to \`${count}\` in a second, which exceeds the frequency limit \`${limit}\` for a second. Please reduce the frequency of calls.`,
        ),
    internalError: () => tc("InternalError", "An internal error has occurred. Retry your request, but if the problem persists, contact us."),
    invalidAction: (action: string, product: string) => tc("InvalidAction", `The action \`${action}\` is not found in product \`${product}\`.`),
    noSuchVersion: (version: string, product: string) => tc("NoSuchVersion", `The requested version \`${version}\` of product \`${product}\` does not exist.`),
    unsupportedProtocol: (method: string) => tc("UnsupportedProtocol", `HTTP method \`${method}\` is not supported; only GET and POST are.`),
    missingParameter: (name: string) => tc("MissingParameter", `The request is missing a required parameter \`${name}\`.`),
    invalidParameter: (message: string, sub?: string) => tc(sub ? `InvalidParameter.${sub}` : "InvalidParameter", message),
    invalidParameterValue: (message: string, sub?: string) => tc(sub ? `InvalidParameterValue.${sub}` : "InvalidParameterValue", message),
    unknownParameter: (name: string) => tc("UnknownParameter", `The parameter \`${name}\` is not recognized.`),
};

// ---------------------------------------------------------------------------------------------
// Tencent legacy v2 (HTTP 200, `{"code":N,"message":"...","codeDesc":"..."}`)
// ---------------------------------------------------------------------------------------------

const legacy = (code: number, codeDesc: string, message: string) => new ApiError(String(code), message, 200, { codeDesc });

/**
 * Legacy v2 codes: the common ones (4000 parameters, 4100 signature, 4104 unknown SecretId,
 * 4400 quota, 4500 replay) and GetUserCmdTaskList's own (9001, 10001, 18021, 18022).
 * `codeDesc` strings for the common codes are the emulator's choice (the docs give none).
 */
export const LegacyErrors = {
    missingParameter: (name: string) => legacy(4000, "MissingParameter", `(100001) missing required parameter ${name}`),
    invalidCommonParameter: (detail: string) => legacy(4000, "InvalidParameter", `(100002) ${detail}`),
    unknownAction: (action: string) => legacy(4000, "InvalidAction", `(100003) action ${action} is not supported by this endpoint`),
    unsupportedProtocol: (method: string) => legacy(4600, "UnsupportedProtocol", `(100600) HTTP method ${method} is not supported`),
    signatureFailure: () => legacy(4100, "AuthFailure.SignatureFailure", "(100100) signature verification failed"),
    tokenFailure: () => legacy(4100, "AuthFailure.TokenFailure", "(100101) the Token parameter does not match this SecretId"),
    secretIdNotFound: () => legacy(4104, "AuthFailure.SecretIdNotFound", "(100104) SecretId does not exist or the key is disabled"),
    quotaExceeded: (limit: number) => legacy(4400, "RequestLimitExceeded", `(100400) request quota exceeded: more than ${limit} requests in one second`),
    replay: (detail: string) => legacy(4500, "ReplayAttack", `(100500) ${detail}`),
    dbError: () => legacy(9001, "InternalError.DbError", "database operation failed"),
    invalidParameter: (detail: string) => legacy(10001, "InvalidParameter", detail),
    orderByInvalid: (value: string) => legacy(18021, "OrderByInvalid", `invalid orderBy: ${value}`),
    orderTypeInvalid: (value: string) => legacy(18022, "OrderTypeInvalid", `invalid orderType: ${value}`),
};

// ---------------------------------------------------------------------------------------------
// Huawei Cloud (`{"error_code","error_msg",...}` with the real HTTP status; X-Request-Id header)
// ---------------------------------------------------------------------------------------------

const apigw = (status: number, code: string, message: string) => new ApiError(code, message, status, {}, true);

/** API gateway errors, raised before a request reaches CPH or Workspace. */
export const HuaweiGatewayErrors = {
    notFound: () => apigw(404, "APIGW.0101", "The API does not exist or has not been published in the environment."),
    badRequest: (detail: string) => apigw(400, "APIGW.0201", `API request error: ${detail}`),
    authFailed: (detail: string) => apigw(401, "APIGW.0301", `Incorrect IAM authentication information: ${detail}`),
    requestTimeSkewed: () =>
        apigw(401, "APIGW.0303", "Incorrect app authentication information: X-Sdk-Date differs from the server time by more than 15 minutes"),
    forbidden: (detail: string) => apigw(403, "APIGW.0302", `The IAM user is not authorized to access the API. ${detail}`),
    throttled: (limit: number) =>
        apigw(429, "APIGW.0308", `The throttling threshold has been reached: policy user over ratelimit,limit:${limit},time:1 second`),
    backend: (status: number) => apigw(status, "APIGW.0201", status === 504 ? "Backend timeout." : "Backend unavailable."),
};

const cps = (code: string, message: string, status = 400) => new ApiError(code, message, status, {}, true);

/** CPH business errors: HTTP 400 with `{request_id, error_code, error_msg}` (codes from the CPH error table). */
export const CphErrors = {
    offsetOrLimitInvalid: () => cps("CPS.0002", "Parameter: offset or limit is invalid."),
    internal: (status = 400) => cps("CPS.0003", "Service internal error.", status),
    requestIdEmpty: () => cps("CPS.0049", "Parameter: request_id is empty."),
    jobNotFound: () => cps("CPS.0011", "Job not found."),
    tooManyRequestIds: () => cps("CPS.0161", "Parameter: the number of request IDs has exceeded the limit."),
};

/**
 * Workspace errors, `{error_code, error_msg, error_detail}`. The public docs list no code for
 * a bad query parameter, so the emulator uses one scheme: `WKS.0002` (400) for any invalid
 * parameter, with `error_detail` naming the parameter and the rule, and `WKS.0003` for an
 * internal error (500, only produced by fault injection).
 */
export const WorkspaceErrors = {
    invalidParameter: (detail: string) => new ApiError("WKS.0002", "The request parameter is invalid.", 400, { error_detail: detail }),
    internal: (status = 500) => new ApiError("WKS.0003", "Internal server error.", status, { error_detail: "internal error" }),
};
