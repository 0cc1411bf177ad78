import type { Duration, Timestamp } from "@bufbuild/protobuf/wkt";
import type { Payload } from "../../gen/temporal/api/common/v1/message_pb.ts";
import type { Failure } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import type { ScheduleLocalActivity } from "../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";

/**
 * The boundary between the engine and whoever runs local activities (the
 * polling worker): the engine emits requests, the executor answers with
 * resolutions. See docs/replay.md, "Local activities".
 */
export type LocalActivityRequest =
  | {
      kind: "start";
      runId: string;
      workflowId: string;
      workflowType: string;
      /** The workflow code's command, as issued: seq, id, type, arguments, timeouts, retry policy, attempt. */
      command: ScheduleLocalActivity;
      /** When the first attempt was scheduled (kept across timer backoffs for schedule-to-close). */
      originalScheduleTime: Timestamp;
    }
  /** Stop a running attempt (or its local retries) and resolve it as cancelled. */
  | { kind: "cancel"; runId: string; seq: number }
  /** The run is ending: stop all its local activities, nothing will be recorded for them. */
  | { kind: "cancelAll"; runId: string };

/** How one local activity ended, as the executor reports it. */
export type LocalActivityOutcome =
  | { case: "completed"; result: Payload | undefined }
  | { case: "failed"; failure: Failure }
  | { case: "timedOut"; failure: Failure }
  | { case: "cancelled"; failure: Failure };

export interface LocalActivityResolution {
  seq: number;
  outcome: LocalActivityOutcome;
  /** The attempt that produced the outcome (local retries raise it). */
  attempt: number;
  /** Wall time the local activity took; workflow time advances by it, as in sdk-core. */
  runtimeMs: number;
  /**
   * Set when the next retry is further away than `localRetryThreshold`: the
   * workflow code then sleeps on a durable timer and schedules attempt + 1.
   */
  backoff?: Duration;
  /** Echoes the request's originalScheduleTime. */
  originalScheduleTime?: Timestamp;
}

/**
 * What `driveWorkflowTask` needs to run local activities for a workflow task.
 * The executor owns timeouts and local retries; the engine owns markers.
 */
export interface LocalActivitySink {
  /** Takes new requests of a run, in order (cancels before starts). */
  dispatch(requests: readonly LocalActivityRequest[]): void;
  /**
   * Waits for resolutions of this run's local activities; resolves with an
   * empty array once `deadlineMs` (epoch ms) passes without one, which makes
   * the task heartbeat (complete with forceCreateNewWorkflowTask).
   */
  waitForResolutions(runId: string, deadlineMs: number): Promise<LocalActivityResolution[]>;
}
