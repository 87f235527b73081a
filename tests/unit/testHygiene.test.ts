/**
 * Test hygiene: every test file (tests/**\/*.ts) is scanned, with the TypeScript compiler and its
 * type checker, for the patterns that let a test pass without checking what it says it checks:
 * an assert inside a `try` whose `catch` catches it (and asserts the opposite, or carries on), an
 * empty catch, a promise nobody awaits (a floating `assert.rejects`, a read whose failure is lost),
 * `forEach` over an async callback, `.only`/`.skip`, `assert.throws`/`rejects` that accept any
 * error, and asserts of a constant true or of an expression equal to itself. A deliberate exception
 * carries `// hygiene: <why>` on the reported line. (Loops over lists that may be empty and asserts
 * behind an `if` need a reader: they are not found here.)
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "../..");

/** One pattern found: where, which rule, and the code. */
interface Finding {
    readonly file: string;
    readonly line: number;
    readonly rule: string;
    readonly code: string;
}

/** The comment that marks a deliberate exception on its line, with the reason after it. */
const EXCEPTION = /\/\/\s*hygiene:\s*\S.{2,}/;

/** Mocha's functions whose `.only` or `.skip` leaves tests out of a run. */
const MOCHA_FUNCTIONS = new Set(["it", "describe", "context", "specify", "suite", "test"]);
const MOCHA_SKIPPERS = new Set(["xit", "xdescribe", "xcontext", "xspecify"]);

/** The leftmost identifier of a callee: `assert` of `assert.deepEqual`, `expectCode` of `expectCode`. */
function rootName(callee: ts.Expression): string | undefined {
    let e = callee;
    while (ts.isPropertyAccessExpression(e)) e = e.expression;
    return ts.isIdentifier(e) ? e.text : undefined;
}

/** A call to assert or to a test's own assert helper (assertSameList, expectCode, ...). */
function isAssertCall(node: ts.Node): boolean {
    if (!ts.isCallExpression(node)) return false;
    const name = rootName(node.expression);
    return name !== undefined && /^(assert|expect)([A-Z]|$)/.test(name);
}

/** Whether `node` or anything inside it satisfies `test`. */
function contains(node: ts.Node, test: (n: ts.Node) => boolean): boolean {
    return test(node) || (ts.forEachChild(node, (child) => (contains(child, test) ? true : undefined)) ?? false);
}

/** A statement that passes a caught error on: `throw`, or a promise's `reject(e)`. */
function passesOn(node: ts.Node): boolean {
    return ts.isThrowStatement(node) || (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "reject");
}

