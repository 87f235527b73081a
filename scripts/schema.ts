/**
 * Writes provider/plugin/schema.json, the Pulumi package schema of taskgate, from the package's
 * own TypeScript declarations: the functions are the `get...` functions of `sdk/tencentcloud` and
 * `sdk/huaweicloud` (inputs: their args interface, outputs: their result type), the resources the
 * classes `sdk/index.ts` exports (inputs: the constructor's args, outputs: the class's
 * `pulumi.Output` members), the enums the named literal unions they use (`TaskState`,
 * `TatTaskStatus`...), the descriptions their TSDoc. So the schema cannot say what the TypeScript
 * types and the validators that read them do not: change an interface, run `npm run schema`, and
 * tests/unit/schema.test.ts fails until the checked-in schema is regenerated.
 *
 *     npm run schema            # write provider/plugin/schema.json
 *     npm run schema -- --check # exit 1 if the checked-in schema is not what the declarations give
 *
 * It is a development tool (it needs the TypeScript compiler), so it lives outside provider/,
 * which the build ships.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { SECRET_ARG_NAMES } from "../provider/settings";

const ROOT = path.resolve(__dirname, "..");
const SETTINGS = path.join(ROOT, "provider/settings.ts");

/** Where the schema is checked in. */
export const SCHEMA_PATH = path.join(ROOT, "provider/plugin/schema.json");

/** The package's name: the first part of every token. */
export const PACKAGE = "taskgate";

/** The Go import path of the generated Go SDK's package (its module is this less `/taskgate`). */
export const GO_IMPORT_BASE_PATH = "github.com/pulumi-taskgate/pulumi-taskgate/sdk/go/taskgate";

/** A type reference in the schema (Pulumi's `typeSpec`). */
export type TypeSpec = {
    type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
    items?: TypeSpec;
    additionalProperties?: TypeSpec;
    oneOf?: TypeSpec[];
    $ref?: string;
};

/** A property of an object, a function's inputs or outputs, a resource, or the config. */
export type PropertySpec = TypeSpec & { description: string; secret?: true; defaultInfo?: { environment: string[] } };

/** An object's properties and which of them are always there. */
export interface ObjectSpec {
    type?: "object";
    description?: string;
    properties: Record<string, PropertySpec>;
    required?: string[];
}

/** An enum type: its values, each named and described where the TSDoc names it. */
export interface EnumSpec {
    type: "string" | "integer";
    description: string;
    enum: Array<{ value: string | number; name?: string }>;
}

/** The parts of Pulumi's package schema taskgate uses. */
export interface PackageSchema {
    name: string;
    displayName: string;
    version: string;
    description: string;
    keywords: string[];
    license: string;
    config: { variables: Record<string, PropertySpec> };
    provider: { description: string; inputProperties: Record<string, PropertySpec> };
    types: Record<string, ObjectSpec | EnumSpec>;
    resources: Record<string, { description: string; inputProperties: Record<string, PropertySpec>; requiredInputs?: string[] } & ObjectSpec>;
    functions: Record<string, { description: string; inputs: ObjectSpec; outputs: ObjectSpec }>;
    language: Record<string, unknown>;
}

/**
 * Numbers that take fractions; every other `number` of the declarations is a whole number (counts,
 * sizes, codes), which the schema calls `integer` and Python and Go type as int. TypeScript has
 * one number type, so the difference is written here, by `Owner.property`.
 */
const FRACTIONAL: ReadonlySet<string> = new Set([
    "GateRequirements.minSuccessRatio",
    "GateWait.timeoutSeconds",
    "GateWait.pollIntervalSeconds",
    "TaskGate.waitedSeconds",
]);

/**
 * Types whose TypeScript form the schema cannot say. `GateSource` is "exactly one of the five
 * sources" as a mapped type; the schema has the object of all five, each optional, named by
 * `SourceArgsByKind` (whose members carry the TSDoc), and the plugin checks that exactly one is given.
 */
const STANDS_FOR: Readonly<Record<string, string>> = { GateSource: "SourceArgsByKind" };

/** Wrappers that say how a value arrives, not what it is: the schema types the value. */
const WRAPPERS: ReadonlySet<string> = new Set(["Input", "Output", "InputArgs", "Readonly", "Promise"]);

/**
 * Every type is in the `index` module, the functions in their cloud's (`tencentcloud`, `huaweicloud`):
 * a gate's source names the sources' args types, and the sources' results name the summary, so types
 * split by cloud would make the Go SDK's packages import each other, which Go refuses.
 */
