import * as pulumi from "@pulumi/pulumi";
import type { ReadOptions } from "../provider/paging";
import type { SettingsSources } from "../provider/settings";
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
type InputOf<V> = V extends Date ? V : V extends ReadonlyArray<infer E> ? pulumi.Input<pulumi.Input<E>[]> : pulumi.Input<V>;

/**
 * Builds `getXOutput` from `getX`, as Pulumi's generated SDKs do for local functions: the call
 * waits for every input (and `dependsOn`), and while an input is unknown during preview the
 * result is unknown too, so the cloud is never asked with half-known arguments. Secret inputs
 * make the result secret.
 */
export function outputOf<A, R>(args: InputArgs<A> | undefined, opts: pulumi.InvokeOutputOptions | undefined,
    get: (a: A) => Promise<R>): pulumi.Output<R> {
    const deps = dependencyOutputs(opts?.dependsOn);
    // Dates are not plain data to pulumi.output, which would flatten them to {}: carry them as ISO strings.
    const inputs = pulumi.output(withDatesAsStrings(args ?? {}));
    return pulumi.all([inputs, ...deps]).apply(([a]) => get(a as unknown as A));
}

function withDatesAsStrings(args: object): object {
    return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

function dependencyOutputs(dependsOn: pulumi.InvokeOutputOptions["dependsOn"]): pulumi.Output<unknown>[] {
    if (!dependsOn) return [];
    const list = pulumi.output(dependsOn as pulumi.Input<pulumi.Input<pulumi.Resource>[]>);
    // A custom resource is ready when its id is known; a component when its urn is.
    return [list.apply((rs) => pulumi.all((Array.isArray(rs) ? rs : [rs]).map((r) =>
        pulumi.CustomResource.isInstance(r) ? (r as pulumi.CustomResource).id : r.urn)))];
}
