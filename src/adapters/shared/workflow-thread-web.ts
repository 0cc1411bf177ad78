// The thread side of a Web Worker workflow thread (Bun, Deno).
import type { FromThread, ThreadPort, ToThread } from "../../workflow/thread-protocol.ts";

interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
}

export function webThreadPort(): ThreadPort {
  const scope = globalThis as unknown as WorkerScope;
  return {
    postMessage: (message: FromThread) => scope.postMessage(message),
    onMessage: (handler) => scope.addEventListener("message", (event) => handler(event.data as ToThread)),
  };
}
