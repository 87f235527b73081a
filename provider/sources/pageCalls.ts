import { huawei } from "../clouds/huawei";
import { tencentApi3, type TencentService } from "../clouds/tencentApi3";
import type { OffsetCursor } from "../paging";
import type { PageCall } from "../pipeline";
import type { ResolvedHuawei, ResolvedTencent } from "../settings";
import type { ApiName } from "../types";

/**
 * How the sources ask a transport for one offset page: a source names its operation and its
 * request's parameters, and these add the page's offset and limit the way the API takes them.
 */

/** A Tencent Cloud API 3.0 action paged by `Offset` and `Limit`. */
export function tencentApi3OffsetPages<R>(service: TencentService, action: string, params: (request: R) => Record<string, unknown>) {
    return (conn: ResolvedTencent): PageCall<R, OffsetCursor> => {
        const transport = tencentApi3(conn, service);
        return (request, page, timeoutMs) => transport.call(action, { ...params(request), Offset: page.offset, Limit: page.limit }, timeoutMs);
    };
}

/** A Huawei Cloud `GET` of `path`, paged by the query-string values `offset` and `limit`. */
export function huaweiOffsetPages<R>(api: ApiName, operation: string, path: string, query: (request: R) => Record<string, string | string[]>) {
    return (conn: ResolvedHuawei): PageCall<R, OffsetCursor> => {
        const transport = huawei(conn, api);
        return (request, page, timeoutMs) =>
            transport.get(operation, path, { ...query(request), offset: String(page.offset), limit: String(page.limit) }, timeoutMs);
    };
}
