// Plugs the real worker implementation into the `run` command: the Worker
// facade as the entity factory, and the embedded dev server plus the client
// for `--dev`. Kept apart from run.ts so the process layer depends only on
// its own contracts (EntityFactory, DevSupport) and tests can plug fakes.
// The dev server and the client are imported only for `--dev`, so a plain
// `worker run` starts without loading them.
import type { Platform } from "../platform/platform.ts";
import { createWorkerEntity } from "../worker/worker.ts";
import { provideRunDependencies } from "./commands/run.ts";

let devPlatform: Platform | undefined;

provideRunDependencies({
  entityFactory: createWorkerEntity,
  dev: {
    async startServer(platform) {
      devPlatform = platform;
      const { createDevServer } = await import("../dev-server/server.ts");
      return createDevServer({ platform, port: 0 });
    },
    async runExample({ connection, namespace, taskQueue }) {
      const { Client, Connection } = await import("../client/index.ts");
      const clientConnection = Connection.lazy({
        address: connection.options.address,
        namespace,
        ...(devPlatform ? { platform: devPlatform } : {}),
      });
      try {
        const client = new Client({ connection: clientConnection, namespace });
        return await client.workflow.execute("greeting", {
          taskQueue,
          workflowId: `greeting-${Date.now()}`,
          args: ["World"],
        });
      } finally {
        await clientConnection.close();
      }
    },
  },
});
