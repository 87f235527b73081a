import { strict as assert } from "node:assert";
import fc from "fast-check";
import { xmlAttr, xmlText } from "../../provider/safeText";
import { parseXml } from "../cli/xml";

/**
 * The XML sanitizers of the JUnit report: whatever the cloud sends, the file stays well-formed
 * XML 1.0 (checked by a strict reader), markup stays text, and what XML cannot carry is shown as
 * the escapes every other destination shows.
 */
describe("safeText: xmlText and xmlAttr", () => {
    const doc = (s: string) => `<a b="${xmlAttr(s)}">${xmlText(s)}</a>`;

    it("writes markup as entities and what XML forbids as visible escapes", () => {
        assert.equal(xmlText(`<x a="1" b='2'>&</x>`), "&lt;x a=&quot;1&quot; b=&#39;2&#39;&gt;&amp;&lt;/x&gt;");
        assert.equal(xmlText("a\x00b\x1b[2Jc\x7f\u202e\ud800\ufffe\uffff"), "a\\x00b\\x1b[2Jc\\x7f\\u202e\\ud800\\ufffe\\uffff");
        assert.equal(xmlText("line 1\r\nline 2\tend\rx"), "line 1\nline 2\tend\\rx");
        assert.equal(xmlText(undefined), "");
        assert.equal(xmlText(-1), "-1");
    });

    it("keeps line breaks and tabs in an attribute as references, which a parser does not fold into spaces", () => {
        assert.equal(xmlAttr('say "hi"\n\tthere'), "say &quot;hi&quot;&#10;&#9;there");
        const el = parseXml(doc("one\n\ttwo"));
        assert.equal(el.attrs.b, "one\n\ttwo");
        assert.equal(el.text, "one\n\ttwo");
    });

    it("the strict reader refuses what the sanitizers prevent (so the properties below can fail)", () => {
        assert.throws(() => parseXml(`<a b="x\x1b">y</a>`), /a character XML forbids: U\+001b/);
        assert.throws(() => parseXml(`<a b="x">y & z</a>`), /raw & in <a>/);
        assert.throws(() => parseXml(`<a b="<">y</a>`), /raw < in a@b/);
        assert.throws(() => parseXml("<a>&#27;</a>"), /a reference to a character XML forbids/);
        assert.throws(() => parseXml("<a><b></a></b>"), /<\/a> closes <b>/);
        assert.throws(() => parseXml(`<a b="1" b="2"/>`), /attribute b given twice/);
    });

    it("any text makes a well-formed document, read back alike from the attribute and the text", () => {
        const hostile = fc.constantFrom("\x00", "\x1b", "\r", "\n", "\t", "&", "<", ">", '"', "'", "]]>", "\ufffe", "\ud800", "\u202e", "&#27;");
        const text = fc.array(fc.oneof(hostile, fc.string({ unit: "binary" })), { maxLength: 12 }).map((parts) => parts.join(""));
        fc.assert(
            fc.property(text, (s) => {
                const el = parseXml(doc(s));
                assert.equal(el.attrs.b, el.text);
                // Text with nothing hostile in it reads back exactly as sent.
                if (!/[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff\ufffe\uffff]/.test(s)) {
                    assert.equal(el.text, s);
                }
            }),
            { numRuns: 500 },
        );
    });
});
