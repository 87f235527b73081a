import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { EMULATOR_CREDENTIALS } from "../../emulator/server";
import { TaskgateCloudError, TaskgateValidationError } from "../../provider/errors";
import * as snap from "../../provider/dynamic/snapshotRuntime";
import { hashOf, UNKNOWN } from "../../provider/dynamic/sourceInputs";
import type { SettingsSources } from "../../provider/settings";
import * as taskgate from "../../sdk";
import { useRegistrationMocks } from "../fixtures/pulumiMocks";
import { argsOnly, emulatorStackConfig, recordingLogger, SECRETS, tencentArgs, useEmulator } from "./helpers";

/*
 * The TaskSnapshot runtime against the emulator, through the real SDKs: what it records of each
 * source, its cap, command output, bad input, diff semantics and refresh.
 */
const c = EMULATOR_CREDENTIALS;
const b64 = (s: string) => Buffer.from(s).toString("base64");

/** Stack config as Pulumi hands it to configure(): namespaced keys. */
function stackConfig(url: string): SettingsSources {
    const config = emulatorStackConfig(url);
    return { config: (k) => config[k], env: {} };
}

async function validationError(p: Promise<unknown>): Promise<TaskgateValidationError> {
    const e = await p.then(
        () => undefined,
        (err: unknown) => err,
    );
    assert.ok(e instanceof TaskgateValidationError, `expected a TaskgateValidationError, got ${e}`);
    return e;
}

const NIGHTLY = [
    {
        InvocationTaskId: "invt-night001",
        InvocationId: "inv-night001",
        CommandId: "cmd-nightly1",
        CommandName: "rotate-logs",
        InstanceId: "ins-prod0001",
        TaskStatus: "SUCCESS",
        CreatedTime: "2026-11-16T02:00:00Z",
        StartTime: "2026-11-16T02:00:01Z",
        EndTime: "2026-11-16T02:00:09Z",
        ErrorInfo: "",
        TaskResult: { ExitCode: 0, Output: b64("rotated 12 files\n") },
    },
    {
        InvocationTaskId: "invt-night002",
        InvocationId: "inv-night001",
        CommandId: "cmd-nightly1",
        CommandName: "rotate-logs",
        InstanceId: "ins-prod0002",
        TaskStatus: "FAILED",
        CreatedTime: "2026-11-16T02:00:00Z",
        StartTime: "2026-11-16T02:00:02Z",
        EndTime: "2026-11-16T02:00:05Z",
        ErrorInfo: "disk full",
        TaskResult: { ExitCode: 3, Output: b64("E: no space left on device\n") },
    },
    {
        InvocationTaskId: "invt-night003",
        InvocationId: "inv-night001",
        CommandId: "cmd-nightly1",
        CommandName: "rotate-logs",
        InstanceId: "ins-prod0003",
        TaskStatus: "RUNNING",
        CreatedTime: "2026-11-16T02:00:00Z",
        StartTime: "2026-11-16T02:00:01Z",
        ErrorInfo: "",
        TaskResult: { ExitCode: 0, Output: "" },
    },
];