const TYPES_MODULE = "index";

const token = (module: string, name: string) => `${PACKAGE}:${module}:${name}`;
const typeToken = (name: string) => token(TYPES_MODULE, name);
const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A type's schema name: an args interface `XArgs` is the object type `XQuery` (Python's SDK adds `Args` to every input type's name). */
const typeName = (name: string) => name.replace(/Args$/, "Query");

/** Where a type is converted: which declaration owns it (names inline types) and what its type parameters stand for. */
interface Scope {
    readonly owner: string;
    readonly params: ReadonlyMap<string, ts.TypeNode>;
}

/** Builds the schema from the declarations; pure but for reading the sources. */
export class SchemaBuilder {
    private readonly checker: ts.TypeChecker;
    readonly types: Record<string, ObjectSpec | EnumSpec> = {};

    constructor(program: ts.Program) {
        this.checker = program.getTypeChecker();
    }

    /** The TSDoc of a symbol or declaration, as Markdown: `{@link X}` becomes `X`. Fails on a public symbol without one. */
    doc(symbol: ts.Symbol, what: string): string {
        // `{@link getXOutput}` is TypeScript's: the other languages' docs name it in code quotes.
        const text = ts
            .displayPartsToString(symbol.getDocumentationComment(this.checker))
            .replace(/\{@link(?:code|plain)?\s+([^}|\s]+)[^}]*\}/g, "`$1`")
            .trim();
        if (!text) throw new Error(`${what} has no TSDoc: the schema's description is taken from it`);
        return text;
    }

    /** Follows imports and re-exports to the symbol they name. */
    resolved(symbol: ts.Symbol): ts.Symbol {
        return symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
    }

    /** The properties of an interface (inherited ones included), as schema properties. */
    objectOf(decl: ts.InterfaceDeclaration | ts.TypeLiteralNode, scope: Scope): ObjectSpec {
        const type = this.checker.getTypeAtLocation(decl);
        const properties: Record<string, PropertySpec> = {};
        const required: string[] = [];
        for (const prop of this.checker.getPropertiesOfType(type)) {
            const d = prop.declarations?.find(ts.isPropertySignature);
            if (!d?.type) throw new Error(`${scope.owner}.${prop.name}: not a typed property`);
            properties[prop.name] = this.property(prop, d, d.type, { ...scope, owner: `${scope.owner}.${prop.name}` });
            if (!d.questionToken) required.push(prop.name);
        }
        return { properties, ...(required.length > 0 ? { required } : {}) };
    }

    /** One property, its scope's owner being `Owner.property`: its type, its description, and `secret` for a credential. */
    property(prop: ts.Symbol, decl: ts.Node, typeNode: ts.TypeNode, scope: Scope): PropertySpec {
        const spec: PropertySpec = { ...this.typeOf(typeNode, scope, scope.owner), description: this.doc(prop, scope.owner) };
        // A credential of the connection settings, wherever an args type takes them in.
        if (SECRET_ARG_NAMES.includes(prop.name) && decl.getSourceFile().fileName === SETTINGS) spec.secret = true;
        return spec;
    }

    /** The schema type of a TypeScript type, written in `scope`. `where` names the property, for inline types and errors. */
    typeOf(node: ts.TypeNode, scope: Scope, where: string): TypeSpec {
        if (ts.isParenthesizedTypeNode(node)) return this.typeOf(node.type, scope, where);
        switch (node.kind) {
            case ts.SyntaxKind.StringKeyword:
                return { type: "string" };
            case ts.SyntaxKind.BooleanKeyword:
                return { type: "boolean" };
            case ts.SyntaxKind.NumberKeyword:
                return { type: FRACTIONAL.has(where.replace(/^.*?(\w+\.\w+)$/, "$1")) ? "number" : "integer" };
            case ts.SyntaxKind.UnknownKeyword:
            case ts.SyntaxKind.AnyKeyword:
                return { $ref: "pulumi.json#/Any" };
        }
        if (ts.isArrayTypeNode(node)) return { type: "array", items: this.typeOf(node.elementType, scope, where) };
        if (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.ReadonlyKeyword) return this.typeOf(node.type, scope, where);
        if (ts.isUnionTypeNode(node)) return this.unionOf(node, scope, where);
        if (ts.isTypeLiteralNode(node)) return this.inlineObject(node, scope, where);
        if (ts.isTypeReferenceNode(node)) return this.referenceOf(node, scope, where);
        throw new Error(`${where}: the schema has no counterpart of the type ${node.getText()}`);
    }

    /**
     * A union: `undefined`, a Date beside its string form, and the open end of a literal union
     * (`string & {}`, a value the API adds later) drop out; literals alone are an enum; what is
     * left of one member is that member; otherwise a union type (`string | string[]`).
     */
    private unionOf(node: ts.UnionTypeNode, scope: Scope, where: string): TypeSpec {
        const members = node.types.filter(
            (t) =>
                t.kind !== ts.SyntaxKind.UndefinedKeyword &&
                !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword) &&
                !ts.isIntersectionTypeNode(t) &&
                !(ts.isParenthesizedTypeNode(t) && ts.isIntersectionTypeNode(t.type)) &&
                !(ts.isTypeReferenceNode(t) && t.typeName.getText() === "Date"),
        );
        if (members.length === 1) return this.typeOf(members[0], scope, where);
        if (members.every(ts.isLiteralTypeNode)) {
            const name = capitalized(where.replace(/\./g, "_").replace(/_(\w)/g, (_, c: string) => c.toUpperCase())).replace(/Args(?=[A-Z])/, "");
            return this.enumRef(typeToken(name), this.checker.getTypeFromTypeNode(node), `The values of \`${where.split(".").pop()}\`.`, where, node);
        }
        return { oneOf: members.map((m) => this.typeOf(m, scope, where)) };
    }

    /** An object type written inline (`scripts: Array<{ id?: string }>`): a named type `OwnerProperty`. */
    private inlineObject(node: ts.TypeLiteralNode, scope: Scope, where: string): TypeSpec {
        const [owner, prop] = where.split(".").slice(-2);
        const tok = typeToken(`${typeName(owner)}${capitalized(prop)}`);
        if (!this.types[tok]) {
            this.types[tok] = {
                type: "object",
                description: `An entry of \`${owner}.${prop}\`.`,
                ...this.objectOf(node, { ...scope, owner: `${owner}.${prop}` }),
            };
        }
        return { $ref: `#/types/${tok}` };
    }

    private referenceOf(node: ts.TypeReferenceNode, scope: Scope, where: string): TypeSpec {
        const name = ts.isIdentifier(node.typeName) ? node.typeName.text : node.typeName.right.text;
        const args = node.typeArguments ?? [];
        const bound = scope.params.get(name);
        if (bound) return this.typeOf(bound, scope, where);
        if (WRAPPERS.has(name) && args.length === 1) return this.typeOf(args[0], scope, where);
        if ((name === "Array" || name === "ReadonlyArray") && args.length === 1) return { type: "array", items: this.typeOf(args[0], scope, where) };
        if (name === "Record" && args.length === 2) return { type: "object", additionalProperties: this.typeOf(args[1], scope, where) };
        if (name === "Date") return { type: "string" };
        const symbol = this.symbolOf(node.typeName);
        const standIn = STANDS_FOR[symbol.name];
        if (standIn) return this.standIn(symbol, this.named(standIn, symbol.declarations![0]));
        const decl = symbol.declarations?.[0];
        if (decl && ts.isTypeAliasDeclaration(decl)) {
            const type = this.checker.getDeclaredTypeOfSymbol(symbol);
            if (isLiteralUnion(type)) return this.enumRef(typeToken(decl.name.text), type, this.enumDoc(symbol, type), decl.name.text, decl.type);
            return this.typeOf(decl.type, { ...scope, params: bind(decl, args, scope) }, where);
        }
        if (decl && ts.isInterfaceDeclaration(decl)) {
            const tok = typeToken(typeName(decl.name.text));
            if (!this.types[tok]) {
                // Claimed before its properties are converted, so that a type that names itself ends.
                this.types[tok] = { type: "object", description: "", properties: {} };
                this.types[tok] = {
                    type: "object",
                    description: this.doc(symbol, decl.name.text),
                    ...this.objectOf(decl, { owner: decl.name.text, params: bind(decl, args, scope) }),
                };
            }
            return { $ref: `#/types/${tok}` };
        }
        throw new Error(`${where}: the schema has no counterpart of the type ${node.getText()}`);
    }

    /** A type the schema says with another's members (see {@link STANDS_FOR}): named and described as itself, every member optional. */
    private standIn(symbol: ts.Symbol, members: ts.Identifier): TypeSpec {
        const decl = this.symbolOf(members).declarations?.find(ts.isInterfaceDeclaration);
        if (!decl) throw new Error(`${symbol.name} stands for ${members.text}, which is not an interface`);
        const tok = typeToken(symbol.name);
        if (!this.types[tok]) {
            this.types[tok] = { type: "object", description: "", properties: {} };
            const { properties } = this.objectOf(decl, { owner: decl.name.text, params: new Map() });
            this.types[tok] = { type: "object", description: this.doc(symbol, symbol.name), properties };
        }
        return { $ref: `#/types/${tok}` };
    }

    /** A named type, looked up where `near` is (for a type the schema puts in another's place). */
    private named(name: string, near: ts.Node): ts.Identifier {
        const symbol = this.checker.getSymbolsInScope(near.getSourceFile(), ts.SymbolFlags.Type | ts.SymbolFlags.Alias).find((s) => s.name === name);
        const decl = symbol && this.resolved(symbol).declarations?.[0];
        if (!decl || !(ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl))) throw new Error(`${name} is not in scope of ${near.getText()}`);
        return decl.name;
    }

    symbolOf(name: ts.EntityName): ts.Symbol {
        const symbol = this.checker.getSymbolAtLocation(name);
        if (!symbol) throw new Error(`${name.getText()}: no declaration`);
        return this.resolved(symbol);
    }

    /** An enum's description: its TSDoc, and for an open union the word that other values are kept. */
    private enumDoc(symbol: ts.Symbol, type: ts.Type): string {
        const doc = this.doc(symbol, symbol.name);
        return isOpenUnion(type) && !/added later|adds later/.test(doc) ? `${doc} A value the API adds later is kept as it is.` : doc;
    }

    /**
     * The enum of a literal union, written once under its token. Numbers are named by the TSDoc,
     * which says what each means (`1 running, 2 succeeded, -1 failed`): a name is what Python and
     * Go call the value, and a digit cannot start one.
     */
    private enumRef(tok: string, type: ts.Type, description: string, where: string, written?: ts.TypeNode): TypeSpec {
        if (!this.types[tok]) {
            const values = (written && literalNodes(written)) ?? literalsOf(type);
            const numeric = values.every((v) => typeof v === "number");
            this.types[tok] = {
                type: numeric ? "integer" : "string",
                description,
                enum: values.map((value) => (typeof value === "number" ? { value, name: numberName(value, description, where) } : { value })),
            };
        }
        return { $ref: `#/types/${tok}` };
    }
}

