// A child process of bench/workflows.ts: the dev server on a free port in a
// process of its own, until killed. Prints its address on the first line.
import { createDevServer } from "../src/dev-server/server.ts";
import { runtimePlatform } from "../test/support/platform.ts";

const server = await createDevServer({ platform: await runtimePlatform(), port: 0 });
console.log(server.address);
