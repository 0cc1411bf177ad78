// Plugs the real worker implementation into the `run` command: the Worker
// facade as the entity factory, and the embedded dev server plus the client
// for `--dev`. Kept apart from run.ts so the process layer depends only on
// its own contracts (EntityFactory, DevSupport) and tests can plug fakes.
import { Client, Connection } from "../client/index.ts";
import { createDevServer } from "../dev-server/server.ts";
import type { Platform } from "../platform/platform.ts";
import { createWorkerEntity } from "../worker/worker.ts";
import { provideRunDependencies } from "./commands/run.ts";

let devPlatform: Platform | undefined;

provideRunDependencies({
  entityFactory: createWorkerEntity,
  dev: {
    startServer(platform) {
      devPlatform = platform;
      return createDevServer({ platform, port: 0 });
    },
    async runExample({ connection, namespace, taskQueue }) {
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
