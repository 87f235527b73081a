/**
 * Huawei Cloud frontend: the API gateway in front of CPH and Workspace (any Host).
 *
 * Routes: `GET /v1/{project_id}/cloud-phone/jobs` (CPH ListJobs) and
 * `GET /v2/{project_id}/desktop-pools/script-execution-tasks/detail` (Workspace). Anything
 * else, other methods included, is 404 APIGW.0101. After authentication the gateway checks
 * the project: X-Project-Id (when sent) and an IAM token's project must equal the path's
 * `{project_id}`, else 403 APIGW.0302. Data is not partitioned by project.
 */
import { headerValue } from "../auth/common";
import { decodeQuery, verifyHuawei } from "../auth/huawei";
import { huaweiEnvelope } from "../envelopes";
import { ApiError, HuaweiGatewayErrors } from "../errors";
import type { HandlerContext } from "../handlers/context";
import { listJobs } from "../handlers/cphJobs";
import { listScriptExecutionTasks } from "../handlers/workspaceScriptTasks";
import type { ApiId } from "../types";
import type { FrontendDeps, IncomingCall, Prepared } from "./types";

/** A Huawei route. */
export interface HuaweiRoute {
    api: ApiId;
    action: string;
    pattern: RegExp;
    handler(query: Map<string, string[]>, ctx: HandlerContext): Record<string, unknown>;
}

const ROUTES: HuaweiRoute[] = [
    { api: "cph", action: "ListJobs", pattern: /^\/v1\/([^/]+)\/cloud-phone\/jobs\/?$/, handler: listJobs },
    {
        api: "workspace",
        action: "ShowDesktopPoolsScriptExecTasks",
        pattern: /^\/v2\/([^/]+)\/desktop-pools\/script-execution-tasks\/detail\/?$/,
        handler: listScriptExecutionTasks,
    },
];

/** The Huawei route for a path, if any. */
export function matchHuaweiRoute(path: string): HuaweiRoute | undefined {
    return ROUTES.find((r) => r.pattern.test(path));
}

/** The gateway's answer for a path that is no API. */
export function huaweiNotFound(call: IncomingCall): Prepared {
    return { kind: "reject", action: "", envelope: huaweiEnvelope(call.requestId, undefined), error: HuaweiGatewayErrors.notFound() };
}

/** Authenticates a request for a matched route. */
export function prepareHuawei(call: IncomingCall, deps: FrontendDeps, route: HuaweiRoute): Prepared {
    const envelope = huaweiEnvelope(call.requestId, route.api);
    const reject = (error: ApiError, credential?: string): Prepared => ({
        kind: "reject",
        api: route.api,
        action: route.action,
        envelope,
        error,
        credential,
    });
    if (call.method.toUpperCase() !== "GET") return reject(HuaweiGatewayErrors.notFound());
    const query = decodeQuery(call.rawQuery);
    if (!query) return reject(HuaweiGatewayErrors.badRequest("the query string is not correctly URL-encoded"));

    const principal = verifyHuawei(
        { method: call.method, rawPath: call.path, query, headers: call.headers, body: call.body },
        { lookupKey: (ak) => deps.keys.huaweiKey(ak), lookupToken: (t) => deps.keys.huaweiToken(t), nowMs: deps.nowMs },
    );
    if (principal instanceof ApiError) return reject(principal);

    let pathProject: string;
    try {
        pathProject = decodeURIComponent(route.pattern.exec(call.path)![1]);
    } catch {
        return reject(HuaweiGatewayErrors.badRequest("the project id in the path is not correctly URL-encoded"), principal.credential);
    }
    const headerProject = headerValue(call.headers, "x-project-id");
    if (headerProject !== undefined && headerProject !== pathProject) {
        return reject(HuaweiGatewayErrors.forbidden("X-Project-Id does not match the project in the path."), principal.credential);
    }
    if (principal.tokenProjectId !== undefined && principal.tokenProjectId !== pathProject) {
        return reject(HuaweiGatewayErrors.forbidden("The token is not scoped to the project in the path."), principal.credential);
    }

    const params: Record<string, unknown> = {};
    for (const [k, v] of query) params[k] = v.length === 1 ? v[0] : v;
    return {
        kind: "call",
        api: route.api,
        action: route.action,
        envelope,
        credential: principal.credential,
        limiterKey: principal.key,
        params,
        invoke: (ctx) => route.handler(query, ctx),
    };
}