/** A function with an empty block body: `() => {}`, `function () {}`. */
function isEmptyFunction(node: ts.Node | undefined): boolean {
    return !!node && (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && ts.isBlock(node.body) && node.body.statements.length === 0;
}

/** Whether a value of this type is a promise (or may be one). */
function isPromiseLike(checker: ts.TypeChecker, type: ts.Type): boolean {
    if (type.isUnion()) return type.types.some((t) => isPromiseLike(checker, t));
    const then = checker.getPropertyOfType(type, "then");
    return !!then && checker.getTypeOfSymbol(then).getCallSignatures().length > 0;
}

/** A statement's expression whose value is dropped on purpose or kept: `await p`, `void p`, `x = p`. */
function isHandled(e: ts.Expression): boolean {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    return ts.isAwaitExpression(e) || ts.isVoidExpression(e) || (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken);
}

/** The rules, each a check of one node; a message says what is wrong and how to fix it. */
const RULES: ReadonlyArray<{ rule: string; find(node: ts.Node, checker: ts.TypeChecker): ts.Node | undefined }> = [
    {
        rule: "an assert inside this try is caught by its catch, which asserts or carries on: settle the outcome first (`await p.then(ok, fail)`), or use assert.throws/rejects",
        find: (node) => {
            if (!ts.isTryStatement(node) || !node.catchClause || !contains(node.tryBlock, isAssertCall)) return undefined;
            const handler = node.catchClause.block;
            return contains(handler, isAssertCall) || !contains(handler, passesOn) ? node.catchClause : undefined;
        },
    },
    {
        rule: "an empty catch swallows the failure: handle it, rethrow it, or mark a deliberate teardown with `// hygiene: <why>`",
        find: (node) => {
            if (ts.isCatchClause(node) && node.block.statements.length === 0) return node;
            // p.catch(() => {}) and p.then(ok, () => {}).
            if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
                const method = node.expression.name.text;
                const handler = method === "catch" ? node.arguments[0] : method === "then" ? node.arguments[1] : undefined;
                if (isEmptyFunction(handler)) return node;
            }
            return undefined;
        },
    },
    {
        rule: "a promise nobody awaits: its failure (an assert.rejects, a read, a helper's assert) is lost; await or return it (or `void` it on purpose)",
        find: (node, checker) => {
            if (!ts.isExpressionStatement(node) || isHandled(node.expression)) return undefined;
            const floating =
                isPromiseLike(checker, checker.getTypeAtLocation(node.expression)) ||
                // Without a type (any), the calls known to return one.
                (ts.isCallExpression(node.expression) && /^assert\.(rejects|doesNotReject)$/.test(node.expression.expression.getText()));
            return floating ? node : undefined;
        },
    },
    {
        rule: "forEach drops the promises its callback returns, and their failures: use for...of with await, or await Promise.all(list.map(...))",
        find: (node, checker) => {
            if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || node.expression.name.text !== "forEach") return undefined;
            const callback = node.arguments[0];
            if (!callback) return undefined;
            const returns = checker
                .getTypeAtLocation(callback)
                .getCallSignatures()
                .map((s) => s.getReturnType());
            return returns.some((t) => isPromiseLike(checker, t)) ? node : undefined;
        },
    },
    {
        rule: ".only, .skip, xit or this.skip() leave tests out of the run: a missing part fails, it is not skipped",
        find: (node) => {
            if (
                ts.isPropertyAccessExpression(node) &&
                ts.isIdentifier(node.expression) &&
                MOCHA_FUNCTIONS.has(node.expression.text) &&
                (node.name.text === "only" || node.name.text === "skip")
            )
                return node;
            if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && MOCHA_SKIPPERS.has(node.expression.text)) return node;
            if (
                ts.isCallExpression(node) &&
                ts.isPropertyAccessExpression(node.expression) &&
                node.expression.expression.kind === ts.SyntaxKind.ThisKeyword &&
                node.expression.name.text === "skip"
            )
                return node;
            return undefined;
        },
    },
    {
        rule: "assert.throws/rejects without a matcher (or with only a message, or `Error`) passes on any error, a bug's TypeError too: give the error's class, a RegExp or a validator",
        find: (node) => {
            if (!ts.isCallExpression(node) || !/^assert\.(throws|rejects)$/.test(node.expression.getText())) return undefined;
            const matcher = node.arguments[1];
            const any =
                !matcher || ts.isStringLiteralLike(matcher) || ts.isTemplateExpression(matcher) || (ts.isIdentifier(matcher) && matcher.text === "Error");
            return any ? node : undefined;
        },
    },
    {
        rule: "an assert of a constant true, or of an expression equal to itself, cannot fail: compare with an expectation worked out apart (two runs of one input, on purpose: say so with `// hygiene: <why>`)",
        find: (node) => {
            if (!ts.isCallExpression(node)) return undefined;
            const callee = node.expression.getText();
            const [a, b] = node.arguments;
            if (/^assert(\.ok)?$/.test(callee) && a?.kind === ts.SyntaxKind.TrueKeyword) return node;
            const same = (x: ts.Node, y: ts.Node) => x.getText().replace(/\s+/g, "") === y.getText().replace(/\s+/g, "");
            return /^assert\.(equal|strictEqual|deepEqual|deepStrictEqual)$/.test(callee) && a && b && same(a, b) ? node : undefined;
        },
    },
];

