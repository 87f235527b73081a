import { huawei } from "../clouds/huawei";
import { tencentApi3, type TencentService } from "../clouds/tencentApi3";
import type { OffsetCursor } from "../paging";
import type { CloudAccess, PageCall } from "../pipeline";
import {
    type HuaweiConnectionArgs,
    type HuaweiService,
    huaweiRateScope,
    type ResolvedHuawei,
    type ResolvedTencent,
    resolveHuawei,
    resolveTencent,
    type TencentConnectionArgs,
    tencentRateScope,
} from "../settings";

/**
 * How the sources reach the two clouds: the connection settings and the rate scope of each, and how
 * one offset page is asked for (a source names its operation and its request's parameters; these
 * add the page's offset and limit the way the API takes them).
 */

/**
 * Tencent Cloud, for a source whose args are `A`.
 * @param requireRegion false where the API has a default region (MPS).
 */
export function tencentAccess<A extends TencentConnectionArgs>(requireRegion: boolean): CloudAccess<A, ResolvedTencent> {
    return { cloud: "tencentcloud", connection: (args, sources) => resolveTencent(args, sources, requireRegion), rateScope: tencentRateScope };
}

/** Huawei Cloud's `service` (its endpoint's host name), for a source whose args are `A`. */
export function huaweiAccess<A extends HuaweiConnectionArgs>(service: HuaweiService): CloudAccess<A, ResolvedHuawei> {
    return { cloud: "huaweicloud", connection: (args, sources) => resolveHuawei(args, sources, service), rateScope: huaweiRateScope };
}

/** A Tencent Cloud API 3.0 action paged by `Offset` and `Limit`. */
export function tencentApi3OffsetPages<R>(service: TencentService, action: string, params: (request: R) => Record<string, unknown>) {
    return (conn: ResolvedTencent): PageCall<R, OffsetCursor> => {
        const transport = tencentApi3(conn, service);
        return (request, page, timeoutMs) => transport.call(action, { ...params(request), Offset: page.offset, Limit: page.limit }, timeoutMs);
    };
}

/** A Huawei Cloud `GET` of `path` on `service`, paged by the query-string values `offset` and `limit`. */
export function huaweiOffsetPages<R>(service: HuaweiService, operation: string, path: string, query: (request: R) => Record<string, string | string[]>) {
    return (conn: ResolvedHuawei): PageCall<R, OffsetCursor> => {
        const transport = huawei(conn, service);
        return (request, page, timeoutMs) =>
            transport.get(operation, path, { ...query(request), offset: String(page.offset), limit: String(page.limit) }, timeoutMs);
    };
}
