// Sinks, as @temporalio/workflow's: workflow code calls
// `proxySinks<MySinks>().iface.fn(args)`, which only records the call; after
// the activation the worker runs the matching injected function (outside the
// workflow, with real I/O) — on the main thread when workflows run on
// threads. Calls made while replaying history are skipped unless the injected
// function says `callDuringReplay`.
import type { Logger } from "../logging/types.ts";
import { getActivator } from "./context.ts";
import type { WorkflowInfo } from "./info.ts";

/** A function workflow code may call on a sink; its result is not returned to the workflow. */
// biome-ignore lint/suspicious/noExplicitAny: sink arguments are the user's.
export type SinkFunction = (...args: any[]) => void;
export type Sink = Record<string, SinkFunction>;
export type Sinks = Record<string, Sink>;

/** One recorded call of a sink function. */
export interface SinkCall {
  ifaceName: string;
  fnName: string;
  args: unknown[];
  /** The run's info when the call was made. */
  workflowInfo: WorkflowInfo;
}

/** The worker-side implementation of one sink function. */
export interface InjectedSinkFunction<F extends SinkFunction> {
  fn(info: WorkflowInfo, ...args: Parameters<F>): void | Promise<void>;
  /** Also called for calls made while replaying history. Default false. */
  callDuringReplay?: boolean;
}

/** What the worker is given: the implementation of each sink function. */
export type InjectedSinks<T extends Sinks> = {
  [I in keyof T]: { [F in keyof T[I]]: InjectedSinkFunction<T[I][F]> };
};

/** The sinks as workflow code calls them: `const { logger } = proxySinks<MySinks>(); logger.info("hi")`. */
export function proxySinks<T extends Sinks>(): T {
  return new Proxy({} as T, {
    get(_, ifaceName) {
      return new Proxy(
        {},
        {
          get(_, fnName) {
            return (...args: unknown[]) => {
              const activator = getActivator("Sink functions");
              activator.sinkCalls.push({ ifaceName: String(ifaceName), fnName: String(fnName), args, workflowInfo: activator.info });
            };
          },
        },
      );
    },
  });
}

/**
 * Runs the injected functions of an activation's sink calls, in order. A
 * failing sink is logged, never thrown: it must not fail the workflow.
 */
export async function callSinks(sinks: InjectedSinks<Sinks> | undefined, calls: readonly SinkCall[], logger: Logger | undefined): Promise<void> {
  if (sinks === undefined) return;
  for (const call of calls) {
    const injected = sinks[call.ifaceName]?.[call.fnName];
    if (injected === undefined) {
      logger?.error("Workflow referenced an unregistered sink function", { ifaceName: call.ifaceName, fnName: call.fnName });
      continue;
    }
    if (call.workflowInfo.unsafe.isReplayingHistoryEvents && !injected.callDuringReplay) continue;
    try {
      await injected.fn(call.workflowInfo, ...call.args);
    } catch (error) {
      logger?.error("Sink function failed", { ifaceName: call.ifaceName, fnName: call.fnName, error: String(error), workflowId: call.workflowInfo.workflowId });
    }
  }
}
