// sdk-typescript/signal_workflow_1_13_1: start a child, then at once signal
// it and sleep 1 ms; return the child's result. Recorded with the 1.13.1
// OpenTelemetry interceptors (see otel-interceptors.ts), whose yield before a
// signal puts the timer first.
import { condition, defineSignal, setHandler, sleep, startChild } from "../../../src/workflow/index.ts";
export { interceptorsBefore1_13_2 as interceptors } from "./otel-interceptors.ts";

export const approveSignal = defineSignal("approve");

export async function topSecretGreetingChild(name: string): Promise<string> {
  let approved = false;
  setHandler(approveSignal, () => {
    approved = true;
  });
  await condition(() => approved);
  return `Hello ${name}`;
}

export async function topSecretGreeting(name: string): Promise<string> {
  const child = await startChild(topSecretGreetingChild, { args: [name] });
  await Promise.all([child.signal(approveSignal), sleep(1)]);
  return await child.result();
}
