import { strict as assert } from "node:assert";
import { nounFor, plural, seconds } from "../../provider/words";

describe("words: counts and durations", () => {
    it("plural agrees the noun with the count", () => {
        assert.equal(plural(1, "task"), "1 task");
        assert.equal(plural(0, "task"), "0 tasks");
        assert.equal(plural(2, "machine"), "2 machines");
        assert.equal(plural(1, ["is", "are"]), "1 is");
        assert.equal(plural(3, ["failing task", "failing tasks"]), "3 failing tasks");
        assert.equal(
            plural(12_345, "page", (n) => n.toLocaleString("en-US")),
            "12,345 pages",
        );
        assert.equal(nounFor(1, ["was", "were"]), "was");
        assert.equal(nounFor(7, "desktop"), "desktops");
    });

    it("seconds: whole from 10 s up, one decimal below, never float noise", () => {
        const cases: Array<[number, string]> = [
            [600.0000001, "600 s"],
            [599.9999999, "600 s"],
            [12.345678, "12 s"],
            [9.96, "10 s"],
            [9.94, "9.9 s"],
            [2.345, "2.3 s"],
            [0.5, "0.5 s"],
            [0.04, "0 s"],
            [-0.01, "0 s"],
            [30, "30 s"],
            [86_400, "86400 s"],
            [0.1 + 0.2, "0.3 s"],
        ];
        for (const [s, words] of cases) assert.equal(seconds(s), words, String(s));
    });
});
