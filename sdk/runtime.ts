import * as pulumi from "@pulumi/pulumi";
import { TaskgateError, TaskgateValidationError } from "../provider/errors";
import type { ReadOptions } from "../provider/paging";
import { safeRender, type SettingsSources } from "../provider/settings";
import { rejectUnknownArgs } from "../provider/validate";
import { dataSourceFunction, type SourceKind, sourceDefinition } from "../provider/sources";
import type { Logger } from "../provider/types";

/**
 * Settings for calls made from a Pulumi program (or plain Node.js): the stack config under the
 * clouds' own namespaces (`tencentcloud:secretId`, ...), then the environment. Read through the
 * runtime rather than `pulumi.Config`, which would warn on every secret it is asked for.
 */
export function pulumiSettings(): SettingsSources {
    return { config: (key) => pulumi.runtime.getConfig(key), env: process.env };
}

/**
 * Inside `pulumi up` retries and re-reads go to the engine's log; in plain Node.js to stderr
 * (never stdout, which callers may be piping).
 */
export function pulumiLogger(): Logger {
    if (pulumi.runtime.hasEngine()) {
        return {
            debug: (m) => void pulumi.log.debug(m),
            info: (m) => void pulumi.log.info(m),
            warn: (m) => void pulumi.log.warn(m),
        };
    }
    return { debug: () => undefined, info: (m) => console.error(m), warn: (m) => console.error(m) };
}

/** Read options for calls made through the SDK. */
export function sdkReadOptions(): ReadOptions {
    return { log: pulumiLogger() };
}

/**
 * The Input form of an args type: every field may be an Input, and list elements too. A Date is
 * taken as a plain value only: `pulumi.output()` flattens a Date to `{}`, so an `Output<Date>`
 * cannot arrive intact; pass an `Input<string>` (ISO-8601) for a computed time.
 */
export type InputArgs<T> = { [K in keyof T]?: InputOf<Exclude<T[K], undefined>> };

/** One field of {@link InputArgs}: a `pulumi.Input` of the value, a list's elements each an Input too, a Date as it is. */
export type InputOf<V> = V extends Date ? V : V extends ReadonlyArray<infer E> ? pulumi.Input<pulumi.Input<E>[]> : pulumi.Input<V>;

/**
 * The fields by which Pulumi recognises a RunError, taken from a real one: `RunError.isInstance`
 * reads a field rather than the prototype, so that it holds across copies of @pulumi/pulumi.
 */
const RUN_ERROR_FIELDS = Object.entries(new pulumi.RunError());

/**
 * An error as it leaves the SDK for a Pulumi program. Pulumi prints an unhandled error with its
 * stack trace and every field (util.inspect, in colour even when the output is no terminal; and on
 * Node 20.19.6+ and 22, a trace through an `apply` makes util.inspect spin for a minute first,
 * nodejs/node#64011), except a RunError, whose message it prints alone: "error: <message>".
 *
 * taskgate's own errors ({@link TaskgateError}) therefore leave as RunErrors without stack frames,
 * keeping their class and fields for programs that catch them. Anything else is a bug in taskgate:
 * it leaves as a RunError whose message says so and carries the original trace.
 * @param what the function that failed, e.g. `tencentcloud.getTatInvocationTasks`.
 */
export function forProgram(e: unknown, what: string): Error {
    if (e instanceof TaskgateError) {
        for (const [field, value] of RUN_ERROR_FIELDS) {
            if (!(field in e)) Object.defineProperty(e, field, { value, enumerable: false });
        }
        // Pulumi prints `stack` for an error raised after the program's own code has run.
        e.stack = e.message;
        return e;
    }
    const trace = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
    return new pulumi.RunError(`taskgate: ${what} failed unexpectedly (a bug in taskgate; please report it with this trace):\n${trace}`, { cause: e });
}

/** Runs `fn` (a call of the SDK's function `what`), its errors turned {@link forProgram}. */
export function programCall<R>(what: string, fn: () => R): R {
    try {
        const r = fn();
        return r instanceof Promise
            ? (r.catch((e) => {
                  throw forProgram(e, what);
              }) as R)
            : r;
    } catch (e) {
        throw forProgram(e, what);
    }
}

/** Reads a data source for a program: settings from the stack config, logs to the engine, errors {@link forProgram}. */
export function programRead<A, R>(kind: SourceKind, read: (args: A, sources: SettingsSources, options: ReadOptions) => Promise<R>, args: A): Promise<R> {
    return programCall(dataSourceName(kind), () => read(args, pulumiSettings(), sdkReadOptions()));
}

