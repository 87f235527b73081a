/**
 * The emulator's tree (design.md section 1, laid out like Azurite's): no file imports one that
 * imports it back, however far round, type-only imports included; nothing outside emulator/ is
 * imported but Node's modules, type declarations, and cli/args.ts (the one argument parser, which
 * imports only Node): the emulator shares no code with provider/, so a bug in our signer can never
 * be mirrored by the emulator's verifier. Read from the source with the TypeScript parser.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "../..");

/** One import of a file: what it names, where that resolves to (a repository path, or undefined for a package), and whether it is type-only. */
interface Import {
    readonly specifier: string;
    readonly target?: string;
    readonly typeOnly: boolean;
}

/** Every `.ts` file under a folder, as repository paths with `/`. */
function sourceFiles(dir: string): string[] {
    return fs
        .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? sourceFiles(`${dir}/${e.name}`) : e.name.endsWith(".ts") ? [`${dir}/${e.name}`] : []))
        .sort();
}

/** A relative specifier as the repository path of the file it loads. */
function resolve(from: string, specifier: string): string | undefined {
    if (!specifier.startsWith(".")) return undefined;
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
    const found = [`${base}.ts`, `${base}/index.ts`].find((f) => fs.existsSync(path.join(ROOT, f)));
    assert.ok(found, `${from}: cannot resolve ${specifier}`);
    return found;
}

/** The imports, re-exports, `require()`s and `import()`s of a file. */
function importsOf(file: string): Import[] {
    const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.ES2022, true);
    const out: Import[] = [];
    const add = (specifier: string, typeOnly: boolean) => out.push({ specifier, target: resolve(file, specifier), typeOnly });
    const visit = (node: ts.Node): void => {
        if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
            const clause = node.importClause;
            const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
            const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
            add(node.moduleSpecifier.text, typeOnly);
        } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
            const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
            add(node.moduleSpecifier.text, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
        } else if (
            ts.isCallExpression(node) &&
            (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require")) &&
            node.arguments.length === 1 &&
            ts.isStringLiteral(node.arguments[0])
        ) {
            add(node.arguments[0].text, false);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return out;
}

/** Every cycle of the import graph, each once, as the files round it (Tarjan's strongly connected components). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const found: string[][] = [];
    const connect = (v: string): void => {
        index.set(v, index.size);
        low.set(v, index.get(v)!);
        stack.push(v);
        onStack.add(v);
        for (const w of graph.get(v) ?? []) {
            if (!index.has(w)) {
                connect(w);
                low.set(v, Math.min(low.get(v)!, low.get(w)!));
            } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        if (low.get(v) !== index.get(v)) return;
        const component: string[] = [];
        let w: string;
        do {
            w = stack.pop()!;
            onStack.delete(w);
            component.push(w);
        } while (w !== v);
        if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    };
    for (const v of graph.keys()) if (!index.has(v)) connect(v);
    return found;
}

/** The emulator's import graph (files of emulator/ and what of emulator/ they import). */
function emulatorGraph(): Map<string, string[]> {
    return new Map(
        sourceFiles("emulator").map((f) => [
            f,
            importsOf(f)
                .map((i) => i.target)
                .filter((t): t is string => t?.startsWith("emulator/") === true),
        ]),
    );
}

describe("the emulator's tree", () => {
    it("the cycle finder finds cycles (a graph with two, one a self-import) and passes a graph without", () => {
        const graph = new Map([
            ["a", ["b"]],
            ["b", ["c"]],
            ["c", ["a", "d"]],
            ["d", []],
            ["e", ["e"]],
        ]);
        assert.deepEqual(cycles(graph), [["a", "b", "c"], ["e"]]);
        assert.deepEqual(
            cycles(
                new Map([
                    ["a", ["b"]],
                    ["b", []],
                ]),
            ),
            [],
        );
    });

    it("has no import cycle, type-only imports included", () => {
        const graph = emulatorGraph();
        assert.ok(graph.size >= 25, `read ${graph.size} files`);
        assert.deepEqual(cycles(graph), [], "files that import each other, however far round");
    });

    it("imports nothing outside emulator/ but Node's modules, type declarations and cli/args.ts, which imports only Node and the errors' base (which imports nothing)", () => {
        const foreign = sourceFiles("emulator").flatMap((file) =>
            importsOf(file)
                .filter((i) => !i.specifier.startsWith("node:") && !i.typeOnly && !i.target?.startsWith("emulator/") && i.target !== "cli/args.ts")
                .map((i) => `${file} imports ${i.specifier}`),
        );
        assert.deepEqual(foreign, []);
        assert.deepEqual(
            importsOf("cli/args.ts")
                .filter((i) => !i.specifier.startsWith("node:"))
                .map((i) => i.target),
            ["provider/errorBase.ts"],
        );
        assert.deepEqual(importsOf("provider/errorBase.ts"), []);
    });

    it("is laid out like Azurite: handlers, auth, store, middlewares, errors, the admin API and a server factory", () => {
        for (const dir of ["handlers", "auth", "store", "middlewares", "frontends"]) {
            assert.ok(fs.statSync(path.join(ROOT, "emulator", dir)).isDirectory(), `emulator/${dir}/`);
        }
        for (const file of ["server.ts", "admin.ts", "errors.ts", "types.ts", "cli.ts"]) assert.ok(fs.existsSync(path.join(ROOT, "emulator", file)), file);
    });
});
