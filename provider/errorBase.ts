/**
 * The base of every error taskgate throws on purpose, and its stable codes. It imports nothing, so
 * that every part of the package can throw one, the command-line parser the emulator shares too;
 * the errors themselves are in errors.ts.
 */
/**
 * The stable code of each kind of failure taskgate expects. Programs and scripts tell errors apart
 * by `error.code`: a code keeps its meaning across versions, while a message may be reworded and a
 * class may be loaded twice (two copies of the package), where `instanceof` fails.
 */
export type TaskgateErrorCode =
    /** Bad input, found before any request is sent: {@link TaskgateValidationError}. */
    | "TASKGATE_INVALID_INPUT"
    /** The cloud refused a request, or every attempt at it failed: {@link TaskgateCloudError}. */
    | "TASKGATE_CLOUD_ERROR"
    /** A read gave up without a complete list (see its `reason`): {@link TaskgateReadError}. */
    | "TASKGATE_READ_FAILED"
    /** A gate's requirements do not hold: `GateFailedError`. */
    | "TASKGATE_GATE_FAILED"
    /** The `taskgate` command line was given an unknown command, source or option. */
    | "TASKGATE_USAGE"
    /** The `taskgate` command line could not read the config of the stack named by `--stack`. */
    | "TASKGATE_STACK_CONFIG";

/** Every {@link TaskgateErrorCode}, in the order of the README's table. */
export const TASKGATE_ERROR_CODES: readonly TaskgateErrorCode[] = [
    "TASKGATE_INVALID_INPUT",
    "TASKGATE_CLOUD_ERROR",
    "TASKGATE_READ_FAILED",
    "TASKGATE_GATE_FAILED",
    "TASKGATE_USAGE",
    "TASKGATE_STACK_CONFIG",
];

/**
 * An error taskgate expects and explains: bad input, a cloud's refusal, a read that gave up, a gate
 * whose requirements do not hold. Its message is the whole story, written for the person running
 * the deployment; a stack trace would only point into taskgate's own files. Catch this class for
 * any of them, and tell them apart by {@link TaskgateError.code}; programs see the subclasses' fields.
 * Every error taskgate throws on purpose is one of these.
 */
export abstract class TaskgateError extends Error {
    /** Which failure this is: stable across versions, unlike the message (see {@link TaskgateErrorCode}). */
    abstract readonly code: TaskgateErrorCode;

    /**
     * Whether a value is one of taskgate's errors, by its code rather than its prototype, so that it
     * holds across copies of the package (as Pulumi's own `RunError.isInstance` does).
     * @param e any value caught.
     */
    static isInstance(e: unknown): e is TaskgateError {
        return e instanceof Error && TASKGATE_ERROR_CODES.includes((e as { code?: unknown }).code as TaskgateErrorCode);
    }

    /**
     * Plain fields for JSON output, logs and state: the name, the code, the message and every field
     * of the error (a cause that is a TaskgateError too, as its own JSON); never a stack, a request
     * or a credential. `JSON.parse(JSON.stringify(e))` holds the same values as the error's fields.
     */
    toJSON(): Record<string, unknown> {
        return { name: this.name, code: this.code, message: this.message };
    }
}
