// Entry of a workflow thread on Deno (Web Worker). Deno cannot stop a thread
// spinning in JS (terminate() leaves it running), so each activation runs
// synchronously under node:vm's timeout, which does interrupt a loop, with
// microtasks flushed in place by Deno's core so that continuations after an
// `await` are inside the timeout too.
import { AsyncLocalStorage } from "node:async_hooks";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Script } from "node:vm";
import { serveWorkflowThread } from "../../workflow/thread-server.ts";
import { webThreadPort } from "../shared/workflow-thread-web.ts";

declare const Deno: { internal: symbol } & Record<symbol, { core?: { runMicrotasks?: () => void } } | undefined>;

const runMicrotasks = Deno[Deno.internal]?.core?.runMicrotasks;
const CALL = "__temporalEdgeWorkerGuarded";
const script = new Script(`globalThis.${CALL}()`);

function runWithTimeout(fn: () => void, timeoutMs: number): void {
  const g = globalThis as unknown as Record<string, (() => void) | undefined>;
  g[CALL] = fn;
  try {
    script.runInThisContext({ timeout: timeoutMs });
  } finally {
    g[CALL] = undefined;
  }
}

serveWorkflowThread(webThreadPort(), {
  createAsyncLocalStorage: <T>() => new AsyncLocalStorage<T>(),
  importModule: (path) => import(pathToFileURL(resolve(path)).href),
  // Without Deno's internal microtask flush (a future Deno), fall back to asynchronous drains and terminate().
  ...(runMicrotasks ? { flushMicrotasks: runMicrotasks, runWithTimeout } : {}),
});
