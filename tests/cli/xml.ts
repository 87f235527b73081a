/**
 * A strict reader of the XML taskgate writes (the JUnit report), for tests: no XML library is in
 * the lockfile, and adding one for tests alone is not worth a dependency. It accepts the subset
 * taskgate writes (a declaration, elements, double-quoted attributes, text, the five predefined
 * entities and character references) and throws on anything that is not well-formed XML 1.0 in
 * that subset: an unescaped `<` or `&`, a character XML forbids, a reference to one, a tag that
 * does not match, an attribute given twice, text outside the root.
 */

/** One element: its name, attributes (references resolved), child elements and text. */
export interface XmlElement {
    readonly name: string;
    readonly attrs: Readonly<Record<string, string>>;
    readonly children: XmlElement[];
    /** Its own text, references resolved (the text of child elements not included). */
    text: string;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Characters XML 1.0 allows: tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD and the supplementary planes. */
function allowed(code: number): boolean {
    return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
}

function resolveReferences(s: string, where: string): string {
    if (/[<]/.test(s)) throw new Error(`raw < in ${where}: ${JSON.stringify(s)}`);
    return s.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
        if (ref === undefined) throw new Error(`raw & in ${where}: ${JSON.stringify(s)}`);
        const num = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(ref);
        if (num) {
            const code = num[1].startsWith("x") ? Number.parseInt(num[1].slice(1), 16) : Number(num[1]);
            if (!allowed(code)) throw new Error(`a reference to a character XML forbids (${m}) in ${where}`);
            return String.fromCodePoint(code);
        }
        if (!(ref in ENTITIES)) throw new Error(`unknown entity ${m} in ${where}`);
        return ENTITIES[ref];
    });
}

/** Parses a whole document and returns its root element; throws, saying where, on anything not well-formed. */
export function parseXml(doc: string): XmlElement {
    for (const ch of doc) {
        if (!allowed(ch.codePointAt(0)!)) throw new Error(`a character XML forbids: U+${ch.codePointAt(0)!.toString(16).padStart(4, "0")}`);
    }
    let rest = doc.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, "");
    const stack: XmlElement[] = [];
    let root: XmlElement | undefined;
    const token = /^(?:<\/([A-Za-z_][\w.-]*)\s*>|<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"]*")*)\s*(\/?)>|([^<]+))/;
    while (rest.length > 0) {
        const m = token.exec(rest);
        if (!m) throw new Error(`not well-formed at: ${JSON.stringify(rest.slice(0, 60))}`);
        rest = rest.slice(m[0].length);
        const [, close, open, attrText, selfClose, text] = m;
        if (text !== undefined) {
            if (stack.length === 0) {
                if (text.trim() !== "") throw new Error(`text outside the root element: ${JSON.stringify(text.slice(0, 60))}`);
                continue;
            }
            stack[stack.length - 1].text += resolveReferences(text, `<${stack[stack.length - 1].name}>`);
        } else if (close !== undefined) {
            const top = stack.pop();
            if (top?.name !== close) throw new Error(`</${close}> closes <${top?.name ?? "nothing"}>`);
        } else {
            if (stack.length === 0 && root) throw new Error(`a second root element <${open}>`);
            const attrs: Record<string, string> = {};
            for (const a of attrText.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
                if (a[1] in attrs) throw new Error(`attribute ${a[1]} given twice on <${open}>`);
                attrs[a[1]] = resolveReferences(a[2], `${open}@${a[1]}`);
            }
            const el: XmlElement = { name: open, attrs, children: [], text: "" };
            if (stack.length > 0) stack[stack.length - 1].children.push(el);
            else root = el;
            if (!selfClose) stack.push(el);
        }
    }
    if (stack.length > 0) throw new Error(`<${stack[stack.length - 1].name}> is never closed`);
    if (!root) throw new Error("no root element");
    return root;
}

/** Every element named `name` under `el` (depth first, `el` included). */
export function elements(el: XmlElement, name: string): XmlElement[] {
    return [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => elements(c, name))];
}
