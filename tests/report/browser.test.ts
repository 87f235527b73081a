/**
 * The HTML report as a reader sees it: rendered from emulator reads, written to a file, opened in
 * headless Debian Chromium (playwright-core drives the system browser; nothing is downloaded).
 * A missing browser fails the suite: skipping would hide that the page was never looked at.
 */
import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { SOURCE_KINDS } from "../../provider/sources";
import type { GateRequirements } from "../../provider/gateRules";
import { num } from "../../report/html";
import { renderHtmlReport } from "../../report/htmlReport";
import { SEGMENT_STYLE } from "../../report/style";
import { useEmulator } from "../integration/helpers";
import { everySource, HOSTILE, tatRollout } from "./fixtures";

/** The browser: CHROMIUM_PATH when set, else Debian's package. */
function findChromium(): string {
    const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium"].filter((p): p is string => !!p);
    const found = candidates.find((p) => existsSync(p));
    if (!found) {
        throw new Error(
            `headless Chromium is needed for the report tests and was not found (looked at ${candidates.join(", ")}): ` +
                "run `apt-get install chromium` (as .ci/run does), or set CHROMIUM_PATH to a Chromium binary",
        );
    }
    return found;
}

/** The full-page screenshot of the TAT rollout report, kept for people to look at. */
const SCREENSHOT = join(tmpdir(), "taskgate-report.png");

interface BarMeasure {
    total: number;
    width: number;
    segs: Array<{ state: string; count: number; width: number; colour: string }>;
}

/** Every bar's total and width, and each segment's count, width and colour, as laid out. */
const MEASURE_BARS = `[...document.querySelectorAll(".bar")].map((b) => ({
    total: Number(b.dataset.total), width: b.getBoundingClientRect().width,
    segs: [...b.querySelectorAll(".seg")].map((s) => ({ state: s.dataset.state, count: Number(s.dataset.count),
        width: s.getBoundingClientRect().width, colour: getComputedStyle(s).backgroundColor })),
}))`;

const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;

