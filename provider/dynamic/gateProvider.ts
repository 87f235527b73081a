import { forwardingProvider } from "./loadRuntime";

/**
 * The dynamic provider of `TaskGate`, serialized into the state of every gate: it forwards each
 * call to the gate runtime (gateRuntime.ts) loaded from the installed package at deploy time.
 * One object, so Pulumi serializes it once per program.
 */
export const gateProvider = forwardingProvider<typeof import("./gateRuntime")>("pulumi-taskgate/dist/provider/dynamic/gateRuntime");
