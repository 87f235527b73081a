import { AsyncLocalStorage } from "node:async_hooks";
import type * as http from "node:http";
import type { Transform } from "node:stream";
import * as zlib from "node:zlib";

/**
 * What the socket sees of one attempt, whichever HTTP client sends it (the Tencent SDK's
 * node-fetch, the Huawei core's axios, the legacy transport's own `http.request`). The agents of
 * {@link ./agents} find the attempt's watch through async context when the client hands them the
 * request, so no SDK needs a hook of its own:
 *
 * - the time the request's bytes reached the socket and the time the answer's headers came back,
 *   between which the cloud's rate counter saw it (a request released on a busy event loop may
 *   leave much later, and a busy cloud may count it late);
 * - the size of the answer, cut off while it streams once it passes the cap, so one huge answer
 *   can neither exhaust memory nor be downloaded whole.
 */
export interface WireWatch {
    /** Bytes an answer may have, counted after any content decoding. */
    readonly maxResponseBytes: number;
    /** The request's bytes were handed to the socket (`performance.now()` time). */
    readonly onSent: (at: number) => void;
    /** The answer's status line and headers arrived (`performance.now()` time). */
    readonly onAnswered: (at: number) => void;
    /** Set when the answer was cut off for its size: the bytes seen, and whether the headers declared them. */
    tooLarge?: { readonly bytes: number; readonly declared: boolean };
    /** Where the request went, for messages: the host, with the endpoint override's origin when there is one. */
    host?: string;
}

const current = new AsyncLocalStorage<WireWatch>();

/** Runs one attempt with `watch` watching the HTTP requests it makes. */
export function withWireWatch<T>(watch: WireWatch, attempt: () => Promise<T>): Promise<T> {
    return current.run(watch, attempt);
}

/** Thrown into the request when its answer passes the cap; the read reports {@link WireWatch.tooLarge}. */
class AnswerTooLarge extends Error {}

/**
 * Watches `req`, a request an agent was just given, for the attempt running now (if any).
 * @param host how messages name the place the request goes
 */
export function watchRequest(req: http.ClientRequest, host: string): void {
    const watch = current.getStore();
    if (!watch) return;
    watch.host ??= host;
    req.once("finish", () => watch.onSent(performance.now()));
    // First in line: a client's own listener (axios, through follow-redirects) may strip
    // Content-Encoding from the headers once it has set up its decoder.
    req.prependOnceListener("response", (res: http.IncomingMessage) => {
        watch.onAnswered(performance.now());
        const cap = watch.maxResponseBytes;
        const cutOff = (bytes: number, declared: boolean) => {
            if (watch.tooLarge) return;
            watch.tooLarge = { bytes, declared };
            const err = new AnswerTooLarge(`the answer passed ${cap} bytes`);
            req.destroy(err);
            // Once an answer has begun, node reports a broken connection on the answer, where a
            // client piping the body on (node-fetch) never hears it and waits for its own timeout.
            // Every client hears an error on the request: it fails the attempt at once.
            req.emit("error", err);
        };
        const declared = Number(res.headers["content-length"]);
        if (Number.isFinite(declared) && declared > cap) return cutOff(declared, true);
        // Clients decode gzip/deflate/br bodies: what they hold in memory is the decoded size, so a
        // small compressed answer that inflates past the cap is counted as it inflates.
        const encoding = (res.headers["content-encoding"] ?? "").trim().toLowerCase();
        let bytes = 0;
        const count = (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > cap) cutOff(bytes, false);
        };
        if (!DECODED.has(encoding)) {
            res.on("data", count);
            return;
        }
        let decoder: Transform | undefined;
        res.on("data", (chunk: Buffer) => {
            if (!decoder) {
                decoder = decoderFor(encoding, chunk);
                decoder.on("data", count);
                decoder.on("error", () => undefined); // the client's own decoder reports a broken body
            }
            decoder.write(chunk);
        });
        res.on("end", () => decoder?.end());
        res.on("close", () => decoder?.destroy());
    });
}

const DECODED: ReadonlySet<string> = new Set(["gzip", "x-gzip", "deflate", "br"]);

/** A decoder like the clients': deflate bodies come zlib-wrapped or raw, told by the first byte. */
function decoderFor(encoding: string, first: Buffer): Transform {
    const options = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
    if (encoding === "br") return zlib.createBrotliDecompress();
    if (encoding === "deflate") return (first[0] & 0x0f) === 0x08 ? zlib.createInflate(options) : zlib.createInflateRaw(options);
    return zlib.createGunzip(options);
}
