import { strict as assert } from "node:assert";
import fc from "fast-check";
import { TaskgateValidationError } from "../../provider/errors";
import { redactUrl, redactUrlsIn } from "../../provider/redact";
import { parseEndpoint } from "../../provider/settings";

describe("URLs in messages: no credential-bearing part is ever shown", () => {
    it("masks user info, the query and the fragment, and keeps scheme, host, port and path", () => {
        assert.equal(
            redactUrl("https://user:pw@host.example:8443/v2/index.php?Signature=abc&Token=t#frag"),
            "https://<user info>@host.example:8443/v2/index.php?<redacted>#<redacted>",
        );
        assert.equal(redactUrl("http://127.0.0.1:4566"), "http://127.0.0.1:4566");
        assert.equal(redactUrl("http://127.0.0.1:4566/?token=SECRET"), "http://127.0.0.1:4566/?<redacted>");
        assert.equal(redactUrl("http://127.0.0.1:4566#SECRET"), "http://127.0.0.1:4566#<redacted>");
        assert.equal(redactUrl("not a url ?token=SECRET"), "not a url ?<redacted>");
        assert.equal(
            redactUrlsIn("request to https://bm.api.qcloud.com/v2/index.php?Action=X&Signature=S failed, reason: reset; see http://a@b/c#d"),
            "request to https://bm.api.qcloud.com/v2/index.php?<redacted> failed, reason: reset; see http://<user info>@b/c#<redacted>",
        );
    });

    it("an endpoint with a query or fragment is refused without echoing either", () => {
        for (const bad of [
            "http://127.0.0.1:4566/?token=SECRET-TOKEN-1",
            "http://127.0.0.1:4566#SECRET-TOKEN-1",
            "https://u:SECRET-TOKEN-1@h/?a=SECRET-TOKEN-1#SECRET-TOKEN-1",
            "::?token=SECRET-TOKEN-1",
        ]) {
            assert.throws(
                () => parseEndpoint("endpoint", bad),
                (e: unknown) => {
                    assert.ok(e instanceof TaskgateValidationError, String(e));
                    assert.equal(e.field, "endpoint");
                    assert.doesNotMatch(`${e.message} ${JSON.stringify(e)} ${e.stack}`, /SECRET-TOKEN-1/);
                    return true;
                },
            );
        }
    });

    it("property: whatever the URL, a secret in its user info, query or fragment is not in the error or the redacted text", () => {
        const secret = fc.stringMatching(/^[A-Za-z0-9]{4,12}$/).map((s) => `SECRET-${s}`);
        const url = fc
            .tuple(
                fc.constantFrom("http", "https", "ftp", ""),
                fc.option(secret),
                fc.domain(),
                fc.constantFrom("", "/", "/p/q"),
                fc.option(secret),
                fc.option(secret),
            )
            .map(([scheme, user, host, p, query, fragment]) => ({
                scheme,
                text: `${scheme ? `${scheme}://` : ""}${user ? `u:${user}@` : ""}${host}${p}${query ? `?k=${query}` : ""}${fragment ? `#${fragment}` : ""}`,
                secrets: [user, query, fragment].filter((x): x is string => !!x),
            }));
        fc.assert(
            fc.property(url, ({ scheme, text, secrets }) => {
                const shown = [redactUrl(text)];
                // In free text a URL is told by its scheme (what SDK messages always carry).
                if (scheme) shown.push(redactUrlsIn(`failed: ${text} (again ${text})`));
                try {
                    parseEndpoint("endpoint", text);
                } catch (e) {
                    shown.push((e as Error).message);
                }
                for (const s of secrets) for (const t of shown) assert.ok(!t.includes(s), `${JSON.stringify(t)} shows ${s}`);
            }),
            { seed: 20261201, numRuns: 2000 },
        );
    });
});
