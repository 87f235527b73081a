/**
 * The public API as a user meets it in an editor: every symbol the package exports (sdk/index.ts,
 * followed through its namespaces and re-exports), each member of its classes, interfaces and
 * object types, and each parameter of its functions, constructors and methods carries TSDoc; and
 * every type a public signature names can itself be imported from the package. Both are read with
 * the TypeScript compiler, from the declarations, so a new export or member is covered the day it
 * is written.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { apiProgram, docOf, ENTRY, isHidden, isOwn, publicSymbols, resolved } from "./publicApi";

/** Members of a class, interface or object type that a user sees, declared by that type itself. */
function ownMembers(decl: ts.Declaration): ts.NamedDeclaration[] {
    if (ts.isClassDeclaration(decl) || ts.isInterfaceDeclaration(decl) || ts.isTypeLiteralNode(decl)) {
        return [...decl.members].filter((m) => !isHidden(m) && !ts.isIndexSignatureDeclaration(m) && !ts.isClassStaticBlockDeclaration(m));
    }
    return [];
}

/** Object types written inline inside a declaration's types (`scripts: Array<{ id?: string }>`), whose members are public too. */
function typeLiterals(node: ts.Node | undefined): ts.TypeLiteralNode[] {
    if (!node) return [];
    const found: ts.TypeLiteralNode[] = [];
    const visit = (n: ts.Node) => {
        if (ts.isTypeLiteralNode(n)) found.push(n);
        // Function bodies and initializers are not part of a signature.
        if (ts.isBlock(n) || (ts.isPropertyDeclaration(n.parent) && n === n.parent.initializer)) return;
        ts.forEachChild(n, visit);
    };
    visit(node);
    return found;
}

/** The parameters a declaration takes: a function's, a constructor's, a method's. */
function parametersOf(decl: ts.Node): readonly ts.ParameterDeclaration[] {
    return ts.isFunctionDeclaration(decl) || ts.isConstructorDeclaration(decl) || ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl)
        ? decl.parameters
        : [];
}

/** Whether a parameter is documented: a `@param` tag with text, or a TSDoc comment of its own (a parameter property). */
function paramDocumented(checker: ts.TypeChecker, p: ts.ParameterDeclaration): boolean {
    const tagged = ts.getJSDocParameterTags(p).some((t) => ts.getTextOfJSDocComment(t.comment)?.trim());
    const own = ts.getJSDocCommentsAndTags(p).some((c) => ts.isJSDoc(c) && ts.getTextOfJSDocComment(c.comment)?.trim());
    const sym = ts.isIdentifier(p.name) ? checker.getSymbolAtLocation(p.name) : undefined;
    return tagged || own || (!!sym && docOf(checker, sym) !== "");
}

