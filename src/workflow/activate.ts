// Runs one activation on a run, in the order the official TypeScript worker
// applies jobs: initialisation first, then patches, then (single batch) the
// random seed and every other job in order — or, for histories from before
// SDK flag 2, signals as a first batch — and the workflow function started
// after the batch's other jobs. Queries come alone. After each batch, blocked
// conditions are re-evaluated and the microtask queue drained until nothing
// moves. Draining is a yield point: `activationSteps` is a generator, driven
// asynchronously (a macrotask per drain) or synchronously (a synchronous
// microtask flush, so a deadline can interrupt the whole activation).
import { create } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import {
  type WorkflowActivation,
  type WorkflowActivationJob,
  WorkflowActivationJobSchema,
  WorkflowActivationSchema,
} from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import {
  type WorkflowActivationCompletion,
  WorkflowActivationCompletionSchema,
} from "../../gen/temporal/sdk/core/workflow_completion/workflow_completion_pb.ts";
import type { Activator } from "./activator.ts";
import { runInWorkflowContext } from "./context.ts";
import { SdkFlag } from "./flags.ts";
import { composeInterceptors } from "./interceptors.ts";
import { continueAsNewReasons } from "./info-from-activation.ts";
import type { WorkflowLogRecord } from "./log.ts";
import type { SinkCall } from "./sinks.ts";

export interface ActivationResult {
  completion: WorkflowActivationCompletion;
  logs: WorkflowLogRecord[];
  /** Calls of sink functions made during the activation, for the worker to run. */
  sinkCalls: SinkCall[];
}

type Job = WorkflowActivationJob["variant"];
type JobCase = NonNullable<Job["case"]>;

/** Jobs that may share an activation with initializeWorkflow. */
const SAFE_WITH_START: ReadonlySet<JobCase> = new Set(["initializeWorkflow", "signalWorkflow", "doUpdate", "cancelWorkflow", "updateRandomSeed"]);

function applyJob(activator: Activator, job: Job): void {
  switch (job.case) {
    case "initializeWorkflow":
      return activator.initializeWorkflow(job.value);
    case "fireTimer":
      return activator.fireTimer(job.value);
    case "updateRandomSeed":
      return activator.updateRandomSeed(job.value);
    case "queryWorkflow":
      return activator.queryWorkflow(job.value);
    case "cancelWorkflow":
      return activator.cancelWorkflow(job.value);
    case "signalWorkflow":
      return activator.signalWorkflow(job.value);
    case "resolveActivity":
      return activator.resolveActivity(job.value);
    case "notifyHasPatch":
      return activator.notifyHasPatch(job.value);
    case "doUpdate":
      return activator.doUpdate(job.value);
    case "resolveChildWorkflowExecutionStart":
      return activator.resolveChildWorkflowExecutionStart(job.value);
    case "resolveChildWorkflowExecution":
      return activator.resolveChildWorkflowExecution(job.value);
    case "resolveSignalExternalWorkflow":
      return activator.resolveSignalExternalWorkflow(job.value);
    case "resolveRequestCancelExternalWorkflow":
      return activator.resolveRequestCancelExternalWorkflow(job.value);
    case "removeFromCache":
      return activator.removeFromCache();
    case undefined:
      throw new TypeError("activation job without a variant");
    default:
      throw new TypeError(`activation job ${job.case} is not supported by this workflow runtime yet`);
  }
}

/** Applies a batch of jobs (synchronously), then starts the workflow if the batch began with initializeWorkflow. */
function activateBatch(activator: Activator, jobs: Job[]): void {
  const start = jobs[0]?.case === "initializeWorkflow" ? jobs.shift() : undefined;
  for (const job of jobs) {
    applyJob(activator, job);
    if (job.case !== "queryWorkflow") activator.tryUnblockConditions();
  }
  if (start?.case === "initializeWorkflow") {
    const unsafe = jobs.filter((j) => j.case === undefined || !SAFE_WITH_START.has(j.case));
    if (unsafe.length > 0) {
      throw new TypeError(
        `Received both initializeWorkflow and non-signal/non-update jobs in the same activation: ${JSON.stringify(jobs.map((j) => j.case))}`,
      );
    }
    activator.startWorkflow(start.value);
    activator.tryUnblockConditions();
  }
}

/**
 * Applies a batch through the run's internals interceptors (`activate`),
 * which see it as an activation holding just that batch's jobs.
 */
function activateBatchIntercepted(activator: Activator, activation: WorkflowActivation, jobs: Job[], batchIndex: number): void {
  if (activator.interceptors.internals.length === 0) {
    activateBatch(activator, jobs);
    return;
  }
  const batch = create(WorkflowActivationSchema, {
    ...activation,
    jobs: jobs.map((variant) => create(WorkflowActivationJobSchema, { variant })),
  });
  composeInterceptors(activator.interceptors.internals, "activate", (input) =>
    activateBatch(
      activator,
      input.activation.jobs.map((j) => j.variant),
    ),
  )({ activation: batch, batchIndex });
}

/** A yield of `activationSteps`: the driver must let the microtask queue run empty, then resume. */
export const DRAIN = Symbol("drain");

function* settle(activator: Activator): Generator<typeof DRAIN, void> {
  yield DRAIN;
  while (activator.tryUnblockConditions() > 0) yield DRAIN;
}

