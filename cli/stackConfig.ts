import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";
import { TaskgateError } from "../provider/errors";
import type { ConfigLookup } from "../provider/settings";

/**
 * `--stack NAME`: the stack's config through the real Pulumi CLI (`pulumi config --json
 * --show-secrets`), so that the command line reads the same `tencentcloud:*`, `huaweicloud:*` and
 * `taskgate:endpoint` keys a stack's gates read, secrets decrypted by Pulumi itself (with the
 * user's passphrase or secrets provider). The values stay in memory and are never printed.
 */

/** The Pulumi version scripts/install-pulumi.sh builds into the cache (PULUMI_VERSION there). */
const CACHED_PULUMI_VERSION = "3.276.0";

/** A problem reading the stack's config: printed as is, exit 2. */
export class StackConfigError extends TaskgateError {
    override readonly name = "StackConfigError";
    readonly code = "TASKGATE_STACK_CONFIG";
}

function executable(file: string): boolean {
    try {
        accessSync(file, constants.X_OK);
        return true;
    } catch {
        return false;
    }
}

/**
 * Finds the `pulumi` binary: on PATH first (the user's own install), then in TASKGATE_PULUMI_BIN,
 * then where scripts/install-pulumi.sh builds it.
 * @returns the path, or undefined with the places looked at in `searched`.
 */
export function findPulumi(env: Record<string, string | undefined>, searched: string[] = []): string | undefined {
    const dirs = [
        ...(env.PATH ?? "").split(path.delimiter).filter((d) => d !== ""),
        ...(env.TASKGATE_PULUMI_BIN ? [env.TASKGATE_PULUMI_BIN] : []),
        path.join(env.HOME ?? homedir(), ".cache", "taskgate", `pulumi-${CACHED_PULUMI_VERSION}`, "bin"),
    ];
    for (const dir of dirs) {
        const file = path.join(dir, "pulumi");
        searched.push(file);
        if (executable(file)) return file;
    }
    return undefined;
}

/** One entry of `pulumi config --json`: `value` is text (objects arrive as JSON text too). */
interface ConfigEntry {
    value?: unknown;
    secret?: boolean;
}

/**
 * Reads a stack's config.
 * @param cwd the Pulumi project folder (where Pulumi.yaml is, or below it)
 * @returns a lookup of namespaced keys (`tencentcloud:secretKey`) for SettingsSources.config
 */
export async function readStackConfig(stack: string, cwd: string, env: Record<string, string | undefined>): Promise<ConfigLookup> {
    const searched: string[] = [];
    const pulumi = findPulumi(env, searched);
    if (!pulumi) {
        throw new StackConfigError(
            `taskgate: --stack needs the Pulumi CLI, which was not found (looked on PATH, in TASKGATE_PULUMI_BIN and in ` +
                `${searched[searched.length - 1]}); install Pulumi, or run \`bash scripts/install-pulumi.sh\` in a taskgate checkout`,
        );
    }
    const stdout = await new Promise<string>((resolve, reject) => {
        execFile(
            pulumi,
            ["config", "--json", "--show-secrets", "--stack", stack],
            {
                cwd,
                env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" },
                maxBuffer: 64 * 1024 * 1024,
                timeout: 120_000,
            },
            (err, out, errText) => {
                if (!err) return resolve(out);
                // Pulumi's own message ("no stack named 'x' found", "incorrect passphrase") is what the user needs;
                // it never holds a config value.
                const lines = String(errText)
                    .split("\n")
                    .map((l) => l.trim())
                    .filter((l) => l !== "");
                const why =
                    lines
                        .filter((l) => l.startsWith("error:"))
                        .map((l) => l.slice(6).trim())
                        .join("; ") ||
                    lines.join("; ") ||
                    err.message;
                reject(new StackConfigError(`taskgate: could not read the config of stack "${stack}" (${pulumi} config, in ${cwd}): ${why}`));
            },
        );
    });
    let entries: Record<string, ConfigEntry>;
    try {
        entries = JSON.parse(stdout) as Record<string, ConfigEntry>;
    } catch {
        throw new StackConfigError(`taskgate: \`${pulumi} config --json\` for stack "${stack}" did not print JSON`);
    }
    return (key) => {
        const v = Object.hasOwn(entries, key) ? entries[key]?.value : undefined;
        return typeof v === "string" ? v : undefined;
    };
}
