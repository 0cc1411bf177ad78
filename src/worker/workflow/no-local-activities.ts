import { create } from "@bufbuild/protobuf";
import { WorkflowTaskFailedCause } from "../../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import { FailureSchema } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { LocalActivityResolution, LocalActivitySink } from "../../engine/local-activity-requests.ts";
import type { WorkflowTaskResult } from "../../engine/workflow-run.ts";

/**
 * Stands in for a local activity executor, which this worker does not have
 * yet: it notes the local activities a task asks to start, so the task can
 * be failed with a message that says so. Failing the task (rather than the
 * activity) records nothing in the history: the server retries the task,
 * and a worker that runs local activities can take the run over.
 * Local activities already recorded (markers) replay without it.
 */
export interface UnsupportedLocalActivities extends LocalActivitySink {
  /** The activity types the task asked to start. */
  readonly requested: string[];
  /** The task's answer: a failure naming the local activities when any was asked for (reported on attempt 1 only). */
  outcome(result: WorkflowTaskResult, attempt: number): WorkflowTaskResult;
}

export function rejectLocalActivities(): UnsupportedLocalActivities {
  const requested: string[] = [];
  return {
    requested,
    dispatch(requests) {
      for (const r of requests) if (r.kind === "start") requested.push(r.command.activityType);
    },
    async waitForResolutions(): Promise<LocalActivityResolution[]> {
      // Nothing will resolve: an empty answer makes the engine end the task now.
      return [];
    },
    outcome(result, attempt) {
      if (requested.length === 0 || result.kind === "failed") return result;
      const message =
        `local activities are not supported by this worker yet (the workflow asked for ${[...new Set(requested)].join(", ")}): ` +
        "use proxyActivities for them, or run this workflow type on a worker that runs local activities";
      return {
        kind: "failed",
        cause: WorkflowTaskFailedCause.WORKFLOW_WORKER_UNHANDLED_FAILURE,
        failure: create(FailureSchema, { message, source: "TypeScriptSDK" }),
        report: attempt <= 1,
        error: new Error(message),
      };
    },
  };
}
