// sdk-typescript/otel_1_11_3 and otel_1_13_1: signal-with-start; local
// activity a, then the startSignal handler (local activity b) is
// registered, then local activity c.
import { defineSignal, proxyLocalActivities, setHandler } from "../../../src/workflow/index.ts";

export const startSignal = defineSignal("startSignal");

const { a, b, c } = proxyLocalActivities<{ a(): Promise<string>; b(): Promise<string>; c(): Promise<string> }>({ startToCloseTimeout: "1m" });

function signalStartOtel(tracedSignals: boolean) {
  return async (): Promise<string> => {
    const first = await a();
    setHandler(startSignal, async () => {
      // From 1.13 on, the official OpenTelemetry interceptor traces inbound
      // signals, which delays the handler by a turn: c is scheduled before b.
      if (tracedSignals) await Promise.resolve();
      await b();
    });
    return first + (await c());
  };
}

// Workflows as the two SDK releases ran them (both register as signalStartOtel).
export const recordedBy1_11 = { signalStartOtel: signalStartOtel(false) };
export const recordedBy1_13 = { signalStartOtel: signalStartOtel(true) };