describe("TaskSnapshot runtime against the emulator", function () {
    this.timeout(120_000);
    const ctx = useEmulator();
    let log: ReturnType<typeof recordingLogger>;
    beforeEach(() => {
        log = recordingLogger();
        snap.setSettings(stackConfig(ctx.emu.url), () => log);
    });
    const tat = (extra: Record<string, unknown> = {}): snap.SnapshotInputs => ({
        source: { tatInvocationTasks: { commandId: "cmd-nightly1" } },
        snapshotName: "nightly-audit",
        ...extra,
    });

    describe("the record", () => {
        it("TAT: per task its state, raw status, host, command, invocation, times, exit code and error; no output unless asked", async () => {
            ctx.emu.seed({ tat: NIGHTLY as never });
            const before = Date.now();
            const { id, outs } = await snap.create(tat({ recordTasks: "all" }));
            const after = Date.now();
            assert.match(id, /^tasksnapshot-[0-9a-f-]{36}$/);
            assert.deepEqual(outs.tasks["invt-night002"], {
                state: "FAILED",
                status: "FAILED",
                target: "ins-prod0002",
                command: "cmd-nightly1",
                commandName: "rotate-logs",
                invocationId: "inv-night001",
                createdTime: "2026-11-16T02:00:00.000Z",
                startTime: "2026-11-16T02:00:02.000Z",
                endTime: "2026-11-16T02:00:05.000Z",
                exitCode: 3,
                errorMessage: "disk full",
            });
            assert.equal(outs.tasks["invt-night003"].state, "RUNNING");
            assert.equal(outs.tasks["invt-night003"].endTime, undefined, "fields the API leaves empty are left out");
            assert.deepEqual(Object.keys(outs.tasks).sort(), ["invt-night001", "invt-night002", "invt-night003"]);
            assert.deepEqual([outs.summary.total, outs.summary.succeeded, outs.summary.failed, outs.summary.running, outs.summary.done], [3, 1, 1, 1, false]);
            assert.deepEqual(
                [outs.sourceKind, outs.taskCount, outs.totalCount, outs.recordTasks, outs.truncated, outs.maxTasks, outs.includeOutput],
                ["tatInvocationTasks", 3, 3, "all", false, 1000, false],
            );
            assert.match(outs.queryId, /^tat-[0-9a-f]{24}$/);
            assert.ok(
                Date.parse(outs.readAt) >= Math.floor(before / 1000) * 1000 && Date.parse(outs.readAt) <= after,
                `read at ${outs.readAt}, during the create`,
            );
            assert.equal(outs.commandOutputs, undefined);
            assert.equal(ctx.emu.requests({ api: "tat" })[0].params.HideOutput, true, "output is not even read");
            assert.deepEqual(outs.query, { commandId: "cmd-nightly1" });
            assert.match(log.lines.join("\n"), /taskgate: snapshot "nightly-audit": 3 TAT invocation tasks read: 1 succeeded, 1 failed, 1 pending or running/);
        });

        it("by default: the failing tasks only, every task counted in the summary and hashed in the digest", async () => {
            ctx.emu.seed({ tat: NIGHTLY as never });
            const { outs } = await snap.create(tat());
            const all = await snap.create(tat({ recordTasks: "all" }));
            assert.deepEqual(Object.keys(outs.tasks), ["invt-night002"]);
            assert.deepEqual(outs.tasks["invt-night002"], all.outs.tasks["invt-night002"], "a failing task is recorded alike");
            assert.deepEqual([outs.recordTasks, outs.truncated, outs.taskCount, outs.summary.total], ["failing", false, 3, 3]);
            assert.match(outs.digest, /^[0-9a-f]{32}$/);
            assert.equal(outs.digest, all.outs.digest, "the digest is of the list, whatever is recorded");
        });

        it("logs a count of one as one task", async () => {
            ctx.emu.seed({ tat: NIGHTLY.slice(0, 1) as never });
            await snap.create(tat());
            assert.match(log.lines.join("\n"), /taskgate: snapshot "nightly-audit": 1 TAT invocation task read: 1 succeeded, 0 failed, 0 pending or running/);
        });

        it("records command output only with includeOutput, keeping the end of long output", async () => {
            ctx.emu.seed({ tat: NIGHTLY as never });
            const { outs } = await snap.create(tat({ recordTasks: "all", includeOutput: true, maxOutputChars: 10 }));
            assert.equal(ctx.emu.requests({ api: "tat" })[0].params.HideOutput, false);
            assert.deepEqual(
                outs.commandOutputs,
                {
                    "invt-night001": "[taskgate: first 7 characters cut]\n 12 files\n",
                    "invt-night002": "[taskgate: first 17 characters cut]\non device\n",
                },
                "tasks without output have no entry",
            );
            assert.equal(outs.maxOutputChars, 10);
            assert.ok(!JSON.stringify(outs.tasks).includes("files"), "output never leaves commandOutputs (the secret output)");
            const full = await snap.create(tat({ recordTasks: "all", includeOutput: true }));
            assert.equal(full.outs.commandOutputs!["invt-night001"], "rotated 12 files\n");
            const failing = await snap.create(tat({ includeOutput: true }));
            assert.deepEqual(Object.keys(failing.outs.commandOutputs!), ["invt-night002"], "by default, the output of the failing tasks");
        });

        it("CPH: phone, error code and message; execute_msg is the output", async () => {
            ctx.emu.seed({
                cph: [
                    {
                        job_id: "job-ok",
                        request_id: "req00000000000000000000000000001",
                        phone_id: "phone-1",
                        status: 2,
                        execute_msg: "installed",
                        begin_time: "2026-11-16T02:00:00Z",
                        end_time: "2026-11-16T02:01:00Z",
                    },
                    {
                        job_id: "job-bad",
                        request_id: "req00000000000000000000000000001",
                        phone_id: "phone-2",
                        status: -1,
                        error_code: "CPS0005",
                        error_msg: "Phone not found.",
                        begin_time: "2026-11-16T02:00:00Z",
                        end_time: "2026-11-16T02:00:03Z",
                    },
                ] as never,
            });
            const { outs } = await snap.create({
                source: { cphJobs: { requestId: "req00000000000000000000000000001" } },
                includeOutput: true,
                recordTasks: "all",
            });
            assert.deepEqual(outs.tasks["job-bad"], {
                state: "FAILED",
                status: "-1",
                target: "phone-2",
                startTime: "2026-11-16T02:00:00.000Z",
                endTime: "2026-11-16T02:00:03.000Z",
                errorCode: "CPS0005",
                errorMessage: "Phone not found.",
            });
            assert.deepEqual(outs.tasks["job-ok"], {
                state: "SUCCEEDED",
                status: "2",
                target: "phone-1",
                startTime: "2026-11-16T02:00:00.000Z",
                endTime: "2026-11-16T02:01:00.000Z",
            });
            assert.deepEqual(outs.commandOutputs, { "job-ok": "installed" });
            assert.equal(ctx.emu.requests({ api: "cph" })[0].credential, c.huawei.accessKey, "credentials from the stack config");
        });

        it("Bare Metal and Workspace: machines and desktops as targets; MPS: the task type", async () => {
            ctx.emu.seed({
                bm: [
                    {
                        TaskId: "cmdtask-a",
                        Status: 0,
                        Alias: "patch-kernel",
                        CmdId: "cmd-bm01",
                        InstanceCount: 10,
                        SuccessCount: 9,
                        FailureCount: 1,
                        RunBeginTime: "2026-11-16 10:00:00",
                        RunEndTime: "2026-11-16 10:05:00",
                    },
                ],
            });
            const bm = await snap.create({ source: { bmCmdTasks: {} } });
            assert.deepEqual(
                bm.outs.tasks["cmdtask-a"],
                {
                    state: "FAILED",
                    status: "0",
                    targets: { total: 10, succeeded: 9, failed: 1, skipped: 0 },
                    command: "cmd-bm01",
                    commandName: "patch-kernel",
                    startTime: "2026-11-16T02:00:00.000Z",
                    endTime: "2026-11-16T02:05:00.000Z",
                },
                "Beijing time converted to UTC",
            );
            ctx.emu.seed({
                workspace: [
                    {
                        id: "w-1",
                        desktop_pool_id: "pool-prod",
                        desktop_pool_name: "prod",
                        scripts: [
                            { id: "s1", name: "harden" },
                            { id: "s2", name: "reboot" },
                        ],
                        status: "FAILED",
                        success_num: 7,
                        failed_num: 2,
                        skip_num: 1,
                        start_time: "2026-11-16T02:00:00Z",
                        end_time: "2026-11-16T02:10:00Z",
                    } as never,
                ],
            });
            const ws = await snap.create({ source: { workspaceScriptTasks: { desktopPoolId: "pool-prod" } } });
            assert.deepEqual(ws.outs.tasks["w-1"], {
                state: "FAILED",
                status: "FAILED",
                target: "pool-prod",
                targets: { total: 10, succeeded: 7, failed: 2, skipped: 1 },
                command: "s1,s2",
                commandName: "harden, reboot",
                startTime: "2026-11-16T02:00:00.000Z",
                endTime: "2026-11-16T02:10:00.000Z",
            });
            assert.deepEqual(ws.outs.summary.targets, { total: 10, succeeded: 7, failed: 2, skipped: 1 });
            ctx.emu.seed({ mps: [{ TaskId: "task-1", TaskType: "WorkflowTask", Status: "PROCESSING" } as never] });
            const mps = await snap.create({ source: { mpsTasks: {} }, recordTasks: "all" });
            assert.equal(mps.outs.tasks["task-1"].command, "WorkflowTask");
            assert.equal(mps.outs.tasks["task-1"].state, "RUNNING");
        });
    });

    describe("a cap instead of silent drops", () => {
        it("over maxTasks keeps the failing tasks first, says truncated, and still counts every task", async () => {
            const [g] = ctx.emu.generate({ api: "tat", count: 1500, commandId: "cmd-nightly1", statusMix: { SUCCESS: 1470, FAILED: 20, TIMEOUT: 10 } });
            const { outs } = await snap.create(tat({ recordTasks: "all", maxTasks: 100 }));
            assert.equal(outs.truncated, true);
            assert.equal(outs.taskCount, 1500);
            assert.equal(outs.totalCount, 1500);
            assert.equal(Object.keys(outs.tasks).length, 100);
            assert.deepEqual([outs.summary.total, outs.summary.succeeded, outs.summary.failed, outs.summary.timedOut], [1500, 1470, 20, 10]);
            const recorded = Object.values(outs.tasks);
            assert.equal(recorded.filter((t) => t.state === "FAILED").length, 20, "every failed task is kept");
            assert.equal(recorded.filter((t) => t.state === "TIMED_OUT").length, 10);
            assert.ok(Object.keys(outs.tasks).every((id) => g.ids.includes(id)));
            assert.match(log.lines.join("\n"), /1500 TAT invocation tasks read, 100 recorded \(maxTasks\)/);
        });

        it("10 000 tasks, 100 failing: the default records 100, in tens of KB; all, at about 300 bytes a task (figures printed)", async () => {
            ctx.emu.generate({ api: "tat", count: 10_000, seed: 42, commandId: "cmd-nightly1", statusMix: { SUCCESS: 9900, FAILED: 70, TIMEOUT: 30 } });
            const sizes = new Map<string, number>();
            for (const [label, inputs] of [
                ["default", {}],
                ["all, maxTasks 10 000", { recordTasks: "all", maxTasks: 10_000 }],
            ] as const) {
                const { outs } = await snap.create(tat(inputs));
                sizes.set(label, Buffer.byteLength(JSON.stringify(outs)));
                assert.equal(outs.taskCount, 10_000);
                assert.equal(Object.keys(outs.tasks).length, label === "default" ? 100 : 10_000);
                if (label === "default") assert.equal(outs.truncated, false);
            }
            const full = sizes.get("all, maxTasks 10 000")!;
            console.log(
                `      10 000 TAT tasks, 100 failing, outputs as JSON: ${[...sizes].map(([l, b]) => `${l} ${b} bytes`).join("; ")} ` +
                    `(${Math.round(full / 10_000)} per task)`,
            );
            assert.ok(sizes.get("default")! < 50_000, `${sizes.get("default")} bytes by default`);
            assert.ok(full / 10_000 < 400, `${full / 10_000} bytes per task`);
        });
    });

    describe("bad input fails before any request, naming the field and what is allowed", () => {
        const cases: Array<[string, snap.SnapshotInputs, string, RegExp]> = [
            [
                "output of a source that has none",
                { source: { mpsTasks: {} }, includeOutput: true },
                "includeOutput",
                /MPS tasks report no command output; includeOutput applies to tatInvocationTasks and cphJobs only/,
            ],
            [
                "output asked and hidden",
                { source: { tatInvocationTasks: { commandId: "cmd-nightly1", hideOutput: true } }, includeOutput: true },
                "source.tatInvocationTasks.hideOutput",
                /is true, which leaves the output out, but includeOutput asks for it/,
            ],
            ["maxTasks 0", tat({ maxTasks: 0 }), "maxTasks", /must be a whole number from 1 to 10000 \(default 1000\), got 0/],
            ["maxTasks too many", tat({ maxTasks: 10_001 }), "maxTasks", /from 1 to 10000/],
            ["maxTasks fractional", tat({ maxTasks: 2.5 }), "maxTasks", /whole number/],
            ["maxOutputChars without output", tat({ maxOutputChars: 100 }), "maxOutputChars", /applies only with includeOutput: true/],
            ["includeOutput not a boolean", tat({ includeOutput: "yes" as never }), "includeOutput", /must be true or false/],
            [
                "two sources",
                { source: { tatInvocationTasks: {}, cphJobs: {} } as never },
                "source",
                /must name exactly one source, one of tatInvocationTasks, mpsTasks, bmCmdTasks, cphJobs, workspaceScriptTasks; got tatInvocationTasks, cphJobs/,
            ],
            [
                "a bad query arg",
                { source: { tatInvocationTasks: { invocationId: "not an id" } } },
                "source.tatInvocationTasks.invocationId",
                /an invocation id such as inv-1vll7hda/,
            ],
            ["an unknown arg", { source: { cphJobs: { requestId: "r1", instanceIds: ["x"] } } as never }, "source.cphJobs.instanceIds", /./],
        ];
        for (const [what, inputs, field, reason] of cases) {
            it(what, async () => {
                assert.deepEqual(
                    snap.checkInputs(inputs).map((f) => f.property),
                    [field],
                    "check (preview) reports it",
                );
                const e = await validationError(snap.create(inputs));
                assert.equal(e.field, field);
                assert.match(e.message, reason);
                assert.equal(ctx.emu.requests().length, 0, "nothing was sent");
            });
        }

        it("a missing credential names where it may come from", async () => {
            snap.setSettings(argsOnly);
            const e = await validationError(snap.create({ source: { tatInvocationTasks: { endpoint: ctx.emu.url, region: "ap-guangzhou" } } }));
            assert.equal(e.field, "source.tatInvocationTasks.secretId");
            assert.match(e.message, /tencentcloud:secretId.*TENCENTCLOUD_SECRET_ID/);
        });

        it("unknown values pass during preview", () => {
            assert.deepEqual(
                snap.checkInputs({
                    source: { tatInvocationTasks: { invocationId: UNKNOWN } },
                    includeOutput: UNKNOWN as never,
                    maxTasks: UNKNOWN as never,
                    maxOutputChars: 100,
                }),
                [],
            );
            assert.deepEqual(snap.checkInputs({ source: UNKNOWN as never, maxTasks: 5 }), []);
        });
    });

    describe("credentials", () => {
        it("given as args: kept out of the query, recorded apart (the SDK makes that output secret), used again by refresh", async () => {
            ctx.emu.seed({ tat: NIGHTLY as never });
            snap.setSettings(argsOnly, () => log);
            const args = tencentArgs(ctx.emu);
            const { id, outs } = await snap.create({ source: { tatInvocationTasks: { ...args, commandId: "cmd-nightly1" } } });
            assert.deepEqual(outs.credentials, { secretKey: c.tencent.secretKey });
            const { credentials: _secret, ...plain } = outs;
            for (const s of SECRETS) assert.ok(!JSON.stringify(plain).includes(s), "no credential outside `credentials`");
            assert.equal(outs.query.secretId, c.tencent.secretId, "the SecretId is not a secret");
            const refreshed = await snap.read(id, outs);
            assert.equal(refreshed.props.taskCount, 3, "refresh read with the recorded credentials");
            for (const s of SECRETS) assert.ok(!log.lines.join("\n").includes(s), "nor in a log line");
        });

        it("a cloud error carries the cloud's code and no secret", async () => {
            const e = await snap.create({ source: { tatInvocationTasks: { commandId: "cmd-nightly1", secretKey: "wrong-secret-key-000" } } }).then(
                () => undefined,
                (err: unknown) => err,
            );
            assert.ok(e instanceof TaskgateCloudError, `${e}`);
            assert.equal(e.cloudCode, "AuthFailure.SignatureFailure");
            assert.ok(!`${e.message} ${e.stack}`.includes("wrong-secret-key-000"));
        });
    });

    describe("diff, update and refresh", () => {
        it("re-reads (update) when the query, settings or triggers change; replaces when the source kind changes; not when a key rotates", () => {
            const olds = { sourceKind: "tatInvocationTasks" as const, inputsHash: snap.inputsHash(tat()), recordHash: "r1" };
            const diff = (news: snap.SnapshotInputs) => snap.diff("tasksnapshot-x", olds, news);
            assert.deepEqual(diff(tat()), { changes: false, replaces: [] });
            assert.deepEqual(diff({ ...tat(), snapshotUrn: "urn:other" }), { changes: false, replaces: [] }, "names are not inputs of the record");
            assert.deepEqual(diff({ source: { tatInvocationTasks: { commandId: "cmd-nightly1", secretKey: "rotated" } } }), { changes: false, replaces: [] });
            for (const changed of [
                tat({ maxTasks: 10 }),
                tat({ recordTasks: "all" }),
                tat({ includeOutput: true }),
                tat({ triggers: ["v2"] }),
                { source: { tatInvocationTasks: { commandId: "cmd-other001" } } },
            ]) {
                assert.deepEqual(diff(changed), { changes: true, replaces: [] }, JSON.stringify(changed));
            }
            assert.deepEqual(diff({ source: { cphJobs: { requestId: "r1" } } }), { changes: true, replaces: ["source"] });
            assert.deepEqual(diff(tat({ triggers: [UNKNOWN] })), { changes: true, replaces: [] }, "unknown during preview: a change");
        });

        it("update reads again under the same id; refresh returns the new record and reports it changed once", async () => {
            ctx.emu.seed({ tat: NIGHTLY as never });
            const created = await snap.create(tat({ recordTasks: "all" }));
            const updated = await snap.update(created.id, created.outs, tat({ recordTasks: "all", triggers: ["again"] }));
            assert.equal(updated.outs.taskCount, 3);
            assert.equal(updated.outs.recordHash, created.outs.recordHash, "the same list: the same record");
            assert.notEqual(updated.outs.inputsHash, created.outs.inputsHash);

            // Nothing changed: refresh records a new readAt, and the engine is told nothing changed.
            const same = await snap.read(created.id, updated.outs);
            assert.equal(same.id, created.id);
            assert.equal(same.props.recordHash, updated.outs.recordHash);
            assert.ok(same.props.readAt >= updated.outs.readAt);
            assert.equal(snap.diff(created.id, same.props, tat({ recordTasks: "all", triggers: ["again"] })).changes, false);

            // A task finishes, another fails, a new one appears.
            ctx.emu.mutate([
                { api: "tat", op: "update", ids: ["invt-night003"], patch: { TaskStatus: "SUCCESS", EndTime: "2026-11-16T02:00:30Z" } },
                {
                    api: "tat",
                    op: "insert",
                    records: [
                        {
                            InvocationTaskId: "invt-night004",
                            InvocationId: "inv-night002",
                            CommandId: "cmd-nightly1",
                            InstanceId: "ins-prod0004",
                            TaskStatus: "TIMEOUT",
                            ErrorInfo: "command timed out",
                            CreatedTime: "2026-11-16T02:01:00Z",
                            StartTime: "2026-11-16T02:01:01Z",
                            EndTime: "2026-11-16T02:02:01Z",
                            TaskResult: { ExitCode: -1 } as never,
                        },
                    ],
                },
            ]);
            const refreshed = await snap.read(created.id, same.props);
            const p = refreshed.props;
            assert.equal(p.tasks["invt-night003"].state, "SUCCEEDED");
            assert.equal(p.tasks["invt-night003"].endTime, "2026-11-16T02:00:30.000Z");
            assert.deepEqual(p.tasks["invt-night004"], {
                state: "TIMED_OUT",
                status: "TIMEOUT",
                target: "ins-prod0004",
                command: "cmd-nightly1",
                invocationId: "inv-night002",
                exitCode: -1,
                errorMessage: "command timed out",
                createdTime: "2026-11-16T02:01:00.000Z",
                startTime: "2026-11-16T02:01:01.000Z",
                endTime: "2026-11-16T02:02:01.000Z",
            });
            assert.deepEqual([p.summary.total, p.summary.succeeded, p.summary.timedOut, p.summary.done], [4, 2, 1, true]);
            assert.equal(p.inputsHash, same.props.inputsHash, "refresh does not make the inputs look changed");
            assert.notEqual(p.recordHash, same.props.recordHash);
            // The engine then diffs the refreshed outputs against the old inputs: a change, reported once.
            assert.deepEqual(snap.diff(created.id, p, tat({ recordTasks: "all", triggers: ["again"] })), {
                changes: true,
                replaces: [],
                refreshedFrom: same.props,
            });
            assert.deepEqual(
                snap.diff(created.id, p, tat({ recordTasks: "all", triggers: ["again"] })),
                { changes: false, replaces: [] },
                "a later up does not re-read what refresh recorded",
            );
        });

        it("a refresh that finds a task changed which the default does not record: the digest changes, reported once", async () => {
            ctx.emu.seed({ tat: NIGHTLY as never });
            const created = await snap.create(tat());
            ctx.emu.mutate({ api: "tat", op: "update", ids: ["invt-night003"], patch: { TaskStatus: "SUCCESS", EndTime: "2026-11-16T02:00:30Z" } });
            const { props } = await snap.read(created.id, created.outs);
            assert.deepEqual(props.tasks, created.outs.tasks, "the failing tasks did not change");
            assert.notEqual(props.digest, created.outs.digest);
            assert.deepEqual([props.summary.running, props.summary.succeeded], [0, 2]);
            assert.deepEqual(snap.diff(created.id, props, tat()), { changes: true, replaces: [], refreshedFrom: created.outs });
            assert.deepEqual(snap.diff(created.id, props, tat()), { changes: false, replaces: [] });
            const again = await snap.read(created.id, props);
            assert.equal(again.props.recordHash, props.recordHash, "read again unchanged: the same record (no RequestId nor read time in it)");
            assert.equal(snap.diff(created.id, again.props, tat()).changes, false);
        });

        it("a state written before recordTasks (every task, no digest) refreshes and updates into the current shape", async () => {
            ctx.emu.seed({ tat: NIGHTLY as never });
            const { id, outs } = await snap.create(tat({ recordTasks: "all" }));
            const { digest: _d, recordTasks: _r, ...written } = outs;
            // What the previous version wrote: every task, and the inputs hashed without recordTasks.
            const old = {
                ...written,
                inputsHash: hashOf({
                    source: { tatInvocationTasks: { commandId: "cmd-nightly1" } },
                    includeOutput: null,
                    maxTasks: null,
                    maxOutputChars: null,
                    triggers: null,
                }),
            } as unknown as snap.SnapshotOutputs;
            assert.deepEqual(snap.diff(id, old, tat()), { changes: true, replaces: [] }, "the next up reads the list again");
            const updated = await snap.update(id, old, tat());
            assert.deepEqual([Object.keys(updated.outs.tasks), updated.outs.recordTasks], [["invt-night002"], "failing"]);
            assert.equal(snap.diff(id, updated.outs, tat()).changes, false);
            const refreshed = await snap.read(id, old);
            assert.deepEqual(Object.keys(refreshed.props.tasks), ["invt-night002"]);
            assert.deepEqual([refreshed.props.recordTasks, refreshed.props.digest], ["failing", outs.digest]);
            assert.equal(snap.diff(id, refreshed.props, tat()).changes, true, "the refresh shows the record's new shape");
        });

        it("refresh shows tasks the API no longer lists as gone", async () => {
            ctx.emu.seed({ tat: NIGHTLY as never });
            const created = await snap.create(tat({ recordTasks: "all" }));
            ctx.emu.mutate({ api: "tat", op: "remove", ids: ["invt-night001"] });
            const refreshed = await snap.read(created.id, created.outs);
            assert.deepEqual(Object.keys(refreshed.props.tasks).sort(), ["invt-night002", "invt-night003"]);
            assert.equal(snap.diff(created.id, refreshed.props, tat({ recordTasks: "all" })).changes, true);
        });

        it("refresh keeps command output under includeOutput, and drops none of the settings", async () => {
            ctx.emu.seed({ tat: NIGHTLY as never });
            const created = await snap.create(tat({ recordTasks: "all", includeOutput: true, maxTasks: 2 }));
            assert.equal(Object.keys(created.outs.tasks).length, 2);
            ctx.emu.mutate({ api: "tat", op: "update", ids: ["invt-night001"], patch: { TaskResult: { Output: b64("rotated 13 files\n") } } });
            const { props } = await snap.read(created.id, created.outs);
            assert.equal(props.includeOutput, true);
            assert.equal(props.maxTasks, 2);
            assert.equal(props.truncated, true);
            assert.equal(props.commandOutputs?.["invt-night001"], "rotated 13 files\n");
            assert.notEqual(props.recordHash, created.outs.recordHash, "an output change is a change (shown as a secret)");
        });
    });
});

