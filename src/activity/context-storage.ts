import type { AsyncLocalStore } from "../platform/platform.ts";
import type { Context } from "./context.ts";

// One store per process, shared by every activity worker, so that
// `Context.current()` (a free function with no worker at hand) can find the
// context of the activity it is called from. The worker installs it from its
// Platform; the core cannot create one itself (AsyncLocalStorage is node:*).
let store: AsyncLocalStore<Context> | undefined;

/** Installs the store on first use; later calls get the same store. */
export function installContextStorage(create: () => AsyncLocalStore<Context>): AsyncLocalStore<Context> {
  store ??= create();
  return store;
}

/** The context of the activity whose code is running, if any. */
export function currentContext(): Context | undefined {
  return store?.getStore();
}
