#!/usr/bin/env node
/**
 * The `taskgate` command (package.json `bin`). Everything happens in `run`; this file only wires
 * the process to it and sets the exit code without `process.exit()`, which could cut off output
 * still being written to a pipe.
 */
import { EXIT, run } from "./commands";

// `taskgate list ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
});

/** Ctrl-C while `taskgate wait` waits: stop it (a second Ctrl-C, with the handler gone, ends the process at once). */
function onInterrupt(stop: () => void): () => void {
    process.once("SIGINT", stop);
    return () => process.off("SIGINT", stop);
}

run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), onInterrupt }).then((code) => {
    process.exitCode = code;
    // An interrupted wait leaves its pause between reads, and maybe a request, pending: end now
    // rather than when they do (stdout and stderr write synchronously to files and pipes here).
    if (code === EXIT.interrupted) process.exit(code);
});
