/**
 * One error hierarchy: every error taskgate throws on purpose is a TaskgateError with a stable
 * `code`, readonly fields and a complete `toJSON`; a read error says why it gave up (`reason`), one
 * value per cause, each produced here by the real pagers; a throttle near the read's deadline is
 * always a read error "deadline" carrying the cloud error, and a cloud error only when the attempts
 * ran out first; the command line maps each code to its exit code and words. A scan of the sources
 * (with the TypeScript compiler) finds any `throw` or `reject` of another kind of error.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { BY_CODE, cliWording, describeError, EXIT, exitCodeOf } from "../../cli/commands";
import { UsageError } from "../../cli/options";
import { findCliSource } from "../../cli/sources";
import { StackConfigError } from "../../cli/stackConfig";
import { applyGate } from "../../provider/dynamic/gateRuntime";
import {
    TASKGATE_ERROR_CODES,
    TaskgateCloudError,
    TaskgateError,
    TaskgateReadError,
    TaskgateValidationError,
    type CloudErrorInfo,
    type ReadFailureReason,
} from "../../provider/errors";
import { GateFailedError } from "../../provider/gateRules";
import { createReadContext, fetchPage, type Page, readOffsetPaged, readScrollPaged } from "../../provider/paging";
import { configureRateLimits, DEFAULT_RATE_LIMITS, rateLimitOf } from "../../provider/rateLimit";
import { taskListResult } from "../../provider/result";
import { DEFAULT_RETRY, withRetry } from "../../provider/retry";
import { resolveTencent } from "../../provider/settings";
import { requirementsFor } from "../../provider/sources";
import { planCphQuery } from "../../provider/sources/cphJobs";
import { summarize } from "../../provider/summary";
import { silentLogger, type TaskState } from "../../provider/types";
import { check } from "../../sdk/check";
import { apiProgram } from "./publicApi";
import { rejectionOf, thrownBy } from "./thrown";

const ROOT = path.resolve(__dirname, "../..");

const CLOUD: CloudErrorInfo = {
    cloud: "tencentcloud",
    api: "tat",
    operation: "DescribeInvocationTasks",
    code: "RequestLimitExceeded",
    message: "too many requests",
    requestId: "req-1",
    httpStatus: 200,
    kind: "throttled",
    retryAfterSeconds: 7,
};

function failedGate(): GateFailedError {
    const tasks = (["FAILED", "RUNNING"] as TaskState[]).map((state, i) => ({ invocationTaskId: `invt-${i}`, state }));
    const result = taskListResult({ cloud: "tencentcloud", api: "tat", region: "ap-guangzhou", query: {} }, tasks, 2, summarize(tasks), []);
    const e = thrownBy(() => check(result, { maxFailed: 0 }, "deploy"));
    assert.ok(e instanceof GateFailedError);
    return e;
}

/** One of each class, every optional field set. */
function samples(): TaskgateError[] {
    const cloud = new TaskgateCloudError({ ...CLOUD, attempts: 3 });
    return [
        new TaskgateValidationError("invocationId", "must be an invocation id such as inv-1vll7hda", '"job-7"'),
        cloud,
        new TaskgateReadError("deadline", "taskgate: a read did not succeed before the read's deadline", cloud),
        failedGate(),
        new UsageError('unknown command "lsit"', "list tat"),
        new StackConfigError('taskgate: could not read the config of stack "dev"'),
    ];
}

/** A value as JSON gives it back. */
const plain = (v: unknown) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

/** A context without a rate limit, private to this process, with fast retries. */
let scopes = 0;
function readContext(options: Parameters<typeof createReadContext>[2] = {}) {
    return createReadContext("mps", `errors-${scopes++}`, {
        rateLimitDir: false,
        retry: { baseDelayMs: 1, throttleBaseDelayMs: 1, maxDelayMs: 2 },
        ...options,
    });
}

const recs = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: `r${from + i}` }));

