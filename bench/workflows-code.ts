// The workflow THIS worker runs in bench/workflows.ts: it waits for a signal
// that never comes, so every run stays in the worker's cache.
import { condition, defineSignal, setHandler } from "../src/workflow/index.ts";

export const release = defineSignal("release");

export async function waiter(): Promise<void> {
  let released = false;
  setHandler(release, () => {
    released = true;
  });
  await condition(() => released);
}
