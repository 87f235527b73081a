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
