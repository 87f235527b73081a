/**
 * The plugin's schema (provider/plugin/schema.json) says what the TypeScript side does: it is what
 * scripts/schema.ts makes of the declarations today, byte for byte; each function takes exactly the
 * args its source's validator accepts; each enum holds exactly the known members of its literal
 * union, read here from the type checker and from the constants the validators use; and every
 * credential is secret wherever it is taken. Change one side without the other and this fails.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import ts from "typescript";
import { CREDENTIAL_ARG_NAMES, SECRET_ARG_NAMES } from "../../provider/settings";
import { SOURCE_KINDS, SOURCES } from "../../provider/sources";
import { BM_ORDER_BY } from "../../provider/sources/bmCmdTasks";
import { MPS_STATUSES } from "../../provider/sources/mpsTasks";
import { WORKSPACE_STATUS_FILTERS, WORKSPACE_TASK_TYPES } from "../../provider/sources/workspaceScriptTasks";
import { TASK_STATES } from "../../provider/types";
import {
    buildSchema,
    type EnumSpec,
    type ObjectSpec,
    type PackageSchema,
    packageProgram,
    type PropertySpec,
    SCHEMA_PATH,
    schemaText,
} from "../../scripts/schema";

const CHECKED_IN: PackageSchema = JSON.parse(fs.readFileSync(SCHEMA_PATH, "utf8"));
const sorted = (xs: Iterable<string>) => [...xs].sort();
const isEnum = (t: ObjectSpec | EnumSpec): t is EnumSpec => "enum" in t;
const typeOfRef = (ref: string | undefined) => {
    const t = ref && CHECKED_IN.types[ref.replace("#/types/", "")];
    assert.ok(t, `no type ${ref}`);
    return t;
};

/** The function a source is read by: `tatInvocationTasks` is `taskgate:tencentcloud:getTatInvocationTasks`. */
const functionOf = (kind: (typeof SOURCE_KINDS)[number]) => `taskgate:${SOURCES[kind].cloud}:get${kind.charAt(0).toUpperCase()}${kind.slice(1)}`;

