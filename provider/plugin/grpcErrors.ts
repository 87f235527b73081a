import * as grpc from "@grpc/grpc-js";
import { ErrorResourceInitFailed } from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { TaskgateError, TaskgateReadError, TaskgateValidationError } from "../errors";
import { terminalText } from "../safeText";
import { toStruct } from "./structs";

/**
 * How a failure reaches the engine. A gate that ran and failed is a resource that exists with
 * initialization errors (its id, its outputs, the reasons): the engine records it, fails the
 * update, creates nothing that depends on it, and the next `up` judges it again. Everything else
 * fails the call: bad input and a cancelled wait with codes the engine knows to mean "nothing was
 * created" (INVALID_ARGUMENT, CANCELLED), a cloud that could not be read with UNAVAILABLE, and
 * anything unexpected (a bug in taskgate) with INTERNAL.
 */

/** A gRPC error as grpc-js sends it back. */
export type GrpcError = Partial<grpc.StatusObject>;

/** What an error thrown for an initialization failure carries (see gateRuntime.applyGate). */
export interface InitFailure {
    readonly message: string;
    readonly id: string;
    /** The outputs to record, already marked where secret. */
    readonly properties: Record<string, unknown>;
    readonly reasons: readonly string[];
}

/** Whether `e` is a resource that was created but failed to initialize. */
export function isInitFailure(e: unknown): e is InitFailure {
    const f = e as Partial<InitFailure> | null;
    return typeof f?.id === "string" && f.id !== "" && typeof f.properties === "object" && Array.isArray(f.reasons);
}

/**
 * The gRPC error of an initialization failure: the `ErrorResourceInitFailed` detail travels in the
 * `grpc-status-details-bin` trailer, as a `google.rpc.Status`, which is how Go's gRPC (the engine)
 * reads error details; grpc-js has no API for them.
 */
export function initFailedError(f: InitFailure): GrpcError {
    const detail = new ErrorResourceInitFailed();
    detail.setId(f.id);
    detail.setProperties(toStruct(f.properties));
    detail.setReasonsList([...f.reasons]);
    const any = new Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(f.message);
    status.addDetails(any);
    const metadata = new grpc.Metadata();
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
    return { code: grpc.status.UNKNOWN, details: f.message, metadata };
}

/** The gRPC error of any other failure; a bug's trace goes to stderr (the engine shows it under the stack), never to the caller. */
export function grpcError(e: unknown): GrpcError {
    if (e instanceof TaskgateValidationError) return { code: grpc.status.INVALID_ARGUMENT, details: e.message };
    if (e instanceof TaskgateReadError && e.reason === "aborted") return { code: grpc.status.CANCELLED, details: e.message };
    if (e instanceof TaskgateError) return { code: grpc.status.UNAVAILABLE, details: e.message };
    const trace = e instanceof Error ? (e.stack ?? e.message) : String(e);
    console.error(`taskgate: unexpected error (a bug in taskgate; please report it with this trace):\n${trace}`);
    return {
        code: grpc.status.INTERNAL,
        details: `taskgate: unexpected error (a bug in taskgate): ${terminalText(e instanceof Error ? e.message : String(e))}`,
    };
}
