/**
 * The emulator's credentials: well-known test keys by default (like Azurite's devstoreaccount1
 * key), replaceable per emulator instance. These keys are valid nowhere but here.
 */
import type { EmulatorCredentials, HuaweiKey, HuaweiToken, TencentKey } from "../types";

/** Default emulator-only credentials. Safe to print; they open nothing outside the emulator. */
export const EMULATOR_CREDENTIALS = {
    tencent: {
        secretId: "AKIDTASKGATEEMULATOR0000000000000000",
        secretKey: "taskgateEmulatorSecretKey000000000",
    },
    huawei: {
        accessKey: "HWTASKGATEEMULATORAK00",
        secretKey: "taskgateEmulatorHuaweiSecret000",
        projectId: "0123456789abcdef0123456789abcdef",
        /** Accepted in X-Auth-Token, scoped to `projectId`. */
        authToken: "taskgate-emulator-iam-token",
    },
} as const;

/** The regions a client is pointed at: any region id will do, as the emulator serves them all. */
export const EMULATOR_REGIONS = { tencent: "ap-guangzhou", huawei: "cn-north-4" } as const;

/**
 * The environment that points taskgate (CLI, SDK or provider) at an emulator listening on `url`:
 * the endpoint, the default emulator-only credentials of both clouds and a region of each. The
 * banner prints it as exports; examples and tests set it.
 */
export function clientEnv(url: string): Readonly<Record<string, string>> {
    const { tencent, huawei } = EMULATOR_CREDENTIALS;
    return {
        TASKGATE_ENDPOINT: url,
        TENCENTCLOUD_SECRET_ID: tencent.secretId,
        TENCENTCLOUD_SECRET_KEY: tencent.secretKey,
        TENCENTCLOUD_REGION: EMULATOR_REGIONS.tencent,
        HW_ACCESS_KEY: huawei.accessKey,
        HW_SECRET_KEY: huawei.secretKey,
        HW_PROJECT_ID: huawei.projectId,
        HW_REGION_NAME: EMULATOR_REGIONS.huawei,
    };
}

/** The default credential set as an {@link EmulatorCredentials}. */
export function defaultCredentials(): EmulatorCredentials {
    const { tencent, huawei } = EMULATOR_CREDENTIALS;
    return {
        tencent: [{ secretId: tencent.secretId, secretKey: tencent.secretKey }],
        huawei: [{ accessKey: huawei.accessKey, secretKey: huawei.secretKey }],
        huaweiTokens: [{ token: huawei.authToken, projectId: huawei.projectId }],
    };
}

/** Lookup tables over a credential set. */
export class KeyRing {
    private readonly tencentKeys = new Map<string, TencentKey>();
    private readonly huaweiKeys = new Map<string, HuaweiKey>();
    private readonly huaweiTokens = new Map<string, HuaweiToken>();

    constructor(readonly credentials: EmulatorCredentials) {
        for (const k of credentials.tencent) this.tencentKeys.set(k.secretId, k);
        for (const k of credentials.huawei) this.huaweiKeys.set(k.accessKey, k);
        for (const t of credentials.huaweiTokens) this.huaweiTokens.set(t.token, t);
    }

    tencent(secretId: string): TencentKey | undefined {
        return this.tencentKeys.get(secretId);
    }

    huaweiKey(accessKey: string): HuaweiKey | undefined {
        return this.huaweiKeys.get(accessKey);
    }

    huaweiToken(token: string): HuaweiToken | undefined {
        return this.huaweiTokens.get(token);
    }
}
