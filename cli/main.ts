#!/usr/bin/env node
/**
 * The `taskgate` command (package.json `bin`). Everything happens in `run`; this file only wires
 * the process to it and sets the exit code without `process.exit()`, which could cut off output
 * still being written to a pipe.
 */
import { run } from "./commands";

// `taskgate list ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
});

run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }).then((code) => {
    process.exitCode = code;
});
