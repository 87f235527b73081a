import { terminalText } from "./safeText";
import type { ApiName, CloudName } from "./types";
import { PROGRAM_WORDS, type Phrase, type Wording } from "./wording";
import { seconds } from "./words";
import { TaskgateError } from "./errorBase";

export { TASKGATE_ERROR_CODES, TaskgateError, type TaskgateErrorCode } from "./errorBase";

/**
 * Bad input, found before any request is sent. The message names the field, the value
 * given and what is allowed, so it reads well as a `pulumi up` diagnostic.
 */
export class TaskgateValidationError extends TaskgateError {
    /** `TaskgateValidationError`. */
    override readonly name = "TaskgateValidationError";
    /** `TASKGATE_INVALID_INPUT`. */
    readonly code = "TASKGATE_INVALID_INPUT";
    /** The argument path, e.g. `invocationTaskIds[3]`, `require.maxFailed` or `huaweicloud:projectId`. */
    readonly field: string;
    /** What is wrong and what is allowed, in a program's words. */
    readonly problem: string;
    /** The offending value, already rendered safely (secrets are never rendered); undefined when the message shows none. */
    readonly value?: string;
    readonly #problem: Phrase;

    /**
     * @param field the argument path (see {@link TaskgateValidationError.field}).
     * @param problem what is wrong and what is allowed; a {@link Phrase} when it names other
     *   arguments or requirements, so that the command line can say it in its options' words.
     * @param value the offending value, rendered safely; omit it for a secret.
     */
    constructor(field: string, problem: string | Phrase, value?: string) {
        const phrase = typeof problem === "string" ? () => problem : problem;
        super(validationMessage(field, phrase, value, PROGRAM_WORDS));
        this.field = field;
        this.problem = phrase(PROGRAM_WORDS);
        this.value = value;
        this.#problem = phrase;
    }

