import type { Logger } from "../provider/types";

/**
 * Progress of a read, on stderr (stdout carries the data and may be piped). On a terminal one line
 * is redrawn in place; elsewhere (CI logs, a file) plain lines are written now and then, since a
 * log full of carriage returns is unreadable.
 */

/** Where progress goes: a stream, and whether it is a terminal. */
export interface ProgressStream {
    write(chunk: string): unknown;
    readonly isTTY?: boolean;
}

/** What a read reports to, and how it ends. */
export interface Progress {
    /** For `ReadOptions.onPage`. */
    readonly onPage: (read: number, total?: number) => void;
    /** For `ReadOptions.log`: retries and re-reads, written without breaking the progress line. */
    readonly log: Logger;
    /** Clears the progress line and writes the closing one. */
    finish(read: number, total: number): void;
    /** Clears the progress line (before an error is printed). */
    clear(): void;
}

/** How often each kind of output may write. */
const TTY_INTERVAL_MS = 100;
const PLAIN_INTERVAL_MS = 2000;

const n = (x: number) => x.toLocaleString("en-US");

/**
 * A progress reporter for a read of `label` (`TAT invocation tasks`).
 * @param quiet writes only warnings (a re-read), nothing else.
 * @param now a clock, for tests.
 */
export function createProgress(stream: ProgressStream, label: string, quiet: boolean, now: () => number = () => performance.now()): Progress {
    const tty = stream.isTTY === true;
    const started = now();
    let pages = 0;
    let lastWrite = -Infinity;
    let shown = false;
    const clearLine = () => {
        if (tty && shown) stream.write("\r\x1b[K");
        shown = false;
    };
    const line = (read: number, total?: number) =>
        `reading ${label}: ${n(read)}${total !== undefined ? ` of ${n(Math.max(total, read))}` : ""} (${n(pages)} page${pages === 1 ? "" : "s"})`;
    const say = (message: string) => {
        clearLine();
        stream.write(`${message}\n`);
        lastWrite = now();
    };
    return {
        onPage(read, total) {
            pages++;
            if (quiet) return;
            const t = now();
            // A plain stream gets the first page at once (the read has started) and then a line every
            // two seconds at most: a 10,000-task TAT read (5 s) writes three or four lines.
            if (t - lastWrite < (tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS)) return;
            lastWrite = t;
            if (tty) {
                stream.write(`\r\x1b[K${line(read, total)}`);
                shown = true;
            } else {
                stream.write(`${line(read, total)}\n`);
            }
        },
        log: {
            debug: () => undefined,
            info: (m) => { if (!quiet) say(m); },
            warn: (m) => say(m),
        },
        finish(read, total) {
            clearLine();
            if (quiet) return;
            const secs = ((now() - started) / 1000).toFixed(1);
            stream.write(`read ${n(read)}${total !== read ? ` of ${n(total)}` : ""} ${label} in ${secs} s (${n(pages)} page${pages === 1 ? "" : "s"})\n`);
        },
        clear: clearLine,
    };
}
