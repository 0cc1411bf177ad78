// Entry of a workflow thread on Bun (Web Worker).
import { AsyncLocalStorage } from "node:async_hooks";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { serveWorkflowThread } from "../../workflow/thread-server.ts";
import { webThreadPort } from "../shared/workflow-thread-web.ts";

serveWorkflowThread(webThreadPort(), {
  createAsyncLocalStorage: <T>() => new AsyncLocalStorage<T>(),
  importModule: (path) => import(pathToFileURL(resolve(path)).href),
  // Workflow code's unhandled rejections fail its activation instead of ending the thread.
  onUnhandledRejection: (handler) => {
    const listener = (reason: unknown) => handler(reason);
    process.on("unhandledRejection", listener);
    return () => process.off("unhandledRejection", listener);
  },
});
