// sdk-python/test_replayer_*_history and sdk-core/ends_empty_wft_complete:
// the Python SDK's replayer test workflow, one activity `say_hello`.
import { condition, defineSignal, proxyActivities, setHandler, sleep, workflowInfo } from "../../../src/workflow/index.ts";

const { say_hello } = proxyActivities<{ say_hello(name: string): Promise<string> }>({ scheduleToCloseTimeout: "60s" });

export const finish = defineSignal("finish");

interface SayHelloParams {
  name: string;
  should_wait?: boolean;
  should_error?: boolean;
  should_cause_nondeterminism?: boolean;
}

export async function SayHelloWorkflow(params: SayHelloParams): Promise<string> {
  let finished = false;
  setHandler(finish, () => {
    finished = true;
  });
  const result = await say_hello(params.name);
  if (params.should_wait) await condition(() => finished);
  if (params.should_error) throw new Error("Intentional error");
  // The nondeterminism the NEGATIVE history exists to catch: a timer only on replay.
  if (params.should_cause_nondeterminism && workflowInfo().unsafe.isReplaying) await sleep(100);
  return result;
}