describe("errors: one hierarchy", () => {
    it("each class is a TaskgateError with its own stable code, and every code has a class", () => {
        const errors = samples();
        assert.deepEqual(
            errors.map((e) => [e.name, e.code]),
            [
                ["TaskgateValidationError", "TASKGATE_INVALID_INPUT"],
                ["TaskgateCloudError", "TASKGATE_CLOUD_ERROR"],
                ["TaskgateReadError", "TASKGATE_READ_FAILED"],
                ["GateFailedError", "TASKGATE_GATE_FAILED"],
                ["UsageError", "TASKGATE_USAGE"],
                ["StackConfigError", "TASKGATE_STACK_CONFIG"],
            ],
        );
        assert.deepEqual(errors.map((e) => e.code).sort(), [...TASKGATE_ERROR_CODES].sort());
        for (const e of errors) assert.ok(e instanceof TaskgateError && TaskgateError.isInstance(e), e.name);
    });

    it("isInstance goes by the code, so an error from another copy of the package counts, and nothing else does", () => {
        assert.equal(TaskgateError.isInstance(Object.assign(new Error("from another copy"), { code: "TASKGATE_READ_FAILED" })), true);
        assert.equal(TaskgateError.isInstance(Object.assign(new Error("a file"), { code: "ENOENT" })), false);
        assert.equal(TaskgateError.isInstance(new Error("plain")), false);
        assert.equal(TaskgateError.isInstance({ code: "TASKGATE_CLOUD_ERROR", message: "not an Error" }), false);
        assert.equal(TaskgateError.isInstance(undefined), false);
    });

    it("toJSON holds the name, the code, the message and every field, and survives JSON as it is", () => {
        for (const e of samples()) {
            const json = plain(e);
            assert.deepEqual([json.name, json.code, json.message], [e.name, e.code, e.message], e.name);
            const fields = Object.keys(e);
            assert.ok(fields.length >= 2, `${e.name} has fields`);
            for (const k of fields) assert.deepEqual(json[k], plain((e as unknown as Record<string, unknown>)[k]), `${e.name}.${k}`);
            assert.equal(json.stack, undefined, `${e.name}: no stack`);
        }
    });

    it("a cloud error's JSON keeps retryAfterSeconds, attempts and the cloud's own code and text; a read error's keeps its reason and cause", () => {
        const [, cloud, read] = samples();
        assert.deepEqual(plain(cloud), {
            name: "TaskgateCloudError",
            code: "TASKGATE_CLOUD_ERROR",
            message: "tencentcloud DescribeInvocationTasks failed: RequestLimitExceeded: too many requests | RequestId req-1 | HTTP 200",
            cloud: "tencentcloud",
            api: "tat",
            operation: "DescribeInvocationTasks",
            cloudCode: "RequestLimitExceeded",
            cloudMessage: "too many requests",
            requestId: "req-1",
            httpStatus: 200,
            kind: "throttled",
            retryable: true,
            retryAfterSeconds: 7,
            attempts: 3,
        });
        assert.deepEqual(plain(read).reason, "deadline");
        assert.deepEqual(plain(read).cause, plain(cloud));
    });

    it("attempts is set when the error is made: withAttempts makes a new error, the first one stays as it was", () => {
        const first = new TaskgateCloudError(CLOUD);
        const third = first.withAttempts(3);
        assert.deepEqual([first.attempts, third.attempts], [1, 3]);
        assert.deepEqual({ ...plain(third), attempts: 1 }, plain(first));
        // Read-only to the compiler too (npm test typechecks this file).
        const mutate = (e: TaskgateCloudError) => {
            // @ts-expect-error attempts is readonly
            e.attempts = 2;
        };
        void mutate;
    });
});

