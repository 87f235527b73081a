import { argsError, containsUnknown } from "../dynamic/sourceInputs";
import { TaskgateValidationError } from "../errors";
import type { RuleFailure } from "../gateRules";
import type { SettingsSources } from "../settings";
import { dataSourceFunction, SOURCE_KINDS, type SourceKind, sourceDefinition } from "../sources";
import type { Logger } from "../types";
import schema from "./schema.json";

/**
 * The plugin's functions: one per data source, read by the same registry entry as the program's
 * `getX`, under the token the schema gives it (`taskgate:tencentcloud:getTatInvocationTasks`).
 */

/** A data source's function token: the package's name, the source's cloud module and its function name. */
export function functionToken(kind: SourceKind): string {
    const f = dataSourceFunction(kind);
    return `${schema.name}:${f.module}:${f.name}`;
}

/** The source each function token reads. */
export const FUNCTIONS: ReadonlyMap<string, SourceKind> = new Map(SOURCE_KINDS.map((k) => [functionToken(k), k]));

/** What an invoke gives back: the result, or the args' problems by property (nothing was sent then). */
export type InvokeOutcome = { result: Record<string, unknown>; failures?: undefined } | { result?: undefined; failures: RuleFailure[] };

/**
 * Runs one function: checks the args as the data source does, sending nothing when they are
 * wrong, then reads. Args still unknown during a preview read nothing and give an empty result,
 * as the engine does for a provider whose config is unknown. Cloud errors are thrown, with the
 * cloud's code, message and RequestId.
 * @throws TaskgateValidationError for a token that names no function.
 */
export async function invokeFunction(token: string, args: Record<string, unknown>, settings: SettingsSources, log: Logger): Promise<InvokeOutcome> {
    const kind = FUNCTIONS.get(token);
    if (!kind) throw new TaskgateValidationError("tok", `names no taskgate function; the functions are ${[...FUNCTIONS.keys()].join(", ")}`, token);
    if (containsUnknown(args)) return { result: {} };
    const e = argsError(kind, args, settings);
    if (e instanceof TaskgateValidationError) return { failures: [{ property: e.field, reason: e.message }] };
    if (e !== undefined) throw e;
    const result = await sourceDefinition(kind).read(args, settings, { log });
    return { result: result as unknown as Record<string, unknown> };
}