/** What a generic declaration's type parameters stand for, given the reference's type arguments. */
function bind(decl: ts.InterfaceDeclaration | ts.TypeAliasDeclaration, args: readonly ts.TypeNode[], scope: Scope): ReadonlyMap<string, ts.TypeNode> {
    const params = new Map(scope.params);
    (decl.typeParameters ?? []).forEach((p, i) => {
        if (args[i]) params.set(p.name.text, args[i]);
    });
    return params;
}

/** Whether a type is a union of string or number literals (with or without an open end), or one literal. */
function isLiteralUnion(type: ts.Type): boolean {
    const members = type.isUnion() ? type.types : [type];
    return literalsOf(type).length > 0 && members.every((t) => t.isLiteral() || t.flags & ts.TypeFlags.Intersection);
}

/** Whether a literal union is open: `"A" | "B" | (string & {})`. */
function isOpenUnion(type: ts.Type): boolean {
    return type.isUnion() && type.types.some((t) => t.flags & ts.TypeFlags.Intersection);
}

/** The literal members of a union type: the enum's values (in the checker's order; see {@link literalNodes} for the written one). */
function literalsOf(type: ts.Type): Array<string | number> {
    return (type.isUnion() ? type.types : [type]).filter((t) => t.isLiteral()).map((t) => (t as ts.LiteralType).value as string | number);
}

