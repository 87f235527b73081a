/**
 * One measurement, in a fresh process so that its peak RSS is its own: reads one task list with
 * taskgate or a baseline and prints one JSON line.
 */
import { baselineRead, type BenchSource, type BenchTarget, probePageRtt } from "./baselines";

export interface WorkerSpec {
    source: BenchSource;
    impl: "taskgate" | "loop100" | "loop20" | "probe";
    target: BenchTarget;
}

export interface WorkerResult {
    records: number;
    wallMs: number;
    peakRssMB: number;
    /** Throttled responses the client itself saw (baselines); taskgate's come from the emulator's count. */
    clientThrottled: number;
}

/**
 * Imports taskgate and the SDK modules it loads lazily before the clock starts, as the baselines'
 * module does: the read is measured, not the imports (cold start is measured on its own).
 */
function loadTaskgate() {
    require("tencentcloud-sdk-nodejs-common");
    require("@huaweicloud/huaweicloud-sdk-core/ClientBuilder");
    return require("../sdk");
}

async function taskgateRead(taskgate: any, source: BenchSource, t: BenchTarget): Promise<number> {
    const tc = { ...t.tencent, region: "ap-guangzhou", endpoint: t.url };
    const hw = { ...t.huawei, endpoint: t.url };
    switch (source) {
        case "tat":
            return (await taskgate.tencentcloud.getTatInvocationTasks({ ...tc, invocationId: t.ids.invocationId })).tasks.length;
        case "mps":
            return (await taskgate.tencentcloud.getMpsTasks({ ...tc, status: "FINISH" })).tasks.length;
        case "bm":
            return (await taskgate.tencentcloud.getBmCmdTasks(tc)).tasks.length;
        case "cph":
            return (await taskgate.huaweicloud.getCphJobs({ ...hw, requestId: t.ids.requestId })).tasks.length;
        case "workspace":
            return (await taskgate.huaweicloud.getWorkspaceScriptTasks({ ...hw, desktopPoolId: t.ids.desktopPoolId })).tasks.length;
    }
}

async function main(): Promise<void> {
    const spec: WorkerSpec = JSON.parse(process.argv[2]);
    const taskgate = spec.impl === "taskgate" ? loadTaskgate() : undefined;
    const t0 = performance.now();
    let records: number;
    let clientThrottled = 0;
    if (spec.impl === "probe") {
        process.stdout.write(`${JSON.stringify({ records: 0, wallMs: await probePageRtt(spec.source, spec.target), peakRssMB: 0, clientThrottled: 0 })}\n`);
        return;
    }
    if (spec.impl === "taskgate") {
        records = await taskgateRead(taskgate, spec.source, spec.target);
    } else {
        const r = await baselineRead(spec.source, spec.impl === "loop20" ? 20 : 100, spec.target);
        records = r.records;
        clientThrottled = r.throttled;
    }
    const wallMs = performance.now() - t0;
    const result: WorkerResult = { records, wallMs, peakRssMB: process.resourceUsage().maxRSS / 1024, clientThrottled };
    process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
    process.exit(1);
});
