import { strict as assert } from "node:assert";
import { once } from "node:events";
import * as net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { EMULATOR_CREDENTIALS, startEmulator, type Emulator } from "../../emulator/server";
import { watchEngine } from "../../provider/dynamic/engineWatch";
import { TaskgateReadError } from "../../provider/errors";
import * as gate from "../../provider/dynamic/gateRuntime";
import { resolveRequirements, resolveWait } from "../../provider/gateRules";
import { recordingLogger } from "./helpers";

/*
 * A waiting gate stops when the engine that started it is gone. The engine is played by a TCP
 * server on 127.0.0.1 (what the watch probes is only whether the engine's address still accepts
 * connections); the gate reads the emulator.
 */

/** A stand-in engine: a listening socket that counts the probes it accepts. */
async function standInEngine(): Promise<{ address: string; probes(): number; close(): Promise<void> }> {
    let probes = 0;
    const server = net.createServer((socket) => {
        probes++;
        socket.destroy();
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as net.AddressInfo;
    return {
        address: `127.0.0.1:${port}`,
        probes: () => probes,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}

describe("a waiting gate and the engine that started it", function () {
    this.timeout(60_000);

    it("outside Pulumi's dynamic-provider process there is no engine to watch", () => {
        assert.equal(watchEngine(), undefined);
    });

    it("while the engine listens nothing happens; once it is gone the wait is aborted, with a reason, and the process would end", async () => {
        const engine = await standInEngine();
        let gone = 0;
        const watch = watchEngine({ address: engine.address, periodMs: 50, onGone: () => gone++ })!;
        while (engine.probes() < 3) await sleep(20);
        assert.equal(watch.signal.aborted, false);
        assert.equal(gone, 0);
        await engine.close();
        await once(watch.signal, "abort");
        assert.match(
            String(watch.signal.reason),
            new RegExp(`the Pulumi engine that started this gate is gone \\(nothing listens at ${engine.address} any more\\); stopped waiting`),
        );
        // One of taskgate's errors, with the reason a program can tell apart.
        assert.ok(watch.signal.reason instanceof TaskgateReadError);
        assert.deepEqual([watch.signal.reason.code, watch.signal.reason.reason], ["TASKGATE_READ_FAILED", "aborted"]);
        assert.equal(gone, 1);
        watch.stop();
    });

    it("probes only while a gate waits: the last gate to stop ends them; the next one starts them again", async () => {
        const engine = await standInEngine();
        const options = { address: engine.address, periodMs: 30, onGone: () => assert.fail("the engine is there") };
        const first = watchEngine(options)!;
        const second = watchEngine(options)!;
        assert.equal(first.signal, second.signal, "one watch for every gate of the process");
        first.stop();
        const seen = engine.probes();
        while (engine.probes() < seen + 2) await sleep(10);
        second.stop();
        second.stop();
        await sleep(100);
        const after = engine.probes();
        await sleep(300);
        assert.equal(engine.probes(), after, "no gate waits: no probe");
        const third = watchEngine(options)!;
        while (engine.probes() === after) await sleep(10);
        third.stop();
        await engine.close();
    });

    describe("runGate", () => {
        let emu: Emulator;
        before(async () => {
            emu = await startEmulator({ port: 0 });
            const c = EMULATOR_CREDENTIALS.tencent;
            const config: Record<string, string> = {
                "tencentcloud:secretId": c.secretId,
                "tencentcloud:secretKey": c.secretKey,
                "tencentcloud:region": "ap-guangzhou",
                "taskgate:endpoint": emu.url,
            };
            gate.configure({ config: { get: (k: string) => config[k] } });
        });
        after(async () => {
            await emu?.close();
        });

        it("stops at once when its wait is aborted, and reads nothing more", async () => {
            emu.generate({ api: "tat", count: 3, seed: "abort", invocationId: "inv-abort001", statusMix: { RUNNING: 3 } });
            const controller = new AbortController();
            const log = recordingLogger();
            const waiting = gate.runGate(
                "tatInvocationTasks",
                { invocationId: "inv-abort001" },
                resolveRequirements({}),
                resolveWait({ timeoutSeconds: 600, pollIntervalSeconds: 0.2 }),
                log,
                'gate "x"',
                controller.signal,
            );
            while (emu.requests({ api: "tat" }).length < 3) await sleep(20);
            const reason = new Error("the engine is gone");
            controller.abort(reason);
            await assert.rejects(waiting, (e) => e === reason);
            const reads = emu.requests({ api: "tat" }).length;
            await sleep(600);
            assert.equal(emu.requests({ api: "tat" }).length, reads, "no poll after the abort");
        });
    });
});
