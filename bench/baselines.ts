/**
 * The two baselines taskgate is measured against, built on the official SDKs: a sequential loop
 * that reads 20 records per page (as the Terraform TAT data source does) and one that reads 100
 * (what a user writes by hand). Each stops on a short page (CPH, MPS: on the API's own end marker)
 * and, since neither SDK retries, waits out a throttled page (1 s, the APIs' window) and asks again:
 * the least a loop needs to finish at all.
 */
import * as http from "node:http";
import { TENCENT_API3_VERSIONS, type TencentService } from "../provider/clouds/tencentApi3";

/* eslint-disable @typescript-eslint/no-require-imports */
const { CommonClient } = require("tencentcloud-sdk-nodejs-common");

export type BenchSource = "tat" | "mps" | "bm" | "cph" | "workspace";

export interface BenchTarget {
    url: string;
    port: number;
    tencent: { secretId: string; secretKey: string };
    huawei: { accessKey: string; secretKey: string; projectId: string };
    /** Grouping ids of the seeded data. */
    ids: { invocationId?: string; requestId?: string; desktopPoolId?: string };
}

const agent = new http.Agent({
    keepAlive: true,
    lookup: ((_h: string, o: { all?: boolean }, cb: (...a: unknown[]) => void) =>
        o?.all ? cb(null, [{ address: "127.0.0.1", family: 4 }]) : cb(null, "127.0.0.1", 4)) as never,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The official SDK's client of one service (a per-product client of the whole SDK is this with its endpoint and version). */
function tencent(service: TencentService, t: BenchTarget) {
    return new CommonClient(`${service}.tencentcloudapi.com`, TENCENT_API3_VERSIONS[service], {
        credential: t.tencent,
        region: "ap-guangzhou",
        profile: { httpProfile: { endpoint: `${service}.tencentcloudapi.com:${t.port}`, protocol: "http://", agent, reqTimeout: 60 } },
    });
}

function huawei(t: BenchTarget) {
    require("@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger").Logger4jInstance.level = "off";
    const { ClientBuilder } = require("@huaweicloud/huaweicloud-sdk-core/ClientBuilder");
    const { BasicCredentials } = require("@huaweicloud/huaweicloud-sdk-core");
    return new ClientBuilder((c: unknown) => c)
        .withCredential(new BasicCredentials().withAk(t.huawei.accessKey).withSk(t.huawei.secretKey).withProjectId(t.huawei.projectId))
        .withEndpoint(t.url)
        .withOptions({ axiosRequestConfig: { httpAgent: agent } })
        .build();
}

/** Sends one page request, waiting out throttling. */
async function page<T>(send: () => Promise<T>, onThrottle: () => void): Promise<T> {
    for (;;) {
        try {
            return await send();
        } catch (e) {
            const err = e as { code?: string; httpStatusCode?: number; errorCode?: string };
            if (err.code === "RequestLimitExceeded" || err.httpStatusCode === 429 || err.errorCode === "APIGW.0308") {
                onThrottle();
                await sleep(1000);
                continue;
            }
            throw e;
        }
    }
}

/**
 * The round-trip time a page really takes: the median of `n` sequential requests for one first
 * page of 100 records through the bare SDK. The injected latency is only a knob; this is the
 * figure the floors use (it adds the service's and the SDK's own time to the injected delay).
 */
export async function probePageRtt(source: BenchSource, t: BenchTarget, n = 15): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await baselineRead(source, 100, t, 1);
        times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[Math.floor(n / 2)];
}

/** Reads the whole list page by page (or `maxPages`); returns the records read and the pages asked for. */
export async function baselineRead(
    source: BenchSource,
    pageSize: number,
    t: BenchTarget,
    maxPages = Infinity,
): Promise<{ records: number; pages: number; throttled: number }> {
    let records = 0;
    let pages = 0;
    let throttled = 0;
    const onThrottle = () => void throttled++;
    if (source === "mps") {
        const c = tencent("mps", t);
        let token: string | undefined;
        do {
            const r: any = await page(
                () => c.request("DescribeTasks", { Status: "FINISH", Limit: pageSize, ...(token ? { ScrollToken: token } : {}) }),
                onThrottle,
            );
            pages++;
            records += r.TaskSet.length;
            token = r.ScrollToken || undefined;
        } while (token && pages < maxPages);
        return { records, pages, throttled };
    }
    for (let offset = 0; ; offset += pageSize) {
        let n: number;
        if (source === "tat") {
            const c = tencent("tat", t);
            const r: any = await page(
                () =>
                    c.request("DescribeInvocationTasks", {
                        Filters: [{ Name: "invocation-id", Values: [t.ids.invocationId] }],
                        Offset: offset,
                        Limit: pageSize,
                    }),
                onThrottle,
            );
            n = r.InvocationTaskSet.length;
        } else if (source === "bm") {
            const c = tencent("bm", t);
            const r: any = await page(() => c.request("DescribeUserCmdTasks", { Offset: offset, Limit: pageSize }), onThrottle);
            n = r.UserCmdTasks.length;
        } else {
            const hc = huawei(t);
            const cph = source === "cph";
            const r: any = await page(
                () =>
                    hc.sendRequest({
                        method: "GET",
                        contentType: "application/json",
                        pathParams: {},
                        headers: {},
                        url: cph ? "/v1/{project_id}/cloud-phone/jobs" : "/v2/{project_id}/desktop-pools/script-execution-tasks/detail",
                        queryParams: {
                            ...(cph ? { request_id: t.ids.requestId } : { desktop_pool_id: t.ids.desktopPoolId }),
                            offset: String(offset),
                            limit: String(pageSize),
                        },
                    }),
                onThrottle,
            );
            n = (cph ? r.jobs : r.script_execution_tasks).length;
        }
        pages++;
        records += n;
        if (n < pageSize || pages >= maxPages) return { records, pages, throttled };
    }
}

/**
 * How fast the emulator serves pages when nothing slows it down (no latency, no rate limit): one
 * sequential loop of 100 per page through the official SDK over `records` records. The emulator
 * must never be what a benchmark measures, so this must stay far above the rate-limit floors
 * (20 000 TAT records a second would be 200 pages a second, ten times the TAT limit).
 */
export async function emulatorRecordsPerSecond(source: BenchSource, t: BenchTarget, records: number): Promise<number> {
    await baselineRead(source, 100, t, 2); // warm the connection and the emulator's sorted views
    const t0 = performance.now();
    const r = await baselineRead(source, 100, t);
    if (r.records !== records) throw new Error(`emulator throughput: ${source} read ${r.records} of ${records} records`);
    return r.records / ((performance.now() - t0) / 1000);
}