/** The literals of a union as written (`1 | 2 | -1`), or undefined when it is not written as literals (`keyof X`). */
function literalNodes(node: ts.TypeNode): Array<string | number> | undefined {
    const members = ts.isUnionTypeNode(node) ? node.types : [node];
    const out: Array<string | number> = [];
    for (const m of members) {
        if (ts.isParenthesizedTypeNode(m) && ts.isIntersectionTypeNode(m.type)) continue;
        if (!ts.isLiteralTypeNode(m)) return undefined;
        const l = m.literal;
        if (ts.isStringLiteral(l)) out.push(l.text);
        else if (ts.isNumericLiteral(l)) out.push(Number(l.text));
        else if (ts.isPrefixUnaryExpression(l) && l.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(l.operand)) out.push(-Number(l.operand.text));
        else return undefined;
    }
    return out;
}

/** A number's name as its enum's TSDoc gives it: `-1 failed` names -1 `Failed`. */
function numberName(value: number, doc: string, where: string): string {
    const said = new RegExp(`(?:^|[\\s(:,])${value < 0 ? "-" : ""}${Math.abs(value)} ([a-z]+)`).exec(doc);
    if (!said) throw new Error(`${where}: its TSDoc does not say what ${value} means ("${value} <word>"), which names the value in Python and Go`);
    return capitalized(said[1]);
}

