// bench/workflows-code.ts for the OFFICIAL worker: the same body, importing @temporalio/workflow.
import { condition, defineSignal, setHandler } from "@temporalio/workflow";

export const release = defineSignal("release");

export async function waiter(): Promise<void> {
  let released = false;
  setHandler(release, () => {
    released = true;
  });
  await condition(() => released);
}
