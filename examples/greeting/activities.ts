// The activities of the greeting example. Activity code is ordinary code:
// it may do I/O, read the clock and fail; Temporal retries it.
import { activityInfo, log } from "temporal-edge-worker/activity";

export async function composeGreeting(greeting: string, name: string): Promise<string> {
  log.info("composing a greeting", { attempt: activityInfo().attempt });
  return `${greeting}, ${name}!`;
}
