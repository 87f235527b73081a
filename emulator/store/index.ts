/**
 * The emulator's records: one {@link Collection} per API family (store/collection.ts: timelines
 * and snapshots), each completing seed rows by its own record spec (store/<api>.ts). Handlers
 * read it; it knows nothing of them.
 */
import type { SeedResult } from "../api";
import { generateRecords } from "../generate";
import {
    type BmUserCmdTask,
    type CphJobRecord,
    type GenerateResult,
    type GenerateSpec,
    type MpsTaskRecord,
    type Mutation,
    type MutationResult,
    type SeedData,
    STORE_IDS,
    type StoreId,
    type TatInvocationTask,
    type WorkspaceTaskRecord,
} from "../types";
import { bmSpec } from "./bm";
import { Collection } from "./collection";
import { cphSpec } from "./cph";
import { mpsSpec } from "./mps";
import { tatSpec } from "./tat";
import { workspaceSpec } from "./workspace";

/** The five stores of one emulator. */
export class Store {
    readonly tat = new Collection<TatInvocationTask>(tatSpec);
    readonly mps = new Collection<MpsTaskRecord>(mpsSpec);
    readonly bm = new Collection<BmUserCmdTask>(bmSpec);
    readonly cph = new Collection<CphJobRecord>(cphSpec);
    readonly workspace = new Collection<WorkspaceTaskRecord>(workspaceSpec);

    /** The store behind an API id (`bmLegacy` shares `bm`). */
    collection(api: StoreId | "bmLegacy"): Collection<unknown> {
        const id = api === "bmLegacy" ? "bm" : api;
        if (!STORE_IDS.includes(id)) throw new Error(`unknown store: ${String(api)}`);
        return this[id] as Collection<unknown>;
    }

    /** Record counts per store. */
    counts(): Record<StoreId, number> {
        return { tat: this.tat.size, mps: this.mps.size, bm: this.bm.size, cph: this.cph.size, workspace: this.workspace.size };
    }

    /** Empties every store. */
    clear(): void {
        for (const id of STORE_IDS) this.collection(id).clear();
    }

    /**
     * Adds seed rows (replacing records of the same id; with `replace`, first emptying the stores
     * `data` names), then runs its generator specs. Throws an Error naming an unknown key or a bad row.
     */
    seed(data: SeedData, nowMs: number, replace: boolean): SeedResult {
        if (!data || typeof data !== "object") throw new Error("seed data must be an object");
        const upserted = Object.fromEntries(STORE_IDS.map((s) => [s, 0])) as Record<StoreId, number>;
        for (const key of Object.keys(data)) {
            if (key !== "generate" && !STORE_IDS.includes(key as StoreId)) throw new Error(`unknown seed key: ${key}`);
        }
        for (const id of STORE_IDS) {
            const rows = data[id];
            if (rows === undefined) continue;
            if (!Array.isArray(rows)) throw new Error(`seed.${id} must be an array`);
            const collection = this.collection(id);
            if (replace) collection.clear();
            upserted[id] = collection.upsert(rows as Array<Record<string, unknown>>, nowMs).length;
        }
        const generated = data.generate ? this.generate(data.generate, nowMs) : [];
        return { upserted, generated };
    }

    /** Adds generated records (all specs are generated before any is stored). */
    generate(specs: readonly GenerateSpec[], nowMs: number): GenerateResult[] {
        const batches = specs.map((s) => ({ s, batch: generateRecords(s, nowMs) }));
        return batches.map(({ s, batch }) => {
            const collection = this.collection(batch.api);
            if (s.replace) collection.clear();
            const ids = collection.upsert(batch.records, nowMs);
            return { api: batch.api, count: ids.length, ids, groups: batch.groups };
        });
    }

    /** Inserts, removes or updates records, in order; counts what it did and the ids it did not find. */
    mutate(list: readonly Mutation[], nowMs: number): MutationResult {
        const out: MutationResult = { inserted: 0, removed: 0, updated: 0, missing: [] };
        for (const m of list) {
            const collection = this.collection(m.api);
            switch (m.op) {
                case "insert":
                    if (!Array.isArray(m.records)) throw new Error("insert needs records[]");
                    out.inserted += collection.upsert(m.records, nowMs).length;
                    break;
                case "remove": {
                    if (!Array.isArray(m.ids)) throw new Error("remove needs ids[]");
                    const r = collection.remove(m.ids);
                    out.removed += r.removed;
                    out.missing.push(...r.missing);
                    break;
                }
                case "update": {
                    if (!Array.isArray(m.ids)) throw new Error("update needs ids[]");
                    const r = collection.update(m.ids, m.patch, m.transitions, nowMs);
                    out.updated += r.updated;
                    out.missing.push(...r.missing);
                    break;
                }
                default:
                    throw new Error(`unknown mutation op: ${String((m as { op?: unknown }).op)}`);
            }
        }
        return out;
    }
}