/** A program over the package's declarations, typed as the build types them. */
export function packageProgram(): ts.Program {
    const config = ts.readConfigFile(path.join(ROOT, "tsconfig.build.json"), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    return ts.createProgram([path.join(ROOT, "sdk/index.ts")], { ...parsed.options, noEmit: true });
}

/** The package's exports: `tencentcloud.getX` and `TaskGate`, each with its symbol. */
function exportsOf(b: SchemaBuilder, program: ts.Program): Array<{ name: string; symbol: ts.Symbol }> {
    const checker = program.getTypeChecker();
    const entry = program.getSourceFile(path.join(ROOT, "sdk/index.ts"));
    if (!entry) throw new Error("sdk/index.ts is not in the program");
    const out: Array<{ name: string; symbol: ts.Symbol }> = [];
    const visit = (module: ts.Symbol, prefix: string) => {
        for (const exported of checker.getExportsOfModule(module)) {
            const s = b.resolved(exported);
            if (s.flags & ts.SymbolFlags.ValueModule && s.declarations?.some(ts.isSourceFile)) visit(s, `${exported.name}.`);
            else out.push({ name: `${prefix}${exported.name}`, symbol: s });
        }
    };
    visit(checker.getSymbolAtLocation(entry)!, "");
    return out;
}

/** The data sources: `cloud.getX` (the `getXOutput` forms are the same function to the schema). */
function functionsOf(b: SchemaBuilder, exported: Array<{ name: string; symbol: ts.Symbol }>): PackageSchema["functions"] {
    const functions: PackageSchema["functions"] = {};
    for (const { name, symbol } of exported) {
        const m = /^(tencentcloud|huaweicloud)\.(get\w+)$/.exec(name);
        const decl = symbol.declarations?.find(ts.isFunctionDeclaration);
        if (!m || !decl || name.endsWith("Output")) continue;
        const [, module, fn] = m;
        const [param] = decl.parameters;
        if (!param?.type || !decl.type) throw new Error(`${name}: its args and result must be typed`);
        const scope: Scope = { owner: fn, params: new Map() };
        functions[token(module, fn)] = {
            description: b.doc(symbol, name),
            inputs: objectAt(b, param.type, scope, `${name} args`),
            outputs: objectAt(b, decl.type, scope, `${name} result`),
        };
    }
    return functions;
}

/** The object a function's args or result type names, inline (the schema's function inputs and outputs are not named types). */
function objectAt(b: SchemaBuilder, node: ts.TypeNode, scope: Scope, where: string): ObjectSpec {
    const before = new Set(Object.keys(b.types));
    const tok = b.typeOf(node, scope, where).$ref?.replace("#/types/", "");
    const spec = tok ? b.types[tok] : undefined;
    if (!tok || !spec || !("properties" in spec)) throw new Error(`${where}: not an object type`);
    // Written inline here; a type some other place names stays (the args of a source are also a gate's source).
    if (!before.has(tok)) delete b.types[tok];
    const { properties, required } = spec;
    return { properties, ...(required ? { required } : {}) };
}

/** Whether a class is a Pulumi resource (`extends pulumi.dynamic.Resource`, `pulumi.CustomResource`). */
const isResourceClass = (decl: ts.ClassDeclaration) =>
    (decl.heritageClauses ?? []).some((h) => h.token === ts.SyntaxKind.ExtendsKeyword && h.types.some((t) => /Resource$/.test(t.expression.getText())));

/** The resources: the resource classes the package exports (`TaskGate`, `TaskSnapshot`). */
function resourcesOf(b: SchemaBuilder, exported: Array<{ name: string; symbol: ts.Symbol }>): PackageSchema["resources"] {
    const resources: PackageSchema["resources"] = {};
    for (const { name, symbol } of exported) {
        const decl = symbol.declarations?.find(ts.isClassDeclaration);
        if (!decl || !isResourceClass(decl)) continue;
        const ctor = decl.members.find(ts.isConstructorDeclaration);
        const argsType = ctor?.parameters[1]?.type;
        if (!argsType) throw new Error(`${name}: its constructor must take (name, args, opts)`);
        const scope: Scope = { owner: name, params: new Map() };
        const inputs = objectAt(b, argsType, scope, `${name} args`);
        const properties: Record<string, PropertySpec> = {};
        const secret = secretOutputs(decl);
        for (const member of decl.members) {
            if (!ts.isPropertyDeclaration(member) || !member.type || !ts.isIdentifier(member.name)) continue;
            const prop = b.symbolOf(member.name);
            properties[prop.name] = b.property(prop, member, member.type, { ...scope, owner: `${name}.${prop.name}` });
            if (secret.has(prop.name)) properties[prop.name].secret = true;
        }
        resources[token("index", name)] = {
            description: b.doc(symbol, name),
            properties,
            required: Object.keys(properties).filter((p) => !/\|\s*undefined\s*>?;?$/.test(decl.members.find((m) => m.name?.getText() === p)?.getText() ?? "")),
            inputProperties: inputs.properties,
            ...(inputs.required ? { requiredInputs: inputs.required } : {}),
        };
    }
    return resources;
}

/** The outputs a resource class asks the engine to keep secret (`additionalSecretOutputs: ["commandOutputs"]`). */
function secretOutputs(decl: ts.ClassDeclaration): Set<string> {
    const names = new Set<string>();
    const visit = (n: ts.Node) => {
        if (ts.isPropertyAssignment(n) && n.name.getText() === "additionalSecretOutputs" && ts.isArrayLiteralExpression(n.initializer)) {
            for (const e of n.initializer.elements) if (ts.isStringLiteral(e)) names.add(e.text);
        }
        ts.forEachChild(n, visit);
    };
    visit(decl);
    return names;
}

/**
 * The provider's config (`pulumi config set taskgate:tencentcloud ...`, or a `taskgate.Provider`'s
 * args): each cloud's connection settings as an object, and the endpoint that replaces every
 * public one, from the connection args interfaces of provider/settings.ts.
 */
function configOf(b: SchemaBuilder, program: ts.Program): Record<string, PropertySpec> {
    const settings = program.getSourceFile(path.join(ROOT, "provider/settings.ts"));
    if (!settings) throw new Error("provider/settings.ts is not in the program");
    const variables: Record<string, PropertySpec> = {};
    const clouds: Array<[string, string, string]> = [
        ["tencentcloud", "TencentConnectionArgs", "Tencent Cloud"],
        ["huaweicloud", "HuaweiConnectionArgs", "Huawei Cloud"],
    ];
    for (const [cloud, iface, label] of clouds) {
        const decl = settings.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === iface);
        if (!decl) throw new Error(`provider/settings.ts has no ${iface}`);
        const scope: Scope = { owner: iface, params: new Map() };
        const { properties } = b.objectOf(decl, scope);
        const { endpoint, ...rest } = properties;
        variables.endpoint ??= { ...endpoint, defaultInfo: { environment: ["TASKGATE_ENDPOINT"] } };
        const tok = typeToken(`${capitalized(cloud)}Settings`);
        b.types[tok] = { type: "object", description: `${label} connection settings: ${b.doc(b.symbolOf(decl.name), iface)}`, properties: rest };
        // Secret as a whole: Pulumi's SDKs send an explicit provider's object config as one JSON string,
        // so a secret member alone would reach the state in plain text.
        variables[cloud] = { $ref: `#/types/${tok}`, description: `${label} connection settings, for every ${label} data source and gate.`, secret: true };
    }
    return variables;
}

