// A small builder for sdk-core-shaped activations, so runtime tests feed
// exactly what the engine would and assert the commands that come back.
import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Failure } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import { FailureSchema } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import {
  type WorkflowActivation,
  type WorkflowActivationJob,
  WorkflowActivationSchema,
} from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { WorkflowCommand } from "../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import type { WorkflowActivationCompletion } from "../../gen/temporal/sdk/core/workflow_completion/workflow_completion_pb.ts";
import { defaultPayloadConverter } from "../../src/converter/payload-converters.ts";

type JobInit = WorkflowActivationJob["variant"];
type JobCase = NonNullable<JobInit["case"]>;

export const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

export function payload(value: unknown) {
  return defaultPayloadConverter.toPayload(value);
}

export function fromPayload(p: Parameters<typeof defaultPayloadConverter.fromPayload>[0] | undefined): unknown {
  return p === undefined ? undefined : defaultPayloadConverter.fromPayload(p);
}

/** Builds the activations of one run, with a clock that advances 1 s per activation. */
export function runBuilder(workflowType: string, options: { runId?: string; seed?: bigint; args?: unknown[] } = {}) {
  const runId = options.runId ?? `run-${workflowType}-${Math.floor(Math.random() * 1e9)}`;
  let clock = T0;
  let replaying = false;
  const activation = (
    variants: unknown[],
    extra: { isReplaying?: boolean; flags?: number[]; timestampMs?: number; buildId?: string; lastSdkVersion?: string } = {},
  ): WorkflowActivation => {
    const ts = extra.timestampMs ?? clock;
    clock = ts + 1000;
    return create(WorkflowActivationSchema, {
      runId,
      timestamp: timestampFromMs(ts),
      isReplaying: extra.isReplaying ?? replaying,
      historyLength: 3,
      availableInternalFlags: extra.flags ?? [],
      lastSdkVersion: extra.lastSdkVersion ?? "",
      ...(extra.buildId === undefined ? {} : { deploymentVersionForCurrentTask: { buildId: extra.buildId } }),
      jobs: variants.map((variant) => ({ variant })) as never,
    });
  };
  const job = <C extends JobCase>(c: C, value: Record<string, unknown> = {}) => ({ case: c, value });
  return {
    runId,
    setReplaying(v: boolean) {
      replaying = v;
    },
    get now() {
      return clock;
    },
    activation,
    start(extra?: Parameters<typeof activation>[1]) {
      return activation(
        [
          job("initializeWorkflow", {
            workflowType,
            workflowId: `wf-${runId}`,
            arguments: (options.args ?? []).map(payload),
            randomnessSeed: options.seed ?? 7n,
            firstExecutionRunId: runId,
            attempt: 1,
            startTime: timestampFromMs(clock),
          }),
        ],
        extra,
      );
    },
    job,
    fireTimer: (seq: number) => job("fireTimer", { seq }),
    signal: (signalName: string, ...args: unknown[]) => job("signalWorkflow", { signalName, input: args.map(payload) }),
    query: (queryId: string, queryType: string, ...args: unknown[]) => job("queryWorkflow", { queryId, queryType, arguments: args.map(payload) }),
    cancel: () => job("cancelWorkflow", { reason: "test" }),
    activityCompleted: (seq: number, value: unknown) =>
      job("resolveActivity", { seq, result: { status: { case: "completed", value: { result: payload(value) } } } }),
    activityFailed: (seq: number, failure: Failure) =>
      job("resolveActivity", { seq, result: { status: { case: "failed", value: { failure } } } }),
    activityCancelled: (seq: number, failure: Failure) =>
      job("resolveActivity", { seq, result: { status: { case: "cancelled", value: { failure } } } }),
    evict: () => job("removeFromCache", { message: "test", reason: 5 }),
    childStarted: (seq: number, runId: string) => job("resolveChildWorkflowExecutionStart", { seq, status: { case: "succeeded", value: { runId } } }),
    childAlreadyExists: (seq: number, workflowId: string, workflowType: string) =>
      job("resolveChildWorkflowExecutionStart", { seq, status: { case: "failed", value: { workflowId, workflowType, cause: 1 } } }),
    childCompleted: (seq: number, value: unknown) =>
      job("resolveChildWorkflowExecution", { seq, result: { status: { case: "completed", value: { result: payload(value) } } } }),
    childFailed: (seq: number, failure: Failure) => job("resolveChildWorkflowExecution", { seq, result: { status: { case: "failed", value: { failure } } } }),
    childCancelled: (seq: number, failure: Failure) =>
      job("resolveChildWorkflowExecution", { seq, result: { status: { case: "cancelled", value: { failure } } } }),
    signalExternalResolved: (seq: number, failure?: Failure) => job("resolveSignalExternalWorkflow", failure ? { seq, failure } : { seq }),
    cancelExternalResolved: (seq: number, failure?: Failure) => job("resolveRequestCancelExternalWorkflow", failure ? { seq, failure } : { seq }),
    localActivityBackoff: (seq: number, attempt: number, backoffMs: number, originalScheduleMs: number) =>
      job("resolveActivity", {
        seq,
        isLocal: true,
        result: {
          status: {
            case: "backoff",
            value: { attempt, backoffDuration: durationFromMs(backoffMs), originalScheduleTime: timestampFromMs(originalScheduleMs) },
          },
        },
      }),
    update: (id: string, name: string, args: unknown[], runValidator = true) =>
      job("doUpdate", { id, protocolInstanceId: `proto-${id}`, name, input: args.map(payload), runValidator }),
  };
}

