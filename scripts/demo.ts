/**
 * `npm run demo`: the main job. Builds (or reuses) the offline Pulumi engine, starts the emulator,
 * runs `pulumi up` of the demo stack on a local backend, prints its outputs, then shows a failing
 * gate blocking its release, and cleans everything up.
 */
import { gateFailureMessage, openDemoStack } from "./demoStack";

const say = (line = "") => console.log(line);

async function main(): Promise<void> {
    say("taskgate demo: preparing the Pulumi engine (a `pulumi` 3.276+ on PATH, else built from Go modules on the first run: about 5 min)");
    const demo = await openDemoStack("demo", say);
    let failed = false;
    try {
        say(`emulator on ${demo.emu.url}; stack "${demo.stackName}" on a local file backend\n`);
        say("1. pulumi up: read the five task lists, run the migration, gate the frontend release on it");
        const up = await demo.stack.up({ color: "never", onOutput: (o) => process.stdout.write(indent(o)) });
        say(`\n   result: ${up.summary.result}; resources: ${JSON.stringify(up.summary.resourceChanges)}\n`);
        const outs = await demo.stack.outputs();
        say("   outputs:");
        for (const [k, v] of Object.entries(outs)) say(`     ${k}: ${v.secret ? "[secret]" : JSON.stringify(v.value)}`);

        say("\n2. pulumi up with demo:failingRollout: the payments migration fails on 20% of its hosts");
        await demo.stack.setConfig("demo:failingRollout", { value: "true" });
        try {
            await demo.stack.up({ color: "never" });
            failed = true;
            say("   UNEXPECTED: the failing gate let the update through");
        } catch (e) {
            const text = String((e as Error).message);
            // The gate's message whole; if the engine's text holds none, its end says why.
            const gateError = gateFailureMessage(text, "payments-gate") ?? text.split("\n").slice(-8);
            say("   pulumi up failed, as it should:");
            for (const l of gateError) say(`     ${l}`);
            const state = await demo.stack.exportStack();
            const names = (state.deployment.resources ?? []).map((r: { urn: string }) => r.urn.split("::").pop());
            say(`   resources in the stack now: ${names.filter((n: string | undefined) => n && n !== "demo" && !n.startsWith("default")).join(", ")}`);
            if (names.includes("payments")) {
                failed = true;
                say("   UNEXPECTED: the payments release was created");
            } else {
                say("   the payments release was not created: its gate blocked it.");
            }
        }

        say("\n3. pulumi destroy");
        await demo.stack.setConfig("demo:failingRollout", { value: "false" });
        const destroyed = await demo.stack.destroy({ color: "never" });
        say(`   result: ${destroyed.summary.result}; resources: ${JSON.stringify(destroyed.summary.resourceChanges)}`);
    } finally {
        await demo.close();
    }
    if (failed) process.exitCode = 1;
}

function indent(s: string): string {
    return s.replace(/^(?=.)/gm, "   | ");
}

main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
});