/** Every finding in `files` of `program`, less the lines that carry `// hygiene: <why>`. */
function scan(program: ts.Program, files: readonly string[]): { findings: Finding[]; exceptions: Finding[] } {
    const checker = program.getTypeChecker();
    const findings: Finding[] = [];
    const exceptions: Finding[] = [];
    for (const file of files) {
        const source = program.getSourceFile(file);
        assert.ok(source, `${file} is not in the program`);
        const lines = source.text.split("\n");
        const visit = (node: ts.Node) => {
            for (const r of RULES) {
                const hit = r.find(node, checker);
                if (!hit) continue;
                const line = source.getLineAndCharacterOfPosition(hit.getStart(source)).line + 1;
                const finding = { file: path.relative(ROOT, file), line, rule: r.rule, code: hit.getText(source).split("\n")[0].trim().slice(0, 120) };
                (EXCEPTION.test(lines[line - 1]) ? exceptions : findings).push(finding);
            }
            ts.forEachChild(node, visit);
        };
        visit(source);
    }
    return { findings, exceptions };
}

/** Every .ts file under tests/. */
function testFiles(dir = path.join(ROOT, "tests")): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? testFiles(p) : p.endsWith(".ts") ? [p] : [];
    });
}

/** A program of the repository's test files, with the repository's compiler options. */
function repositoryProgram(files: readonly string[]): ts.Program {
    const config = ts.getParsedCommandLineOfConfigFile(
        path.join(ROOT, "tsconfig.json"),
        {},
        { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, "\n")) },
    );
    assert.ok(config);
    return ts.createProgram(files, { ...config.options, noEmit: true });
}

/** The library files the snippet programs share, parsed once. */
const snippetLibraries = new Map<string, ts.SourceFile | undefined>();

/** A program of one in-memory file (for the rules' own tests). */
function snippetProgram(code: string): { program: ts.Program; file: string } {
    const file = path.join(ROOT, "tests", "__hygiene_snippet__.ts");
    const prelude =
        "declare const assert: { (v: unknown): void; ok(v: unknown, m?: string): void; equal(a: unknown, b: unknown): void; fail(m?: string): never; " +
        "throws(f: () => unknown, m?: unknown, s?: string): void; rejects(p: Promise<unknown>, m?: unknown, s?: string): Promise<void>; };\n" +
        "declare function it(t: string, f: () => unknown): void; declare namespace it { function only(t: string, f: () => unknown): void; function skip(t: string, f: () => unknown): void; }\n" +
        "declare function read(): Promise<number>;\n";
    const options: ts.CompilerOptions = {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        lib: ["lib.es2022.d.ts"],
        strict: true,
        types: [],
        noEmit: true,
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, language, ...rest) => {
        if (name === file) return ts.createSourceFile(name, prelude + code, language);
        if (!snippetLibraries.has(name)) snippetLibraries.set(name, getSourceFile(name, language, ...rest));
        return snippetLibraries.get(name);
    };
    host.fileExists = (name) => name === file || ts.sys.fileExists(name);
    return { program: ts.createProgram([file], options, host), file };
}

/** The rules a snippet breaks (by the first words of each rule). */
function rulesBroken(code: string): string[] {
    const { program, file } = snippetProgram(code);
    return scan(program, [file]).findings.map((f) => f.rule.split(/[:,]/)[0]);
}

