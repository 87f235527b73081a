import * as grpc from "@grpc/grpc-js";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { useEngine } from "../dynamic/engineLog";
import { watchEngine } from "../dynamic/engineWatch";
import { TaskgateProvider } from "./server";

/**
 * `pulumi-resource-taskgate <engine address>`: taskgate's Pulumi resource provider plugin, for
 * Python, Go, YAML and other non-TypeScript stacks. The engine starts it, reads the port it
 * listens on from the first line of its stdout, and talks to it over gRPC. Logs go to the
 * engine (progress lines, attached to the resource) or to stderr: stdout carries the port alone.
 */

/** Pulumi's own limit on one message (its SDK's `grpcChannelOptions`): a big task list fits. */
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

/** The engine's address from the plugin's arguments, the flags Pulumi adds (`--logtostderr`, `-v=9`, `--tracing <url>`) passed over. */
export function engineAddressOf(argv: readonly string[]): string | undefined {
    const positional: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--tracing") i++;
        else if (!argv[i].startsWith("-")) positional.push(argv[i]);
    }
    return positional[0];
}

async function main(argv: readonly string[]): Promise<void> {
    const engine = engineAddressOf(argv);
    if (!engine) {
        console.error("pulumi-resource-taskgate: the Pulumi engine starts this plugin with its address (host:port) as the first argument");
        process.exit(2);
    }
    // Anything a library prints must not reach stdout, where the engine reads the port.
    console.log = console.error;
    console.info = console.error;
    useEngine(engine);
    const server = new grpc.Server({ "grpc.max_receive_message_length": MAX_MESSAGE_BYTES });
    server.addService(ResourceProviderService, new TaskgateProvider().service);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    process.stdout.write(`${port}\n`);
    const stop = () => {
        server.tryShutdown(() => process.exit(0));
        setTimeout(() => process.exit(0), 2000).unref();
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    // Held for the process's life: when the engine is gone (killed without stopping its plugins),
    // running waits abort and the plugin exits, as Pulumi's own plugins do.
    watchEngine({ address: engine, onGone: () => process.exit(0) });
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((e) => {
        console.error(`pulumi-resource-taskgate: ${e instanceof Error ? e.message : e}`);
        process.exit(1);
    });
}
