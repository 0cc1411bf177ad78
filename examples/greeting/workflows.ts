// The greeting example workflow: one activity and a durable timer. Written
// against temporal-edge-worker/workflow exactly as against
// @temporalio/workflow; only the import path differs.
import { log, proxyActivities, sleep } from "temporal-edge-worker/workflow";
import type * as activities from "./activities.ts";

const { composeGreeting } = proxyActivities<typeof activities>({ startToCloseTimeout: "10 seconds" });

export async function greeting(name: string): Promise<string> {
  const text = await composeGreeting("Hello", name);
  // A durable timer: the worker could restart here and the workflow would carry on.
  await sleep("1 second");
  log.info("greeting ready", { name });
  return text;
}
