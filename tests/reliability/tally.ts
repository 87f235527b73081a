/**
 * Counts what the reliability suites ran, for the summary printed at the end of `npm test` (and
 * the README's figures): fault cases by kind and source, faults the emulator injected, outcomes
 * (exact list, clear error, wrong result), property runs, secrets and places scanned.
 */

export type Outcome = "exact" | "sound" | "error" | "wrong";

interface CaseRecord {
    subject: string;
    kind: string;
    outcome: Outcome;
    faults: number;
}

const cases: CaseRecord[] = [];
const properties: Array<{ name: string; runs: number }> = [];
const secretScans: Array<{ secrets: number; places: number; bytes: number }> = [];
const notes: string[] = [];

export function recordCase(subject: string, kind: string, outcome: Outcome, faults: number): void {
    cases.push({ subject, kind, outcome, faults });
}

export function recordProperty(name: string, runs: number): void {
    properties.push({ name, runs });
}

export function recordSecretScan(secrets: number, places: number, bytes: number): void {
    secretScans.push({ secrets, places, bytes });
}

export function recordNote(line: string): void {
    notes.push(line);
}

/** The summary, as printed. */
export function summary(): string {
    if (cases.length + properties.length + secretScans.length === 0) return "";
    const lines: string[] = ["", "  reliability summary"];
    if (cases.length) {
        const subjects = [...new Set(cases.map((c) => c.subject))];
        const kinds = [...new Set(cases.map((c) => c.kind))];
        const count = (f: (c: CaseRecord) => boolean) => cases.filter(f).length;
        lines.push(`    fault cases: ${cases.length} (${subjects.join(", ")}); faults injected: ${cases.reduce((n, c) => n + c.faults, 0)}`);
        lines.push(
            `    outcomes: ${count((c) => c.outcome === "exact")} exact lists, ${count((c) => c.outcome === "sound")} sound lists of a list that changed while read, ` +
                `${count((c) => c.outcome === "error")} clear errors, ${count((c) => c.outcome === "wrong")} wrong results`,
        );
        const width = Math.max(...kinds.map((k) => k.length));
        const col = Math.max(...subjects.map((s) => s.length)) + 2;
        lines.push(`    ${"kind".padEnd(width)}  ${subjects.map((s) => s.padStart(col)).join("")}  ${"total".padStart(6)}`);
        for (const k of kinds) {
            const row = subjects.map((s) => String(count((c) => c.kind === k && c.subject === s)).padStart(col)).join("");
            lines.push(`    ${k.padEnd(width)}  ${row}  ${String(count((c) => c.kind === k)).padStart(6)}`);
        }
    }
    if (properties.length) {
        lines.push(`    properties: ${properties.length}, generated cases: ${properties.reduce((n, p) => n + p.runs, 0)}`);
    }
    if (secretScans.length) {
        const s = secretScans.reduce((a, b) => ({ secrets: Math.max(a.secrets, b.secrets), places: a.places + b.places, bytes: a.bytes + b.bytes }), {
            secrets: 0,
            places: 0,
            bytes: 0,
        });
        lines.push(`    secret scans: ${s.secrets} secret values, ${s.places} places, ${s.bytes} bytes scanned, 0 found`);
    }
    lines.push(...notes.map((n) => `    ${n}`));
    return lines.join("\n");
}