/**
 * The programs whose `example:` regions are the schema's Python and Go examples: tests/sdkgen runs
 * the Python one under Pulumi's mocks and compiles the Go one, so an example in the SDKs' docs is
 * code that works against the SDK as generated.
 */
const EXAMPLE_PROGRAMS = [
    { language: "python", file: "tests/sdkgen/pyprogram/program.py" },
    { language: "go", file: "tests/sdkgen/goprogram/main.go" },
] as const;

/** Each token's example in each language, from the example programs' `example: <token>` ... `end example` regions. */
export function examplesOf(): Map<string, Array<{ language: string; code: string }>> {
    const out = new Map<string, Array<{ language: string; code: string }>>();
    for (const { language, file } of EXAMPLE_PROGRAMS) {
        const lines = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n");
        for (let i = 0; i < lines.length; i++) {
            const start = /^\s*(?:#|\/\/) example: (\S+)$/.exec(lines[i]);
            if (!start) continue;
            const end = lines.findIndex((l, j) => j > i && /^\s*(?:#|\/\/) end example$/.test(l));
            if (end < 0) throw new Error(`${file}:${i + 1}: the example of ${start[1]} has no end example`);
            const body = lines.slice(i + 1, end);
            const indent = Math.min(...body.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length));
            const code = body.map((l) => l.slice(indent)).join("\n");
            out.set(start[1], [...(out.get(start[1]) ?? []), { language, code }]);
            i = end;
        }
    }
    return out;
}

/**
 * A description with its examples in Pulumi's docs form: the TSDoc's own (TypeScript) example and
 * the example programs' Python and Go ones in one `{{% example %}}`, of which each SDK keeps its
 * language's. Every function and resource has one in each language.
 */
function withExamples(description: string, tok: string, examples: ReturnType<typeof examplesOf>): string {
    const [text, typescript = ""] = description.split(/^## Example Usage\s*$/m);
    const snippets = examples.get(tok) ?? [];
    for (const { language } of EXAMPLE_PROGRAMS) {
        if (!snippets.some((s) => s.language === language)) throw new Error(`${tok} has no ${language} example: add an "example: ${tok}" region`);
    }
    const fences = snippets.map(({ language, code }) => `\`\`\`${language}\n${code}\n\`\`\``);
    return [text.trim(), "{{% examples %}}\n## Example Usage\n\n{{% example %}}", typescript.trim(), ...fences, "{{% /example %}}\n{{% /examples %}}"]
        .filter(Boolean)
        .join("\n\n");
}

/** The whole schema, built from the declarations. */
export function buildSchema(program = packageProgram()): PackageSchema {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const b = new SchemaBuilder(program);
    const exported = exportsOf(b, program);
    const examples = examplesOf();
    const functions = functionsOf(b, exported);
    const resources = resourcesOf(b, exported);
    for (const [tok, f] of [...Object.entries(functions), ...Object.entries(resources)]) f.description = withExamples(f.description, tok, examples);
    const variables = configOf(b, program);
    return {
        name: PACKAGE,
        displayName: "TaskGate",
        version: pkg.version,
        description: pkg.description,
        keywords: ["pulumi", "taskgate", "tencentcloud", "huaweicloud", "category/utility", "kind/native"],
        license: pkg.license,
        config: { variables },
        provider: {
            description: "The provider type for the taskgate package: each cloud's connection settings, then the clouds' environment variables.",
            inputProperties: variables,
        },
        types: Object.fromEntries(Object.entries(b.types).sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0))),
        resources,
        functions,
        language: {
            nodejs: { packageName: pkg.name },
            python: { packageName: "pulumi_taskgate", pyproject: { enabled: true }, respectSchemaVersion: true },
            go: { importBasePath: GO_IMPORT_BASE_PATH, respectSchemaVersion: true, generateResourceContainerTypes: false },
        },
    };
}

/** The schema as it is checked in: two-space JSON and a final newline. */
export function schemaText(schema: PackageSchema = buildSchema()): string {
    return `${JSON.stringify(schema, null, 2)}\n`;
}

if (require.main === module) {
    const text = schemaText();
    if (process.argv.includes("--check")) {
        const current = fs.existsSync(SCHEMA_PATH) ? fs.readFileSync(SCHEMA_PATH, "utf8") : "";
        if (current !== text) {
            console.error(`${path.relative(ROOT, SCHEMA_PATH)} is not what the declarations give: run npm run schema`);
            process.exit(1);
        }
    } else {
        fs.mkdirSync(path.dirname(SCHEMA_PATH), { recursive: true });
        fs.writeFileSync(SCHEMA_PATH, text);
        console.log(`${path.relative(ROOT, SCHEMA_PATH)}: ${text.length} bytes`);
    }
}