describe("errors: a read error's reason, one per cause", () => {
    after(() => configureRateLimits({ mps: DEFAULT_RATE_LIMITS.mps, bm: DEFAULT_RATE_LIMITS.bm }));
    before(() => configureRateLimits({ mps: 0 }));

    async function readError(p: Promise<unknown>): Promise<TaskgateReadError> {
        const e = await rejectionOf(p);
        assert.ok(e instanceof TaskgateReadError, `a TaskgateReadError, got ${(e as Error)?.stack ?? e}`);
        return e;
    }

    const offsetRead = (ctx: ReturnType<typeof readContext>, fetch: (offset: number, limit: number) => Promise<Page<{ id: string }>>) =>
        readOffsetPaged(ctx, { what: "tasks", pageSize: 100, idOf: (x) => x.id, fetch });

    const cases: Array<[ReadFailureReason, string, () => Promise<TaskgateReadError>]> = [
        [
            "deadline",
            "a request not sent before the deadline",
            () => {
                const ctx = readContext({ timeoutSeconds: 0 });
                const body = { items: [], total: 0 };
                return readError(
                    offsetRead(ctx, () =>
                        fetchPage(
                            ctx,
                            "page 1",
                            async () => ({ body }),
                            (b) => b as Page<{ id: string }>,
                        ),
                    ),
                );
            },
        ],
        [
            "deadline",
            "more pages than the rate limit lets through before the deadline",
            () => {
                configureRateLimits({ bm: DEFAULT_RATE_LIMITS.bm });
                const ctx = createReadContext("bm", `errors-${scopes++}`, { timeoutSeconds: 60, rateLimitDir: false });
                return readError(offsetRead(ctx, async (offset) => ({ items: recs(100, offset), total: 100_000 })));
            },
        ],
        ["tooManyRecords", "a total over 5 000 000", () => readError(offsetRead(readContext(), async (offset) => ({ items: recs(100, offset), total: 1e9 })))],
        [
            "listChanged",
            "a total that changes on every page",
            () => {
                let calls = 0;
                return readError(offsetRead(readContext({ maxRereads: 0 }), async (offset) => ({ items: recs(100, offset), total: 300 + calls++ })));
            },
        ],
        [
            "scrollLoop",
            "a ScrollToken that comes back",
            () =>
                readError(
                    readScrollPaged(readContext(), {
                        what: "MPS",
                        pageSize: 10,
                        idOf: (x: { id: string }) => x.id,
                        fetch: async () => ({ items: [], nextToken: "t1" }),
                    }),
                ),
        ],
    ];
    for (const [reason, what, read] of cases) {
        it(`${reason}: ${what}`, async () => {
            const e = await read();
            assert.equal(e.reason, reason, e.message);
            assert.equal(e.code, "TASKGATE_READ_FAILED");
        });
    }
    // answerTooLarge needs a real answer on a socket: tests/integration/readErrors.test.ts; aborted: tests/integration/engineWatch.test.ts.
});

