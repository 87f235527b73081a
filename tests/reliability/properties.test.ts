/**
 * Property-based tests (fast-check, fixed seed) of every input validator and every parser:
 * hostile arguments get a clear local error or a request the API accepts, and random API payloads
 * never crash the mapping and never turn a status taskgate does not know into a success.
 */
import { strict as assert } from "node:assert";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { startEmulator, type Emulator } from "../../emulator/server";
import type { ApiId, RequestLogEntry } from "../../emulator/types";
import { TaskgateCloudError, TaskgateValidationError } from "../../provider/errors";
import type { ReadOptions } from "../../provider/paging";
import { evaluate, resolveRequirements, resolveWait, tally, validateGateSettings, type GateSourceTraits } from "../../provider/gateRules";
import { checkInputs } from "../../provider/dynamic/gateRuntime";
import { argsOnly, parseEndpoint, resolveHuawei, resolveTencent, SECRET_ARG_NAMES, type SettingsSources } from "../../provider/settings";
import { BM_ORDER_BY, parseBmPage, planBmQuery } from "../../provider/sources/bmCmdTasks";
import { parseCphPage, planCphQuery } from "../../provider/sources/cphJobs";
import { SOURCE_KINDS, sourceDefinition } from "../../provider/sources";
import { MPS_STATUSES, parseMpsPage, planMpsQuery } from "../../provider/sources/mpsTasks";
import { parseTatPage, planTatQuery, readTatInvocationTasks, TAT_LIMITS } from "../../provider/sources/tatInvocationTasks";
import {
    parseWorkspacePage,
    planWorkspaceQuery,
    readWorkspaceScriptTasks,
    WORKSPACE_STATUS_FILTERS,
    WORKSPACE_TASK_TYPES,
} from "../../provider/sources/workspaceScriptTasks";
import { summarize } from "../../provider/summary";
import { TASK_STATES, type TaskState } from "../../provider/types";
import { HUAWEI_CONNECTION_ARGS, instant, maxResults, TENCENT_CONNECTION_ARGS } from "../../provider/validate";
import { BEIJING_OFFSET_MINUTES, decodeBase64, isoTime, num, str } from "../../provider/values";
import { field, hostileArgs, hostileString, hostileValue, instantOf, record, SEED, timeFields, wireTime, writeTime, zoneMinutes } from "./arbitraries";
import { NO_EMULATOR_RATE_LIMITS, huaweiConn, quick, tencentConn, withoutClientRateLimits } from "./subjects";
import { recordProperty } from "./tally";

/** What a property returns for a case it leaves unjudged (refused before the part it is about). */
const NOT_JUDGED = Symbol("not judged");
// biome-ignore lint/suspicious/noConfusingVoidType: a property returns nothing for a judged case, NOT_JUDGED otherwise
type Judged = void | typeof NOT_JUDGED;

/** Fails a property whose generated cases mostly never reached its checks: it would pass on nothing. */
function assertJudged(name: string, judged: number, numRuns: number): void {
    assert.ok(judged >= numRuns / 10, `${name}: only ${judged} of ${numRuns} generated cases reached the property's checks`);
}

/** Runs a property with the suite's seed and records how many cases it generated. */
function check<T>(name: string, arb: fc.Arbitrary<T>, predicate: (v: T) => Judged, numRuns = 1000): void {
    let judged = 0;
    fc.assert(
        fc.property(arb, (v) => {
            if (predicate(v) !== NOT_JUDGED) judged++;
        }),
        { seed: SEED, numRuns, endOnFailure: true },
    );
    assertJudged(name, judged, numRuns);
    recordProperty(name, numRuns);
}

/** Runs `fn`; a TaskgateValidationError is a clear local error, anything else thrown is a defect. */
function validated<T>(fn: () => T): { ok: T } | { error: TaskgateValidationError } {
    try {
        return { ok: fn() };
    } catch (e) {
        if (!(e instanceof TaskgateValidationError)) throw new Error(`not a TaskgateValidationError: ${(e as Error)?.stack ?? e}`);
        assert.match(e.message, /^taskgate: invalid ./);
        assert.ok(e.message.length < 1200, `message of ${e.message.length} chars`);
        assert.equal(typeof e.field, "string");
        assert.ok(e.field.length > 0);
        return { error: e };
    }
}

const ID = /^[\x21-\x7e]{1,128}$/;
const isCount = (n: unknown) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;

