import * as net from "node:net";
import { TaskgateReadError } from "../errors";
import { engineAddress } from "./engineLog";

/**
 * Pulumi's own plugins watch the engine that started them and exit when it is gone (Go providers
 * health-check the engine's address). Pulumi's dynamic-provider host does not: when the CLI dies
 * without stopping its plugins (kill -9, a crash, a lost session), a waiting gate kept polling the
 * cloud until its own timeout, and the process then stayed, orphaned, for good. (A second Ctrl-C
 * is different: the engine interrupts its plugins, and this process ends at once.)
 *
 * While gates wait, this checks every few seconds that the engine's address still accepts
 * connections. When it refuses them twice in a row, the waits are aborted and the process ends,
 * as Pulumi's own plugins do. Anything else (a slow answer, no file descriptors) counts as alive:
 * only a refusal proves nothing listens any more.
 */

/** What a waiting gate holds while the engine is watched. */
export interface EngineWatch {
    /** Aborted, with a reason naming the engine's address, once the engine is gone. */
    readonly signal: AbortSignal;
    /** This gate has stopped waiting; the probes stop with the last one. */
    stop(): void;
}

/** How the watch probes; tests shorten the period and replace what happens when the engine is gone. */
export interface EngineWatchOptions {
    /** `host:port`; by default the engine's, when this is Pulumi's dynamic-provider process. */
    address?: string;
    periodMs?: number;
    /** After the waits are aborted; by default the process exits. */
    onGone?: () => void;
}

/** Refusals in a row that mean the engine is gone. */
const REFUSALS_MEANING_GONE = 2;

/** One probe: `refused` only when nothing listens at the address. */
function probe(host: string, port: number, timeoutMs: number): Promise<"alive" | "refused"> {
    return new Promise((resolve) => {
        const socket = net.connect({ host, port });
        const done = (r: "alive" | "refused") => {
            socket.destroy();
            resolve(r);
        };
        socket.setTimeout(timeoutMs, () => done("alive"));
        socket.once("connect", () => done("alive"));
        socket.once("error", (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED" ? "refused" : "alive"));
    });
}

/** The watch shared by every gate waiting in this process. */
interface SharedWatch {
    readonly address: string;
    readonly controller: AbortController;
    /** Gates waiting on it. */
    holders: number;
    /** Whether its probe loop runs. */
    running: boolean;
}

let shared: SharedWatch | undefined;

/**
 * Starts watching the engine (or joins the watch already running) for a gate that waits. Returns
 * undefined outside Pulumi's dynamic-provider process, where there is no engine to watch.
 */
export function watchEngine(options: EngineWatchOptions = {}): EngineWatch | undefined {
    const address = options.address ?? engineAddress();
    if (!address) return undefined;
    if (!shared || shared.controller.signal.aborted || shared.address !== address) {
        shared = { address, controller: new AbortController(), holders: 0, running: false };
    }
    const watch = shared;
    watch.holders++;
    if (!watch.running) void probeWhileHeld(watch, options.periodMs ?? 2000, options.onGone ?? (() => process.exit(1)));
    let stopped = false;
    return {
        signal: watch.controller.signal,
        stop() {
            if (stopped) return;
            stopped = true;
            watch.holders--;
        },
    };
}

/** Probes the engine every `periodMs` while a gate holds the watch; aborts it and calls `onGone` when the engine is gone. */
async function probeWhileHeld(watch: SharedWatch, periodMs: number, onGone: () => void): Promise<void> {
    watch.running = true;
    const colon = watch.address.lastIndexOf(":");
    const [host, port] = [watch.address.slice(0, colon), Number(watch.address.slice(colon + 1))];
    let refusals = 0;
    // The timers do not keep a process alive: Pulumi's host is kept alive by its gRPC server.
    while (watch.holders > 0) {
        await new Promise((resolve) => setTimeout(resolve, periodMs).unref());
        if (watch.holders === 0) break;
        refusals = (await probe(host, port, periodMs)) === "refused" ? refusals + 1 : 0;
        if (refusals >= REFUSALS_MEANING_GONE) {
            watch.controller.abort(
                new TaskgateReadError(
                    "aborted",
                    `taskgate: the Pulumi engine that started this gate is gone (nothing listens at ${watch.address} any more); stopped waiting`,
                ),
            );
            onGone();
            break;
        }
    }
    watch.running = false;
}
