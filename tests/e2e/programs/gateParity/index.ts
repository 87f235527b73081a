/**
 * One dynamic TaskGate per scenario of ../gateScenarios.ts, each on its own tasks. The repository's
 * SDK is imported by path (a project that installed the package imports `pulumi-taskgate`).
 */
import * as taskgate from "../../../../sdk";
import { GATE_SCENARIOS } from "../gateScenarios";

for (const s of GATE_SCENARIOS) {
    new taskgate.TaskGate(s.name, { source: s.source, require: s.require, wait: s.wait });
}
