import { randomUUID } from "node:crypto";
import { rejectInvalid, type RuleFailure } from "../gateRules";
import type { SettingsSources } from "../settings";
import {
    type RecordTasks,
    readArgs,
    resolveSnapshotSettings,
    type SnapshotSettings,
    type SnapshotTask,
    snapshotRecord,
    validateSnapshotSettings,
} from "../snapshotRecord";
import { type SourceKind, sourceDefinition, sourceNoun } from "../sources";
import type { Logger, TaskSummary } from "../types";
import { plural } from "../words";
import { progressLogger } from "./engineLog";
import { withoutHostEcho } from "./hostEcho";
import { type DiffAnswer, refreshChanges } from "./refreshChanges";
import { checkSource, containsUnknown, credentialArgs, hashOf, publicQuery, publicSource, sourceOf } from "./sourceInputs";

/**
 * Everything a TaskSnapshot does at deploy time. The provider Pulumi serializes into the state
 * (snapshotProvider.ts) only forwards to these functions, which load here, in the dynamic
 * provider's process, from the installed package: no SDK, credential or config is captured in
 * the serialized provider.
 */

/** The inputs of a TaskSnapshot as the provider receives them (secrets unwrapped by the engine). */
export interface SnapshotInputs {
    /** Exactly one key: the source kind, holding that source's args. */
    source: Partial<Record<SourceKind, Record<string, unknown>>>;
    /** Which tasks `tasks` keeps: the failing ones (default) or all. */
    recordTasks?: RecordTasks;
    /** Record command output (TAT, CPH), as a secret. */
    includeOutput?: boolean;
    /** Record at most this many tasks. */
    maxTasks?: number;
    /** With `includeOutput`: the characters kept of each output. */
    maxOutputChars?: number;
    /** Any values; a change reads the list again. */
    triggers?: unknown[];
    /** The resource name, for messages. */
    snapshotName?: string;
    /** The resource URN, to attach log lines to it. */
    snapshotUrn?: string;
}

/** The outputs a TaskSnapshot records. */
export interface SnapshotOutputs {
    sourceKind: SourceKind;
    /** The id of the query, as the data source reports it. */
    queryId: string;
    /** When the list was read (ISO-8601 UTC). */
    readAt: string;
    /** Counts by state of every task read (not only those recorded). */
    summary: TaskSummary;
    /** The total the API reported. */
    totalCount: number;
    /** How many tasks were read. */
    taskCount: number;
    /** A hash of every task read, recorded or not: a refresh that finds any task changed changes it. */
    digest: string;
    /** Which tasks `tasks` keeps (the input, or its default). Absent from a state written before it existed. */
    recordTasks: RecordTasks;
    /** True when `recordTasks` selected more tasks than `maxTasks`. */
    truncated: boolean;
    /** The cap applied (the input, or its default). */
    maxTasks: number;
    /** Whether command output is recorded. */
    includeOutput: boolean;
    /** The recorded tasks, by id: the failing ones, or all (`recordTasks`), at most `maxTasks`. */
    tasks: Record<string, SnapshotTask>;
    /** Command output by task id, only with `includeOutput` (stored as a secret). */
    commandOutputs?: Record<string, string>;
    /** The source's args without credentials, so that refresh reads the same list. */
    query: Record<string, unknown>;
    /** With `includeOutput`: the characters kept of each output. */
    maxOutputChars?: number;
    /** Credential args given explicitly (stored as a secret), so that refresh can use them too. */
    credentials?: Record<string, unknown>;
    /** A hash of the inputs that decide the record, compared by `diff`. */
    inputsHash: string;
    /** A hash of the record (everything but `readAt`): a refresh that changes it shows a diff. */
    recordHash: string;
    /** The resource name and URN, for log lines at refresh. */
    snapshotName?: string;
    snapshotUrn?: string;
}

let settings: SettingsSources = { config: () => undefined, env: process.env };
let logSink: (urn: string | undefined) => Logger = progressLogger;

/** Refreshes that read a different record (see refreshChanges). */
const refreshed = refreshChanges<SnapshotOutputs>((p) => p.recordHash ?? "");

/** Called by Pulumi with the stack's whole config (namespaces kept): credentials come from it, then the environment. */
export function configure(req: { config: { get(key: string): string | undefined } }): void {
    settings = { config: (k) => req.config.get(k), env: process.env };
}

/** For tests: settings without Pulumi's configure, and where log lines go. */
export function setSettings(s: SettingsSources, sink: (urn: string | undefined) => Logger = logSink): void {
    settings = s;
    logSink = sink;
}

/** Validates a snapshot's inputs. Parts still unknown during preview are skipped, never failed. */
export function checkInputs(news: SnapshotInputs): RuleFailure[] {
    const source = checkSource(news.source, settings);
    if (!source.kind && source.failures.length > 0) return source.failures;
    const src = sourceOf(news.source);
    const args = "property" in src || containsUnknown(src.args) ? undefined : src.args;
    return [...source.failures, ...validateSnapshotSettings(news, source.kind, args, containsUnknown)];
}

