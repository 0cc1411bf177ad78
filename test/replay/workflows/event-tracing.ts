// sdk-python/test_replayer_event_tracing, _single_batch and
// _double_sig_at_start: the main function runs a 0.1 s timer and a say_hello
// activity side by side; a signal handler and an update handler trace their
// steps around yields. The traced order is Python's asyncio interleaving and
// is not compared here; the commands are.
import { condition, defineSignal, defineUpdate, proxyActivities, setHandler, sleep } from "../../../src/workflow/index.ts";

export const dosig = defineSignal<[string]>("dosig");
export const doupdate = defineUpdate<void, [string]>("doupdate");

const { say_hello } = proxyActivities<{ say_hello(name: string): Promise<string> }>({ scheduleToCloseTimeout: "30s" });

export async function SignalsActivitiesTimersUpdatesTracingWorkflow(): Promise<string[]> {
  const events: string[] = [];
  const traceAround = async (name: string) => {
    events.push(`${name}-sync`);
    await Promise.resolve(true);
    events.push(`${name}-1`);
    await condition(() => true);
    events.push(`${name}-2`);
  };
  setHandler(dosig, (name) => traceAround(`sig-${name}`));
  setHandler(doupdate, (name) => traceAround(`update-${name}`));
  const timer = async () => {
    events.push("timer-sync");
    await sleep(100);
    await Promise.resolve(true);
    events.push("timer-1");
    await condition(() => true);
    events.push("timer-2");
  };
  const activity = async () => {
    events.push("act-sync");
    await say_hello("Enchi");
    await Promise.resolve(true);
    events.push("act-1");
    await condition(() => true);
    events.push("act-2");
  };
  await Promise.all([timer(), activity()]);
  return events;
}
