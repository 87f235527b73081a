/**
 * Shared set-up for the emulator-backed integration tests: a fresh emulator per suite, connection
 * args for both clouds, and fast read options (small backoffs) so fault tests take milliseconds.
 * Everything goes through the real SDKs and real HTTP on 127.0.0.1.
 */
import { strict as assert } from "node:assert";
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator, type EmulatorOptions } from "../../emulator/server";
import { TaskgateCloudError } from "../../provider/errors";
import type { ReadOptions } from "../../provider/paging";
import type { HuaweiConnectionArgs, TencentConnectionArgs } from "../../provider/settings";
import type { Logger } from "../../provider/types";

export { argsOnly } from "../../provider/settings";

/** Starts an emulator before the suite and closes it after; resets it before each test. */
export function useEmulator(options: EmulatorOptions = {}): { readonly emu: Emulator } {
    const holder: { emu?: Emulator } = {};
    before(async () => {
        holder.emu = await startEmulator({ port: 0, ...options });
    });
    beforeEach(() => {
        holder.emu!.reset();
        if (options.rateLimits || options.latency) holder.emu!.configure({ rateLimits: options.rateLimits, latency: options.latency });
    });
    after(async () => {
        await holder.emu?.close();
    });
    return {
        get emu() {
            return holder.emu!;
        },
    };
}

/** The stack config that points taskgate at the emulator at `url`, as Pulumi hands it to configure(): both clouds' emulator credentials and a Tencent region, by namespaced key. */
export function emulatorStackConfig(url: string): Record<string, string> {
    const c = EMULATOR_CREDENTIALS;
    return {
        "tencentcloud:secretId": c.tencent.secretId,
        "tencentcloud:secretKey": c.tencent.secretKey,
        "tencentcloud:region": "ap-guangzhou",
        "huaweicloud:accessKey": c.huawei.accessKey,
        "huaweicloud:secretKey": c.huawei.secretKey,
        "huaweicloud:projectId": c.huawei.projectId,
        "taskgate:endpoint": url,
    };
}

export function tencentArgs(
    emu: Emulator,
    extra: TencentConnectionArgs = {},
): Required<Pick<TencentConnectionArgs, "secretId" | "secretKey" | "region" | "endpoint">> {
    return {
        secretId: EMULATOR_CREDENTIALS.tencent.secretId,
        secretKey: EMULATOR_CREDENTIALS.tencent.secretKey,
        region: "ap-guangzhou",
        endpoint: emu.url,
        ...extra,
    } as never;
}

export function huaweiArgs(emu: Emulator, extra: HuaweiConnectionArgs = {}): HuaweiConnectionArgs {
    const h = EMULATOR_CREDENTIALS.huawei;
    return { accessKey: h.accessKey, secretKey: h.secretKey, projectId: h.projectId, endpoint: emu.url, ...extra };
}

/** A logger that keeps its lines, for asserting on retries (and on the absence of secrets). */
export function recordingLogger(): Logger & { lines: string[] } {
    const lines: string[] = [];
    return { lines, debug: (m) => void lines.push(m), info: (m) => void lines.push(m), warn: (m) => void lines.push(m) };
}

/** Read options for fault tests: retries after milliseconds, not seconds. */
export function fast(extra: ReadOptions = {}): ReadOptions {
    return { retry: { baseDelayMs: 5, throttleBaseDelayMs: 20, maxDelayMs: 100 }, requestTimeoutMs: 2000, timeoutSeconds: 30, ...extra };
}

/** Asserts that `ids` holds each of `expected` exactly once. */
export function assertExactlyOnce(ids: string[], expected: string[]) {
    assert.equal(ids.length, expected.length, `got ${ids.length} records, expected ${expected.length}`);
    assert.equal(new Set(ids).size, ids.length, "a record appears twice");
    assert.deepEqual([...ids].sort(), [...expected].sort());
}

/** Asserts a cloud error with the code, a RequestId where the cloud sends one, and no secret. */
export async function assertCloudError(p: Promise<unknown>, code: string | RegExp, opts: { requestId?: boolean; secrets?: string[] } = {}) {
    let err: unknown;
    try {
        await p;
    } catch (e) {
        err = e;
    }
    assert.ok(err instanceof TaskgateCloudError, `expected a TaskgateCloudError, got ${err}`);
    if (typeof code === "string") assert.equal(err.cloudCode, code);
    else assert.match(err.cloudCode, code);
    if (opts.requestId !== false) assert.ok(err.requestId, "the error carries the cloud's RequestId");
    const text = `${err.message} ${JSON.stringify(err)} ${err.stack}`;
    for (const s of opts.secrets ?? []) assert.ok(!text.includes(s), "a secret leaked into the error");
    return err;
}

export const SECRETS = [EMULATOR_CREDENTIALS.tencent.secretKey, EMULATOR_CREDENTIALS.huawei.secretKey];

/**
 * Offset pages after the first start one record early (each repeats the previous page's last
 * record, so that a shift between pages is seen): page k starts at 99·k.
 */
export const pageOffset = (k: number) => k * 99;
/** Requests an offset read of `n` records with a total makes (100 on the first page, 99 new after). */
export const offsetRequests = (n: number) => (n <= 100 ? 1 : 1 + Math.ceil((n - 100) / 99));
/** Requests a read without a total makes until its short page (CPH). */
export const shortPageRequests = (n: number) => (n < 100 ? 1 : Math.floor((n - 100) / 99) + 2);
