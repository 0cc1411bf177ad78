import { getActivator } from "./context.ts";
import { composeInterceptors } from "./interceptors.ts";

export type WorkflowLogLevel = "trace" | "debug" | "info" | "warn" | "error";

/** One `log.*` call of workflow code, handed to the worker's logger after the activation. */
export interface WorkflowLogRecord {
  level: WorkflowLogLevel;
  message: string;
  attributes: Record<string, unknown>;
  /** Lines written while replaying are dropped: they were logged when the history was first made. */
  replaying: boolean;
  /** Workflow time of the call. */
  timestampMs: number;
}

export interface WorkflowLogger {
  trace(message: string, attrs?: Record<string, unknown>): void;
  debug(message: string, attrs?: Record<string, unknown>): void;
  info(message: string, attrs?: Record<string, unknown>): void;
  warn(message: string, attrs?: Record<string, unknown>): void;
  error(message: string, attrs?: Record<string, unknown>): void;
}

function logAt(level: WorkflowLogLevel) {
  return (message: string, attrs?: Record<string, unknown>) => {
    const activator = getActivator("log");
    const { namespace, taskQueue, workflowId, runId, workflowType } = activator.info;
    // Outbound interceptors may add to (or change) the run's attributes, as in the official SDK.
    const runAttributes = composeInterceptors(activator.interceptors.outbound, "getLogAttributes", (a) => a)({
      namespace,
      taskQueue,
      workflowId,
      runId,
      workflowType,
    });
    activator.log(level, message, { sdkComponent: "workflow", ...runAttributes, ...attrs });
  };
}

/**
 * The workflow logger, as @temporalio/workflow's `log`: lines go to the
 * worker's logger with the run's identifiers, and are silent during replay.
 */
export const log: WorkflowLogger = {
  trace: logAt("trace"),
  debug: logAt("debug"),
  info: logAt("info"),
  warn: logAt("warn"),
  error: logAt("error"),
};
