import { strict as assert } from "node:assert";
import { BEIJING_OFFSET_MINUTES, decodeBase64, huaweiQueryTime, isoTime, num, str, bool, strList } from "../../provider/values";

describe("values: defensive readers", () => {
    it("reads numbers sent as strings (legacy BM counts) and rejects the rest", () => {
        assert.equal(num("1"), 1);
        assert.equal(num(" 12 "), 12);
        assert.equal(num("-1"), -1);
        assert.equal(num(3), 3);
        for (const bad of ["", "1e3x", "abc", null, undefined, {}, [], NaN, Infinity, true]) assert.equal(num(bad), undefined, String(bad));
    });

    it("treats empty strings as absent and renders numeric ids", () => {
        assert.equal(str(""), undefined);
        assert.equal(str("x"), "x");
        assert.equal(str(42), "42");
        assert.equal(str(null), undefined);
        assert.equal(str({}), undefined);
        assert.equal(bool("true"), true);
        assert.equal(bool(1), undefined);
        assert.deepEqual(strList(["a", 1, null, "", "b"]), ["a", "1", "b"]);
    });

    describe("isoTime", () => {
        it("converts zoned times to toISOString() form", () => {
            assert.equal(isoTime("2020-11-05T07:49:58+00:00"), "2020-11-05T07:49:58.000Z");
            assert.equal(isoTime("2018-12-27T13:57:15Z"), "2018-12-27T13:57:15.000Z");
            assert.equal(isoTime("2020-11-05T15:49:58+08:00"), "2020-11-05T07:49:58.000Z");
            assert.equal(isoTime("2020-11-05T15:49:58+0800"), "2020-11-05T07:49:58.000Z");
        });

        it("maps zero dates and empty strings to undefined (MPS sends 0000-00-00T00:00:00Z)", () => {
            for (const z of ["0000-00-00T00:00:00Z", "0000-00-00 00:00:00", "0000-00-00", "", "  ", null, undefined, 0]) {
                assert.equal(isoTime(z), undefined, String(z));
            }
        });

        it("reads the legacy BM API's zone-less local time as Beijing time (UTC+8)", () => {
            assert.equal(isoTime("2017-10-19 18:04:02", BEIJING_OFFSET_MINUTES), "2017-10-19T10:04:02.000Z");
            assert.equal(isoTime("2017-01-01 03:00:00", BEIJING_OFFSET_MINUTES), "2016-12-31T19:00:00.000Z");
        });

        it("reads zone-less times as UTC by default (Huawei documents UTC)", () => {
            assert.equal(isoTime("2017-10-25T00:00:30"), "2017-10-25T00:00:30.000Z");
        });

        it("never invents a date from garbage or impossible values", () => {
            for (const bad of ["yesterday", "2023-02-31 10:00:00", "2023-13-01 00:00:00", "2023-01-01 25:00:00", "1700000000", "2023-01-01T10:00:00+25:00x"]) {
                assert.equal(isoTime(bad), undefined, bad);
            }
        });
    });

    it("decodes base64 output to text, keeping invalid UTF-8 visible as U+FFFD", () => {
        assert.equal(decodeBase64("cm9vdAo="), "root\n");
        assert.equal(decodeBase64("d2hvYW1p"), "whoami");
        assert.equal(decodeBase64(Buffer.from([0xff, 0x41]).toString("base64")), "\ufffdA");
        assert.equal(decodeBase64(undefined), undefined);
    });

    it("formats Huawei query times without milliseconds", () => {
        assert.equal(huaweiQueryTime(new Date("2021-10-01T12:00:00.123Z")), "2021-10-01T12:00:00Z");
    });
});
