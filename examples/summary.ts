/**
 * `npm run example`: starts the emulator on 127.0.0.1 with its example data, and
 * prints what each data source reads, through the public SDK exactly as a stack would call it
 * (credentials and endpoint from the environment).
 */
import { EXAMPLE_DATA, EXAMPLE_IDS } from "../emulator/exampleData";
import { clientEnv, startEmulator } from "../emulator/server";
import * as taskgate from "../sdk";

function line(name: string, r: taskgate.TaskListResult<unknown>, ms: number): string {
    const s = r.summary;
    const parts = [
        `${r.tasks.length}/${r.totalCount} read`,
        `succeeded ${s.succeeded}`,
        `failed ${s.failed}`,
        `timed out ${s.timedOut}`,
        `running ${s.running}`,
        `pending ${s.pending}`,
    ];
    if (s.finished) parts.push(`finished ${s.finished}`);
    if (s.targets) parts.push(`targets ${s.targets.succeeded}/${s.targets.total} ok`);
    parts.push(s.done ? "done" : "not done", `${r.requestIds.length} RequestIds`, `${ms} ms`);
    return `${name.padEnd(36)} ${parts.join(", ")}`;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
    const t0 = performance.now();
    const r = await f();
    return [r, Math.round(performance.now() - t0)];
}

async function main(): Promise<void> {
    // The example data `npm run emulator` starts with: the task lists the README's examples read.
    const emu = await startEmulator({ port: Number(process.env.EMULATOR_PORT ?? 0), seed: EXAMPLE_DATA });
    try {
        Object.assign(process.env, clientEnv(emu.url));
        console.log(`taskgate example: emulator at ${emu.url}\n`);

        const [t, tMs] = await timed(() => taskgate.tencentcloud.getTatInvocationTasks({ invocationId: EXAMPLE_IDS.tatInvocationId, hideOutput: false }));
        console.log(line("tencentcloud.getTatInvocationTasks", t, tMs));
        const [m, mMs] = await timed(() => taskgate.tencentcloud.getMpsTasks());
        console.log(line("tencentcloud.getMpsTasks", m, mMs));
        const [b, bMs] = await timed(() => taskgate.tencentcloud.getBmCmdTasks());
        console.log(line("tencentcloud.getBmCmdTasks", b, bMs));
        const [l, lMs] = await timed(() => taskgate.tencentcloud.getBmCmdTasks({ api: "legacy" }));
        console.log(line('  ... api: "legacy"', l, lMs));
        const [j, jMs] = await timed(() => taskgate.huaweicloud.getCphJobs({ requestId: EXAMPLE_IDS.cphRequestId }));
        console.log(line("huaweicloud.getCphJobs", j, jMs));
        const [w, wMs] = await timed(() => taskgate.huaweicloud.getWorkspaceScriptTasks());
        console.log(line("huaweicloud.getWorkspaceScriptTasks", w, wMs));

        const failed = t.tasks.filter((x) => x.state !== "SUCCEEDED" && x.state !== "RUNNING").slice(0, 3);
        console.log(`\nfirst TAT tasks that did not succeed:`);
        for (const x of failed)
            console.log(`  ${x.invocationTaskId} on ${x.instanceId}: ${x.taskStatus} exit ${x.taskResult?.exitCode ?? "-"} ${x.errorInfo ?? ""}`);
        const ratio = t.summary.succeeded / t.summary.total;
        console.log(
            `\nTAT success ratio ${(ratio * 100).toFixed(1)}%: a 95% gate would ${ratio >= 0.95 && t.summary.done ? "pass" : "block"} (done: ${t.summary.done})`,
        );
    } finally {
        await emu.close();
    }
}

main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
});
