// The official TypeScript SDK (client + worker) pointed at a Temporal
// server, for tests that use it as the judge. Node only: the official worker
// needs its native core. Other runtimes reach it through a Node child
// process (see child-runner.ts).
import { Client, Connection } from "@temporalio/client";
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from "@temporalio/worker";
import { fileURLToPath } from "node:url";

type WorkflowBundle = Awaited<ReturnType<typeof bundleWorkflowCode>>;

export interface OfficialEnvironment {
  readonly address: string;
  readonly namespace: string;
  readonly client: Client;
  /** Starts an official worker (with the shared workflow bundle unless one is given); stop it with `stop()`. */
  startWorker(options: OfficialWorkerOptions): Promise<RunningWorker>;
  close(): Promise<void>;
}

export type OfficialWorkerOptions = Omit<WorkerOptions, "connection" | "namespace" | "workflowsPath" | "workflowBundle"> & {
  workflowsPath?: string;
};

export interface RunningWorker {
  readonly worker: Worker;
  /** Graceful shutdown (the worker tells the server with ShutdownWorker), then waits for run() to end. */
  stop(): Promise<void>;
}

let runtimeInstalled = false;
const bundles = new Map<string, Promise<WorkflowBundle>>();

/** test/support/official/workflows.js, compiled beside this file. */
export const defaultWorkflowsPath: string = fileURLToPath(new URL("./workflows.js", import.meta.url));

/** Bundles a workflows module once per process (webpack takes seconds). */
export function workflowBundle(workflowsPath = defaultWorkflowsPath): Promise<WorkflowBundle> {
  let bundle = bundles.get(workflowsPath);
  if (bundle === undefined) {
    bundle = bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger("WARN") });
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}

export async function createOfficialEnvironment(address: string, namespace = "default"): Promise<OfficialEnvironment> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    Runtime.install({ logger: new DefaultLogger("ERROR") });
  }
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection, namespace });
  const workers = new Set<RunningWorker>();
  return {
    address,
    namespace,
    client,
    async startWorker(options) {
      const { workflowsPath, ...rest } = options;
      const worker = await Worker.create({
        ...rest,
        connection: nativeConnection,
        namespace,
        workflowBundle: await workflowBundle(workflowsPath),
      });
      const running = worker.run();
      let stopped: Promise<void> | undefined;
      const handle: RunningWorker = {
        worker,
        stop() {
          stopped ??= (async () => {
            if (worker.getState() === "RUNNING") worker.shutdown();
            await running;
            workers.delete(handle);
          })();
          return stopped;
        },
      };
      workers.add(handle);
      return handle;
    },
    async close() {
      await Promise.all([...workers].map((w) => w.stop().catch(() => undefined)));
      await nativeConnection.close();
      await connection.close();
    },
  };
}
