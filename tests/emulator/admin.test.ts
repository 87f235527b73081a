/**
 * The admin API refuses what a web page can send: a browser lets any site POST a `text/plain`,
 * form or multipart body to 127.0.0.1 without asking (a "simple" request), and such a POST could
 * re-seed or reset the emulator under a running test. Only `application/json` bodies are taken,
 * and no request that carries a foreign Origin (or a foreign Host: DNS rebinding) is answered.
 */
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator/server";
import { admin, rawRequest } from "./helpers";

describe("emulator: the admin API takes JSON from its own origin only", () => {
    let emu: Emulator;
    const seed = JSON.stringify({
        data: {
            mps: [
                { TaskId: "evil-1", Status: "FINISH" },
                { TaskId: "evil-2", Status: "FINISH" },
            ],
        },
        replace: true,
    });

    before(async () => {
        emu = await startEmulator({});
    });
    after(() => emu.close());
    beforeEach(() => {
        emu.reset(["data", "faults"]);
        emu.seed({ mps: [{ TaskId: "mine", Status: "FINISH" }] } as never);
    });

    /** The records the emulator holds, by API. */
    const records = () => emu.stats().records;

    it("answers 415 to a body that is not application/json, and changes nothing", async () => {
        const before = records();
        for (const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", undefined]) {
            const headers: Record<string, string> = type === undefined ? {} : { "Content-Type": type };
            const r = await rawRequest(emu, { method: "POST", path: "/_emulator/seed", headers, body: seed });
            assert.equal(r.status, 415, `Content-Type ${type}`);
            assert.match(JSON.parse(r.body).error, /application\/json/);
        }
        const reset = await rawRequest(emu, { method: "POST", path: "/_emulator/reset", headers: { "Content-Type": "text/plain" }, body: "{}" });
        assert.equal(reset.status, 415);
        assert.deepEqual(records(), before, "nothing was seeded or reset");
        assert.equal(emu.stats().records.mps, 1);
    });

    it("answers 403 to a request from another origin, and changes nothing", async () => {
        const before = records();
        for (const origin of ["http://evil.example", `http://evil.example:${emu.port}`, "null", `https://127.0.0.1:${emu.port}`, "http://127.0.0.1:1"]) {
            const json = { "Content-Type": "application/json", Origin: origin };
            const seeded = await rawRequest(emu, { method: "POST", path: "/_emulator/seed", headers: json, body: seed });
            assert.equal(seeded.status, 403, `Origin ${origin}`);
            assert.match(JSON.parse(seeded.body).error, /origin/i);
            assert.equal((await rawRequest(emu, { method: "POST", path: "/_emulator/reset", headers: { Origin: origin } })).status, 403);
            assert.equal((await rawRequest(emu, { method: "DELETE", path: "/_emulator/faults", headers: { Origin: origin } })).status, 403);
            assert.equal((await rawRequest(emu, { path: "/_emulator/credentials", headers: { Origin: origin } })).status, 403);
        }
        assert.deepEqual(records(), before);
    });

    it("answers 403 to a request for another host name (a DNS-rebound page is same-origin and sends no Origin on GET)", async () => {
        const r = await rawRequest(emu, { path: "/_emulator/credentials", headers: { Host: `evil.example:${emu.port}` } });
        assert.equal(r.status, 403);
        const seeded = await rawRequest(emu, {
            method: "POST",
            path: "/_emulator/seed",
            headers: { Host: `evil.example:${emu.port}`, "Content-Type": "application/json" },
            body: seed,
        });
        assert.equal(seeded.status, 403);
        assert.equal(emu.stats().records.mps, 1);
    });

    it("still serves its own clients: JSON bodies, its own origin, loopback host names, body-less calls", async () => {
        for (const origin of [emu.url, `http://localhost:${emu.port}`, undefined]) {
            const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8", ...(origin ? { Origin: origin } : {}) };
            const r = await rawRequest(emu, { method: "POST", path: "/_emulator/seed", headers, body: seed });
            assert.equal(r.status, 200, `Origin ${origin}: ${r.body}`);
        }
        assert.equal(emu.stats().records.mps, 2);
        for (const host of [`127.0.0.1:${emu.port}`, `localhost:${emu.port}`, `[::1]:${emu.port}`]) {
            assert.equal((await rawRequest(emu, { path: "/_emulator/health", headers: { Host: host } })).status, 200, `Host ${host}`);
        }
        // No body, no type: a reset from curl or a script.
        assert.equal((await rawRequest(emu, { method: "POST", path: "/_emulator/reset" })).status, 200);
        assert.equal(emu.stats().records.mps, 0);
        // The test helper, bench/run.ts and the reliability suites' fetch all send application/json.
        const viaFetch = await fetch(`${emu.url}/_emulator/seed`, { method: "POST", headers: { "content-type": "application/json" }, body: seed });
        assert.equal(viaFetch.status, 200);
        assert.equal((await admin(emu, "POST", "generate", { api: "mps", count: 3, seed: 1 })).status, 200);
        assert.equal(emu.stats().records.mps, 5);
    });

    it("the cloud APIs are not the admin API: a text/plain call there gets the cloud's own answer", async () => {
        const r = await rawRequest(emu, { method: "POST", path: "/", headers: { "Content-Type": "text/plain", Origin: "http://evil.example" }, body: "{}" });
        assert.notEqual(r.status, 415);
        assert.notEqual(r.status, 403);
    });
});
