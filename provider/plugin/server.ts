import * as grpc from "@grpc/grpc-js";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import type { IResourceProviderServer } from "@pulumi/pulumi/proto/provider_grpc_pb";
import {
    CheckFailure,
    CheckResponse,
    ConfigureResponse,
    CreateResponse,
    DiffResponse,
    GetSchemaResponse,
    InvokeResponse,
    PropertyDiff,
    ProviderHandshakeResponse,
    ReadResponse,
    UpdateResponse,
} from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { progressLogger } from "../dynamic/engineLog";
import * as gate from "../dynamic/gateRuntime";
import * as snapshot from "../dynamic/snapshotRuntime";
import { hashOf } from "../dynamic/sourceInputs";
import { TaskgateReadError, TaskgateValidationError } from "../errors";
import type { RuleFailure } from "../gateRules";
import { findOwnPackage } from "../packageInfo";
import type { SettingsSources } from "../settings";
import { configFromVariables, configSettings, parseProviderConfig } from "./config";
import { refreshDetailedDiff } from "./refreshDiff";
import { invokeFunction } from "./functions";
import { type GrpcError, grpcError, initFailedError, isInitFailure } from "./grpcErrors";
import { nameOfUrn, RESOURCES, type ResourceRuntime } from "./resources";
import schema from "./schema.json";
import { allSecret, fromStruct, toStruct, UNKNOWN, withSecrets } from "./structs";

/**
 * taskgate's resource provider, served over Pulumi's provider protocol on the stubs generated
 * into @pulumi/pulumi. It is written here rather than on `@pulumi/pulumi/provider`'s `main()`,
 * whose server drops Configure's config (so no explicit provider), answers CheckConfig and
 * DiffConfig UNIMPLEMENTED and passes invoke args on with secrets still wrapped.
 *
 * One process serves one provider instance (the engine starts a plugin per default or explicit
 * provider), so Configure's settings also go to the runtimes' module-level settings, which the
 * resources read.
 */

type Handler<Req, Res> = (req: Req) => Promise<Res> | Res;

/** A unary RPC from a function of the request: what it throws becomes the caller's gRPC error. */
function unary<Req, Res>(handle: Handler<Req, Res>): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
        Promise.resolve()
            .then(() => handle(call.request))
            .then(
                (res) => callback(null, res),
                (e) => callback((isInitFailure(e) ? initFailedError(e) : grpcError(e)) as grpc.ServiceError, null),
            );
    };
}

/** An RPC taskgate does not serve; the engine takes UNIMPLEMENTED as "not supported". */
function unimplemented<Req, Res>(method: string): grpc.handleUnaryCall<Req, Res> {
    return (_call, callback) =>
        callback({ code: grpc.status.UNIMPLEMENTED, details: `taskgate does not implement ${method}` } as GrpcError as grpc.ServiceError, null);
}

function failuresOf(failures: readonly RuleFailure[]): CheckFailure[] {
    return failures.map((f) => new CheckFailure().setProperty(f.property).setReason(f.reason));
}

/** The runtime of a resource type, or a clear error naming the types there are. */
function resourceOf(type: string, urn: string): ResourceRuntime {
    const token = type || urn.split("::")[2]?.split("$").pop() || "";
    const r = RESOURCES.get(token);
    if (!r) throw new TaskgateValidationError("type", `is not a taskgate resource; the resources are ${[...RESOURCES.keys()].join(", ")}`, token);
    return r;
}

/** A resource's outputs as the engine records them: secrets marked, the dynamic-only property gone. */
function recorded(r: ResourceRuntime, outs: object): Struct {
    return toStruct(withSecrets(outs as Record<string, unknown>, r.secretOutputs));
}

/** The outputs of a preview: every declared output unknown, nothing read. */
function previewOutputs(r: ResourceRuntime): Struct {
    return toStruct(Object.fromEntries(r.outputs.map((o) => [o, UNKNOWN])));
}

/** Marks the outputs an initialization failure carries where secret, as {@link recorded} does for a success. */
function markFailureSecrets(r: ResourceRuntime, e: unknown): void {
    if (isInitFailure(e)) (e as { properties: Record<string, unknown> }).properties = withSecrets(e.properties, r.secretOutputs);
}

/** The provider server of one plugin process. */
export class TaskgateProvider {
    /** The provider's settings; the environment alone until Configure. */
    private settings: SettingsSources = configSettings({ clouds: {} });
    /** Aborted by Cancel: every running wait stops. */
    private cancel = new AbortController();

