import * as pulumi from "@pulumi/pulumi";

/**
 * Two stand-ins the demo stack needs besides taskgate itself, as dynamic resources:
 * - `EmulatedInvocation` plays "run the migration script on the hosts": it asks the emulator (its
 *   admin API, the stand-in for TAT's RunCommand) to start an invocation whose tasks finish over a
 *   few seconds, and outputs its id, unknown until it is created;
 * - `Release` plays the resource a gate protects (a load-balancer switch, a DNS change): it only
 *   records that it was created.
 * Both providers require what they use inside their methods, so their serialized closures stay small.
 */

export interface EmulatedInvocationArgs {
    /** The emulator's base URL. */
    endpoint: pulumi.Input<string>;
    /** Hosts the script runs on. */
    hosts: pulumi.Input<number>;
    /** Share of hosts where the script succeeds, 0..1. */
    successRatio: pulumi.Input<number>;
    /** Seconds over which the tasks finish. */
    finishOverSeconds: pulumi.Input<number>;
}

const invocationProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        const http = require("node:http");
        const crypto = require("node:crypto");
        const invocationId = `inv-${crypto.randomBytes(4).toString("hex")}`;
        const hosts: number = inputs.hosts;
        const ok = Math.round(hosts * inputs.successRatio);
        const spec = {
            api: "tat",
            count: hosts,
            seed: invocationId,
            invocationId,
            commandId: "cmd-migrate1",
            finishOverMs: inputs.finishOverSeconds * 1000,
            finalStatusMix: { SUCCESS: ok, FAILED: hosts - ok },
        };
        await new Promise<void>((resolve, reject) => {
            const req = http.request(
                `${inputs.endpoint}/_emulator/generate`,
                { method: "POST", headers: { "content-type": "application/json" } },
                (res: import("node:http").IncomingMessage) => {
                    res.resume();
                    res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`emulator answered HTTP ${res.statusCode}`))));
                },
            );
            req.on("error", reject);
            req.end(JSON.stringify(spec));
        });
        return { id: invocationId, outs: { ...inputs, invocationId } };
    },
    async diff(_id, olds, news) {
        const keys = ["hosts", "successRatio", "finishOverSeconds"];
        const replaces = keys.filter((k) => olds[k] !== news[k]);
        return { changes: replaces.length > 0, replaces };
    },
    async delete() {
        // The emulator's tasks stay; a real invocation would stay in TAT's history too.
    },
};

/** An emulated TAT invocation of a migration script. */
export class EmulatedInvocation extends pulumi.dynamic.Resource {
    declare public readonly invocationId: pulumi.Output<string>;
    constructor(name: string, args: EmulatedInvocationArgs, opts?: pulumi.CustomResourceOptions) {
        super(invocationProvider, name, { ...args, invocationId: undefined }, opts, "taskgate-demo", "EmulatedInvocation");
    }
}

const releaseProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        return { id: `release-${inputs.component}`, outs: { ...inputs, releasedAt: new Date().toISOString() } };
    },
    async diff(_id, olds, news) {
        return { changes: olds.version !== news.version };
    },
    async update(_id, _olds, news) {
        return { outs: { ...news, releasedAt: new Date().toISOString() } };
    },
};

/** A release that must wait for its gate (declare the gate in `dependsOn`). */
export class Release extends pulumi.dynamic.Resource {
    declare public readonly releasedAt: pulumi.Output<string>;
    constructor(name: string, args: { component: pulumi.Input<string>; version: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
        super(releaseProvider, name, { ...args, releasedAt: undefined }, opts, "taskgate-demo", "Release");
    }
}
