import type { Logger } from "../provider/types";
import { nounFor, plural, seconds, type Noun } from "../provider/words";

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
 * A progress reporter for a read of `label` (`["TAT invocation task", "TAT invocation tasks"]`).
 * @param quiet writes only warnings (a re-read), nothing else.
 * @param now a clock, for tests.
 */
export function createProgress(stream: ProgressStream, label: Noun, quiet: boolean, now: () => number = () => performance.now()): Progress {
    const tty = stream.isTTY === true;
    const started = now();
    let pages = 0;
    let lastWrite = -Infinity;
    let shown = false;
    const clearLine = () => {
        if (tty && shown) stream.write("\r\x1b[K");
        shown = false;
    };
    // A total of 0 is no total: an MPS scroll reports what is left of one status, and an empty status
    // before a full one would read "0 of 0" while the read goes on.
    const line = (read: number, total?: number) =>
        `reading ${label[1]}: ${n(read)}${total ? ` of ${n(Math.max(total, read))}` : ""} (${plural(pages, "page", n)})`;
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
            info: (m) => {
                if (!quiet) say(m);
            },
            warn: (m) => say(m),
        },
        finish(read, total) {
            clearLine();
            if (quiet) return;
            stream.write(
                `read ${n(read)}${total > read ? ` of ${n(total)}` : ""} ${nounFor(read, label)} in ${seconds((now() - started) / 1000)} (${plural(pages, "page", n)})\n`,
            );
        },
        clear: clearLine,
    };
}
