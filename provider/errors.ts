import { terminalText } from "./safeText";
import type { ApiName, CloudName } from "./types";
import { seconds } from "./words";

/**
 * An error taskgate expects and explains: bad input, a cloud's refusal, a read that gave up, a gate
 * whose requirements do not hold. Its message is the whole story, written for the person running
 * the deployment; a stack trace would only point into taskgate's own files. Catch this class for
 * any of them; programs see the subclasses' fields.
 */
export abstract class TaskgateError extends Error {}

/**
 * Bad input, found before any request is sent. The message names the field, the value
 * given and what is allowed, so it reads well as a `pulumi up` diagnostic.
 */
export class TaskgateValidationError extends TaskgateError {
    override readonly name = "TaskgateValidationError";
    constructor(
        /** The argument path, e.g. `invocationTaskIds[3]` or `huaweicloud:projectId`. */
        readonly field: string,
        /** What is wrong and what is allowed. */
        readonly problem: string,
        /** The offending value, already rendered safely (secrets are never rendered). */
        readonly value?: string,
    ) {
        super(`taskgate: invalid ${field}${value === undefined ? "" : ` (${terminalText(value)})`}: ${problem}`);
    }
}

/** How a cloud error should be handled. */
export type ErrorKind =
    /** Over the API's rate limit: retry after a pause. */
    | "throttled"
    /** 5xx, network failure, timeout, malformed or truncated body: retry. */
    | "transient"
    /** Authentication or authorization failed: never retry. */
    | "auth"
    /** The cloud refused the parameters or the resource: never retry. */
    | "client";

/** The fields of a {@link TaskgateCloudError}. */
export interface CloudErrorInfo {
    cloud: CloudName;
    api: ApiName;
    /** The cloud's operation name, e.g. `DescribeInvocationTasks` or `ListJobs`. */
    operation: string;
    /** The cloud's error code (`AuthFailure.SignatureFailure`, `APIGW.0308`, `4100`, ...), or a
     * taskgate code for failures without one (`NetworkError`, `Timeout`, `MalformedResponse`, `HttpError`). */
    code: string;
    message: string;
    requestId?: string;
    httpStatus?: number;
    kind: ErrorKind;
    /** Seconds the cloud asked to wait (Retry-After), when it said. */
    retryAfterSeconds?: number;
}

/**
 * One error type for every cloud failure: which cloud and API, the cloud's code and message,
 * its RequestId and the HTTP status. It never holds a request, a header or a credential, so it is
 * safe to log, to show in a `pulumi up` diagnostic and to store.
 *
 * The fields (`code`, `cloudMessage`, `requestId`, and `toJSON()`) hold exactly what the cloud
 * sent, for programs; `message` is their rendering for a terminal, one line with every control
 * character visible (see provider/safeText), since Node, Pulumi and every log print it as it is.
 */
export class TaskgateCloudError extends TaskgateError {
    override readonly name = "TaskgateCloudError";
    readonly cloud: CloudName;
    readonly api: ApiName;
    readonly operation: string;
    readonly code: string;
    readonly cloudMessage: string;
    readonly requestId?: string;
    readonly httpStatus?: number;
    readonly kind: ErrorKind;
    readonly retryAfterSeconds?: number;
    /** Attempts made for the failing request, set when retries gave up. */
    attempts = 1;

    constructor(info: CloudErrorInfo) {
        super(formatCloudError(info));
        this.cloud = info.cloud;
        this.api = info.api;
        this.operation = info.operation;
        this.code = info.code;
        this.cloudMessage = info.message;
        this.requestId = info.requestId || undefined;
        this.httpStatus = info.httpStatus;
        this.kind = info.kind;
        this.retryAfterSeconds = info.retryAfterSeconds;
    }

    /** Whether retrying the same request may succeed. */
    get retryable(): boolean {
        return this.kind === "throttled" || this.kind === "transient";
    }

    /** Plain fields for JSON output and state: no stack, nothing secret. */
    toJSON(): Record<string, unknown> {
        return {
            name: this.name,
            cloud: this.cloud,
            api: this.api,
            operation: this.operation,
            code: this.code,
            message: this.cloudMessage,
            requestId: this.requestId,
            httpStatus: this.httpStatus,
            kind: this.kind,
            attempts: this.attempts,
        };
    }
}

function formatCloudError(i: CloudErrorInfo): string {
    const parts = [`${i.cloud} ${i.operation} failed: ${terminalText(i.code)}: ${terminalText(i.message)}`];
    if (i.requestId) parts.push(`RequestId ${terminalText(i.requestId)}`);
    if (i.httpStatus !== undefined) parts.push(`HTTP ${i.httpStatus}`);
    return parts.join(" | ");
}

/**
 * A read gave up: the list kept changing between pages, or the deadline passed. Never a
 * partial list: the caller gets this error instead. Its message is one line that may quote what
 * the cloud sent (a record id, a ScrollToken), so every control character in it, line breaks
 * included, is made visible.
 */
export class TaskgateReadError extends TaskgateError {
    override readonly name = "TaskgateReadError";
    constructor(message: string, cause?: Error) {
        super(terminalText(message), cause ? { cause } : undefined);
    }
}

/**
 * A response that parsed but is not the documented shape (a list missing, a record without its
 * id). It is retried like a truncated body, since a proxy or a half-written response is the
 * likely cause, and fails the read if it persists: a list read from it could have holes.
 */
export function malformedResponse(cloud: CloudName, api: ApiName, operation: string, detail: string, requestId?: string): TaskgateCloudError {
    return new TaskgateCloudError({ cloud, api, operation, code: "MalformedResponse", message: detail, requestId, kind: "transient" });
}

/**
 * An attempt that got no complete answer in its time: retried, since a slow moment of the network or
 * the cloud is the likely cause. The time is given in seconds, as a person reads it.
 */
export function requestTimedOut(cloud: CloudName, api: ApiName, operation: string, timeoutMs: number): TaskgateCloudError {
    return new TaskgateCloudError({
        cloud,
        api,
        operation,
        code: "Timeout",
        message: `no complete answer within ${seconds(timeoutMs / 1000)}`,
        kind: "transient",
    });
}