const where = (n: ts.Node) => {
    const sf = n.getSourceFile();
    return `${path.relative(path.resolve(__dirname, "../.."), sf.fileName)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
};

/** Every public symbol, member and parameter without TSDoc, as `name (file:line)`. */
function undocumented(program: ts.Program, entry = ENTRY): string[] {
    const checker = program.getTypeChecker();
    const missing = new Set<string>();
    const checkParams = (owner: string, decl: ts.Node) => {
        for (const p of parametersOf(decl)) {
            if (!paramDocumented(checker, p)) missing.add(`${owner}(${p.name.getText()}) (${where(p)})`);
        }
    };
    const checkObject = (owner: string, decl: ts.Declaration) => {
        for (const m of ownMembers(decl)) {
            const label = ts.isConstructorDeclaration(m) ? `${owner} constructor` : `${owner}.${m.name?.getText() ?? "?"}`;
            const sym = m.name ? checker.getSymbolAtLocation(m.name) : undefined;
            if (!ts.isConstructorDeclaration(m) && (!sym || docOf(checker, sym) === "")) missing.add(`${label} (${where(m)})`);
            checkParams(label, m);
            if (ts.isConstructorDeclaration(m)) {
                // Parameter properties are members too: documented as parameters.
                continue;
            }
            for (const lit of typeLiterals((m as { type?: ts.TypeNode }).type)) checkObject(label, lit);
        }
    };
    for (const { name, symbol } of publicSymbols(program, entry)) {
        const decls = (symbol.declarations ?? []).filter(isOwn);
        if (decls.length === 0) continue;
        if (docOf(checker, symbol) === "") missing.add(`${name} (${where(decls[0])})`);
        for (const d of decls) {
            checkParams(name, d);
            checkObject(name, d);
            if (ts.isTypeAliasDeclaration(d)) for (const lit of typeLiterals(d.type)) checkObject(name, lit);
            if (ts.isFunctionDeclaration(d)) for (const lit of typeLiterals(d.type)) checkObject(`${name}()`, lit);
        }
    }
    return [...missing];
}

/** The type annotations of a declaration's signature, not its body. */
function signatureTypeNodes(decl: ts.Declaration): ts.Node[] {
    const nodes: Array<ts.Node | undefined> = [];
    const typeParameters = (decl as { typeParameters?: ts.NodeArray<ts.TypeParameterDeclaration> }).typeParameters ?? [];
    for (const t of typeParameters) nodes.push(t.constraint, t.default);
    if (ts.isFunctionDeclaration(decl) || ts.isMethodSignature(decl) || ts.isMethodDeclaration(decl) || ts.isConstructorDeclaration(decl)) {
        nodes.push(...decl.parameters.map((p) => p.type), decl.type);
    } else if (
        ts.isTypeAliasDeclaration(decl) ||
        ts.isVariableDeclaration(decl) ||
        ts.isPropertySignature(decl) ||
        ts.isPropertyDeclaration(decl) ||
        ts.isGetAccessorDeclaration(decl)
    ) {
        nodes.push(decl.type);
    } else if (ts.isClassDeclaration(decl) || ts.isInterfaceDeclaration(decl)) {
        for (const h of decl.heritageClauses ?? []) nodes.push(...h.types);
        for (const m of decl.members) if (!isHidden(m)) nodes.push(...signatureTypeNodes(m));
    }
    return nodes.filter((n): n is ts.Node => n !== undefined);
}

/** Types (and `typeof` values) that a public signature names but the package does not export, as `type (used by name at file:line)`. */
function unexported(program: ts.Program, entry = ENTRY): string[] {
    const checker = program.getTypeChecker();
    const exported = new Set(publicSymbols(program, entry).map((p) => p.symbol));
    const found = new Set<string>();
    for (const { name, symbol } of publicSymbols(program, entry)) {
        for (const decl of (symbol.declarations ?? []).filter(isOwn)) {
            for (const root of signatureTypeNodes(decl)) {
                const visit = (n: ts.Node) => {
                    const ref = ts.isTypeReferenceNode(n)
                        ? n.typeName
                        : ts.isExpressionWithTypeArguments(n)
                          ? n.expression
                          : ts.isTypeQueryNode(n)
                            ? n.exprName
                            : undefined;
                    if (ref) {
                        const at = checker.getSymbolAtLocation(ts.isQualifiedName(ref) ? ref.right : ref);
                        const s = at && resolved(checker, at);
                        const own = s?.declarations?.filter(isOwn) ?? [];
                        const isTypeParameter = own.some(ts.isTypeParameterDeclaration);
                        if (s && own.length > 0 && !isTypeParameter && !exported.has(s)) found.add(`${s.name} (used by ${name} at ${where(n)})`);
                    }
                    ts.forEachChild(n, visit);
                };
                visit(root);
            }
        }
    }
    return [...found];
}

describe("public API: TSDoc and exported types", function () {
    // One type-checked program over the package's sources: a few seconds.
    this.timeout(120_000);
    let program: ts.Program;
    before(() => {
        program = apiProgram();
    });

    it("walks the whole surface: the namespaces' functions, the classes, the errors", () => {
        const names = publicSymbols(program).map((p) => p.name);
        for (const n of ["tencentcloud.getTatInvocationTasks", "huaweicloud.getCphJobsOutput", "TaskGate", "check", "TaskgateError", "SourceKind"]) {
            assert.ok(names.includes(n), `${n} is public; the walk found ${names.join(", ")}`);
        }
    });

    it("every public symbol, member and parameter has TSDoc", () => {
        const missing = undocumented(program);
        assert.deepEqual(missing, [], `${missing.length} without TSDoc:\n  ${missing.join("\n  ")}`);
    });

    it("every type a public signature names is exported by the package", () => {
        const hidden = unexported(program);
        assert.deepEqual(hidden, [], `${hidden.length} not exported:\n  ${hidden.join("\n  ")}`);
    });

    describe("documented vocabularies: literal unions, open where the cloud may send a value taskgate does not know", () => {
        /** [type, property, values it names, a value it does not, whether that one is accepted] */
        const FIELDS: Array<[string, string, Array<string | number>, string | number, boolean]> = [
            ["TatInvocationTask", "taskStatus", ["SUCCESS", "TIMEOUT", "DELIVER_FAILED"], "A_STATUS_ADDED_LATER", true],
            ["TatCommandDocument", "commandType", ["SHELL", "POWERSHELL", "BAT"], "PYTHON", true],
            ["MpsTask", "taskType", ["WorkflowTask", "EditMediaTask", "LiveProcessTask"], "NewTask", true],
            ["MpsTask", "status", ["WAITING", "PROCESSING", "FINISH"], "DONE", false],
            ["WorkspaceScriptTask", "status", ["FINISH", "FAILED", "RUNNING", "INIT"], "PAUSED", true],
            ["CphJob", "status", [1, 2, -1], 3, true],
            ["BmCmdTask", "status", [-1, 0], 1, true],
            // Arguments are checked before any request: an unknown value is a compile error as well.
            ["BmCmdTasksArgs", "orderBy", ["runBeginTime", "failureCount", "status"], "runBeginTim", false],
            ["BmCmdTasksArgs", "api", ["2018-04-23", "legacy"], "v2", false],
            ["WorkspaceScriptTasksArgs", "status", ["SUCCESS", "WAITING"], "FINISH", false],
            ["WorkspaceScriptTasksArgs", "taskType", ["SCRIPT", "COMMAND"], "BATCH", false],
        ];
        for (const [type, prop, named, other, open] of FIELDS) {
            it(`${type}.${prop}: names ${named.join(", ")}; ${open ? "also takes" : "refuses"} ${other}`, () => {
                const checker = program.getTypeChecker();
                const sym = publicSymbols(program).find((p) => p.name === type)?.symbol;
                assert.ok(sym, `${type} is public`);
                const member = checker.getPropertyOfType(checker.getDeclaredTypeOfSymbol(sym), prop);
                assert.ok(member, `${type}.${prop}`);
                const t = checker.getNonNullableType(checker.getTypeOfSymbol(member));
                const literal = (v: string | number) => (typeof v === "string" ? checker.getStringLiteralType(v) : checker.getNumberLiteralType(v));
                // An editor offers the union's literal members; `"A" | string` would have collapsed to string.
                const members = t.isUnion() ? t.types : [t];
                for (const v of named) assert.ok(members.includes(literal(v)), `${type}.${prop} names ${v}: ${checker.typeToString(t)}`);
                assert.equal(checker.isTypeAssignableTo(literal(other), t), open, `${type}.${prop} ${open ? "takes" : "refuses"} ${other}`);
            });
        }
    });

    describe("the checks find what they look for", () => {
        // A throwaway entry with one of each defect, so that neither check can pass by finding nothing.
        let dir: string;
        let probe: ts.Program;
        before(() => {
            dir = fs.mkdtempSync(path.join(path.resolve(__dirname, "../.."), ".publicApi-probe-"));
            fs.writeFileSync(
                path.join(dir, "index.ts"),
                [
                    "interface Hidden { a: string }",
                    "/** Documented. */",
                    "export interface Shown {",
                    "    /** Documented. */",
                    "    ok: string;",
                    "    bare: Hidden;",
                    "    nested: { inner: number };",
                    "}",
                    "/** Documented, but not its parameter. */",
                    "export function f(x: number): Shown { return undefined as never; }",
                    "export class Bare { constructor(/** Documented. */ readonly a: string) {} }",
                ].join("\n"),
            );
            probe = apiProgram(path.join(dir, "index.ts"));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("finds a symbol, a member, an inline member and a parameter without TSDoc", () => {
            const names = undocumented(probe, path.join(dir, "index.ts")).map((m) => m.replace(/ \(.*\)$/, ""));
            assert.deepEqual(names.sort(), ["Bare", "Shown.bare", "Shown.nested", "Shown.nested.inner", "f(x)"].sort());
        });

        it("finds a type a public signature names that is not exported", () => {
            assert.deepEqual(
                unexported(probe, path.join(dir, "index.ts")).map((m) => m.replace(/ \(.*\)$/, "")),
                ["Hidden"],
            );
        });
    });
});