/** The SDK's name of a data source, as a program calls it: `tencentcloud.getTatInvocationTasks`. */
function dataSourceName(kind: SourceKind): string {
    const f = dataSourceFunction(kind);
    return `${f.module}.${f.name}`;
}

/**
 * Builds `getXOutput` from `getX`, as Pulumi's generated SDKs do for local functions: the call
 * waits for every input (and `dependsOn`), and while an input is unknown during preview the
 * result is unknown too, so the cloud is never asked with half-known arguments. Secret inputs
 * make the result secret.
 *
 * Bad input fails at the call, as an exception, rather than as a rejected Output: Pulumi reads the
 * stack's outputs only after the program has returned, and Node prints a
 * "PromiseRejectionHandledWarning" for each promise of an Output that had rejected before. Plain
 * args are checked in full; with an arg that is an Output, only the names (a value that arrives
 * as an Output is checked when it resolves).
 */
export function outputOf<A, R>(
    kind: SourceKind,
    args: InputArgs<A> | undefined,
    opts: GetOutputOptions | undefined,
    get: (a: A) => Promise<R>,
): pulumi.Output<R> {
    programCall(dataSourceName(kind), () => {
        checkOutputOptions(opts);
        checkAtCall(kind, args ?? {});
    });
    const deps = dependencyOutputs(opts?.dependsOn);
    // Dates are not plain data to pulumi.output, which would flatten them to {}: carry them as ISO strings.
    const inputs = pulumi.output(withDatesAsStrings(args ?? {}));
    return pulumi.all([inputs, ...deps]).apply(([a]) => get(a as unknown as A));
}

/**
 * The options of a `getXOutput` call. A taskgate read runs in the program itself, with its own
 * settings, so of Pulumi's `InvokeOutputOptions` only `dependsOn` means anything to it. The others
 * are refused at the call rather than ignored: a `provider` would not change the account or the
 * region read, and `parent`, `version` and `pluginDownloadURL` concern provider plugins.
 */
export interface GetOutputOptions {
    /** Resources to wait for before reading: a custom resource until its id is known, a component until its URN is. */
    dependsOn?: pulumi.InvokeOutputOptions["dependsOn"];
}

/** Refuses every option of a getXOutput call but `dependsOn` (see {@link GetOutputOptions}), naming it. */
function checkOutputOptions(opts: unknown): void {
    if (opts === undefined || opts === null) return;
    if (typeof opts !== "object" || Array.isArray(opts)) throw new TaskgateValidationError("opts", "must be an object with dependsOn", safeRender(opts));
    for (const [key, value] of Object.entries(opts)) {
        if (key === "dependsOn" || value === undefined) continue;
        throw new TaskgateValidationError(
            `opts.${key}`,
            key === "provider"
                ? "does not apply: taskgate reads with the args, then the stack config, then the environment, never a provider resource's settings; give region and credentials as args"
                : "does not apply to a taskgate read, which runs in the program itself; only dependsOn does",
        );
    }
}

/**
 * Checks what of a data source's args can be checked at the call, as its read would, sending
 * nothing: every arg and the connection settings when all values are plain; otherwise the names.
 */
function checkAtCall(kind: SourceKind, args: object): void {
    const def = sourceDefinition(kind);
    if (!isPlain(args)) {
        rejectUnknownArgs(args, def.args);
        return;
    }
    def.plan(args);
    def.connection(args as never, pulumiSettings());
}

/** Whether a value holds no Output and no Promise anywhere: known now, as it will be sent. */
function isPlain(v: unknown): boolean {
    if (pulumi.Output.isInstance(v) || v instanceof Promise) return false;
    if (Array.isArray(v)) return v.every(isPlain);
    if (v !== null && typeof v === "object" && !(v instanceof Date)) return Object.values(v).every(isPlain);
    return true;
}

function withDatesAsStrings(args: object): object {
    return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

function dependencyOutputs(dependsOn: GetOutputOptions["dependsOn"]): pulumi.Output<unknown>[] {
    if (!dependsOn) return [];
    const list = pulumi.output(dependsOn as pulumi.Input<pulumi.Input<pulumi.Resource>[]>);
    // A custom resource is ready when its id is known; a component when its urn is.
    return [
        list.apply((rs) =>
            pulumi.all((Array.isArray(rs) ? rs : [rs]).map((r) => (pulumi.CustomResource.isInstance(r) ? (r as pulumi.CustomResource).id : r.urn))),
        ),
    ];
}
