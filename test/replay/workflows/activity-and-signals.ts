// sdk-python/test_replayer_event_tracing_alternate: an activity on another
// task queue, and two signals that arrive in the same task as its result.
import { condition, defineSignal, proxyActivities, setHandler } from "../../../src/workflow/index.ts";

export const dosig = defineSignal<[string]>("dosig");

export async function ActivityAndSignalsWhileWorkflowDown(activityTaskQueue: string): Promise<string[]> {
  const trace: string[] = [];
  let counter = 0;
  setHandler(dosig, (arg) => {
    trace.push(`sig-${arg}`);
    counter++;
  });
  const { say_hello } = proxyActivities<{ say_hello(name: string): Promise<string> }>({
    taskQueue: activityTaskQueue,
    startToCloseTimeout: "10s",
  });
  trace.push("act-start");
  const act = say_hello("Enchi").then(() => {
    counter++;
    trace.push("act-done");
  });
  await condition(() => counter >= 2);
  trace.push(`counter-${counter}`);
  await act;
  return trace;
}
