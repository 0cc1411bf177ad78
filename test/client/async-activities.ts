// Activities for the async-completion tests, run by the official worker
// (Node only, since the official worker is).
import { activityInfo, CompleteAsyncError, heartbeat, sleep } from "@temporalio/activity";

/**
 * Hands its completion to whoever holds the task token: heartbeats the token
 * (so a client can read it from the workflow's pending activity), then
 * completes asynchronously.
 */
export async function completesLater(): Promise<never> {
  heartbeat(Array.from(activityInfo().taskToken));
  // Let the heartbeat reach the server before the worker forgets the activity.
  await sleep(300);
  throw new CompleteAsyncError();
}