describe("test hygiene: no test that cannot fail", function () {
    this.timeout(60_000);

    describe("the rules find what they are about, and only that", () => {
        /** Per rule (by the first words of its message): code that breaks it, and code that does not. */
        const CASES: ReadonlyArray<{ what: string; rule: string; bad: string[]; good: string[] }> = [
            {
                what: "an assert in a try whose catch asserts the opposite, or carries on",
                rule: "an assert inside this try is caught by its catch",
                bad: [
                    "async function run(expectFailure: boolean) {\n try {\n  await read();\n  assert.ok(!expectFailure);\n } catch (e) {\n  assert.ok(expectFailure);\n }\n}",
                    "function f() {\n try {\n  assert.equal(1, 2);\n } catch (e) {\n  console.log(e);\n }\n}",
                ],
                // Recording and rethrowing, or asserting on a caught error outside the try, are fine.
                good: [
                    "function f() {\n try {\n  assert.equal(1, 2);\n } catch (e) {\n  console.log(e);\n  throw e;\n }\n}",
                    "async function f() {\n try {\n  await read();\n } catch (e) {\n  assert.ok(e instanceof Error);\n  return;\n }\n assert.fail('it passed');\n}",
                ],
            },
            {
                what: "empty catch clauses and handlers",
                rule: "an empty catch swallows the failure",
                bad: [
                    "function f() {\n try {\n  JSON.parse('x');\n } catch {\n  // nothing\n }\n}",
                    "async function f() {\n await read().catch(() => {\n });\n}",
                    "async function f() {\n await read().then(() => 1, function () {\n });\n}",
                ],
                good: ["async function f() {\n return read().catch((e) => String(e));\n}"],
            },
            {
                what: "a promise nobody awaits, named or not, also in a union",
                rule: "a promise nobody awaits",
                bad: ["async function f() {\n assert.rejects(read(), /x/);\n}", "function f() {\n read();\n}", "function f(b: boolean) {\n b && read();\n}"],
                good: ["async function f() {\n await assert.rejects(read(), /x/);\n void read();\n const p = read();\n await p;\n return read();\n}"],
            },
            {
                what: "forEach over an async callback",
                rule: "forEach drops the promises its callback returns",
                bad: ["function f() {\n [1, 2].forEach(async () => { await read(); });\n}", "function f() {\n [1, 2].forEach(() => read());\n}"],
                good: ["function f() {\n [1, 2].forEach((n) => console.log(n));\n}"],
            },
            {
                what: ".only, .skip, xit and this.skip()",
                rule: ".only",
                bad: [
                    "it.only('a', () => 1);",
                    "it.skip('a', () => 1);",
                    "declare function xit(t: string, f: () => unknown): void;\nxit('a', () => 1);",
                    "it('a', function (this: { skip(): void }) { this.skip(); });",
                ],
                good: ["const d = { only: true };\nit('a', () => d.only);"],
            },
            {
                what: "assert.throws and assert.rejects that accept any error",
                rule: "assert.throws/rejects without a matcher (or with only a message",
                bad: [
                    "assert.throws(() => JSON.parse('x'));",
                    "assert.throws(() => JSON.parse('x'), 'it throws');",
                    "async function f() {\n await assert.rejects(read(), Error);\n}",
                ],
                good: ["assert.throws(() => JSON.parse('x'), SyntaxError);\nassert.throws(() => JSON.parse('x'), /JSON/, 'a message');"],
            },
            {
                what: "asserts of a constant true, or of an expression equal to itself",
                rule: "an assert of a constant true",
                bad: ["assert.ok(true);", "assert(true);", "const x = [1];\nassert.deepEqual(x.map((n) => n), x.map((n)=>n));"],
                good: ["const x = 1;\nassert.equal(x, 1);\nassert.ok(x > 0);"],
            },
        ];
        for (const c of CASES) {
            it(c.what, () => {
                for (const code of c.bad) assert.deepEqual(rulesBroken(code), [c.rule], code);
                for (const code of c.good) assert.deepEqual(rulesBroken(code), [], code);
            });
        }

        it("a `// hygiene: <why>` comment on the line makes a deliberate exception; a bare one does not", () => {
            const code = (comment: string) => `function f() {\n try {\n  JSON.parse('x');\n } catch { ${comment}\n }\n}`;
            assert.deepEqual(rulesBroken(code("// hygiene: teardown of a socket that may be gone")), []);
            assert.deepEqual(rulesBroken(code("// hygiene:")), ["an empty catch swallows the failure"]);
        });
    });

    it("no test file has any of them (exceptions carry `// hygiene: <why>` on the line)", () => {
        const t0 = performance.now();
        const files = testFiles();
        assert.ok(files.length >= 50, `${files.length} test files found under tests/`);
        const { findings, exceptions } = scan(repositoryProgram(files), files);
        const show = (f: Finding) => `  ${f.file}:${f.line}  ${f.code}\n      ${f.rule}`;
        assert.deepEqual(findings.map(show), [], `${findings.length} finding(s):\n${findings.map(show).join("\n")}`);
        console.log(
            `      scanned ${files.length} test files in ${Math.round(performance.now() - t0)} ms; ${exceptions.length} deliberate exception(s)` +
                exceptions.map((f) => `\n        ${f.file}:${f.line}`).join(""),
        );
    });
});