    /** The gRPC service implementation. */
    readonly service: IResourceProviderServer = {
        handshake: unary(() => new ProviderHandshakeResponse().setAcceptSecrets(true).setAcceptResources(true).setAcceptOutputs(false)),
        getPluginInfo: unary(() => new PluginInfo().setVersion(packageVersion())),
        getSchema: unary(() => new GetSchemaResponse().setSchema(JSON.stringify({ ...schema, version: packageVersion() }))),
        checkConfig: unary((req) => {
            const { failures } = parseProviderConfig(fromStruct(req.getNews()).value);
            return new CheckResponse().setInputs(req.getNews()).setFailuresList(failuresOf(failures));
        }),
        diffConfig: unary((req) => {
            const before = hashOf(parseProviderConfig(fromStruct(req.getOldInputs() ?? req.getOlds()).value).config);
            const after = hashOf(parseProviderConfig(fromStruct(req.getNews()).value).config);
            return new DiffResponse().setChanges(before === after ? DiffResponse.DiffChanges.DIFF_NONE : DiffResponse.DiffChanges.DIFF_SOME);
        }),
        configure: unary((req) => {
            const args = req.getArgs();
            const raw = args ? fromStruct(args).value : configFromVariables(req.getVariablesMap().getEntryList());
            const { config, failures } = parseProviderConfig(raw);
            if (failures.length > 0) {
                throw new TaskgateValidationError(failures[0].property, failures.map((f) => `${f.property} ${f.reason}`).join("; "));
            }
            this.configure(configSettings(config));
            return new ConfigureResponse().setAcceptsecrets(true).setAcceptresources(true).setSupportspreview(true).setAcceptoutputs(false);
        }),
        invoke: unary(async (req) => {
            const args = fromStruct(req.getArgs());
            const outcome = await invokeFunction(req.getTok(), args.value, this.settings, progressLogger(undefined));
            const res = new InvokeResponse();
            if (outcome.failures) return res.setFailuresList(failuresOf(outcome.failures));
            // The engine marks nothing for a provider that takes secrets: a result read with a secret is secret.
            return res.setReturn(toStruct(args.secret ? allSecret(outcome.result) : outcome.result));
        }),
        check: unary((req) => {
            const r = resourceOf(req.getType(), req.getUrn());
            const news = r.named(fromStruct(req.getNews()).value, req.getName() || nameOfUrn(req.getUrn()), req.getUrn());
            // The inputs go back as they came, secrets still marked.
            return new CheckResponse().setInputs(req.getNews()).setFailuresList(failuresOf(r.check(news)));
        }),
        diff: unary((req) => {
            const r = resourceOf(req.getType(), req.getUrn());
            const news = r.named(fromStruct(req.getNews()).value, req.getName() || nameOfUrn(req.getUrn()), req.getUrn());
            const olds = fromStruct(req.getOlds()).value;
            const d = r.diff(req.getId(), olds, news);
            const res = new DiffResponse()
                .setChanges(d.changes ? DiffResponse.DiffChanges.DIFF_SOME : DiffResponse.DiffChanges.DIFF_NONE)
                .setReplacesList(d.replaces)
                .setDiffsList(changedInputs(fromStruct(req.getOldInputs()).value, fromStruct(req.getNews()).value));
            if (!d.refreshedFrom) return res;
            // After a refresh: name only what the read changed, so that `refresh --diff` prints that and little else.
            const detailed = refreshDetailedDiff(olds, d.refreshedFrom);
            res.setDiffsList([...new Set([...detailed.keys()].map((path) => path.split(/[.[]/)[0]))]).setHasdetaileddiff(true);
            for (const [path, kind] of detailed) res.getDetaileddiffMap().set(path, new PropertyDiff().setKind(PropertyDiff.Kind[kind]).setInputdiff(false));
            return res;
        }),
        create: unary(async (req) => {
            const r = resourceOf(req.getType(), req.getUrn());
            if (req.getPreview()) return new CreateResponse().setProperties(previewOutputs(r));
            const news = r.named(fromStruct(req.getProperties()).value, req.getName() || nameOfUrn(req.getUrn()), req.getUrn());
            const { id, outs } = await r.create(news, this.cancel.signal).catch((e: unknown) => {
                markFailureSecrets(r, e);
                throw e;
            });
            return new CreateResponse().setId(id).setProperties(recorded(r, outs));
        }),
        update: unary(async (req) => {
            const r = resourceOf(req.getType(), req.getUrn());
            if (req.getPreview()) return new UpdateResponse().setProperties(previewOutputs(r));
            const news = r.named(fromStruct(req.getNews()).value, req.getName() || nameOfUrn(req.getUrn()), req.getUrn());
            const { outs } = await r.update(req.getId(), fromStruct(req.getOlds()).value, news, this.cancel.signal).catch((e: unknown) => {
                markFailureSecrets(r, e);
                throw e;
            });
            return new UpdateResponse().setProperties(recorded(r, outs));
        }),
        read: unary(async (req) => {
            const r = resourceOf(req.getType(), req.getUrn());
            const { id, props } = await r.read(req.getId(), fromStruct(req.getProperties()).value);
            const res = new ReadResponse().setId(id).setProperties(recorded(r, props));
            // The inputs stay what the program gave: a refresh reads the tasks again, not the program.
            const inputs = req.getInputs();
            return inputs ? res.setInputs(inputs) : res;
        }),
        // Gates and snapshots own nothing in the cloud.
        delete: unary(() => new Empty()),
        cancel: unary(() => {
            const running = this.cancel;
            this.cancel = new AbortController();
            running.abort(new TaskgateReadError("aborted", "taskgate: the Pulumi engine cancelled the operation; the gate stopped waiting"));
            return new Empty();
        }),
        attach: unimplemented("Attach"),
        parameterize: unimplemented("Parameterize"),
        construct: unimplemented("Construct"),
        call: unimplemented("Call"),
        getMapping: unimplemented("GetMapping"),
        getMappings: unimplemented("GetMappings"),
        list: (call) => call.emit("error", { code: grpc.status.UNIMPLEMENTED, details: "taskgate does not implement List" }),
    };

    /**
     * Takes a provider instance's settings. The runtimes keep theirs in their modules: one process
     * serves one provider instance, so this process's resources all read with these.
     */
    private configure(settings: SettingsSources): void {
        this.settings = settings;
        gate.setSettings(settings);
        snapshot.setSettings(settings);
    }
}

/** The top-level inputs whose values differ, for the engine's display of an update. */
function changedInputs(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
    return [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort();
}

/** This package's version, which the plugin reports and its schema carries. */
export function packageVersion(): string {
    return findOwnPackage(__dirname)?.version ?? schema.version;
}
