/**
 * URLs as messages show them. User info (`user:password@`), the query (`?token=...`, a legacy
 * Tencent signature) and the fragment can all carry a credential, so none of them is ever
 * rendered: `https://user:pw@host:8443/p?token=x#k` becomes
 * `https://<user info>@host:8443/p?<redacted>#<redacted>`. Scheme, host, port and path stay, since
 * they are what a reader needs to see where a call went.
 */

const URL_PARTS = /^([a-z][a-z0-9+.-]*:\/\/|\/\/)?([^/?#]*@)?([^?#]*)(\?[^#]*)?(#.*)?$/is;

/** One URL (or a string meant as one, parsable or not) with its secret-bearing parts redacted. */
export function redactUrl(value: string): string {
    const m = URL_PARTS.exec(value);
    if (!m) return value;
    const [, scheme = "", userInfo, rest, query, fragment] = m;
    // Without a scheme a leading `user@` is still user info only when a scheme-less authority was meant;
    // redacting it anyway costs nothing and never shows a password.
    return `${scheme}${userInfo ? "<user info>@" : ""}${rest}${query ? "?<redacted>" : ""}${fragment ? "#<redacted>" : ""}`;
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** Every URL inside a message (an SDK's error names the URL it called), redacted as {@link redactUrl} does. */
export function redactUrlsIn(message: string): string {
    return message.replace(URL_IN_TEXT, (u) => redactUrl(u));
}
