import * as gate from "../dynamic/gateRuntime";
import * as snapshot from "../dynamic/snapshotRuntime";
import type { DiffAnswer } from "../dynamic/refreshChanges";
import type { RuleFailure } from "../gateRules";
import schema from "./schema.json";

/**
 * The plugin's resources, `taskgate:index:TaskGate` and `taskgate:index:TaskSnapshot`: the same
 * runtimes as the dynamic resources (gateRuntime.ts, snapshotRuntime.ts), which take the
 * resource's name and URN as inputs; here they come from the request, not from the program.
 */

/** What the protocol server needs of one resource type. */
export interface ResourceRuntime {
    /** The outputs the schema declares: unknown during a preview. */
    readonly outputs: readonly string[];
    /** The outputs recorded as secrets. */
    readonly secretOutputs: readonly string[];
    /** The inputs the runtime reads, with the resource's name and URN added. */
    named(inputs: Record<string, unknown>, name: string, urn: string): Record<string, unknown>;
    check(news: Record<string, unknown>): RuleFailure[];
    /** As the runtime's `diff`; after a refresh that read something new, `refreshedFrom` holds the outputs before it. */
    diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): DiffAnswer<Record<string, unknown>>;
    create(news: Record<string, unknown>, signal: AbortSignal): Promise<{ id: string; outs: object }>;
    update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>, signal: AbortSignal): Promise<{ outs: object }>;
    read(id: string, props: Record<string, unknown>): Promise<{ id: string; props: object }>;
}

type ResourceSpec = { properties: Record<string, { secret?: boolean }> };

/** The schema's outputs of a resource, and which of them are secret (plus `extraSecrets`, kept in state but not declared). */
function outputsOf(token: string, extraSecrets: string[] = []): Pick<ResourceRuntime, "outputs" | "secretOutputs"> {
    const spec = (schema.resources as Record<string, ResourceSpec>)[token];
    const outputs = Object.keys(spec.properties);
    return { outputs, secretOutputs: [...outputs.filter((o) => spec.properties[o].secret), ...extraSecrets] };
}

const TASK_GATE = "taskgate:index:TaskGate";
const TASK_SNAPSHOT = "taskgate:index:TaskSnapshot";

/** The resource types the plugin serves, by token. */
export const RESOURCES: ReadonlyMap<string, ResourceRuntime> = new Map<string, ResourceRuntime>([
    [
        TASK_GATE,
        {
            ...outputsOf(TASK_GATE),
            named: (inputs, name, urn) => ({ ...inputs, gateName: name, gateUrn: urn }),
            check: (news) => gate.checkInputs(news as never),
            diff: (id, olds, news) => gate.diff(id, olds, news as never) as DiffAnswer<Record<string, unknown>>,
            create: (news, signal) => gate.create(news as never, signal),
            update: (id, olds, news, signal) => gate.update(id, olds, news as never, signal),
            read: (id, props) => gate.read(id, props as never),
        },
    ],
    [
        TASK_SNAPSHOT,
        {
            // Credentials given in the source are kept, as a secret, so that refresh can read with them.
            ...outputsOf(TASK_SNAPSHOT, ["credentials"]),
            named: (inputs, name, urn) => ({ ...inputs, snapshotName: name, snapshotUrn: urn }),
            check: (news) => snapshot.checkInputs(news as never),
            diff: (id, olds, news) => snapshot.diff(id, olds, news as never) as DiffAnswer<Record<string, unknown>>,
            // A snapshot reads the list once, without waiting: nothing for Cancel to stop.
            create: (news) => snapshot.create(news as never),
            update: (id, olds, news) => snapshot.update(id, olds, news as never),
            read: (id, props) => snapshot.read(id, props as never),
        },
    ],
]);

/** The resource's name as its URN ends (`urn:pulumi:stack::project::type::name`). */
export function nameOfUrn(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}