describe("reliability: properties of validators and parsers (fast-check)", function () {
    this.timeout(120_000);

    describe("validators: hostile args get a clear local error or a request the API accepts", () => {
        it("TAT: ids XOR filters, 100 ids or 5 values per filter per request, every id in its format, nothing lost", () => {
            const known = ["invocationTaskIds", "invocationId", "instanceId", "commandId", "invocationTaskId", "hideOutput", "maxResults"];
            const id = (prefix: string) => fc.stringMatching(new RegExp(`^${prefix}-[0-9a-z]{1,10}$`));
            check(
                "planTatQuery",
                hostileArgs(known, {
                    // size "max": fast-check otherwise keeps arrays to about 10 items, and no request would hold 100 ids.
                    invocationTaskIds: fc.array(id("invt"), { minLength: 1, maxLength: 350, size: "max" }),
                    invocationId: fc.oneof(id("inv"), fc.array(id("inv"), { minLength: 1, maxLength: 12 })),
                    invocationTaskId: fc.oneof(id("invt"), fc.array(id("invt"), { minLength: 1, maxLength: 7 })),
                    instanceId: fc.oneof(id("ins"), fc.array(fc.stringMatching(/^[\x21-\x7e]{1,20}$/), { minLength: 1, maxLength: 12 })),
                    commandId: fc.oneof(id("cmd"), fc.array(id("cmd"), { minLength: 1, maxLength: 7 })),
                    hideOutput: fc.boolean(),
                    maxResults: fc.integer({ min: 1, max: 5000 }),
                }),
                (args) => {
                    const r = validated(() => planTatQuery(args));
                    if ("error" in r) return NOT_JUDGED;
                    const q = r.ok;
                    assert.equal(typeof q.hideOutput, "boolean");
                    assert.ok(q.maxResults === undefined || (Number.isInteger(q.maxResults) && q.maxResults >= 1 && q.maxResults <= 10_000_000));
                    assert.ok(q.requests.length >= 1 && q.requests.length <= TAT_LIMITS.maxQueries);
                    const sentIds: string[] = [];
                    for (const req of q.requests) {
                        assert.equal(req.HideOutput, q.hideOutput);
                        assert.ok(!("InvocationTaskIds" in req && "Filters" in req), "ids and filters never together");
                        if ("InvocationTaskIds" in req) {
                            const ids = req.InvocationTaskIds as string[];
                            assert.ok(ids.length >= 1 && ids.length <= 100);
                            for (const x of ids) assert.match(x, /^invt-[a-z0-9]+$/);
                            sentIds.push(...ids);
                        }
                        if ("Filters" in req) {
                            const filters = req.Filters as Array<{ Name: string; Values: string[] }>;
                            assert.ok(filters.length >= 1 && filters.length <= 10);
                            assert.equal(new Set(filters.map((f) => f.Name)).size, filters.length);
                            for (const f of filters) {
                                assert.ok(["invocation-id", "instance-id", "command-id", "invocation-task-id"].includes(f.Name));
                                assert.ok(f.Values.length >= 1 && f.Values.length <= 5);
                                for (const v of f.Values) assert.match(v, ID);
                            }
                        }
                    }
                    const given = args.invocationTaskIds;
                    if (Array.isArray(given)) assert.deepEqual(sentIds, [...new Set(given as string[])], "every id sent once, in order");
                },
                1500,
            );
        });

        it("MPS: a non-empty set of the three statuses", () => {
            check(
                "planMpsQuery",
                hostileArgs(["status", "maxResults"], {
                    status: fc.oneof(fc.constantFrom(...MPS_STATUSES), fc.array(fc.constantFrom(...MPS_STATUSES), { maxLength: 5 })),
                }),
                (args) => {
                    const r = validated(() => planMpsQuery(args));
                    if ("error" in r) return NOT_JUDGED;
                    assert.ok(r.ok.statuses.length >= 1);
                    assert.equal(new Set(r.ok.statuses).size, r.ok.statuses.length);
                    for (const s of r.ok.statuses) assert.ok((MPS_STATUSES as readonly string[]).includes(s));
                },
            );
        });

        it("BM: an API, a sort field of that API, an order, a signature method only for the legacy API", () => {
            check(
                "planBmQuery",
                hostileArgs(["api", "orderBy", "order", "signatureMethod", "maxResults"], {
                    api: fc.constantFrom("2018-04-23", "legacy"),
                    orderBy: fc.constantFrom(...BM_ORDER_BY["2018-04-23"], ...BM_ORDER_BY.legacy),
                    order: fc.constantFrom("asc", "desc"),
                    signatureMethod: fc.constantFrom("HmacSHA1", "HmacSHA256"),
                    maxResults: fc.integer({ min: 1, max: 5000 }),
                }),
                (args) => {
                    const r = validated(() => planBmQuery(args));
                    if ("error" in r) return NOT_JUDGED;
                    const q = r.ok;
                    assert.ok(["2018-04-23", "legacy"].includes(q.api));
                    assert.ok(q.orderBy === undefined || BM_ORDER_BY[q.api].includes(q.orderBy));
                    assert.ok(q.order === "asc" || q.order === "desc");
                    if (args.signatureMethod !== undefined && args.signatureMethod !== null) assert.equal(q.api, "legacy");
                },
            );
        });

        it("CPH: at least one request id, each of letters, digits, - and _, each once", () => {
            const rid = fc.stringMatching(/^[0-9a-f]{32}$/);
            check(
                "planCphQuery",
                hostileArgs(["requestId", "requestIds", "maxResults"], {
                    requestId: rid,
                    requestIds: fc.array(rid, { minLength: 1, maxLength: 70, size: "max" }),
                }),
                (args) => {
                    const r = validated(() => planCphQuery(args));
                    if ("error" in r) return NOT_JUDGED;
                    assert.ok(r.ok.requestIds.length >= 1);
                    assert.equal(new Set(r.ok.requestIds).size, r.ok.requestIds.length);
                    for (const x of r.ok.requestIds) assert.match(x, /^[A-Za-z0-9_-]{1,128}$/);
                },
            );
        });

        it("Workspace: filters in the API's vocabulary, times as the API writes them, start before end, 100 task ids per request", () => {
            const plausibleTime = fc
                .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-01-01T00:00:00Z"), noInvalidDate: true })
                .map((d) => d.toISOString());
            check(
                "planWorkspaceQuery",
                hostileArgs(["desktopPoolId", "scriptId", "scriptName", "status", "taskType", "executeTimeStart", "executeTimeEnd", "taskIds", "maxResults"], {
                    desktopPoolId: fc.uuid(),
                    scriptId: fc.uuid(),
                    scriptName: fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
                    status: fc.constantFrom(...WORKSPACE_STATUS_FILTERS),
                    taskType: fc.constantFrom(...WORKSPACE_TASK_TYPES),
                    executeTimeStart: fc.oneof({ arbitrary: plausibleTime, weight: 2 }, timeFields.map(writeTime), fc.date({ noInvalidDate: false })),
                    executeTimeEnd: fc.oneof({ arbitrary: plausibleTime, weight: 2 }, timeFields.map(writeTime), fc.date({ noInvalidDate: false })),
                    taskIds: fc.array(fc.uuid(), { minLength: 1, maxLength: 250, size: "max" }),
                }),
                (args) => {
                    const r = validated(() => planWorkspaceQuery(args));
                    if ("error" in r) return NOT_JUDGED;
                    const q = r.ok;
                    for (const [k, v] of Object.entries(q.filters)) {
                        assert.ok(
                            ["desktop_pool_id", "script_id", "script_name", "status", "task_type", "execute_time_start", "execute_time_end"].includes(k),
                            k,
                        );
                        assert.equal(typeof v, "string");
                        assert.ok(v.length >= 1 && v.length <= 256);
                        assert.ok(!/[\u0000-\u001f\u007f]/.test(v), "no control characters reach the query");
                    }
                    for (const k of ["execute_time_start", "execute_time_end"]) {
                        if (q.filters[k] !== undefined) assert.match(q.filters[k], /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
                    }
                    if (q.filters.execute_time_start && q.filters.execute_time_end) assert.ok(q.filters.execute_time_start <= q.filters.execute_time_end);
                    for (const req of q.requests) if (req.task_id) assert.ok((req.task_id as string[]).length <= 100);
                },
            );
        });

        it("every source rejects an argument it does not know, whatever its value", () => {
            const unknown = fc.string({ minLength: 1 }).filter((k) => !["__proto__"].includes(k));
            check("unknown args", fc.tuple(fc.constantFrom(...SOURCE_KINDS), unknown, hostileValue), ([kind, key, value]) => {
                const allowed = new Set([
                    ...TENCENT_CONNECTION_ARGS,
                    ...HUAWEI_CONNECTION_ARGS,
                    "invocationTaskIds",
                    "invocationId",
                    "instanceId",
                    "commandId",
                    "invocationTaskId",
                    "hideOutput",
                    "maxResults",
                    "status",
                    "api",
                    "orderBy",
                    "order",
                    "signatureMethod",
                    "requestId",
                    "requestIds",
                    "desktopPoolId",
                    "scriptId",
                    "scriptName",
                    "taskType",
                    "executeTimeStart",
                    "executeTimeEnd",
                    "taskIds",
                ]);
                if (allowed.has(key) || value === undefined) return NOT_JUDGED;
                const r = validated(() => sourceDefinition(kind).plan({ [key]: value }));
                assert.ok("error" in r, `${kind} accepted an unknown argument ${JSON.stringify(key)}`);
                assert.equal(r.error.field, key);
            });
        });

        it("maxResults: a whole number from 1 to 10 000 000, or a clear error", () => {
            check(
                "maxResults",
                fc.oneof(hostileValue, fc.integer({ min: 1, max: 10_000_000 })),
                (v) => {
                    const r = validated(() => maxResults(v));
                    if ("error" in r) return NOT_JUDGED;
                    assert.ok(r.ok === undefined ? v === undefined || v === null : Number.isInteger(r.ok) && r.ok >= 1 && r.ok <= 10_000_000 && r.ok === v);
                },
                2000,
            );
        });

        it("instant: a clear error, or exactly the instant written (no day 30 of February rolled into March)", () => {
            check(
                "instant (strings)",
                timeFields.filter((t) => t.zone !== "" && t.sep === "T").map((t) => [t, writeTime(t)] as const),
                ([t, text]) => {
                    const r = validated(() => instant("executeTimeStart", text));
                    if ("error" in r) return NOT_JUDGED;
                    const want = instantOf(t, zoneMinutes(t.zone));
                    assert.equal(r.ok?.getTime(), want, `${text} was read as ${r.ok?.toISOString()}`);
                },
                3000,
            );
            const plausibleDate = fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true });
            check("instant (Dates and anything)", fc.oneof(plausibleDate, fc.date({ noInvalidDate: false }), hostileValue), (v) => {
                const r = validated(() => instant("executeTimeEnd", v));
                if ("error" in r || r.ok === undefined) return NOT_JUDGED;
                assert.ok(Number.isFinite(r.ok.getTime()));
                assert.ok(r.ok.getUTCFullYear() >= 1970 && r.ok.getUTCFullYear() <= 9999);
            });
        });

        it("connection settings: resolved and well-formed, or a clear error that never shows a secret", () => {
            const secret = fc
                .tuple(fc.constantFrom("SECRET-CANARY-", "SECRET-CANARY-\t", "SECRET-CANARY- ", "SECRET-CANARY-\n"), fc.string())
                .map(([a, b]) => a + b);
            const settingValue = (key: string) =>
                isSecretName(key)
                    ? fc.oneof({ arbitrary: secret, weight: 4 }, { arbitrary: fc.constantFrom(undefined, null, "", 42, ["x"]), weight: 1 })
                    : /endpoint|ENDPOINT/.test(key)
                      ? fc.constantFrom(
                            undefined,
                            null,
                            "",
                            "http://127.0.0.1:4566",
                            "https://user:SECRET-CANARY-pw@host/",
                            "http://:SECRET-CANARY-pw@127.0.0.1:1",
                            "ftp://x",
                            "not a url",
                        )
                      : fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{1,12}$/), hostileString, fc.constantFrom(undefined, null, ""));
            const names = ["secretId", "secretKey", "securityToken", "region", "endpoint", "accessKey", "authToken", "projectId"];
            const cfgKeys = [
                "tencentcloud:secretId",
                "tencentcloud:secretKey",
                "tencentcloud:securityToken",
                "tencentcloud:region",
                "huaweicloud:accessKey",
                "huaweicloud:secretKey",
                "huaweicloud:securityToken",
                "huaweicloud:authToken",
                "huaweicloud:projectId",
                "huaweicloud:region",
                "taskgate:endpoint",
            ];
            const envKeys = [
                "TENCENTCLOUD_SECRET_ID",
                "TENCENTCLOUD_SECRET_KEY",
                "TENCENTCLOUD_SECURITY_TOKEN",
                "HW_ACCESS_KEY",
                "HW_SECRET_KEY",
                "HW_SECURITY_TOKEN",
                "HW_AUTH_TOKEN",
                "HW_PROJECT_ID",
                "TASKGATE_ENDPOINT",
            ];
            const isSecretName = (k: string) => /secretKey|securityToken|authToken|SECRET_KEY|SECURITY_TOKEN|AUTH_TOKEN/.test(k);
            const bag = (keys: string[]) => fc.record(Object.fromEntries(keys.map((k) => [k, settingValue(k)])), { requiredKeys: [] });
            check(
                "resolveTencent/resolveHuawei",
                fc.tuple(bag(names), bag(cfgKeys), bag(envKeys), fc.boolean(), fc.constantFrom("cph", "workspace")),
                ([args, cfg, env, tencent, service]) => {
                    const src: SettingsSources = {
                        config: (k) => (typeof cfg[k] === "string" ? (cfg[k] as string) : undefined),
                        env: env as Record<string, string | undefined>,
                    };
                    const secrets = [...Object.entries(args), ...Object.entries(cfg), ...Object.entries(env)]
                        .filter(([k, v]) => (isSecretName(k) || SECRET_ARG_NAMES.includes(k)) && typeof v === "string" && v.length >= 8)
                        .map(([, v]) => v as string);
                    secrets.push("SECRET-CANARY-pw");
                    const r = validated(() => (tencent ? resolveTencent(args, src, true) : resolveHuawei(args, src, service)));
                    if ("error" in r) {
                        const text = `${r.error.message} ${JSON.stringify(r.error)} ${r.error.stack}`;
                        for (const s of secrets) assert.ok(!text.includes(s), `an error shows a secret: ${r.error.message}`);
                        return;
                    }
                    const ok = r.ok as { secretKey?: string; auth?: { kind: string }; region?: string; endpoint?: { protocol: string }; baseUrl?: string };
                    if (ok.region !== undefined) assert.match(ok.region, /^[a-z][a-z0-9-]{1,40}$/);
                    if (ok.secretKey !== undefined) assert.ok(!/\s/.test(ok.secretKey));
                    if (ok.baseUrl !== undefined) assert.match(ok.baseUrl, /^https?:\/\/[^/?#@\s]+$/);
                },
                1500,
            );
        });

        it("endpoint: an http(s) base URL, or a clear error that never shows a password in the URL", () => {
            const url = fc.oneof(
                fc.webUrl({ withQueryParameters: true, withFragments: true }),
                fc
                    .tuple(
                        fc.constantFrom("http", "https", "ftp", "file", "javascript"),
                        fc.stringMatching(/^[a-z0-9]{1,8}$/),
                        fc.stringMatching(/^[A-Za-z0-9!$&'()*+,;=._~-]{1,16}$/),
                        fc.domain(),
                        fc.option(fc.integer({ min: 1, max: 65535 })),
                        fc.constantFrom("", "/", "/path", "?q=1"),
                    )
                    .map(([p, user, pw, host, port, rest]) => `${p}://${user}:SECRET-PW-${pw}@${host}${port ? `:${port}` : ""}${rest}`),
                hostileString,
            );
            check("parseEndpoint", url, (u) => {
                const r = validated(() => parseEndpoint("endpoint", u));
                const pw = /:(SECRET-PW-[^@]*)@/.exec(u)?.[1];
                if ("error" in r) {
                    if (pw) assert.ok(!r.error.message.includes(pw), `the error shows the URL's password: ${r.error.message}`);
                    return;
                }
                assert.ok(r.ok.protocol === "http:" || r.ok.protocol === "https:");
                assert.ok(r.ok.hostname.length > 0);
                assert.equal(pw, undefined, "a URL with user info is refused");
            });
        });

        it("gate settings: failures naming the property, or requirements and waits that make sense", () => {
            const num = fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double({ min: -2, max: 2 }), fc.constantFrom(NaN, Infinity, 0, 1, 0.95, 1e9, 1e10));
            // Plausible settings too, so that the checks of accepted settings run on many cases.
            const plausibleReq = fc.record(
                {
                    minSucceeded: fc.nat(50),
                    minSuccessRatio: fc.double({ min: 0, max: 1, noNaN: true }),
                    maxFailed: fc.nat(10),
                    allDone: fc.boolean(),
                    allowEmpty: fc.boolean(),
                },
                { requiredKeys: [] },
            );
            const plausibleWait = fc.record(
                { timeoutSeconds: fc.integer({ min: 1, max: 3600 }), pollIntervalSeconds: fc.constantFrom(0.1, 1, 5), failFast: fc.boolean() },
                { requiredKeys: [] },
            );
            const req = fc.oneof(
                plausibleReq,
                fc.record(
                    {
                        minSucceeded: num,
                        minSuccessRatio: num,
                        maxFailed: num,
                        allDone: fc.oneof(fc.boolean(), hostileValue),
                        allowEmpty: fc.oneof(fc.boolean(), hostileValue),
                    },
                    { requiredKeys: [] },
                ),
                hostileValue,
            );
            const wait = fc.oneof(
                plausibleWait,
                fc.record({ timeoutSeconds: num, pollIntervalSeconds: num, failFast: fc.oneof(fc.boolean(), hostileValue) }, { requiredKeys: [] }),
                fc.constant(undefined),
                hostileValue,
            );
            const traits = fc.constantFrom<GateSourceTraits>(
                { label: "TAT invocation tasks", hasTargets: false, reportsOutcome: true },
                { label: "MPS tasks", hasTargets: false, reportsOutcome: false },
                { label: "Bare Metal script tasks", hasTargets: true, targetName: "machines", targetOne: "machine", reportsOutcome: true },
            );
            check(
                "validateGateSettings",
                fc.tuple(req, wait, traits),
                ([r, w, t]) => {
                    const failures = validateGateSettings(r, w, t);
                    for (const f of failures) {
                        assert.match(f.property, /^(require|wait)(\.|$)/);
                        assert.ok(f.reason.length > 5);
                    }
                    if (failures.length > 0) return NOT_JUDGED;
                    const rr = resolveRequirements(r as never);
                    assert.ok(isCount(rr.maxFailed));
                    assert.ok(rr.minSucceeded === undefined || isCount(rr.minSucceeded));
                    assert.ok(rr.minSuccessRatio === undefined || (rr.minSuccessRatio >= 0 && rr.minSuccessRatio <= 1));
                    if (!t.reportsOutcome) assert.ok(!(rr.minSucceeded! > 0) && !(rr.minSuccessRatio! > 0));
                    assert.equal(typeof rr.allowEmpty, "boolean");
                    if (rr.allowEmpty) assert.ok(!(rr.minSucceeded! > 0), "allowEmpty with a minimum no empty list meets");
                    const ww = resolveWait(w as never);
                    if (ww) {
                        assert.ok(Number.isFinite(ww.timeoutSeconds) && ww.timeoutSeconds > 0 && ww.timeoutSeconds <= 86_400);
                        assert.ok(ww.pollIntervalSeconds >= 0.1 && ww.pollIntervalSeconds <= 3600);
                        // A poll interval given must fit in the timeout (the default one may not: the last look is at the deadline).
                        if ((w as { pollIntervalSeconds?: unknown }).pollIntervalSeconds !== undefined) assert.ok(ww.pollIntervalSeconds <= ww.timeoutSeconds);
                        assert.equal(typeof ww.failFast, "boolean");
                    }
                },
                2000,
            );
        });

        it("a gate's inputs: failures by property, never an exception, whatever the source holds", () => {
            const source = fc.oneof(
                fc.constantFrom(...SOURCE_KINDS).chain((k) =>
                    hostileArgs(["invocationId", "status", "api", "requestId", "desktopPoolId", "maxResults", "secretKey", "region"]).map((a) => ({
                        [k]: a,
                    })),
                ),
                hostileValue,
                fc.dictionary(fc.constantFrom(...SOURCE_KINDS, "other"), fc.anything({ maxDepth: 1 }), { maxKeys: 3 }),
            );
            check("gate checkInputs", fc.tuple(source, hostileValue, hostileValue), ([src, require, wait]) => {
                const failures = checkInputs({ source: src as never, require: require as never, wait: wait as never });
                for (const f of failures) {
                    assert.match(f.property, /^(source|require|wait)/);
                    assert.ok(!/SECRET-CANARY/.test(f.reason));
                }
            });
        });
    });

    describe("requests: hostile filter values reach the cloud exactly as given (real SDKs, signed, through the emulator), or fail locally", () => {
        withoutClientRateLimits();
        let emu: Emulator;
        before(async () => {
            emu = await startEmulator({ port: 0, rateLimits: NO_EMULATOR_RATE_LIMITS });
            emu.generate({ api: "workspace", count: 5, desktopPoolId: "pool-1" });
        });
        after(() => emu.close());

        /** Runs an async property against the emulator and records its runs. */
        async function checkAsync<T>(name: string, arb: fc.Arbitrary<T>, predicate: (v: T) => Promise<Judged>, numRuns: number): Promise<void> {
            let judged = 0;
            await fc.assert(
                fc.asyncProperty(arb, async (v) => {
                    if ((await predicate(v)) !== NOT_JUDGED) judged++;
                }),
                { seed: SEED, numRuns, endOnFailure: true },
            );
            assertJudged(name, judged, numRuns);
            recordProperty(name, numRuns);
        }

        /** The read failed locally (nothing sent) or at the cloud for a parameter reason, never on its signature. */
        function assertFailedCleanly(e: unknown, sent: number) {
            if (e instanceof TaskgateValidationError) return assert.equal(sent, 0, "a bad argument was sent");
            assert.ok(e instanceof TaskgateCloudError, `not a taskgate error: ${(e as Error)?.stack}`);
            assert.equal(e.kind, "client", `the cloud refused the request as ${e.kind}: ${e.message}`);
        }

        /**
         * Reads once (one attempt, one request at a time) on a fresh request log: what the read
         * returned (undefined when it failed, which must be a clean failure) and the requests of `api`
         * the emulator saw.
         */
        async function readOnce(api: ApiId, read: (options: ReadOptions) => Promise<unknown>): Promise<{ result: unknown; sent: RequestLogEntry[] }> {
            emu.reset(["stats"]);
            let result: unknown;
            let error: unknown;
            try {
                result = await read(quick({ retry: { maxAttempts: 1 }, concurrency: 1 }));
            } catch (e) {
                error = e;
            }
            const sent = emu.requests({ api });
            if (error) assertFailedCleanly(error, sent.length);
            return { result, sent };
        }

        it("Workspace: pool, script id and name, task ids, with injections and any unicode", async () => {
            const args = fc.record(
                {
                    desktopPoolId: fc.oneof(hostileString, fc.constant("pool-1")),
                    scriptId: hostileString,
                    scriptName: fc.oneof(hostileString, fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 })),
                    taskIds: fc.array(hostileString, { minLength: 1, maxLength: 4 }),
                },
                { requiredKeys: [] },
            );
            await checkAsync(
                "Workspace request",
                args,
                async (a) => {
                    const { result, sent } = await readOnce("workspace", (o) => readWorkspaceScriptTasks({ ...huaweiConn(emu), ...a }, argsOnly, o));
                    if (sent.length === 0) return NOT_JUDGED;
                    const plan = planWorkspaceQuery(a);
                    const got = sent[0].params;
                    for (const [k, v] of Object.entries(plan.filters))
                        assert.equal(got[k], v, `${k} arrived as ${JSON.stringify(got[k])}, was ${JSON.stringify(v)}`);
                    // Repeated keys may arrive in any order (the SDK sorts the query it signs): a set of ids.
                    if (plan.taskIds) assert.deepEqual([got.task_id].flat().sort(), [...(plan.requests[0].task_id as string[])].sort());
                    if (result) assert.ok(Array.isArray((result as { tasks: unknown[] }).tasks));
                },
                150,
            );
        });

        it("TAT: instance, command and invocation filters with injections (the body is JSON, signed with TC3)", async () => {
            const args = fc.record(
                {
                    instanceId: fc.oneof(hostileString, fc.array(hostileString, { minLength: 1, maxLength: 7 })),
                    commandId: fc.oneof(hostileString, fc.stringMatching(/^cmd-[a-z0-9]{1,8}$/)),
                },
                { requiredKeys: [] },
            );
            await checkAsync(
                "TAT request",
                args,
                async (a) => {
                    const { sent } = await readOnce("tat", (o) => readTatInvocationTasks({ ...tencentConn(emu), ...a }, argsOnly, o));
                    if (sent.length === 0) return NOT_JUDGED;
                    const plan = planTatQuery(a);
                    const sentFilters = sent.map((e) => e.params.Filters);
                    for (const f of sentFilters)
                        assert.ok(
                            plan.requests.some((r) => isDeepStrictEqual(r.Filters, f)),
                            `filters arrived as ${JSON.stringify(f)}`,
                        );
                },
                150,
            );
        });
    });

    describe("parsers: random payloads never crash the mapping and never map an unknown status to success", () => {
        /** Parses; only a MalformedResponse may be thrown. */
        function parsed<P>(fn: () => P): P | undefined {
            try {
                return fn();
            } catch (e) {
                if (!(e instanceof TaskgateCloudError) || e.cloudCode !== "MalformedResponse" || !e.retryable)
                    throw new Error(`the parser threw ${(e as Error)?.stack ?? e}`);
                return undefined;
            }
        }

        /** What every parsed page must be. */
        function assertPage(p: { items: Array<{ state: TaskState }>; total?: number }, list: unknown[], requireTotal: boolean) {
            assert.equal(p.items.length, list.length, "one record per element");
            for (const t of p.items) assert.ok(TASK_STATES.includes(t.state), t.state);
            if (requireTotal || p.total !== undefined) assert.ok(isCount(p.total), `total ${p.total} is not a count`);
            const times = p.items.flatMap((t) =>
                Object.entries(t)
                    .filter(([k]) => /Time$/.test(k))
                    .map(([, v]) => v),
            );
            for (const v of times)
                assert.ok(v === undefined || (typeof v === "string" && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString() === v), `time ${v}`);
        }

        const anyBody = fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true });

        it("anything at all: a page, or a MalformedResponse", () => {
            check(
                "parsers on anything",
                anyBody,
                (b) => {
                    parsed(() => parseTatPage(b, false));
                    parsed(() => parseMpsPage(b, "FINISH"));
                    parsed(() => parseBmPage("2018-04-23", b));
                    parsed(() => parseBmPage("legacy", b));
                    parsed(() => parseCphPage(b));
                    parsed(() => parseWorkspacePage(b));
                },
                3000,
            );
        });

        const count = fc.oneof(fc.nat(1000), fc.constantFrom(-1, 1.5, "350", " 7 ", "x", null, 1e21));
        const status = (known: readonly unknown[]) =>
            fc.oneof(
                { arbitrary: fc.constantFrom(...known), weight: 3 },
                { arbitrary: hostileString, weight: 1 },
                { arbitrary: fc.anything({ maxDepth: 0 }), weight: 1 },
            );

        it("TAT: SUCCEEDED only for TaskStatus SUCCESS; unknown statuses are UNKNOWN and kept", () => {
            const task = record({
                InvocationTaskId: fc.stringMatching(/^invt-[a-z0-9]{4,8}$/),
                InvocationId: fc.constant("inv-1"),
                TaskStatus: status(["SUCCESS", "FAILED", "RUNNING", "PENDING", "TIMEOUT", "CANCELLED", "TERMINATED", "DELIVER_FAILED", "success", "Success"]),
                StartTime: wireTime,
                EndTime: wireTime,
                CreatedTime: wireTime,
                TaskResult: record({ ExitCode: fc.integer(), Output: fc.base64String(), ExecStartTime: wireTime }),
                CommandDocument: record({ Content: fc.base64String(), Timeout: fc.nat() }),
            });
            check(
                "parseTatPage",
                fc.record({ InvocationTaskSet: fc.array(task, { maxLength: 8 }), TotalCount: count }),
                (body) => {
                    const p = parsed(() => parseTatPage(body, false));
                    if (!p) return NOT_JUDGED;
                    assertPage(p, body.InvocationTaskSet, true);
                    p.items.forEach((t, i) => {
                        const raw = body.InvocationTaskSet[i].TaskStatus;
                        if (t.state === "SUCCEEDED") assert.equal(raw, "SUCCESS");
                        if (
                            typeof raw !== "string" ||
                            !["SUCCESS", "FAILED", "RUNNING", "PENDING", "TIMEOUT", "CANCELLED", "TERMINATED", "DELIVER_FAILED"].includes(raw)
                        )
                            assert.equal(t.state, "UNKNOWN");
                        if (t.state === "UNKNOWN" && typeof raw === "string" && raw !== "") assert.equal(t.taskStatus, raw, "the raw status is kept");
                    });
                },
                2000,
            );
        });

        it("MPS: never SUCCEEDED (the API reports no outcome); the state follows the listing status", () => {
            const task = record({
                TaskId: fc.string({ minLength: 1 }),
                TaskType: fc.string(),
                CreateTime: wireTime,
                BeginProcessTime: wireTime,
                FinishTime: wireTime,
                SubTaskTypes: fc.array(fc.string()),
            });
            check(
                "parseMpsPage",
                fc.tuple(
                    fc.record({ TaskSet: fc.array(task, { maxLength: 8 }), TotalCount: count, ScrollToken: field(fc.string()) }),
                    fc.constantFrom(...MPS_STATUSES),
                ),
                ([body, st]) => {
                    const p = parsed(() => parseMpsPage(body, st));
                    if (!p) return NOT_JUDGED;
                    assertPage(p, body.TaskSet, false);
                    for (const t of p.items) assert.equal(t.state, { WAITING: "PENDING", PROCESSING: "RUNNING", FINISH: "FINISHED" }[st]);
                },
                2000,
            );
        });

        for (const api of ["2018-04-23", "legacy"] as const) {
            it(`BM ${api}: SUCCEEDED only for status 0 with 0 failures; anything else not -1/0 is UNKNOWN`, () => {
                const names =
                    api === "legacy"
                        ? {
                              id: "taskId",
                              status: "status",
                              failures: "failureCount",
                              list: (l: unknown[], total: unknown) => ({ code: 0, data: { list: l, totalNum: total } }),
                          }
                        : {
                              id: "TaskId",
                              status: "Status",
                              failures: "FailureCount",
                              list: (l: unknown[], total: unknown) => ({ UserCmdTasks: l, TotalCount: total }),
                          };
                const task = record({
                    [names.id]: fc.stringMatching(/^cmdtask-[a-z0-9]{4,8}$/),
                    [names.status]: status([-1, 0, 1, "0", "-1", 2]),
                    [names.failures]: status([0, 1, 3, "0", "2"]),
                    [api === "legacy" ? "runBeginTime" : "RunBeginTime"]: wireTime,
                    [api === "legacy" ? "instanceCount" : "InstanceCount"]: count,
                });
                check(
                    `parseBmPage ${api}`,
                    fc.tuple(fc.array(task, { maxLength: 8 }), count),
                    ([list, total]) => {
                        const p = parsed(() => parseBmPage(api, names.list(list, total)));
                        if (!p) return NOT_JUDGED;
                        assertPage(p, list, true);
                        p.items.forEach((t, i) => {
                            const st = num(list[i][names.status]);
                            if (t.state === "SUCCEEDED") assert.ok(st === 0 && num(list[i][names.failures]) === 0);
                            if (st !== 0 && st !== -1) assert.equal(t.state, "UNKNOWN");
                        });
                    },
                    2000,
                );
            });
        }

        it("CPH: SUCCEEDED only for status 2; anything else not 1/2/-1 is UNKNOWN", () => {
            const job = record({
                job_id: fc.stringMatching(/^[0-9a-f]{32}$/),
                status: status([1, 2, -1, "2", 0, 3]),
                begin_time: wireTime,
                end_time: wireTime,
                error_code: fc.string(),
                phone_id: fc.string(),
            });
            check(
                "parseCphPage",
                fc.record({ jobs: fc.array(job, { maxLength: 8 }), request_id: field(fc.string()) }),
                (body) => {
                    const p = parsed(() => parseCphPage(body));
                    if (!p) return NOT_JUDGED;
                    assertPage(p, body.jobs, false);
                    p.items.forEach((t, i) => {
                        const st = num(body.jobs[i].status);
                        if (t.state === "SUCCEEDED") assert.equal(st, 2);
                        if (st !== 1 && st !== 2 && st !== -1) assert.equal(t.state, "UNKNOWN");
                    });
                },
                2000,
            );
        });

        it("Workspace: SUCCEEDED only for SUCCESS or FINISH; unknown statuses are UNKNOWN", () => {
            const task = record({
                id: fc.uuid(),
                status: status(["FINISH", "SUCCESS", "FAILED", "RUNNING", "INIT", "WAITING", "finish"]),
                start_time: wireTime,
                end_time: wireTime,
                success_num: count,
                failed_num: count,
                skip_num: count,
                scripts: fc.array(record({ id: fc.string(), name: fc.string() }), { maxLength: 3 }),
            });
            check(
                "parseWorkspacePage",
                fc.record({ script_execution_tasks: fc.array(task, { maxLength: 8 }), total_count: count }),
                (body) => {
                    const p = parsed(() => parseWorkspacePage(body));
                    if (!p) return NOT_JUDGED;
                    assertPage(p, body.script_execution_tasks, true);
                    p.items.forEach((t, i) => {
                        const raw = body.script_execution_tasks[i].status;
                        if (t.state === "SUCCEEDED") assert.ok(raw === "SUCCESS" || raw === "FINISH");
                        if (!["FINISH", "SUCCESS", "FAILED", "RUNNING", "INIT", "WAITING"].includes(raw as string)) assert.equal(t.state, "UNKNOWN");
                    });
                },
                2000,
            );
        });

        it("time values: undefined, or exactly the instant written (Beijing for zone-less BM times)", () => {
            check(
                "isoTime",
                timeFields,
                (t) => {
                    const text = writeTime(t);
                    let judged: Judged = NOT_JUDGED;
                    for (const zone of [0, BEIJING_OFFSET_MINUTES]) {
                        const got = isoTime(text, zone);
                        if (got === undefined) continue;
                        const want = instantOf(t, t.zone === "" ? zone : zoneMinutes(t.zone));
                        assert.equal(got, want === undefined ? undefined : new Date(want).toISOString(), `${text} (zone ${zone}) read as ${got}`);
                        judged = undefined;
                    }
                    return judged;
                },
                3000,
            );
            check(
                "value readers on anything",
                fc.anything({ maxDepth: 2 }),
                (v) => {
                    const s = str(v);
                    assert.ok(s === undefined || (typeof s === "string" && s !== ""));
                    const n = num(v);
                    assert.ok(n === undefined || Number.isFinite(n));
                    const iso = isoTime(v);
                    assert.ok(iso === undefined || new Date(iso).toISOString() === iso);
                    if (typeof v === "string") assert.equal(typeof decodeBase64(v), "string");
                },
                2000,
            );
        });

        it("summaries and gates: an unknown state never counts as a success and never passes a gate", () => {
            const states = fc.array(fc.constantFrom(...TASK_STATES), { maxLength: 40 });
            const req = fc.record({
                minSucceeded: fc.option(fc.nat(40), { nil: undefined }),
                minSuccessRatio: fc.option(fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 1, noNaN: true })), { nil: undefined }),
                maxFailed: fc.option(fc.nat(10), { nil: undefined }),
                allDone: fc.option(fc.boolean(), { nil: undefined }),
                allowEmpty: fc.option(fc.boolean(), { nil: undefined }),
            });
            check(
                "summarize + evaluate",
                fc.tuple(states, req, fc.constantFrom(...SOURCE_KINDS)),
                ([list, require, kind]) => {
                    const tasks = list.map((state) => ({ state }));
                    const summary = summarize(tasks);
                    assert.equal(summary.succeeded, list.filter((s) => s === "SUCCEEDED").length);
                    assert.equal(summary.total, list.length);
                    const traits = sourceDefinition(kind).traits;
                    if (validateGateSettings(require, undefined, traits).length > 0) return NOT_JUDGED;
                    const verdict = evaluate(tally(summary, { ...traits, hasTargets: false }), resolveRequirements(require), traits);
                    if (list.includes("UNKNOWN")) {
                        assert.equal(summary.done, false);
                        assert.equal(verdict.passed, false, "a task in an unknown state passed a gate");
                    }
                    if (verdict.passed && ((require.minSucceeded ?? 0) > 0 || ((require.minSuccessRatio ?? 0) > 0 && list.length > 0)))
                        assert.ok(summary.succeeded > 0);
                    if (list.length === 0) assert.equal(verdict.passed, require.allowEmpty === true, "an empty list passes exactly when allowEmpty says so");
                },
                3000,
            );
        });
    });
});
