import type * as pulumi from "@pulumi/pulumi";

/**
 * The providers Pulumi serializes into the state of taskgate's dynamic resources (TaskGate,
 * TaskSnapshot). Each only forwards: every method loads the resource's runtime from the package
 * installed in the stack's project, at deploy time, in Pulumi's dynamic-provider process, so the
 * serialized text holds no SDK, no config and no credential, and stays a few hundred bytes.
 */

/** What a dynamic resource's runtime offers the provider that forwards to it. */
export interface DynamicRuntime {
    /** Receives the stack's whole config (namespaces kept), once per provider process. */
    configure(req: { config: { get(key: string): string | undefined } }): void;
    /** `check`: the inputs' problems, by property (none while values are unknown during preview). */
    checkInputs(news: unknown): Array<{ property: string; reason: string }>;
    /** `diff`: `olds` are the recorded outputs, `news` the new inputs. */
    diff(id: string, olds: unknown, news: unknown): { changes: boolean; replaces: string[] };
    /** `create`: a new id and the outputs to record. */
    create(news: unknown): Promise<{ id: string; outs: unknown }>;
    /** `update`: `olds` are the recorded outputs, `news` the new inputs; the outputs to record under the same id. */
    update(id: string, olds: unknown, news: unknown): Promise<{ outs: unknown }>;
    /** `read` (refresh): the resource as it is now. */
    read(id: string, props: unknown): Promise<{ id: string; props: unknown }>;
}

/**
 * Loads a runtime module from the installed package; when the stack's project is inside this
 * package itself (its demo stack at the root, its tests' programs in subfolders), from the
 * package's own build: the first folder from the project's upward that holds the module.
 * (Inline, not packageInfo's findOwnPackage: this text is serialized into every resource's state.)
 *
 * @param id the module id in the installed package, e.g. `pulumi-taskgate/dist/provider/dynamic/gateRuntime`.
 */
export function loadRuntime<T>(id: string): T {
    const notFound = (e: unknown, what: string) => (e as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && String((e as Error).message).includes(what);
    try {
        return require(id);
    } catch (e) {
        if (!notFound(e, id)) throw e;
        const path = require("node:path");
        for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
            const file = path.join(dir, id.slice(id.indexOf("/") + 1));
            try {
                return require(file);
            } catch (inner) {
                if (!notFound(inner, file)) throw inner;
                if (path.dirname(dir) === dir) throw e;
            }
        }
    }
}

/**
 * A dynamic provider that forwards every call to the runtime `id` (see {@link loadRuntime}), whose
 * module type `R` is checked against {@link DynamicRuntime} at compile time.
 * Create one per resource type, once, so that Pulumi serializes it once per program.
 */
export function forwardingProvider<R extends DynamicRuntime>(id: string): pulumi.dynamic.ResourceProvider {
    const runtime = () => loadRuntime<R>(id);
    return {
        async configure(req) {
            runtime().configure(req);
        },
        async check(_olds, news) {
            return { inputs: news, failures: runtime().checkInputs(news) };
        },
        async diff(id, olds, news) {
            // A dynamic provider cannot send a detailed diff: what a refresh read before is the plugin's to use.
            const { changes, replaces } = runtime().diff(id, olds, news);
            return { changes, replaces };
        },
        async create(inputs) {
            return runtime().create(inputs);
        },
        async update(id, olds, news) {
            return runtime().update(id, olds, news);
        },
        async read(id, props) {
            return runtime().read(id, props);
        },
        async delete() {
            // Gates and snapshots own nothing in the cloud.
        },
    };
}
