// sdk-core/evict_while_la_running_no_interference-16, -23 and -85: a local
// activity `delay` with a fast-growing retry policy, then a normal activity
// `delay`. The run also receives a signal it has no handler for.
import { proxyActivities, proxyLocalActivities } from "../../../src/workflow/index.ts";

interface Delay {
  delay(message: string): Promise<void>;
}

const local = proxyLocalActivities<Delay>({
  startToCloseTimeout: "20s",
  retry: { initialInterval: 0.015, backoffCoefficient: 1000, maximumInterval: 1500, maximumAttempts: 4 },
  localRetryThreshold: "1s",
});
const remote = proxyActivities<Delay>({ startToCloseTimeout: "20s" });

export async function evict_while_la_running_no_interference(): Promise<void> {
  await local.delay("hi");
  await remote.delay("hi!");
}
