/**
 * The benchmark chart: wall time of a 10 000-task read per source and round-trip time, taskgate
 * beside the two baselines and the floor, on a log scale. Drawn as SVG and rendered to PNG with
 * resvg (prebuilt from npm, no native build).
 */
interface ChartRow {
    source: string;
    size: number;
    rttMs: number;
    impl: string;
    wallS: number;
    floorS: number;
}

const COLORS: Record<string, string> = { taskgate: "#2563eb", loop100: "#f59e0b", loop20: "#dc2626" };
const LABELS: Record<string, string> = { taskgate: "taskgate", loop100: "SDK loop, 100/page", loop20: "SDK loop, 20/page" };

export function chartSvg(rows: ChartRow[]): string | undefined {
    const sizes = [...new Set(rows.map((r) => r.size))];
    const size = sizes.includes(10_000) ? 10_000 : Math.max(...sizes);
    const data = rows.filter((r) => r.size === size);
    const groups = [...new Set(data.map((r) => `${r.source}|${r.rttMs}`))];
    if (groups.length === 0) return undefined;
    const impls = ["taskgate", "loop100", "loop20"].filter((i) => data.some((r) => r.impl === i));
    const W = 120 + groups.length * 110,
        H = 460,
        top = 60,
        bottom = 380,
        left = 80;
    const max = Math.max(...data.map((r) => r.wallS), 1);
    const decades = Math.ceil(Math.log10(max)) + 1;
    const y = (s: number) => bottom - ((Math.log10(Math.max(s, 0.1)) + 1) / decades) * (bottom - top);
    const parts: string[] = [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif" font-size="12">`,
        `<rect width="100%" height="100%" fill="white"/>`,
        `<text x="${left}" y="28" font-size="16" font-weight="bold">Reading ${size.toLocaleString("en")} tasks: wall time (log scale), taskgate vs official-SDK loops</text>`,
    ];
    for (let d = -1; d < decades; d++) {
        const v = 10 ** d;
        parts.push(
            `<line x1="${left}" x2="${W - 20}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/>`,
            `<text x="${left - 8}" y="${y(v) + 4}" text-anchor="end">${v < 1 ? v.toFixed(1) : v} s</text>`,
        );
    }
    groups.forEach((g, gi) => {
        const [source, rtt] = g.split("|");
        const x0 = left + 20 + gi * 110;
        impls.forEach((impl, ii) => {
            const r = data.find((d) => `${d.source}|${d.rttMs}` === g && d.impl === impl);
            if (!r) return;
            const x = x0 + ii * 26;
            parts.push(
                `<rect x="${x}" y="${y(r.wallS)}" width="22" height="${bottom - y(r.wallS)}" fill="${COLORS[impl]}"/>`,
                `<text x="${x + 11}" y="${y(r.wallS) - 4}" text-anchor="middle" font-size="9">${r.wallS < 10 ? r.wallS.toFixed(1) : r.wallS.toFixed(0)}</text>`,
            );
        });
        const floor = data.find((d) => `${d.source}|${d.rttMs}` === g)!.floorS;
        parts.push(
            `<line x1="${x0 - 4}" x2="${x0 + impls.length * 26}" y1="${y(floor)}" y2="${y(floor)}" stroke="black" stroke-dasharray="4 3"/>`,
            `<text x="${x0 + 36}" y="${bottom + 18}" text-anchor="middle" font-weight="bold">${source}</text>`,
            `<text x="${x0 + 36}" y="${bottom + 34}" text-anchor="middle">${rtt} ms RTT</text>`,
        );
    });
    impls.forEach((impl, i) => {
        parts.push(
            `<rect x="${left + i * 190}" y="${H - 30}" width="14" height="14" fill="${COLORS[impl]}"/>`,
            `<text x="${left + i * 190 + 20}" y="${H - 19}">${LABELS[impl]}</text>`,
        );
    });
    parts.push(
        `<line x1="${left + impls.length * 190}" x2="${left + impls.length * 190 + 24}" y1="${H - 23}" y2="${H - 23}" stroke="black" stroke-dasharray="4 3"/>`,
        `<text x="${left + impls.length * 190 + 30}" y="${H - 19}">floor</text>`,
        "</svg>",
    );
    return parts.join("\n");
}

/** The chart as PNG, or undefined when there is nothing to draw. */
export function renderChart(rows: ChartRow[]): Buffer | undefined {
    const svg = chartSvg(rows);
    if (!svg) return undefined;
    const { Resvg } = require("@resvg/resvg-js");
    return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" }, background: "white" }).render().asPng();
}
