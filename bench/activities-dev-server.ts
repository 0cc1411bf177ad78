// A child process of the activity benchmark: this project's dev server on a
// free port, until SIGTERM, in its own process so that neither worker shares
// an event loop with it. Prints its address on the first line.
//   node dist/bench/activities-dev-server.js
import process from "node:process";
import { createDevServer } from "../src/dev-server/server.ts";
import { runtimePlatform } from "../test/support/platform.ts";

const server = await createDevServer({ platform: await runtimePlatform(), port: 0 });
process.once("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
process.stdout.write(`${server.address}\n`);
