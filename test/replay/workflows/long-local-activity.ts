// sdk-core/long_local_activity_with_update-*: a local activity far longer
// than the workflow task timeout (the worker heartbeats the task) while
// updates arrive; each update handler counts (in -1, after a short timer).
import { defineUpdate, proxyLocalActivities, setHandler, sleep } from "../../../src/workflow/index.ts";

export const update = defineUpdate<void, [unknown]>("update");

const { delay } = proxyLocalActivities<{ delay(): Promise<void> }>({ startToCloseTimeout: "1m" });

async function longLocalActivityWithUpdate(withTimer: boolean): Promise<number> {
  let count = 0;
  setHandler(update, async () => {
    if (withTimer) await sleep(10);
    count++;
  });
  await delay();
  return count;
}

// The recorded workflow types are not identifiers, so the module is an object.
export const workflows = {
  "long_local_activity_with_update-0": () => longLocalActivityWithUpdate(false),
  "long_local_activity_with_update-1": () => longLocalActivityWithUpdate(true),
  "long_local_activity_with_update-2": () => longLocalActivityWithUpdate(false),
};
