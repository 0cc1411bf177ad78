// Entry of a workflow thread on Node (worker_threads).
import { AsyncLocalStorage } from "node:async_hooks";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort } from "node:worker_threads";
import type { ToThread } from "../../workflow/thread-protocol.ts";
import { serveWorkflowThread } from "../../workflow/thread-server.ts";

const port = parentPort;
if (port === null) throw new Error("workflow-thread.ts is a worker_threads entry; the workflow runtime spawns it");

serveWorkflowThread(
  {
    postMessage: (message) => port.postMessage(message),
    onMessage: (handler) => port.on("message", (message: ToThread) => handler(message)),
  },
  {
    createAsyncLocalStorage: <T>() => new AsyncLocalStorage<T>(),
    importModule: (path) => import(pathToFileURL(resolve(path)).href),
    // Workflow code's unhandled rejections fail its activation instead of ending the thread.
    onUnhandledRejection: (handler) => {
      const listener = (reason: unknown) => handler(reason);
      process.on("unhandledRejection", listener);
      return () => process.off("unhandledRejection", listener);
    },
  },
);
