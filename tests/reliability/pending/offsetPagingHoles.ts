/**
 * KNOWN BUG, kept out of `npm test` until provider/paging.ts is fixed (this suite may not edit it).
 * Run it alone with:
 *
 *   npx mocha --no-config -r ts-node/register/transpile-only --extension ts --timeout 60000 --exit tests/reliability/pending/offsetPagingHoles.ts
 *
 * Offset paging reads page k at offset 100k. When records before that offset go away while as many
 * are added after it between two pages, the list's total does not change, no record shows up on two
 * pages and no page comes back short: so `readOffsetPaged` sees nothing, yet the record that slid
 * from page k+1 onto page k is read by neither. CPH (`readUntilShortPage`, no total) has the same
 * hole after a plain removal before the read position. The read returns a list with a hole and no
 * error. The fix proposed in the report: overlapping pages (each page re-reads the previous page's
 * last record, which must come back first), so that any shift at a page boundary is seen and the
 * list is read again.
 */
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../../emulator/server";
import type { Mutation } from "../../../emulator/types";
import { assertSoundList, NO_EMULATOR_RATE_LIMITS, quick, SUBJECTS, withoutClientRateLimits } from "../subjects";

describe("KNOWN BUG (paging.ts): offset paging misses a record when the list shifts between pages with the same total", function () {
    this.timeout(60_000);
    withoutClientRateLimits();
    let emu: Emulator;
    before(async () => {
        emu = await startEmulator({ port: 0, rateLimits: NO_EMULATOR_RATE_LIMITS });
    });
    after(() => emu.close());

    for (const s of SUBJECTS.filter((x) => x.paging !== "scroll")) {
        for (const page of [1, s.pages - 1]) {
            const label = s.paging === "untilShortPage" ? "one record removed before the read position" : "one record removed before the read position and one added after it";
            it(`${s.name}: ${label}, between pages ${page} and ${page + 1}`, async () => {
                emu.reset();
                s.fill(emu, 7);
                const before = await s.read(emu, quick());
                const ids = before.tasks.map(s.idOf);
                const mutation: Mutation[] = [{ api: s.store, op: "remove", ids: [ids[0]] }];
                if (s.paging !== "untilShortPage") mutation.push({ api: s.store, op: "insert", records: [s.tailRecord(s.newId(9))] });
                emu.addFault({ api: s.api, kind: "mutate", mutation, ...s.atPage(page) });
                const got = await s.read(emu, quick());
                assert.equal(emu.faults()[0].fired, 1, "the list changed during the read");
                emu.clearFaults();
                const after = await s.read(emu, quick());
                assertSoundList(s, got, before, after);
            });
        }
    }
});
