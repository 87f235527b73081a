/**
 * Scripted fault plans. Rules are checked in the order they were added; the first rule that
 * matches the request and still has shots fires. A rule with `skip: n` lets its first n
 * matching requests through (they still count as `seen`), which is how a test breaks "the
 * third page" of a read.
 *
 * Faults apply after authentication and rate limiting (see pipeline.ts), so they never mask
 * an auth failure or a genuine throttle.
 */
import { API_IDS, FAULT_EFFECT_FIELDS, FAULT_KINDS, type ApiId, type FaultEffect, type FaultKind, type FaultRule, type FaultState } from "../types";

interface ActiveRule extends FaultState {
    predicate?: (params: Record<string, unknown>) => boolean;
}

/** A fault that fired for one request. */
export interface FiredFault extends FaultEffect {
    id: string;
    kind: FaultKind;
}

/** The effect fields a rule sets, without the ones it leaves undefined (so a listed rule shows only what it was given). */
function effectOf(source: FaultEffect): FaultEffect {
    const out: Record<string, unknown> = {};
    for (const k of FAULT_EFFECT_FIELDS) if (source[k] !== undefined) out[k] = source[k];
    return out;
}

/** Throws if a rule is malformed (unknown api or kind, bad counts or status). */
export function validateFaultRule(rule: FaultRule): void {
    if (!rule || typeof rule !== "object") throw new Error("a fault rule must be an object");
    if (rule.api !== "*" && !API_IDS.includes(rule.api)) throw new Error(`unknown fault api: ${String(rule.api)}`);
    if (!FAULT_KINDS.includes(rule.kind)) throw new Error(`unknown fault kind: ${String(rule.kind)}`);
    if (rule.times !== undefined && !(Number.isInteger(rule.times) && (rule.times >= 1 || rule.times === -1))) {
        throw new Error("fault times must be a positive integer or -1 (every time)");
    }
    if (rule.skip !== undefined && !(Number.isInteger(rule.skip) && rule.skip >= 0)) throw new Error("fault skip must be >= 0");
    if (rule.kind === "http5xx" && rule.status !== undefined && !(rule.status >= 500 && rule.status <= 599)) {
        throw new Error("http5xx status must be 500-599");
    }
    if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 100 && rule.status <= 599)) {
        throw new Error("fault status must be an HTTP status");
    }
    if (rule.delayMs !== undefined && !(rule.delayMs >= 0)) throw new Error("fault delayMs must be >= 0");
    if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count >= 1)) throw new Error("fault count must be an integer >= 1");
    if (rule.bytes !== undefined && !(Number.isSafeInteger(rule.bytes) && rule.bytes >= 0)) throw new Error("fault bytes must be a whole number >= 0");
    if (rule.kind === "mutate" && (rule.mutation === undefined || rule.mutation === null || typeof rule.mutation !== "object")) {
        throw new Error("a mutate fault needs a mutation (or a list of them)");
    }
    if (rule.kind === "cloudError" && !(typeof rule.code === "string" && rule.code !== "" && typeof rule.message === "string")) {
        throw new Error("a cloudError fault needs a code (non-empty) and a message");
    }
    if (rule.match !== undefined && typeof rule.match !== "function" && (typeof rule.match !== "object" || rule.match === null)) {
        throw new Error("fault match must be an object of param values or a function");
    }
}

/** The fault plan of one emulator. */
export class FaultPlan {
    private rules: ActiveRule[] = [];
    private nextId = 1;

    /** Adds a rule; returns its id. */
    add(rule: FaultRule): string {
        validateFaultRule(rule);
        const id = `fault-${this.nextId++}`;
        const predicate = typeof rule.match === "function" ? rule.match : undefined;
        // The rule keeps its own copy of a mutation, whatever the caller does with theirs later.
        const effect = effectOf(rule);
        if (effect.mutation !== undefined) effect.mutation = structuredClone(effect.mutation);
        this.rules.push({
            id,
            api: rule.api,
            kind: rule.kind,
            times: rule.times ?? 1,
            skip: rule.skip ?? 0,
            match: typeof rule.match === "function" ? "predicate" : rule.match,
            ...effect,
            seen: 0,
            fired: 0,
            predicate,
        });
        return id;
    }

    /** Removes every rule (counters go with them). */
    clear(): void {
        this.rules = [];
    }

    /** The rules with their counters. */
    list(): FaultState[] {
        return this.rules.map(({ predicate: _p, ...state }) => state);
    }

    /** Consumes the fault for this request, if any rule fires. */
    take(api: ApiId, params: Record<string, unknown>): FiredFault | undefined {
        for (const rule of this.rules) {
            if (rule.api !== "*" && rule.api !== api) continue;
            if (rule.times !== -1 && rule.fired >= rule.times) continue;
            if (!matches(rule, params)) continue;
            rule.seen++;
            if (rule.seen <= rule.skip) continue;
            rule.fired++;
            return { id: rule.id, kind: rule.kind, ...effectOf(rule) };
        }
        return undefined;
    }
}

function matches(rule: ActiveRule, params: Record<string, unknown>): boolean {
    if (rule.predicate) {
        try {
            return rule.predicate(params);
        } catch {
            return false;
        }
    }
    if (!rule.match || rule.match === "predicate") return true;
    for (const [name, expected] of Object.entries(rule.match)) {
        const actual = params[name];
        if (actual === undefined || String(actual) !== String(expected)) return false;
    }
    return true;
}
