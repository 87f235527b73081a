/**
 * What each fault kind does to an answer (see emulator/README.md, Faults): the cloud's own throttle,
 * 5xx and internal-error answers through the call's envelope, a held or reset connection, broken
 * bodies (malformed, truncated, HTML, empty), a slow or huge body, or the normal answer of a
 * changed store (`duplicate`, `mutate`: their change is made before the handler runs).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmuResponse } from "../envelopes";
import { ApiError } from "../errors";
import type { PreparedCall } from "../frontends/types";
import type { FiredFault } from "./faults";
import { type HeldResponses, hold } from "./responses";

const MALFORMED_BODY = '{"Response":{"RequestId":"00000000-0000-0000-0000-000000000000","TotalCount":1,,"TaskSet":[{]';
const HTML_ERROR_PAGE =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>proxy</center>\r\n</body>\r\n</html>\r\n";

/**
 * The answer to a call a fault fired on, or undefined when the connection was dropped (reset) or
 * the client went away while it was held. `normal()` makes the call's real answer; `rateLimit` is
 * the API's configured limit, which a scripted throttle names as the cloud's answer does.
 */
export async function faultResponse(
    fault: FiredFault,
    call: PreparedCall,
    normal: () => EmuResponse,
    conn: { req: IncomingMessage; res: ServerResponse; holds: HeldResponses },
    rateLimit: number,
): Promise<EmuResponse | undefined> {
    const json = (body: string): EmuResponse => ({ status: 200, headers: { "Content-Type": "application/json" }, body, code: "" });
    switch (fault.kind) {
        case "throttle": {
            // A scripted throttle on an unlimited API still names a limit, as the cloud's answer does.
            const limit = rateLimit || 1;
            return call.envelope.throttled(limit, limit + 1);
        }
        case "http5xx":
            return call.envelope.serverError(fault.status ?? 503);
        case "internalError":
            return call.envelope.internalError();
        case "cloudError":
            return call.envelope.fail(new ApiError(fault.code!, fault.message!, fault.status ?? 400, {}, true));
        case "timeout": {
            const aborted = await hold(conn.res, fault.delayMs, conn.holds);
            return aborted ? undefined : normal();
        }
        case "reset":
            conn.req.socket.destroy();
            return undefined;
        case "malformed":
            return json(MALFORMED_BODY);
        case "truncated": {
            const full = normal();
            return { ...full, body: full.body.slice(0, Math.floor(full.body.length / 2)) };
        }
        case "wrongContentType":
            return { status: fault.status ?? 200, headers: { "Content-Type": "text/html" }, body: HTML_ERROR_PAGE, code: "" };
        case "empty":
            return json("");
        case "slowBody":
            return { ...normal(), dripMs: fault.delayMs ?? 30_000 };
        case "hugeBody":
            return {
                ...json(""),
                huge: { bytes: fault.bytes ?? 2 ** 31, chunked: fault.chunked === true || fault.gzip === true, gzip: fault.gzip === true },
            };
        case "duplicate":
        case "mutate":
            // Both change what the handler sees (a page moved back, a changed store), not the answer's form.
            return normal();
    }
}
