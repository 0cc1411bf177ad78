// sdk-dotnet/replayer-test.*: the .NET SDK's replayer test workflow, one
// activity `SayHello`.
import { condition, defineSignal, proxyActivities, setHandler, sleep, workflowInfo } from "../../../src/workflow/index.ts";

const { SayHello } = proxyActivities<{ SayHello(name: string): Promise<string> }>({ scheduleToCloseTimeout: "1h" });

export const Finish = defineSignal("Finish");

interface SayHelloParams {
  Name: string;
  ShouldWait?: boolean;
  ShouldCauseNonDeterminism?: boolean;
}

export async function SayHelloWorkflow(params: SayHelloParams): Promise<string> {
  let finished = false;
  setHandler(Finish, () => {
    finished = true;
  });
  const result = await SayHello(params.Name);
  if (params.ShouldWait) await condition(() => finished);
  // The nondeterminism the NEGATIVE history exists to catch: a timer only on replay.
  if (params.ShouldCauseNonDeterminism && workflowInfo().unsafe.isReplaying) await sleep(1);
  return result;
}
