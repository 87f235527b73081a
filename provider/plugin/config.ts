import type { RuleFailure } from "../gateRules";
import { parseEndpoint, type SettingsSources } from "../settings";
import schema from "./schema.json";

/**
 * The provider's config (`pulumi config set taskgate:tencentcloud ...`, or a `taskgate.Provider`'s
 * args) as the core's settings: each cloud's settings object answers the lookups the sources make
 * by the clouds' own config keys (`tencentcloud:secretId`), `endpoint` answers `taskgate:endpoint`,
 * and the environment comes after, as for a program. The vocabulary is the schema's, so the
 * plugin accepts exactly what the SDKs generated from it can send.
 */

/** The settings of one provider instance, checked: each cloud's by setting name, and the endpoint. */
export interface ProviderConfig {
    readonly clouds: Readonly<Record<string, Readonly<Record<string, string>>>>;
    readonly endpoint?: string;
}

interface VariableSpec {
    type?: string;
    $ref?: string;
}

/** The schema's config: each setting, and for an object setting (a cloud's) the names of its members. */
const SETTINGS: ReadonlyMap<string, readonly string[] | undefined> = new Map(
    Object.entries(schema.config.variables as Record<string, VariableSpec>).map(([key, v]) => {
        const ref = v.$ref?.replace("#/types/", "");
        const type = ref ? (schema.types as Record<string, { properties?: Record<string, unknown> }>)[ref] : undefined;
        return [key, type?.properties ? Object.keys(type.properties) : undefined];
    }),
);

/**
 * Keys the engine itself puts among a provider's inputs (the plugin version a default provider was
 * made for, and where to download it): not settings, and not the user's mistake.
 */
const ENGINE_KEYS: ReadonlySet<string> = new Set(["version", "pluginDownloadURL"]);

/** `secret_key` as `secretKey`: Python programs may pass a plain dict with their own spelling. */
const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const allowed = (names: Iterable<string>) => [...names].sort().join(", ");

/**
 * Checks the provider's config, by key: unknown settings and members, values of the wrong type,
 * a bad endpoint. A value is never quoted back (the clouds' settings are secret as a whole). A
 * cloud's settings may arrive as an object or as its JSON text (Pulumi's SDKs send an explicit
 * provider's object config as JSON; secrets arrive decrypted), in camelCase or snake_case.
 */
export function parseProviderConfig(raw: Record<string, unknown>): { config: ProviderConfig; failures: RuleFailure[] } {
    const failures: RuleFailure[] = [];
    const clouds: Record<string, Record<string, string>> = {};
    let endpoint: string | undefined;
    for (const [key, value] of Object.entries(raw)) {
        if (ENGINE_KEYS.has(key) || value === undefined || value === null) continue;
        if (!SETTINGS.has(key)) {
            failures.push({ property: key, reason: `is not a taskgate provider setting; the settings are ${allowed(SETTINGS.keys())}` });
            continue;
        }
        const members = SETTINGS.get(key);
        if (members) {
            const cloud = cloudSettings(key, value, members, failures);
            if (cloud) clouds[key] = cloud;
        } else if (typeof value !== "string") {
            failures.push({ property: key, reason: "must be a string" });
        } else if (value !== "") {
            try {
                parseEndpoint(key, value);
                endpoint = value;
            } catch (e) {
                failures.push({ property: key, reason: (e as { problem?: string }).problem ?? (e as Error).message });
            }
        }
    }
    return { config: { clouds, ...(endpoint ? { endpoint } : {}) }, failures };
}

/** One cloud's settings object (or its JSON text), checked member by member. */
function cloudSettings(key: string, value: unknown, members: readonly string[], failures: RuleFailure[]): Record<string, string> | undefined {
    let obj = value;
    if (typeof value === "string") {
        try {
            obj = value.trim() === "" ? {} : JSON.parse(value);
        } catch {
            obj = undefined;
        }
    }
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
        failures.push({ property: key, reason: `must be an object (or its JSON text) with any of ${allowed(members)}` });
        return undefined;
    }
    const out: Record<string, string> = {};
    for (const [given, v] of Object.entries(obj)) {
        const name = camel(given);
        if (!members.includes(name)) {
            failures.push({ property: `${key}.${given}`, reason: `is not a ${key} setting; the settings are ${allowed(members)}` });
        } else if (v !== undefined && v !== null && typeof v !== "string") {
            failures.push({ property: `${key}.${given}`, reason: "must be a string" });
        } else if (typeof v === "string" && v !== "") {
            out[name] = v;
        }
    }
    return out;
}

/**
 * The config of Configure's deprecated `variables` map (`taskgate:config:tencentcloud` -> JSON
 * text), by setting name; the engine sends `args` too, which the plugin prefers.
 */
export function configFromVariables(variables: ReadonlyMap<string, string> | Iterable<[string, string]>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of variables) {
        const m = /^[^:]+:config:(.+)$/.exec(k);
        if (m) out[m[1]] = v;
    }
    return out;
}

/**
 * The core's settings from a provider's config: `tencentcloud:secretId` is the `secretId` of the
 * `tencentcloud` setting, `taskgate:endpoint` the `endpoint`; every other lookup (the rate-limit
 * directory, the answer-size cap) finds nothing, and the environment variables follow.
 */
export function configSettings(config: ProviderConfig, env: Record<string, string | undefined> = process.env): SettingsSources {
    return {
        config: (key) => {
            const [namespace, name] = key.split(":");
            if (namespace === "taskgate") return name === "endpoint" ? config.endpoint : undefined;
            return config.clouds[namespace]?.[name];
        },
        env,
        configPlace: providerConfigPlace,
    };
}

/**
 * Where a plugin user sets what the core asks for as `tencentcloud:secretId`: the provider's
 * `tencentcloud.secretId`, on the default provider the stack config `taskgate:tencentcloud.secretId`
 * (the stack config `tencentcloud:secretId` of TypeScript stacks never reaches the plugin).
 */
export function providerConfigPlace(key: string): string {
    const [namespace, name] = key.split(":");
    const member = namespace === "taskgate" ? name : `${namespace}.${name}`;
    return `the provider's \`${member}\` config (stack config \`taskgate:${member}\`)`;
}
