import { strict as assert } from "node:assert";
import { progressLogger } from "../../provider/dynamic/engineLog";
import { csvCell, htmlText, jsonText, markdownCell, terminalLines, terminalText, truncate } from "../../provider/safeText";

/**
 * The one sanitizer of text the cloud controls, destination by destination: what becomes a
 * visible escape, what stays, and the choices (numbers in CSV, line breaks per destination).
 */
describe("safeText: cloud text made safe for each destination", () => {
    const SCREEN = "\x1b[2J\x1b[H\x1b[32mALL TASKS SUCCEEDED";

    it("a terminal line shows controls, bidi controls, line separators and lone surrogates as visible escapes", () => {
        assert.equal(terminalText(SCREEN), "\\x1b[2J\\x1b[H\\x1b[32mALL TASKS SUCCEEDED");
        assert.equal(terminalText("a\tb\nc\r\nd\x00\x7f\x85\x9b"), "a\\tb\\nc\\r\\nd\\x00\\x7f\\x85\\x9b");
        assert.equal(terminalText("txt.exe\u202efdp.sh"), "txt.exe\\u202efdp.sh");
        assert.equal(
            terminalText("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069"),
            "\\u061c\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069",
        );
        assert.equal(terminalText("a\u2028b\u2029c"), "a\\u2028b\\u2029c");
        assert.equal(terminalText("lone \ud800 and \udc00, pair 🚀 kept"), "lone \\ud800 and \\udc00, pair 🚀 kept");
        assert.equal(terminalText("中文 ünïcödé, 日本語 and Arabic العربية stay"), "中文 ünïcödé, 日本語 and Arabic العربية stay");
        assert.equal(terminalText(undefined), "");
        assert.equal(terminalText(-1), "-1");
    });

    it("escaping twice changes nothing (a message may pass a sanitizing sink after it was built safe)", () => {
        for (const s of [SCREEN, "a\nb\u202e\ud800", "C:\\path\\x1b"]) {
            assert.equal(terminalText(terminalText(s)), terminalText(s));
            assert.equal(terminalLines(terminalLines(s)), terminalLines(s));
        }
    });

    it("a message of several lines keeps its line breaks, nothing else", () => {
        assert.equal(terminalLines("line 1\nline 2\r\n\x1b[31m\rtaskgate: passed"), "line 1\nline 2\\r\n\\x1b[31m\\rtaskgate: passed");
    });

    it("CSV: a formula is shown, not run (a leading ' as csv-stringify's escape_formulas), and quoted per RFC 4180", () => {
        assert.equal(csvCell("=cmd|'/c calc'!A1"), "'=cmd|'/c calc'!A1");
        for (const lead of ["=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20"]) assert.equal(csvCell(`${lead}1`), `'${lead}1`, lead);
        // A leading tab or CR is a formula start too; both are shown as escapes, which defuses them anyway.
        assert.equal(csvCell("\t=1"), "\\t=1");
        assert.equal(csvCell("\r=1"), "\\r=1");
        assert.equal(csvCell('say "hi", twice'), '"say ""hi"", twice"');
        assert.equal(csvCell("line 1\r\nline 2\n\x1b[2J"), '"line 1\nline 2\n\\x1b[2J"', "line breaks stay (quoted); CRLF becomes LF; ESC is shown");
        assert.equal(csvCell("\u202eevil"), "\\u202eevil");
    });

    it("CSV: taskgate's own numbers stay numbers (an exit code of -1), a number the cloud sent as text does not", () => {
        assert.equal(csvCell(-1), "-1");
        assert.equal(csvCell(-0.5), "-0.5");
        assert.equal(csvCell(true), "true");
        assert.equal(csvCell("-1"), "'-1");
        assert.equal(csvCell(undefined), "");
        assert.equal(csvCell({ a: "=1" }), '"{""a"":""=1""}"');
    });

    it("Markdown: markup, entities, links and pipes are text; line breaks are <br>", () => {
        assert.equal(markdownCell("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
        assert.equal(
            markdownCell("[click](http://evil.example) ![x](http://evil.example/p.png)"),
            "\\[click\\](http://evil.example) !\\[x\\](http://evil.example/p.png)",
        );
        assert.equal(markdownCell("a | b \\| c"), "a \\| b \\\\\\| c");
        assert.equal(markdownCell("&#8238;"), "&amp;#8238;", "an entity could render as a bidi control");
        assert.equal(markdownCell("one\r\ntwo\nthree\rfour"), "one<br>two<br>three\\rfour");
        assert.equal(markdownCell("\x1b[2J\u202e"), "\\x1b\\[2J\\u202e");
    });

    it("HTML: markup as entities, controls visible, newlines and tabs kept", () => {
        assert.equal(htmlText(`<a href="x" onclick='y'>&</a>`), "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
        assert.equal(htmlText("a\n\tb\r\nc\rd\x1b\u202e\ud800"), "a\n\tb\nc\\rd\\x1b\\u202e\\ud800");
        assert.equal(htmlText(undefined), "");
        assert.equal(htmlText(3), "3");
    });

    it("JSON: valid, the raw values parse back, and no character a terminal acts on is left raw", () => {
        const value = { message: `${SCREEN}\x7f\x9b\u202e\u2028\ud800\n🚀`, exitCode: -1 };
        const text = jsonText(value, 2);
        assert.deepEqual(JSON.parse(text), value);
        assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e\u2028]/.test(text), text);
        assert.ok(text.includes("\\u202e") && text.includes("\\u009b") && text.includes("\\u001b[2J"));
    });

    it("truncate never splits a surrogate pair or a visible escape", () => {
        assert.equal(truncate("ab🚀", 3), "ab");
        assert.equal(truncate(terminalText("ab\x1b[2J"), 4), "ab");
        assert.equal(truncate(terminalText("ab\u202e"), 6), "ab");
        assert.equal(truncate(terminalText("ab\u202ecd"), 8), "ab\\u202e");
        assert.equal(truncate("abc", 3), "abc");
    });

    it("lines logged outside a Pulumi run (stderr) are one line each, safe for the terminal", () => {
        const lines: string[] = [];
        const original = console.error;
        console.error = (m: string) => void lines.push(m);
        try {
            const log = progressLogger(undefined);
            log.info(`taskgate: a retry: ${SCREEN}`);
            log.warn("two\nlines \u202e");
        } finally {
            console.error = original;
        }
        assert.deepEqual(lines, ["taskgate: a retry: \\x1b[2J\\x1b[H\\x1b[32mALL TASKS SUCCEEDED", "two\\nlines \\u202e"], "one line each, nothing raw");
    });
});