    /**
     * The message in other words: the `taskgate` command line's, which names `--invocation-id` and
     * `--require max-failed` where a program reads `invocationId` and `require.maxFailed`.
     * @param words how the reader names arguments and requirements.
     */
    describe(words: Wording): string {
        return validationMessage(this.field, this.#problem, this.value, words);
    }

    override toJSON(): Record<string, unknown> {
        return { ...super.toJSON(), field: this.field, problem: this.problem, value: this.value };
    }
}

function validationMessage(field: string, problem: Phrase, value: string | undefined, words: Wording): string {
    return `taskgate: invalid ${words.field(field)}${value === undefined ? "" : ` (${terminalText(value)})`}: ${problem(words)}`;
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

/** What a {@link TaskgateCloudError} is made from: what the cloud answered, and where. */
export interface CloudErrorInfo {
    /** The cloud that answered. */
    cloud: CloudName;
    /** The API that answered. */
    api: ApiName;
    /** The cloud's operation name, e.g. `DescribeInvocationTasks` or `ListJobs`. */
    operation: string;
    /** The cloud's error code (`AuthFailure.SignatureFailure`, `APIGW.0308`, `4100`, ...), or a
     * taskgate code for failures without one (`NetworkError`, `Timeout`, `MalformedResponse`, `HttpError`). */
    code: string;
    /** The cloud's error message, as it sent it. */
    message: string;
    /** The RequestId the cloud gave the failed request, when it gave one. */
    requestId?: string;
    /** The HTTP status of the answer, when one arrived. */
    httpStatus?: number;
    /** How the failure is handled: retried or not. */
    kind: ErrorKind;
    /** Seconds the cloud asked to wait (Retry-After), when it said. */
    retryAfterSeconds?: number;
    /** Attempts made for the failing request. Default 1. */
    attempts?: number;
}

/**
 * One error type for every cloud failure: which cloud and API, the cloud's code and message,
 * its RequestId and the HTTP status. It never holds a request, a header or a credential, so it is
 * safe to log, to show in a `pulumi up` diagnostic and to store.
 *
 * The fields (`cloudCode`, `cloudMessage`, `requestId`, and `toJSON()`) hold exactly what the cloud
 * sent, for programs; `message` is their rendering for a terminal, one line with every control
 * character visible (see provider/safeText), since Node, Pulumi and every log print it as it is.
 *
 * It is thrown when retrying cannot help (`kind` `auth` or `client`) or when every attempt failed
 * (`attempts`, 8 by default); a retried failure stopped by the read's deadline is a
 * {@link TaskgateReadError} with reason `deadline` instead, whose `cause` is this error.
 */
export class TaskgateCloudError extends TaskgateError {
    /** `TaskgateCloudError`. */
    override readonly name = "TaskgateCloudError";
    /** `TASKGATE_CLOUD_ERROR`; the cloud's own code is {@link TaskgateCloudError.cloudCode}. */
    readonly code = "TASKGATE_CLOUD_ERROR";
    /** The cloud that answered. */
    readonly cloud: CloudName;
    /** The API that answered. */
    readonly api: ApiName;
    /** The cloud's operation name, e.g. `DescribeInvocationTasks` or `ListJobs`. */
    readonly operation: string;
    /** The cloud's error code (`AuthFailure.SignatureFailure`, `APIGW.0308`, `4100`, ...), or taskgate's
     * for failures without one (`NetworkError`, `Timeout`, `MalformedResponse`, `HttpError`, `SdkError`). */
    readonly cloudCode: string;
    /** The cloud's error message, exactly as it sent it (`message` is its rendering for a terminal). */
    readonly cloudMessage: string;
    /** The RequestId the cloud gave the failed request, for a support ticket; undefined when it gave none. */
    readonly requestId?: string;
    /** The HTTP status of the answer; undefined when none arrived (a network failure, a timeout). */
    readonly httpStatus?: number;
    /** How the failure is handled: `throttled` and `transient` are retried, `auth` and `client` never. */
    readonly kind: ErrorKind;
    /** Seconds the cloud asked to wait (Retry-After), when it said. */
    readonly retryAfterSeconds?: number;
    /** Attempts made for the failing request, the first included: 1 when it was not retried. */
    readonly attempts: number;

    /** @param info what the cloud answered, and where. */
    constructor(info: CloudErrorInfo) {
        super(formatCloudError(info));
        this.cloud = info.cloud;
        this.api = info.api;
        this.operation = info.operation;
        this.cloudCode = info.code;
        this.cloudMessage = info.message;
        this.requestId = info.requestId || undefined;
        this.httpStatus = info.httpStatus;
        this.kind = info.kind;
        this.retryAfterSeconds = info.retryAfterSeconds;
        this.attempts = info.attempts ?? 1;
    }

    /** Whether retrying the same request may succeed. */
    get retryable(): boolean {
        return this.kind === "throttled" || this.kind === "transient";
    }

    /**
     * The same error, counting `attempts` attempts: what the retry loop throws when it stops.
     * @param attempts attempts made for the request, the first included.
     */
    withAttempts(attempts: number): TaskgateCloudError {
        const { cloud, api, operation, cloudCode: code, cloudMessage: message, requestId, httpStatus, kind, retryAfterSeconds } = this;
        return new TaskgateCloudError({ cloud, api, operation, code, message, requestId, httpStatus, kind, retryAfterSeconds, attempts });
    }

    override toJSON(): Record<string, unknown> {
        return {
            ...super.toJSON(),
            cloud: this.cloud,
            api: this.api,
            operation: this.operation,
            cloudCode: this.cloudCode,
            cloudMessage: this.cloudMessage,
            requestId: this.requestId,
            httpStatus: this.httpStatus,
            kind: this.kind,
            retryable: this.retryable,
            retryAfterSeconds: this.retryAfterSeconds,
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

/** Why a read gave up; each reason has one remedy. */
export type ReadFailureReason =
    /**
     * The read's deadline (`timeoutSeconds`, 300 s by default) left no time: a request could not be
     * sent, or a failed one retried, before it; or the pages the API reports cannot all be read at the
     * rate limit before it. When a cloud error was being retried (a throttled answer near the
     * deadline, say), it is the error's `cause`. Raise the timeout, or narrow the query.
     */
    | "deadline"
    /** The list kept changing between its pages through every re-read (`maxRereads`, 4 by default): read it again later. */
    | "listChanged"
    /** The API reports more records than one read holds (5 000 000): narrow the query or set `maxResults`. */
    | "tooManyRecords"
    /** One answer was larger than the cap (`maxResponseBytes`, 32 MiB by default): narrow the query or raise the cap. */
    | "answerTooLarge"
    /** The API returned the same ScrollToken twice (MPS): reading on would loop. */
    | "scrollLoop"
    /** A waiting gate was stopped from outside: the Pulumi engine that started it is gone. */
    | "aborted";

/**
 * A read gave up: the list kept changing between pages, the deadline passed, the answer or the
 * list was too large. Never a partial list: the caller gets this error instead. `reason` says which.
 * Its message is one line that may quote what the cloud sent (a record id, a ScrollToken), so
 * every control character in it, line breaks included, is made visible.
 */
export class TaskgateReadError extends TaskgateError {
    /** `TaskgateReadError`. */
    override readonly name = "TaskgateReadError";
    /** `TASKGATE_READ_FAILED`. */
    readonly code = "TASKGATE_READ_FAILED";
    /** Why the read gave up. */
    readonly reason: ReadFailureReason;

    /**
     * @param reason why the read gave up.
     * @param message the whole story, for a person; control characters are made visible.
     * @param cause the cloud error that was being retried when the read gave up, if any.
     */
    constructor(reason: ReadFailureReason, message: string, cause?: TaskgateError) {
        super(terminalText(message), cause ? { cause } : undefined);
        this.reason = reason;
    }

    override toJSON(): Record<string, unknown> {
        return { ...super.toJSON(), reason: this.reason, cause: (this.cause as TaskgateError | undefined)?.toJSON() };
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
