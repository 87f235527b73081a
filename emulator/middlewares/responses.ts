/**
 * How answers go on the wire: written at once, trickled slowly (fault `slowBody`), streamed huge
 * (fault `hugeBody`), or held (fault `timeout`); and how a request body is read. A response held
 * open registers in {@link HeldResponses}, so that `close()` can release every one at once.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Writable } from "node:stream";
import { createGzip, type Gzip } from "node:zlib";
import type { EmuResponse } from "../envelopes";

/** The responses held open (slow, huge, held): each a function that ends its wait. */
export class HeldResponses {
    private readonly releases = new Set<() => void>();

    add(release: () => void): void {
        this.releases.add(release);
    }

    delete(release: () => void): void {
        this.releases.delete(release);
    }

    /** Ends every wait (close()). */
    releaseAll(): void {
        for (const release of this.releases) release();
        this.releases.clear();
    }
}

/** Reads a request's body, up to `limit` bytes; "aborted" when the client went away mid-body. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "tooLarge" | "aborted"> {
    return new Promise((resolve) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size <= limit) chunks.push(chunk);
        });
        req.on("end", () => resolve(size > limit ? "tooLarge" : Buffer.concat(chunks)));
        req.on("error", () => resolve("aborted"));
        req.on("close", () => {
            if (!req.complete) resolve("aborted");
        });
    });
}

/** Writes a whole answer at once (nothing, if the connection is gone or already answered). */
export function write(res: ServerResponse, r: EmuResponse): void {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(r.status, { ...r.headers, "Content-Length": Buffer.byteLength(r.body) });
    res.end(r.body);
}

/**
 * Writes the headers (with the full Content-Length) at once, then the body in small chunks every
 * 50 ms over `totalMs`: a response that is never idle long enough to trip a socket idle timeout,
 * yet takes `totalMs` to arrive. Stops when the client goes away (or close()).
 */
export function drip(res: ServerResponse, r: EmuResponse, totalMs: number, holds: HeldResponses): Promise<void> {
    if (res.destroyed || res.headersSent) return Promise.resolve();
    const body = Buffer.from(r.body);
    res.writeHead(r.status, { ...r.headers, "Content-Length": body.length });
    res.flushHeaders();
    const tickMs = 50;
    const ticks = Math.max(1, Math.floor(totalMs / tickMs));
    const size = Math.max(1, Math.ceil(body.length / ticks));
    return new Promise((resolve) => {
        let sent = 0;
        let timer: NodeJS.Timeout | undefined;
        const finish = () => {
            if (timer) clearTimeout(timer);
            res.off("close", finish);
            holds.delete(finish);
            resolve();
        };
        const tick = () => {
            if (res.destroyed) return finish();
            const next = body.subarray(sent, sent + size);
            sent += next.length;
            if (sent >= body.length) {
                res.end(next);
                return finish();
            }
            res.write(next);
            timer = setTimeout(tick, tickMs);
        };
        res.on("close", finish);
        holds.add(finish);
        timer = setTimeout(tick, tickMs);
    });
}

/**
 * Writes a 200 JSON answer of `bytes` bytes made up on the fly (`{"padding":"aaa...a"}`), at the
 * pace the client reads it, gzipped if asked: what a proxy gone wrong or a runaway output could
 * send. Stops when the client goes away (or close()); never holds more than a chunk.
 */
export function streamHuge(res: ServerResponse, huge: NonNullable<EmuResponse["huge"]>, holds: HeldResponses): Promise<void> {
    if (res.destroyed || res.headersSent) return Promise.resolve();
    const head = Buffer.from('{"padding":"');
    const tail = Buffer.from('"}');
    const filler = Buffer.alloc(64 * 1024, "a");
    const headers: Record<string, string | number> = { "Content-Type": "application/json" };
    if (!huge.chunked) headers["Content-Length"] = huge.bytes;
    if (huge.gzip) headers["Content-Encoding"] = "gzip";
    res.writeHead(200, headers);
    const out: Writable = huge.gzip ? createGzip() : res;
    if (huge.gzip) (out as Gzip).pipe(res);
    return new Promise((resolve) => {
        let left = huge.bytes;
        let done = false;
        const finish = () => {
            if (done) return;
            done = true;
            res.off("close", finish);
            holds.delete(finish);
            if (huge.gzip) (out as Gzip).destroy();
            resolve();
        };
        const pump = () => {
            while (!done && !res.destroyed) {
                if (left <= 0) {
                    out.end();
                    return finish();
                }
                const piece =
                    left === huge.bytes
                        ? head
                        : left <= tail.length
                          ? tail.subarray(tail.length - left)
                          : filler.subarray(0, Math.min(filler.length, left - tail.length));
                left -= piece.length;
                if (!out.write(piece)) return void out.once("drain", pump);
            }
            finish();
        };
        res.on("close", finish);
        holds.add(finish);
        pump();
    });
}

/** Holds a response for `delayMs`, or until the client (or close()) ends it. True if it ended. */
export function hold(res: ServerResponse, delayMs: number | undefined, holds: HeldResponses): Promise<boolean> {
    return new Promise((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const finish = (aborted: boolean) => {
            if (timer) clearTimeout(timer);
            res.off("close", onClose);
            holds.delete(onRelease);
            resolve(aborted);
        };
        const onClose = () => finish(true);
        const onRelease = () => finish(true);
        res.on("close", onClose);
        holds.add(onRelease);
        if (delayMs !== undefined) timer = setTimeout(() => finish(false), delayMs);
    });
}