describe("report: the HTML page in headless Chromium", function () {
    this.timeout(180_000);
    const ctx = useEmulator();
    let browser: Browser;
    let dir: string;

    before(async () => {
        browser = await chromium.launch({ executablePath: findChromium() });
        dir = mkdtempSync(join(tmpdir(), "taskgate-report-"));
    });
    after(async () => {
        await browser?.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** Writes the page to a file and opens it, recording every request and every error the page makes. */
    async function open(html: string, name: string, width = 1200) {
        const file = join(dir, `${name}.html`);
        writeFileSync(file, html);
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        const requests: string[] = [];
        const problems: string[] = [];
        page.on("request", (r) => requests.push(r.url()));
        page.on("console", (m) => {
            if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
        });
        page.on("pageerror", (e) => problems.push(e.message));
        const url = pathToFileURL(file).href;
        const started = Date.now();
        await page.goto(url, { waitUntil: "load" });
        const loadMs = Date.now() - started;
        return { page, url, loadMs, problems, external: () => requests.filter((r) => r !== url) };
    }

    /** Asserts that every segment is as wide as its share of its bar (2 px at least, so one failure in 10 000 still shows). */
    async function assertProportional(page: Page, label: string) {
        const measured = (await page.evaluate(MEASURE_BARS)) as BarMeasure[];
        assert.ok(measured.length > 0, `${label}: bars drawn`);
        for (const bar of measured) {
            assert.equal(
                bar.segs.reduce((a, s) => a + s.count, 0),
                bar.total,
                `${label}: segments add up`,
            );
            if (bar.total === 0) continue;
            assert.ok(Math.abs(bar.segs.reduce((a, s) => a + s.width, 0) - bar.width) < 1, `${label}: segments fill the bar`);
            const tiny = bar.segs.filter((s) => (s.count / bar.total) * bar.width < 2).length;
            for (const s of bar.segs) {
                const expected = (s.count / bar.total) * bar.width;
                if (expected < 2) assert.ok(s.width >= 1.99, `${label}: a ${s.state} segment of ${s.count} stays visible (${s.width}px)`);
                // Each tiny segment held at 2 px takes at most 2 px from the others.
                else
                    assert.ok(
                        Math.abs(s.width - expected) <= 0.75 + 2 * tiny,
                        `${label}: ${s.state} ${s.count}/${bar.total} is ${s.width}px, expected ${expected.toFixed(1)}px`,
                    );
                assert.equal(s.colour, rgb(SEGMENT_STYLE[s.state as keyof typeof SEGMENT_STYLE].colour), `${label}: ${s.state} has its colour`);
            }
        }
        return measured;
    }

    it("counts requests: a control page with an image makes one (so zero below means zero)", async () => {
        const { page, external } = await open(`<!DOCTYPE html><img src="http://127.0.0.1:9/x.png">`, "control");
        assert.deepEqual(external(), ["http://127.0.0.1:9/x.png"]);
        await page.close();
    });

    it("shows the verdict, counts and errors of a failed TAT rollout, with bars to scale, nothing loaded and no script run", async () => {
        const r = await tatRollout(ctx.emu, 1200, { SUCCESS: 1130, FAILED: 30, TIMEOUT: 10, RUNNING: 30 }, 1200);
        const require: GateRequirements = { minSuccessRatio: 0.95, maxFailed: 2 };
        const html = renderHtmlReport({ kind: r.kind, result: r.result, query: r.query, require, generatedAt: new Date("2025-06-01T12:00:00Z") });
        const { page, external, problems } = await open(html, "tat");
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
        console.log(`      screenshot: ${SCREENSHOT}`);

        // The verdict and the gate's reasons, visible.
        assert.equal(await page.locator(".verdict .badge").innerText(), "✗ FAILED");
        assert.ok(await page.getByText("41 tasks failed, timed out or were cancelled; at most 2 allowed").isVisible());
        assert.ok(await page.getByText("94.0% of 1201 tasks succeeded; at least 95.0% required").isVisible());
        assert.match(await page.title(), /^FAILED: TAT invocation tasks/);
        // The counts, as the summary has them.
        const s = r.result.summary;
        for (const [cls, n] of [
            ["total", s.total],
            ["c-succeeded", s.succeeded],
            ["c-failed", s.failed],
            ["c-timed-out", s.timedOut],
            ["c-running", s.running],
        ] as const) {
            assert.equal(await page.locator(`.card.${cls} .n`).innerText(), num(n), cls);
        }
        assert.deepEqual([s.total, s.succeeded, s.failed, s.timedOut, s.running], [1201, 1130, 31, 10, 30]);
        // A failing task's error, in the failing-tasks table.
        const timedOut = page.locator("table.failing tr", { hasText: "command timed out" }).first();
        assert.ok(await timedOut.isVisible());
        assert.match(await timedOut.innerText(), /invt-\w+\s+ins-\w+\s+TIMED_OUT\s+TIMEOUT\s+command timed out\s+-1/);
        // The hostile message is shown as text, and nothing in it ran or loaded.
        assert.equal(await page.locator("table.failing tr", { hasText: "ins-hostile0" }).locator("td.msg").innerText(), HOSTILE);
        assert.equal(await page.evaluate("typeof window.__pwned"), "undefined", "the injected script did not run");
        assert.equal(await page.evaluate("document.scripts.length + document.images.length"), 0);
        assert.deepEqual(external(), [], "the page loads nothing");
        assert.deepEqual(problems, [], "no console errors (a CSP violation would be one)");
        // Bars to scale; the page fits its width; the full table stays folded until asked for.
        const measured = await assertProportional(page, "tat");
        assert.equal(measured.length, 1 + 12 + 1, "overall, 12 instances, others");
        assert.ok(((await page.evaluate("document.documentElement.scrollWidth")) as number) <= 1200, "no horizontal scrolling");
        assert.equal(await page.locator("table.all").isVisible(), false);
        await page.locator("details > summary", { hasText: "All 1,201 tasks" }).click();
        assert.equal(await page.locator("table.all").isVisible(), true);

        const png = readFileSync(SCREENSHOT);
        assert.equal(png.subarray(1, 4).toString(), "PNG");
        assert.equal(png.readUInt32BE(16), 1200, "screenshot width");
        assert.ok(png.readUInt32BE(20) > 1500, "a full-page screenshot, taller than the viewport");
        await page.close();
    });

    it("renders every source kind, to scale, offline, on a wide and a narrow screen", async () => {
        const reads = await everySource(ctx.emu);
        for (const kind of SOURCE_KINDS) {
            const html = renderHtmlReport({ kind, result: reads[kind].result, query: reads[kind].query, generatedAt: new Date() });
            for (const width of [1200, 420]) {
                const { page, external, problems } = await open(html, `${kind}-${width}`, width);
                assert.ok(await page.locator("h1").isVisible(), kind);
                assert.equal(await page.locator(".verdict").innerText(), "No requirements were given, so this report carries no verdict.");
                await assertProportional(page, `${kind} at ${width}px`);
                assert.deepEqual(external(), [], kind);
                assert.deepEqual(problems, [], kind);
                assert.ok(
                    ((await page.evaluate("document.documentElement.scrollWidth")) as number) <= width,
                    `${kind}: fits ${width}px without scrolling sideways`,
                );
                await page.close();
            }
        }
    });

    it("prints: the colours are kept and the PDF has the report", async () => {
        const r = await tatRollout(ctx.emu, 10, { SUCCESS: 9, FAILED: 1 });
        const { page } = await open(
            renderHtmlReport({ kind: r.kind, result: r.result, query: r.query, require: { maxFailed: 0 }, generatedAt: new Date() }),
            "print",
        );
        await page.emulateMedia({ media: "print" });
        assert.equal(await page.evaluate(`getComputedStyle(document.documentElement).printColorAdjust`), "exact");
        assert.equal(await page.evaluate(`getComputedStyle(document.querySelector(".seg.s-failed")).backgroundColor`), rgb(SEGMENT_STYLE.FAILED.colour));
        const pdf = await page.pdf({ format: "A4", printBackground: false });
        assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
        assert.ok(pdf.length > 10_000, `a PDF with content (${pdf.length} bytes)`);
        await page.close();
    });

    it("stays small and quick at 10, 1 000 and 10 000 tasks", async () => {
        const rows: string[] = [];
        for (const n of [10, 1000, 10_000]) {
            ctx.emu.reset(["data"]);
            const r = await tatRollout(ctx.emu, n, { SUCCESS: 95, FAILED: 4, TIMEOUT: 1 }, n);
            const t0 = process.hrtime.bigint();
            const html = renderHtmlReport({ kind: r.kind, result: r.result, query: r.query, require: { minSuccessRatio: 0.95 }, generatedAt: new Date() });
            const renderMs = Number(process.hrtime.bigint() - t0) / 1e6;
            const { page, loadMs, external } = await open(html, `size-${n}`);
            const paintStarted = Date.now();
            await page.screenshot({ path: join(dir, `size-${n}.png`), fullPage: true });
            const screenshotMs = Date.now() - paintStarted;
            const bytes = Buffer.byteLength(html);
            rows.push(
                `${num(n + 1).padStart(7)} tasks: ${num(bytes).padStart(9)} bytes, rendered in ${renderMs.toFixed(0)} ms, loaded by Chromium in ${loadMs} ms, full-page screenshot ${screenshotMs} ms`,
            );
            assert.deepEqual(external(), []);
            assert.ok(bytes < 1_000_000, `${n} tasks: ${bytes} bytes`);
            assert.ok((await page.locator(".card.total .n").innerText()) === num(n + 1));
            await page.close();
        }
        console.log(rows.map((l) => `      ${l}`).join("\n"));
    });
});
