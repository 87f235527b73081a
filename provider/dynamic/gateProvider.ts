import type * as pulumi from "@pulumi/pulumi";

/**
 * The provider Pulumi serializes into the state of every TaskGate, and runs in its
 * dynamic-provider process. It is kept to forwarding calls: each method loads the gate runtime
 * from the installed package at deploy time, so the serialized text holds no SDK, no config and
 * no credential, and stays a few hundred bytes.
 */
function runtime(): typeof import("./gateRuntime") {
    const id = "pulumi-taskgate/dist/provider/dynamic/gateRuntime";
    try {
        return require(id);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND" || !String((e as Error).message).includes(id)) throw e;
        // The stack is this package itself (its demo stack and tests): use its own build.
        return require(require("node:path").join(process.cwd(), "dist/provider/dynamic/gateRuntime"));
    }
}

/** The dynamic provider of `TaskGate`; one object, so Pulumi serializes it once per program. */
export const gateProvider: pulumi.dynamic.ResourceProvider = {
    async configure(req) {
        runtime().configure(req);
    },
    async check(_olds, news) {
        return { inputs: news, failures: runtime().checkInputs(news) };
    },
    async diff(_id, olds, news) {
        return runtime().diffInputs(olds, news);
    },
    async create(inputs) {
        return runtime().create(inputs);
    },
    async update(id, _olds, news) {
        return runtime().applyGate(id, news);
    },
    async read(id, props) {
        return runtime().read(id, props);
    },
    async delete() {
        // A gate owns nothing in the cloud.
    },
};