/** The steps of one activation; returns its completion. The caller sets the current run around each step. */
export function* activationSteps(activator: Activator, activation: WorkflowActivation): Generator<typeof DRAIN, ActivationResult> {
  activator.logs = [];
  activator.sinkCalls = [];
  try {
    const jobs = activation.jobs.map((j) => j.variant);
    const queries = jobs.filter((j) => j.case === "queryWorkflow");
    if (queries.length > 0) {
      if (queries.length !== jobs.length) throw new TypeError("Got both queries and other jobs in a single activation");
      // Queries read state: replaying as far as patches and flags go, but live work for logging.
      activator.info = { ...activator.info, unsafe: { ...activator.info.unsafe, isReplaying: true, isReplayingHistoryEvents: false } };
      activateBatch(activator, queries);
      yield DRAIN;
    } else {
      if (activation.timestamp === undefined) throw new TypeError("Expected activation.timestamp to be set for non-query activation");
      activator.now = timestampMs(activation.timestamp);
      activator.info = {
        ...activator.info,
        historyLength: activation.historyLength,
        historySize: Number(activation.historySizeBytes),
        continueAsNewSuggested: activation.continueAsNewSuggested,
        suggestedContinueAsNewReasons: continueAsNewReasons(activation),
        targetWorkerDeploymentVersionChanged: activation.targetWorkerDeploymentVersionChanged,
        currentBuildId: activation.deploymentVersionForCurrentTask?.buildId ?? "",
        unsafe: { ...activator.info.unsafe, isReplaying: activation.isReplaying, isReplayingHistoryEvents: activation.isReplaying },
      };
      activator.addKnownFlags(activation.availableInternalFlags);
      if (activation.lastSdkVersion) activator.sdkVersion = activation.lastSdkVersion;
      const init = jobs.find((j) => j.case === "initializeWorkflow");
      if (init?.case === "initializeWorkflow") activator.initializeWorkflow(init.value);

      const singleBatch =
        !jobs.some((j) => j.case === "signalWorkflow") || activator.hasFlag(SdkFlag.ProcessWorkflowActivationJobsAsSingleBatch);
      const rest: Job[] = [];
      for (const job of jobs) {
        if (job.case === "notifyHasPatch") activator.notifyHasPatch(job.value);
        else rest.push(job);
      }
      if (singleBatch) {
        // The seed is applied before anything else, and only the last one counts.
        const seeds = rest.filter((j) => j.case === "updateRandomSeed");
        const last = seeds[seeds.length - 1];
        if (last?.case === "updateRandomSeed") activator.updateRandomSeed(last.value);
        activateBatchIntercepted(
          activator,
          activation,
          rest.filter((j) => j.case !== "updateRandomSeed"),
          0,
        );
        yield* settle(activator);
      } else {
        let batchIndex = 0;
        for (const batch of [rest.filter((j) => j.case === "signalWorkflow"), rest.filter((j) => j.case !== "signalWorkflow")]) {
          if (batch.length === 0) continue;
          activateBatchIntercepted(activator, activation, batch, batchIndex++);
          yield* settle(activator);
        }
      }
    }
    activator.rejectBufferedUpdates();
    const { commands } = composeInterceptors(activator.interceptors.internals, "concludeActivation", (input) => input)({
      commands: activator.takeCommands(),
    });
    if (activator.completed) activator.warnIfUnfinishedHandlers();
    const completion = create(WorkflowActivationCompletionSchema, {
      runId: activation.runId,
      status: { case: "successful", value: { commands, usedInternalFlags: activator.usedFlags() } },
    });
    return { completion, logs: activator.logs, sinkCalls: activator.sinkCalls };
  } catch (err) {
    return { completion: failedCompletion(activation.runId, activator, err), logs: activator.logs, sinkCalls: activator.sinkCalls };
  }
}

export function failedCompletion(runId: string, activator: Activator | undefined, err: unknown): WorkflowActivationCompletion {
  let failure;
  try {
    failure = activator?.errorToFailure(err);
  } catch {
    failure = undefined;
  }
  return create(WorkflowActivationCompletionSchema, {
    runId,
    status: { case: "failed", value: { failure: failure ?? { message: err instanceof Error ? err.message : String(err) } } },
  });
}

/**
 * Drives the steps with an asynchronous drain (a macrotask, which runs after
 * every queued microtask). Each step runs in the run's context; the drain runs
 * outside it, so the other macrotasks the event loop runs meanwhile see the
 * real globals, while the run's own promise callbacks still find their run.
 */
export async function runActivation(
  activator: Activator,
  activation: WorkflowActivation,
  drain: () => Promise<void>,
): Promise<ActivationResult> {
  const steps = activationSteps(activator, activation);
  for (;;) {
    const step = runInWorkflowContext(activator, () => steps.next());
    if (step.done) return step.value;
    await drain();
  }
}

/** Drives the steps synchronously, flushing microtasks in place (for deadline-guarded runs). */
export function runActivationSync(activator: Activator, activation: WorkflowActivation, flushMicrotasks: () => void): ActivationResult {
  const steps = activationSteps(activator, activation);
  for (;;) {
    const step = runInWorkflowContext(activator, () => steps.next());
    if (step.done) return step.value;
    flushMicrotasks();
  }
}
