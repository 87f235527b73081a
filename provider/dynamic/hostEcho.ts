import { TaskgateError } from "../errors";

/**
 * Pulumi's dynamic-provider host returns the message of an error thrown by `read` (refresh) to the
 * engine, which shows it on the resource, but first prints `${error}: ${error.stack}` to its stderr,
 * which the engine shows under the stack: the message twice, then a stack trace into taskgate's
 * files. For taskgate's own errors ({@link TaskgateError}) the engine's line on the resource is the
 * whole story, so that echo is dropped; any other error (a bug) keeps it, trace included.
 */
export async function withoutHostEcho<T>(call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (e) {
        if (e instanceof TaskgateError) dropEcho(`${e}: ${e.stack}`);
        throw e;
    }
}

/** Echo lines to drop, each until the end of the event-loop turn it was thrown in. */
const expected = new Set<string>();
let hostConsoleError: typeof console.error | undefined;

/**
 * Drops one `console.error(line)` of exactly `line` made before this turn of the event loop ends:
 * the host prints it while it handles the rejection, in the same turn. Every other line passes.
 */
function dropEcho(line: string): void {
    expected.add(line);
    if (!hostConsoleError) {
        hostConsoleError = console.error;
        console.error = filteredConsoleError;
    }
    setImmediate(() => {
        expected.delete(line);
        if (expected.size === 0 && console.error === filteredConsoleError) {
            console.error = hostConsoleError!;
            hostConsoleError = undefined;
        }
    });
}

function filteredConsoleError(...args: unknown[]): void {
    if (args.length === 1 && typeof args[0] === "string" && expected.delete(args[0])) return;
    hostConsoleError!.apply(console, args);
}
