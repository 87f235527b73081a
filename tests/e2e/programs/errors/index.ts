/**
 * A Pulumi program that fails the way a user's can, for tests/e2e/errors.test.ts: the stack config
 * `errors:case` picks the failure. The data sources and gate come from this repository's SDK.
 */
import * as pulumi from "@pulumi/pulumi";
import * as taskgate from "../../../../sdk";

const { tencentcloud } = taskgate;

function program(failure: string): Record<string, unknown> | (() => Promise<void>) {
    switch (failure) {
        // Bad input to the Output form, whose result is exported: fails before any request.
        case "unknownArgument":
            return { summary: tencentcloud.getTatInvocationTasksOutput({ invocationIdd: "inv-12345678" } as never).summary };
        // An unknown argument beside a credential given as a secret (an Output, known at once).
        case "unknownArgumentSecretArg":
            return { summary: tencentcloud.getTatInvocationTasksOutput({ instanceIds: ["ins-12345678"], secretKey: pulumi.secret("x") } as never).summary };
        // Bad input to the Promise form, awaited by the program.
        case "badIdAwaited":
            return async () => {
                await tencentcloud.getTatInvocationTasks({ invocationId: "not an id" });
            };
        // The cloud refuses the credential, after the program's own code has run.
        case "wrongKey":
            tencentcloud.getTatInvocationTasksOutput({ commandId: "cmd-12345678", secretKey: "wrong" });
            return {};
        // check() in an apply: the query matches no task.
        case "checkFails":
            return {
                passed: tencentcloud.getTatInvocationTasksOutput({ commandId: "cmd-nomatch1" }).apply((r) => taskgate.check(r, {}, "errors-check").passed),
            };
        // A gate that passes (an empty list allowed), for refresh.
        case "gate":
            new taskgate.TaskGate("errors-gate", { source: { tatInvocationTasks: { commandId: "cmd-nomatch1" } }, require: { allowEmpty: true } });
            return {};
        default:
            throw new Error(`unknown errors:case ${failure}`);
    }
}

export = program(new pulumi.Config("errors").require("case"));