/** An activity failure as the server reports it: ActivityFailure caused by an ApplicationFailure. */
export function activityFailure(message: string, type = "Error"): Failure {
  return create(FailureSchema, {
    message: "Activity task failed",
    failureInfo: { case: "activityFailureInfo", value: { activityType: { name: "act" }, activityId: "1", scheduledEventId: 5n, startedEventId: 6n } },
    cause: create(FailureSchema, { message, failureInfo: { case: "applicationFailureInfo", value: { type, nonRetryable: false } } }),
  });
}

export function cancelledFailure(): Failure {
  return create(FailureSchema, { message: "Activity cancelled", failureInfo: { case: "canceledFailureInfo", value: {} } });
}

/** The commands of a successful completion; throws with the failure message otherwise. */
export function commandsOf(completion: WorkflowActivationCompletion): WorkflowCommand[] {
  if (completion.status.case !== "successful") {
    const f = completion.status.case === "failed" ? completion.status.value.failure : undefined;
    throw new Error(`activation failed: ${f?.message ?? "(no status)"}\n${f?.stackTrace ?? ""}`);
  }
  return completion.status.value.commands;
}

/** Command kinds with their key field, compact for assertions: ["startTimer:1", "completeWorkflowExecution"]. */
export function summary(completion: WorkflowActivationCompletion): string[] {
  return commandsOf(completion).map((c) => {
    const v = c.variant;
    switch (v.case) {
      case "startTimer":
      case "cancelTimer":
      case "requestCancelActivity":
        return `${v.case}:${v.value.seq}`;
      case "scheduleActivity":
        return `${v.case}:${v.value.seq}:${v.value.activityType}`;
      case "respondToQuery":
        return `${v.case}:${v.value.queryId}:${v.value.variant.case}`;
      case "startChildWorkflowExecution":
        return `${v.case}:${v.value.seq}:${v.value.workflowType}`;
      case "scheduleLocalActivity":
        return `${v.case}:${v.value.seq}:${v.value.activityType}:${v.value.attempt}`;
      case "signalExternalWorkflowExecution":
      case "requestCancelExternalWorkflowExecution":
      case "cancelSignalWorkflow":
        return `${v.case}:${v.value.seq}`;
      case "cancelChildWorkflowExecution":
        return `${v.case}:${v.value.childWorkflowSeq}`;
      case "updateResponse":
        return `${v.case}:${v.value.protocolInstanceId}:${v.value.response.case}`;
      default:
        return String(v.case);
    }
  });
}

export function failureMessage(completion: WorkflowActivationCompletion): string {
  if (completion.status.case !== "failed") throw new Error(`expected a failed activation, got ${completion.status.case}: ${summary(completion).join(", ")}`);
  return completion.status.value.failure?.message ?? "";
}

/** The workflow result of a completeWorkflowExecution command. */
export function resultOf(completion: WorkflowActivationCompletion): unknown {
  const last = commandsOf(completion).find((c) => c.variant.case === "completeWorkflowExecution");
  if (last?.variant.case !== "completeWorkflowExecution") throw new Error(`no completeWorkflowExecution in ${summary(completion).join(", ")}`);
  return fromPayload(last.variant.value.result);
}
