// sdk-dotnet multi-signal-order.pre-dotnet-flag: a local activity signals the
// workflow twice ("one", "two"); main waits until every handler finished and
// some signal arrived, and returns the signals seen. Both signals reach the
// workflow in one task: this runtime handles both before checking conditions
// (as the TypeScript SDK does) and returns ["one", "two"], while the .NET
// release that wrote the history returned ["one"]. Replay compares commands,
// not payloads, as sdk-core does, so the history still replays.
import { allHandlersFinished, condition, defineSignal, proxyLocalActivities, setHandler } from "../../../src/workflow/index.ts";

export const signal = defineSignal<[string]>("Signal");

const { SendTwoSignals } = proxyLocalActivities<{ SendTwoSignals(): Promise<void> }>({ startToCloseTimeout: "10s" });

export async function MultiSignalOrderWorkflow(): Promise<string[]> {
  const signals: string[] = [];
  setHandler(signal, async (value) => {
    signals.push(value);
  });
  await SendTwoSignals();
  await condition(() => allHandlersFinished() && signals.length > 0);
  return signals;
}
