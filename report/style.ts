import type { Segment } from "./targetGroups";

/**
 * The report's look: one inline style sheet, system fonts only (nothing to download, so the page
 * reads the same offline and in a mail attachment), colours that print (`print-color-adjust`).
 */

/**
 * Colour and words of each segment (`short` where space is tight: cards, counts). Colour is never the only cue: every bar has its counts in
 * words beside it, and failing segments are also hatched, so red and green need not be told apart.
 */
export const SEGMENT_STYLE: Readonly<Record<Segment, { readonly cls: string; readonly colour: string; readonly word: string; readonly short: string }>> = {
    SUCCEEDED: { cls: "succeeded", colour: "#1a7f37", word: "succeeded", short: "succeeded" },
    FINISHED: { cls: "finished", colour: "#0a7f86", word: "finished (no outcome reported)", short: "finished" },
    SKIPPED: { cls: "skipped", colour: "#a8b1bb", word: "skipped", short: "skipped" },
    RUNNING: { cls: "running", colour: "#0969da", word: "running", short: "running" },
    PENDING: { cls: "pending", colour: "#b58407", word: "pending", short: "pending" },
    CANCELLED: { cls: "cancelled", colour: "#57606a", word: "cancelled", short: "cancelled" },
    TIMED_OUT: { cls: "timed-out", colour: "#d1560b", word: "timed out", short: "timed out" },
    FAILED: { cls: "failed", colour: "#cf222e", word: "failed", short: "failed" },
    UNKNOWN: { cls: "unknown", colour: "#8250df", word: "in an unknown state", short: "unknown" },
};

const segmentRules = Object.values(SEGMENT_STYLE)
    .map((s) => `.s-${s.cls}{background-color:${s.colour}}`)
    .join("\n");

/**
 * The style sheet. Segments are as wide as their share but never under 2 px, so one failure in
 * 10 000 still shows; they may shrink (flex's default), so the large ones give up those pixels
 * and no failure at the end of a bar is cut off.
 */
export const CSS = `
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--ok:#1a7f37;--bad:#cf222e;
--mono:ui-monospace,"SFMono-Regular","DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;color:var(--ink);background:#fff;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans","Liberation Sans",sans-serif}
main{max-width:1120px;margin:0 auto;padding:28px 32px 40px}
h1{font-size:26px;line-height:1.2;margin:2px 0 10px}
h2{font-size:17px;margin:0 0 4px}
section{margin-top:28px}
.eyebrow{font-size:12px;letter-spacing:.06em;text-transform:uppercase;color:var(--muted);margin:0}
.meta{color:var(--muted);margin:6px 0 0}
.hint{color:var(--muted);margin:0 0 12px}
.mono,code,td.id{font-family:var(--mono);font-size:12.5px}
dl.query{display:flex;flex-wrap:wrap;gap:6px;margin:0}
dl.query div{display:flex;border:1px solid var(--line);border-radius:6px;overflow:hidden}
dl.query dt{background:var(--soft);padding:2px 8px;color:var(--muted);border-right:1px solid var(--line)}
dl.query dd{margin:0;padding:2px 8px;font-family:var(--mono);font-size:12.5px;word-break:break-all}
.verdict{border:1px solid var(--line);border-left-width:8px;border-radius:8px;padding:14px 18px}
.verdict.passed{border-color:var(--ok);background:#dafbe1}
.verdict.failed{border-color:var(--bad);background:#ffebe9}
.verdict.none{background:var(--soft);color:var(--muted)}
.badge{display:inline-block;font-weight:700;font-size:20px;letter-spacing:.04em;margin-right:10px}
.passed .badge{color:var(--ok)}.failed .badge{color:var(--bad)}
.verdict p{margin:4px 0}
.verdict ul{margin:6px 0 0;padding:0;list-style:none}
.verdict .k{display:inline-block;min-width:5.5em;color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(132px,1fr));gap:10px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 12px;break-inside:avoid}
.card .n{display:block;font-size:24px;font-weight:650;line-height:1.15}
.card .l{display:flex;align-items:center;gap:6px;color:var(--muted)}
.card .p{font-size:12px;color:var(--muted)}
.card.total{background:var(--soft)}
.targets{margin:0 0 12px}
.sw{display:inline-block;width:11px;height:11px;border-radius:3px;flex:none;vertical-align:-1px}
.bar{display:flex;height:18px;border-radius:4px;overflow:hidden;background:#eaeef2;min-width:0}
.bar.big{height:28px;border-radius:6px}
.seg{display:block;height:100%;min-width:2px}
.seg+.seg{box-shadow:inset 1px 0 0 rgba(255,255,255,.7)}
.s-failed,.s-timed-out,.s-cancelled,.s-unknown{background-image:repeating-linear-gradient(135deg,rgba(255,255,255,.32) 0 2px,transparent 2px 7px)}
${segmentRules}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:8px 0 0;padding:0;list-style:none;color:var(--muted)}
.legend li{display:flex;align-items:center;gap:6px}
.groups{display:grid;grid-template-columns:minmax(160px,300px) minmax(200px,1fr) minmax(150px,260px);gap:7px 14px;align-items:center;margin-top:10px}
.groups .g{font-family:var(--mono);font-size:12.5px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.groups .c{font-size:12.5px;color:var(--muted)}
.groups .c b{color:var(--bad);font-weight:600}
.groups .others{color:var(--muted);font-style:italic}
.groups .gh{font-size:12px;color:var(--muted);border-bottom:1px solid var(--line);padding-bottom:3px}
table{border-collapse:collapse;width:100%;margin-top:8px;font-size:13px}
th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid var(--line);unicode-bidi:isolate}
th{background:var(--soft);font-weight:600;position:sticky;top:0}
td.msg{white-space:pre-wrap;word-break:break-word;max-width:420px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tfoot td{color:var(--muted);font-style:italic;border-bottom:0}
.state{display:inline-flex;align-items:center;gap:5px;white-space:nowrap}
.empty{color:var(--muted);font-style:italic}
details{margin-top:28px;border:1px solid var(--line);border-radius:8px;padding:8px 14px}
details>summary{cursor:pointer;font-weight:600}
footer{margin-top:32px;padding-top:12px;border-top:1px solid var(--line);color:var(--muted);font-size:12px}
footer details{border:0;padding:0;margin-top:6px}
footer ol{columns:2;font-family:var(--mono);font-size:11.5px}
@media (max-width:720px){main{padding:18px 14px}.tablewrap{overflow-x:auto}th{position:static}.groups{grid-template-columns:1fr;gap:3px}.groups .gh{display:none}.groups .c{margin-bottom:8px}}
@media print{main{padding:0;max-width:none}section,tr,.groups>*{break-inside:avoid}thead{display:table-header-group}th{position:static}}
`;