describe("errors: a throttle near the deadline is always one thing", () => {
    const throttled = () => new TaskgateCloudError(CLOUD);
    const retryContext = (deadlineInMs: number, maxAttempts = DEFAULT_RETRY.maxAttempts, random = () => 0.5) => ({
        policy: { ...DEFAULT_RETRY, maxAttempts },
        deadline: performance.now() + deadlineInMs,
        log: silentLogger,
        random,
    });

    for (const jitter of [0, 0.5, 1]) {
        it(`a read error "deadline" carrying the throttled cloud error, whatever the jitter (${jitter})`, async () => {
            // The shortest backoff after a throttle is 250 ms: it can never fit in 100 ms, however fast the machine.
            const e = await rejectionOf(
                withRetry(
                    "TAT page",
                    retryContext(100, 8, () => jitter),
                    async () => Promise.reject(throttled()),
                ),
            );
            assert.ok(e instanceof TaskgateReadError, String(e));
            assert.equal(e.reason, "deadline");
            assert.ok(e.cause instanceof TaskgateCloudError);
            assert.deepEqual([e.cause.kind, e.cause.attempts, e.cause.cloudCode], ["throttled", 1, "RequestLimitExceeded"]);
            assert.match(e.message, /did not succeed before the read's deadline \(1 attempt\); last error: .*RequestLimitExceeded/);
        });
    }

    it("a cloud error only when every attempt was used before the deadline, with the attempts counted", async () => {
        const e = await rejectionOf(withRetry("TAT page", retryContext(60_000, 1), async () => Promise.reject(throttled())));
        assert.ok(e instanceof TaskgateCloudError, String(e));
        assert.deepEqual([e.kind, e.attempts], ["throttled", 1]);
    });

    it("a cloud error at once when retrying cannot help (auth), near the deadline or not", async () => {
        for (const deadline of [1, 60_000]) {
            const e = await rejectionOf(
                withRetry("TAT page", retryContext(deadline), async () => Promise.reject(new TaskgateCloudError({ ...CLOUD, kind: "auth" }))),
            );
            assert.ok(e instanceof TaskgateCloudError && e.kind === "auth", String(e));
        }
    });
});

describe("errors: what used to be thrown as a plain Error or a RangeError", () => {
    afterEach(() => configureRateLimits({ ...DEFAULT_RATE_LIMITS }));

    it("configureRateLimits: a validation error naming the API or its field, and nothing changed", () => {
        const cases: Array<[unknown, string]> = [
            [{ tat: -1 }, "tat"],
            [{ tat: Number.NaN }, "tat"],
            [{ cph: { requests: 5, perMs: 0 } }, "cph.perMs"],
            [{ cph: { requests: -2, perMs: 1000 } }, "cph.requests"],
            [{ cph: "fast" }, "cph"],
            [{ tatt: 5 }, "tatt"],
        ];
        for (const [limits, field] of cases) {
            const e = thrownBy(() => configureRateLimits({ mps: 3, ...(limits as object) }));
            assert.ok(e instanceof TaskgateValidationError, `${JSON.stringify(limits)}: ${e}`);
            assert.equal(e.field, field);
            assert.equal(rateLimitOf("mps").requests, DEFAULT_RATE_LIMITS.mps.requests, "a bad limit changes none");
        }
        assert.match(
            (thrownBy(() => configureRateLimits({ tatt: 5 } as never)) as Error).message,
            /invalid tatt: is not an API taskgate reads; allowed: tat, mps, bm, bmLegacy, cph, workspace/,
        );
    });

    it("a TaskGate whose inputs reach the provider unchecked: a validation error naming the property, before any request", async () => {
        const e = await rejectionOf(
            applyGate("gate-1", {
                source: {
                    tatInvocationTasks: {
                        invocationId: "inv-12345678",
                        secretId: "id",
                        secretKey: "key",
                        region: "ap-guangzhou",
                        endpoint: "http://127.0.0.1:9",
                    },
                },
                require: { maxFailed: -1 },
            }),
        );
        assert.ok(e instanceof TaskgateValidationError, String(e));
        assert.equal(e.field, "require.maxFailed");
        assert.match(e.message, /^taskgate: invalid require\.maxFailed: must be a whole number >= 0, got -1$/);
    });
});

describe("errors: the command line maps them by code", () => {
    const tat = findCliSource("tat")!;
    const cph = findCliSource("cph")!;

    it("has an exit code and words for every code", () => {
        assert.deepEqual(Object.keys(BY_CODE).sort(), [...TASKGATE_ERROR_CODES].sort());
    });

    it("exit 1 for a failed gate, 2 for every other failure and for anything else", () => {
        assert.deepEqual(
            samples().map((e) => [e.code, exitCodeOf(e)]),
            [
                ["TASKGATE_INVALID_INPUT", EXIT.error],
                ["TASKGATE_CLOUD_ERROR", EXIT.error],
                ["TASKGATE_READ_FAILED", EXIT.error],
                ["TASKGATE_GATE_FAILED", EXIT.gateFailed],
                ["TASKGATE_USAGE", EXIT.error],
                ["TASKGATE_STACK_CONFIG", EXIT.error],
            ],
        );
        // By the code, not the class: a failed gate from another copy of the package exits 1 as well.
        assert.equal(exitCodeOf(Object.assign(new Error("gate failed"), { code: "TASKGATE_GATE_FAILED" })), EXIT.gateFailed);
        assert.equal(exitCodeOf(Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" })), EXIT.error);
    });

    it("says each in the command line's words", () => {
        const [invalid, cloud, read, gate, usage, stack] = samples();
        assert.equal(describeError(invalid, tat, {}), 'taskgate: invalid --invocation-id ("job-7"): must be an invocation id such as inv-1vll7hda');
        assert.equal(describeError(cloud, tat, {}), `taskgate: ${cloud.message} (after 3 attempts)`);
        assert.equal(describeError(read, tat, {}), read.message);
        assert.equal(describeError(gate, tat, {}), gate.message);
        assert.equal(describeError(usage, tat, {}), "taskgate: unknown command \"lsit\"\nRun 'taskgate list tat --help' for usage.");
        assert.equal(describeError(stack, tat, {}), stack.message);
        assert.equal(describeError(new Error("boom"), tat, {}), "taskgate: boom");
        assert.match(describeError(new Error("boom"), tat, { TASKGATE_DEBUG: "1" }), /^taskgate: boom\nError: boom\n/);
    });

    it("names options where a program's message names arguments and requirements, without rewriting the message", () => {
        const words = cliWording(cph);
        const required = thrownBy(() => planCphQuery({})) as TaskgateValidationError;
        assert.equal(
            required.message,
            "taskgate: invalid requestId: is required: give requestId or requestIds, the request id(s) returned when the CPH jobs were started",
        );
        assert.equal(
            required.describe(words),
            "taskgate: invalid --request-id: is required: give --request-id or --request-ids, the request id(s) returned when the CPH jobs were started",
        );
        const contradiction = thrownBy(() => requirementsFor("cphJobs", { allowEmpty: true, minSucceeded: 2 })) as TaskgateValidationError;
        assert.equal(contradiction.message, "taskgate: invalid require.allowEmpty: contradicts minSucceeded 2, which no empty list meets; drop one of them");
        assert.equal(
            describeError(contradiction, cph, {}),
            "taskgate: invalid --require allow-empty: contradicts min-succeeded 2, which no empty list meets; drop one of them",
        );
        // A credential has no option: the command line names the stack config and the environment only.
        const secretId = thrownBy(() => resolveTencent({ region: "ap-guangzhou" }, { config: () => undefined, env: {} }, true)) as TaskgateValidationError;
        assert.match(
            secretId.message,
            /set the `secretId` argument, the `tencentcloud:secretId` stack config or the TENCENTCLOUD_SECRET_ID environment variable$/,
        );
        assert.equal(
            describeError(secretId, tat, {}),
            "taskgate: invalid secretId: no Tencent Cloud SecretId was given: set the `tencentcloud:secretId` stack config or the TENCENTCLOUD_SECRET_ID environment variable",
        );
        const region = thrownBy(() => resolveTencent({ secretId: "i", secretKey: "k" }, { config: () => undefined, env: {} }, true)) as TaskgateValidationError;
        assert.match(describeError(region, tat, {}), /^taskgate: invalid --region: .*: set --region, the `tencentcloud:region` stack config or/);
    });
});

describe("errors: every error thrown on purpose is a TaskgateError", function () {
    // A type-checked program over the package's sources: a few seconds.
    this.timeout(120_000);

    /**
     * Errors that never leave the function that catches them, by file and class: each is turned into
     * a TaskgateError (or a local fallback) before anything outside sees it.
     */
    const INTERNAL: Record<string, string> = {
        // ListChanged becomes a TaskgateReadError "listChanged" in rereadOnChange; ReadAborted is unwrapped in request().
        "provider/paging.ts:ListChanged": "re-read control flow",
        "provider/paging.ts:ReadAborted": "carries another page's failure",
        // prepareLedgerDir's problems become a TaskgateValidationError (a chosen directory) or a process-local limiter
        // (the default one) in rateLimit.ts budgetStore; a lock that stays taken falls back to a local limiter (goAlone).
        "provider/rateLedger.ts:Error": "the ledger's file-system problems",
        // forProgram returns the TaskgateError itself, or a RunError for a bug in taskgate.
        "sdk/runtime.ts:Error": "errors as they leave for a Pulumi program",
        // usageErrorOf returns a UsageError for every parseArgs error; a reader asked for an option its table lacks is a bug in taskgate.
        "cli/args.ts:Error": "a bug in an option table",
        // Destroys a request whose answer passes the size cap; the read then throws a TaskgateReadError "answerTooLarge".
        "provider/clouds/wire.ts:AnswerTooLarge": "cuts an answer off",
    };

    function sourceFiles(): string[] {
        const files: string[] = [];
        const walk = (dir: string) => {
            for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
                const p = path.join(dir, f.name);
                if (f.isDirectory()) walk(p);
                else if (f.name.endsWith(".ts") && !f.name.endsWith(".d.ts")) files.push(p);
            }
        };
        for (const d of ["provider", "sdk", "cli", "report"]) walk(path.join(ROOT, d));
        return files;
    }

    it("no throw or reject of a new error outside the hierarchy, except the internal ones listed", () => {
        const program = apiProgram(path.join(ROOT, "sdk/index.ts"), sourceFiles());
        const checker = program.getTypeChecker();
        const errorsFile = program.getSourceFile(path.join(ROOT, "provider/errorBase.ts"))!;
        const base = errorsFile.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === "TaskgateError")!;
        const baseSymbol = checker.getSymbolAtLocation(base.name!)!;
        /** Whether a class extends TaskgateError, by its heritage (not its shape: any Error has a message). */
        const extendsBase = (t: ts.Type): boolean =>
            t.getSymbol() === baseSymbol || (t.isClassOrInterface() && checker.getBaseTypes(t).some((b) => extendsBase(b)));
        /** What a statement throws or hands on as an error: `throw x`, `reject(x)`, `controller.abort(x)`, `req.destroy(x)`. */
        const HANDS_ON = new Set(["reject", "abort", "destroy"]);
        const handedOn = (n: ts.Node): ts.Expression | undefined => {
            if (ts.isThrowStatement(n)) return n.expression;
            if (!ts.isCallExpression(n) || n.arguments.length === 0) return undefined;
            const callee = ts.isPropertyAccessExpression(n.expression) ? n.expression.name : n.expression;
            return ts.isIdentifier(callee) && HANDS_ON.has(callee.text) ? n.arguments[0] : undefined;
        };
        const found: string[] = [];
        let sites = 0;
        for (const sf of program.getSourceFiles().filter((f) => sourceFiles().includes(path.resolve(f.fileName)))) {
            const rel = path.relative(ROOT, sf.fileName);
            const visit = (n: ts.Node) => {
                const thrown = handedOn(n);
                if (thrown && (ts.isNewExpression(thrown) || ts.isCallExpression(thrown))) {
                    sites++;
                    const type = checker.getTypeAtLocation(thrown);
                    // `Object.assign(new Error(...), {...})` is an intersection: named by the error in it.
                    const named = type.isIntersection() ? type.types[0] : type;
                    const classes = named.isUnion() ? named.types : [checker.getApparentType(named)];
                    if (!classes.every(extendsBase)) {
                        const key = `${rel}:${named.getSymbol()?.name ?? checker.typeToString(type)}`;
                        if (!INTERNAL[key])
                            found.push(`${key} at line ${sf.getLineAndCharacterOfPosition(thrown.getStart()).line + 1}: ${thrown.getText().slice(0, 80)}`);
                    }
                }
                ts.forEachChild(n, visit);
            };
            visit(sf);
        }
        assert.ok(sites > 50, `the scan saw the throw sites (${sites})`);
        assert.deepEqual(found, [], `errors outside the hierarchy:\n  ${found.join("\n  ")}`);
    });
});
