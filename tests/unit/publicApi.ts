/**
 * The package's public surface as the TypeScript compiler sees it: every symbol sdk/index.ts (the
 * package's entry) exports, followed through `export * as` namespaces and re-exports to its
 * declaration. The public API tests walk it for missing TSDoc and for types a public signature
 * uses that a user cannot name.
 */
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "../..");

/** The entry the package's `types` field points at (as source). */
export const ENTRY = path.join(ROOT, "sdk/index.ts");

/** One public symbol: the name a user imports it by, and what it resolves to. */
export interface PublicSymbol {
    /** `TaskGate`, `tencentcloud.getTatInvocationTasks`. */
    readonly name: string;
    readonly symbol: ts.Symbol;
}

/**
 * A program over the package's sources, typed as the build types them.
 * @param others more files to include besides the entry and what it imports.
 */
export function apiProgram(entry = ENTRY, others: readonly string[] = []): ts.Program {
    const config = ts.readConfigFile(path.join(ROOT, "tsconfig.build.json"), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    return ts.createProgram([entry, ...others], { ...parsed.options, noEmit: true });
}

/** Whether a declaration is the package's own (not Node's, TypeScript's or a dependency's). */
export function isOwn(decl: ts.Declaration): boolean {
    const file = decl.getSourceFile().fileName;
    return !file.includes("/node_modules/") && path.resolve(file).startsWith(ROOT);
}

/** Follows an import or re-export to the symbol it names. */
export function resolved(checker: ts.TypeChecker, s: ts.Symbol): ts.Symbol {
    return s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
}

/** Every symbol the module exports, namespaces (`export * as tencentcloud`) expanded into their members. */
export function publicSymbols(program: ts.Program, entry = ENTRY): PublicSymbol[] {
    const checker = program.getTypeChecker();
    const file = program.getSourceFile(entry);
    if (!file) throw new Error(`${entry} is not in the program`);
    const out: PublicSymbol[] = [];
    const visit = (module: ts.Symbol, prefix: string) => {
        for (const exported of checker.getExportsOfModule(module)) {
            const s = resolved(checker, exported);
            const name = `${prefix}${exported.name}`;
            if (s.flags & ts.SymbolFlags.ValueModule && s.declarations?.some(ts.isSourceFile)) visit(s, `${name}.`);
            else out.push({ name, symbol: s });
        }
    };
    visit(checker.getSymbolAtLocation(file)!, "");
    return out;
}

/** The text of a symbol's TSDoc, trimmed; empty when it has none. */
export function docOf(checker: ts.TypeChecker, s: ts.Symbol): string {
    return ts.displayPartsToString(s.getDocumentationComment(checker)).trim();
}

/** Whether a declaration is left out of the public surface: private, protected or `#private`. */
export function isHidden(decl: ts.Declaration): boolean {
    const flags = ts.getCombinedModifierFlags(decl);
    if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return true;
    const name = ts.getNameOfDeclaration(decl);
    return !!name && ts.isPrivateIdentifier(name);
}