/**
 * Hash of the inputs that decide the record. Credentials are left out: rotating a key reads nothing
 * again. A state written before `recordTasks` existed was hashed without it, so its first `up`
 * reads the list again and records it in the current (small) shape.
 */
export function inputsHash(news: SnapshotInputs): string {
    return hashOf({
        source: publicSource(news.source),
        recordTasks: news.recordTasks ?? null,
        includeOutput: news.includeOutput ?? null,
        maxTasks: news.maxTasks ?? null,
        maxOutputChars: news.maxOutputChars ?? null,
        triggers: news.triggers ?? null,
    });
}

/**
 * Changing the query, the settings or `triggers` reads the list again under the same id (an
 * update); changing the source kind replaces the snapshot (a record of other tasks). Credentials
 * rotating change nothing. During a refresh, a record that the read changed is reported as a
 * change, so that the engine shows the refresh's diff.
 */
export function diff(id: string, olds: Partial<SnapshotOutputs>, news: SnapshotInputs): DiffAnswer<SnapshotOutputs> {
    const refreshedFrom = refreshed.take(id, olds);
    if (refreshedFrom) return { changes: true, replaces: [], refreshedFrom };
    const src = sourceOf(news.source);
    const replaces = !("property" in src) && olds.sourceKind !== undefined && src.kind !== olds.sourceKind ? ["source"] : [];
    if (containsUnknown(news)) return { changes: true, replaces };
    return { changes: olds.inputsHash !== inputsHash(news), replaces };
}

/** Reads the list once and records it. */
async function takeSnapshot(kind: SourceKind, args: Record<string, unknown>, s: SnapshotSettings, name: string | undefined, urn: string | undefined) {
    const def = sourceDefinition(kind);
    const log = logSink(urn);
    const result = await def.read(readArgs(kind, args, s), settings, { log });
    const record = snapshotRecord(kind, result.tasks, s);
    const sum = result.summary;
    log.info(
        `taskgate: snapshot${name ? ` "${name}"` : ""}: ${plural(record.taskCount, sourceNoun(kind))} read` +
            `${record.truncated ? `, ${s.maxTasks} recorded (maxTasks)` : ""}: ${sum.succeeded} succeeded, ${sum.failed + sum.timedOut + sum.cancelled} failed, ` +
            `${sum.pending + sum.running} pending or running`,
    );
    const fields = {
        sourceKind: kind,
        queryId: result.id,
        summary: sum,
        totalCount: result.totalCount,
        taskCount: record.taskCount,
        digest: record.digest,
        recordTasks: s.recordTasks,
        truncated: record.truncated,
        maxTasks: s.maxTasks,
        includeOutput: s.includeOutput,
        tasks: record.tasks,
        ...(record.commandOutputs ? { commandOutputs: record.commandOutputs, maxOutputChars: s.maxOutputChars } : {}),
    };
    return { ...fields, recordHash: hashOf(fields), readAt: new Date().toISOString() };
}

/** Reads the source and records it, for create and update. Bad inputs fail before any request. */
export async function record(news: SnapshotInputs): Promise<SnapshotOutputs> {
    rejectInvalid(checkInputs(news));
    const src = sourceOf(news.source) as { kind: SourceKind; args: Record<string, unknown> };
    const snap = await takeSnapshot(src.kind, src.args, resolveSnapshotSettings(news), news.snapshotName, news.snapshotUrn);
    const credentials = credentialArgs(src.args);
    return {
        ...snap,
        query: publicQuery(src.args),
        inputsHash: inputsHash(news),
        ...(credentials ? { credentials } : {}),
        ...(news.snapshotName ? { snapshotName: news.snapshotName } : {}),
        ...(news.snapshotUrn ? { snapshotUrn: news.snapshotUrn } : {}),
    };
}

/** `create`: a new id, then {@link record}. */
export async function create(news: SnapshotInputs): Promise<{ id: string; outs: SnapshotOutputs }> {
    return { id: `tasksnapshot-${randomUUID()}`, outs: await record(news) };
}

/** `update`: the inputs changed; read the list again under the same id. */
export async function update(_id: string, _olds: Partial<SnapshotOutputs>, news: SnapshotInputs): Promise<{ outs: SnapshotOutputs }> {
    return { outs: await record(news) };
}

/**
 * `read` (refresh): reads the same list again, with the credentials of the stack config (or the
 * explicit ones recorded as a secret), and returns the new record: the engine stores it and, when
 * it changed, shows the difference (new tasks, changed states) as the refresh's diff.
 */
export function read(id: string, props: SnapshotOutputs): Promise<{ id: string; props: SnapshotOutputs }> {
    return withoutHostEcho(() => readAgain(id, props));
}

async function readAgain(id: string, props: SnapshotOutputs): Promise<{ id: string; props: SnapshotOutputs }> {
    if (!props.sourceKind || !props.query) return { id, props };
    const s = resolveSnapshotSettings(props);
    const snap = await takeSnapshot(props.sourceKind, { ...props.query, ...props.credentials }, s, props.snapshotName, props.snapshotUrn);
    const { commandOutputs: _dropped, ...kept } = props;
    const now: SnapshotOutputs = { ...kept, ...snap };
    refreshed.noteRead(id, props, now);
    return { id, props: now };
}
