import { forwardingProvider } from "./loadRuntime";

/**
 * The dynamic provider of `TaskSnapshot`, serialized into the state of every snapshot: it
 * forwards each call to the snapshot runtime (snapshotRuntime.ts) loaded from the installed
 * package at deploy time, so the serialized text holds no SDK, no config and no credential.
 * One object, so Pulumi serializes it once per program.
 */
export const snapshotProvider = forwardingProvider<typeof import("./snapshotRuntime")>("pulumi-taskgate/dist/provider/dynamic/snapshotRuntime");