describe("TaskSnapshot in a program", function () {
    this.timeout(60_000);

    it("serializes to a small provider that captures no SDK, no config and no secret", async () => {
        const { snapshotProvider } = require(path.resolve(__dirname, "../../dist/provider/dynamic/snapshotProvider"));
        const text = (await pulumi.runtime.serializeFunction(() => snapshotProvider, { allowSecrets: false })).text;
        assert.ok(text.length < 4096, `${text.length} chars`);
        assert.match(text, /pulumi-taskgate\/dist\/provider\/dynamic\/snapshotRuntime/);
        for (const banned of ["tencentcloud-sdk-nodejs", "huaweicloud", "@pulumi/pulumi", "Config", c.tencent.secretKey]) {
            assert.ok(!text.includes(banned), `the serialized provider mentions ${banned}`);
        }
    });

    describe("registration (setMocks)", () => {
        const registered = useRegistrationMocks("demo", { taskCount: 3, tasks: { "invt-1": { state: "SUCCEEDED" } } });

        it("registers a dynamic resource whose declared outputs are wired, credentials secret", async () => {
            const s = new taskgate.TaskSnapshot("audit", {
                source: { tatInvocationTasks: { commandId: "cmd-nightly1", secretKey: "SK-PLAIN" } },
                includeOutput: true,
                maxTasks: 50,
            });
            assert.equal(await (s.taskCount as any).promise(), 3, "declared output fields are wired (not clobbered by class fields)");
            assert.deepEqual(await (s.tasks as any).promise(), { "invt-1": { state: "SUCCEEDED" } });
            const r = registered.find((x) => x.name === "audit")!;
            assert.equal(r.type, "pulumi-nodejs:dynamic/taskgate:TaskSnapshot");
            assert.equal(r.inputs.snapshotUrn, "urn:pulumi:dev::demo::pulumi-nodejs:dynamic/taskgate:TaskSnapshot::audit");
            assert.equal(r.inputs.maxTasks, 50);
            assert.equal(
                r.inputs.source["4dabf18193072939515e22adb298388d"],
                "1b47061264138c4ac30d75fd1eb44270",
                "the source holding a credential is a secret in state",
            );
        });
    });
});