describe("the plugin's schema", function () {
    this.timeout(120_000);
    let program: ts.Program;
    before(() => {
        program = packageProgram();
    });

    it("is what the TypeScript declarations give, byte for byte (regenerate with npm run schema; never edit it by hand)", () => {
        assert.equal(fs.readFileSync(SCHEMA_PATH, "utf8"), schemaText(buildSchema(program)));
    });

    it("has the five data sources as functions and TaskGate and TaskSnapshot as resources, under the design's tokens", () => {
        assert.equal(CHECKED_IN.name, "taskgate");
        assert.deepEqual(sorted(Object.keys(CHECKED_IN.functions)), [
            "taskgate:huaweicloud:getCphJobs",
            "taskgate:huaweicloud:getWorkspaceScriptTasks",
            "taskgate:tencentcloud:getBmCmdTasks",
            "taskgate:tencentcloud:getMpsTasks",
            "taskgate:tencentcloud:getTatInvocationTasks",
        ]);
        assert.deepEqual(sorted(SOURCE_KINDS.map(functionOf)), sorted(Object.keys(CHECKED_IN.functions)));
        assert.deepEqual(sorted(Object.keys(CHECKED_IN.resources)), ["taskgate:index:TaskGate", "taskgate:index:TaskSnapshot"]);
        assert.deepEqual(sorted(Object.keys(CHECKED_IN.config.variables)), ["endpoint", "huaweicloud", "tencentcloud"]);
        assert.deepEqual(CHECKED_IN.provider.inputProperties, CHECKED_IN.config.variables);
    });

    it("requires exactly the resource outputs whose declaration cannot be undefined", () => {
        const checker = program.getTypeChecker();
        for (const [cls, file] of [
            ["TaskGate", "sdk/taskGate.ts"],
            ["TaskSnapshot", "sdk/taskSnapshot.ts"],
        ]) {
            const source = program.getSourceFiles().find((f) => f.fileName.endsWith(file));
            const decl = source?.statements.find((st): st is ts.ClassDeclaration => ts.isClassDeclaration(st) && st.name?.text === cls);
            assert.ok(decl, `${cls} in ${file}`);
            const optional = decl.members
                .filter((m): m is ts.PropertyDeclaration => ts.isPropertyDeclaration(m) && !!m.type)
                .filter((m) => checker.typeToString(checker.getTypeAtLocation(m.type!)).includes("undefined>"))
                .map((m) => m.name.getText());
            const resource = CHECKED_IN.resources[`taskgate:index:${cls}`];
            assert.ok(optional.length > 0, `${cls} declares some output that may be undefined`);
            for (const name of optional) assert.ok(!resource.required?.includes(name), `${cls}.${name} may be undefined, yet the schema requires it`);
            assert.deepEqual(sorted(resource.required ?? []), sorted(Object.keys(resource.properties).filter((p) => !optional.includes(p))));
        }
    });

    it("each function takes exactly the args its source's validator accepts, and so does the source of a gate or snapshot", () => {
        const gateSource = typeOfRef(CHECKED_IN.resources["taskgate:index:TaskGate"].inputProperties.source.$ref) as ObjectSpec;
        assert.deepEqual(sorted(Object.keys(gateSource.properties)), sorted(SOURCE_KINDS));
        assert.deepEqual(
            CHECKED_IN.resources["taskgate:index:TaskSnapshot"].inputProperties.source.$ref,
            CHECKED_IN.resources["taskgate:index:TaskGate"].inputProperties.source.$ref,
        );
        for (const kind of SOURCE_KINDS) {
            const accepted = sorted(SOURCES[kind].args);
            assert.deepEqual(sorted(Object.keys(CHECKED_IN.functions[functionOf(kind)].inputs.properties)), accepted, `${functionOf(kind)} inputs`);
            const asSource = typeOfRef(gateSource.properties[kind].$ref) as ObjectSpec;
            assert.deepEqual(sorted(Object.keys(asSource.properties)), accepted, `GateSource.${kind}`);
        }
    });

    it("each enum holds exactly the known members of its TypeScript literal union, and the values the validators take", () => {
        const checker = program.getTypeChecker();
        const aliases = new Map<string, ts.TypeAliasDeclaration | ts.InterfaceDeclaration>();
        for (const file of program.getSourceFiles()) {
            if (file.fileName.includes("/node_modules/")) continue;
            for (const s of file.statements) if (ts.isTypeAliasDeclaration(s) || ts.isInterfaceDeclaration(s)) aliases.set(s.name.text, s);
        }
        const knownMembers = (type: ts.Type) =>
            sorted((type.isUnion() ? type.types : [type]).filter((t) => t.isLiteral()).map((t) => String((t as ts.LiteralType).value)));
        const enums = Object.entries(CHECKED_IN.types).filter((e): e is [string, EnumSpec] => isEnum(e[1]));
        assert.ok(enums.length >= 14, `${enums.length} enums`);
        for (const [tok, spec] of enums) {
            const name = tok.split(":")[2];
            const values = sorted(spec.enum.map((v) => String(v.value)));
            const alias = aliases.get(name);
            // The one union written inline, on a property: BmCmdTasksArgs.order.
            const type = alias
                ? checker.getTypeAtLocation(alias.name)
                : name === "BmCmdTasksOrder"
                  ? checker.getTypeOfSymbol(checker.getPropertyOfType(checker.getTypeAtLocation(aliases.get("BmCmdTasksArgs") ?? fail(name)), "order")!)
                  : fail(name);
            assert.deepEqual(values, knownMembers(checker.getNonNullableType(type)), tok);
        }
        const valuesOf = (name: string) => {
            const spec = CHECKED_IN.types[`taskgate:${name}`];
            assert.ok(spec && isEnum(spec), name);
            return sorted(spec.enum.map((v) => String(v.value)));
        };
        assert.deepEqual(valuesOf("index:TaskState"), sorted(TASK_STATES));
        assert.deepEqual(valuesOf("index:SourceKind"), sorted(SOURCE_KINDS));
        assert.deepEqual(valuesOf("index:MpsStatus"), sorted(MPS_STATUSES));
        assert.deepEqual(valuesOf("index:BmOrderBy"), sorted(new Set(Object.values(BM_ORDER_BY).flat())));
        assert.deepEqual(valuesOf("index:WorkspaceStatusFilter"), sorted(WORKSPACE_STATUS_FILTERS));
        assert.deepEqual(valuesOf("index:WorkspaceTaskType"), sorted(WORKSPACE_TASK_TYPES));
        // Numbers are named for Python and Go by what their TSDoc says they mean.
        assert.deepEqual((CHECKED_IN.types["taskgate:index:CphJobStatus"] as EnumSpec).enum, [
            { value: 1, name: "Running" },
            { value: 2, name: "Succeeded" },
            { value: -1, name: "Failed" },
        ]);
    });

    it("marks every credential secret wherever it is taken (function args, a gate's source, the provider config) and nothing else an input", () => {
        const objects: Array<[string, Record<string, PropertySpec>]> = [
            ...Object.entries(CHECKED_IN.functions).map(([tok, f]): [string, Record<string, PropertySpec>] => [tok, f.inputs.properties]),
            ...Object.entries(CHECKED_IN.types).flatMap(([tok, t]): Array<[string, Record<string, PropertySpec>]> => (isEnum(t) ? [] : [[tok, t.properties]])),
            ["config", CHECKED_IN.config.variables],
        ];
        let credentials = 0;
        for (const [owner, properties] of objects) {
            for (const [name, p] of Object.entries(properties)) {
                // The config's cloud objects are secret whole: an explicit provider's object config travels as one JSON string.
                const secret = SECRET_ARG_NAMES.includes(name) || (owner === "config" && (name === "tencentcloud" || name === "huaweicloud"));
                assert.equal(p.secret === true, secret, `${owner}.${name} secret: ${p.secret}`);
                if (CREDENTIAL_ARG_NAMES.includes(name)) credentials++;
            }
        }
        // Five functions, five gate sources and two config objects take them: none may be missed by a renamed type.
        assert.ok(credentials >= 12 * 3, `${credentials} credential properties`);
        const settings = typeOfRef(CHECKED_IN.config.variables.tencentcloud.$ref) as ObjectSpec;
        assert.equal(settings.properties.secretKey.secret, true);
        assert.equal(CHECKED_IN.resources["taskgate:index:TaskSnapshot"].properties.commandOutputs.secret, true);
    });

    it("describes every function, resource, type and property from its TSDoc", () => {
        const missing: string[] = [];
        const check = (where: string, d: string | undefined) => {
            if (!d?.trim()) missing.push(where);
        };
        for (const [tok, f] of Object.entries(CHECKED_IN.functions)) {
            check(tok, f.description);
            for (const [n, p] of Object.entries({ ...f.inputs.properties, ...f.outputs.properties })) check(`${tok}.${n}`, p.description);
        }
        for (const [tok, r] of Object.entries(CHECKED_IN.resources)) {
            check(tok, r.description);
            for (const [n, p] of Object.entries({ ...r.inputProperties, ...r.properties })) check(`${tok}.${n}`, p.description);
        }
        for (const [tok, t] of Object.entries(CHECKED_IN.types)) {
            check(tok, t.description);
            if (!isEnum(t)) for (const [n, p] of Object.entries(t.properties)) check(`${tok}.${n}`, p.description);
        }
        assert.deepEqual(missing, []);
    });

    it("gives every function and resource an example in TypeScript (its TSDoc's), Python and Go (the programs tests/sdkgen runs and compiles)", () => {
        for (const [tok, { description }] of [...Object.entries(CHECKED_IN.functions), ...Object.entries(CHECKED_IN.resources)]) {
            const example = /\{\{% example %\}\}([\s\S]*)\{\{% \/example %\}\}/.exec(description)?.[1] ?? "";
            for (const language of ["typescript", "python", "go"]) assert.match(example, new RegExp(`\`\`\`${language}\n`), `${tok}: no ${language} example`);
        }
    });
});

function fail(name: string): never {
    throw new Error(`no TypeScript literal union for the enum ${name}`);
}
