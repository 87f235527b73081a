/**
 * withoutHostEcho against a stand-in for Pulumi's dynamic-provider host, which prints a failed
 * read's error as `${e}: ${e.stack}` before it answers the engine (cmd/dynamic-provider/index.js).
 * The real host is driven in tests/integration/gateProviderHost.test.ts.
 */
import { strict as assert } from "node:assert";
import { setImmediate as nextTurn } from "node:timers/promises";
import { TaskgateCloudError, TaskgateValidationError } from "../../provider/errors";
import { withoutHostEcho } from "../../provider/dynamic/hostEcho";

/** What the host does with a provider's `read`: await it; on failure print the echo, then answer with the error. */
async function hostRead(read: () => Promise<unknown>): Promise<Error> {
    return read().then(
        () => assert.fail("the read passed"),
        (e: Error) => {
            console.error(`${e}: ${e.stack}`);
            return e;
        },
    );
}

describe("withoutHostEcho: a failed read's error reaches the engine once", () => {
    let printed: string[];
    let consoleError: typeof console.error;

    beforeEach(() => {
        printed = [];
        consoleError = console.error;
        console.error = (...args: unknown[]) => void printed.push(args.map(String).join(" "));
    });
    afterEach(() => {
        console.error = consoleError;
    });

    const refused = () =>
        new TaskgateCloudError({
            cloud: "tencentcloud",
            api: "tat",
            operation: "DescribeInvocationTasks",
            code: "NetworkError",
            message: "connect ECONNREFUSED 127.0.0.1:9",
            kind: "transient",
        });

    it("drops the host's echo of a taskgate error, and only that line", async () => {
        const stub = console.error;
        const e = await hostRead(() => withoutHostEcho(() => Promise.reject(refused())));
        console.error("another provider's line");
        assert.ok(e instanceof TaskgateCloudError, "the error itself still reaches the host");
        assert.deepEqual(printed, ["another provider's line"]);
        await nextTurn();
        assert.equal(console.error, stub, "console.error is the host's own again after the turn");
    });

    it("keeps the echo of anything else (a bug keeps its trace)", async () => {
        await hostRead(() => withoutHostEcho(() => Promise.reject(new TypeError("x is undefined"))));
        assert.equal(printed.length, 1);
        assert.match(printed[0], /^TypeError: x is undefined: TypeError: x is undefined\n {4}at /);
    });

    it("two reads failing in one turn: both echoes dropped, console.error restored once both are done", async () => {
        const stub = console.error;
        const a = hostRead(() => withoutHostEcho(() => Promise.reject(refused())));
        const b = hostRead(() => withoutHostEcho(() => Promise.reject(new TaskgateValidationError("invocationId", "must be an invocation id"))));
        await Promise.all([a, b]);
        assert.deepEqual(printed, []);
        await nextTurn();
        assert.equal(console.error, stub);
    });

    it("an echo that never comes leaves nothing behind", async () => {
        const stub = console.error;
        await withoutHostEcho(() => Promise.reject(refused())).then(
            () => assert.fail("the read passed"),
            (e: unknown) => assert.ok(e instanceof TaskgateCloudError),
        );
        await nextTurn();
        assert.equal(console.error, stub);
        const line = `${refused()}`;
        console.error(line);
        assert.deepEqual(printed, [line], "a later line like it is printed");
    });

    it("passes a successful read through", async () => {
        assert.deepEqual(await withoutHostEcho(async () => ({ id: "g-1" })), { id: "g-1" });
    });
});
