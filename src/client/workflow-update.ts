import { UpdateWorkflowExecutionLifecycleStage as Stage } from "../../gen/temporal/api/enums/v1/update_pb.ts";
import type { Outcome } from "../../gen/temporal/api/update/v1/message_pb.ts";
import type { ClientContext } from "./client-context.ts";
import { encodeUpdateStage, type WorkflowUpdateStage } from "./enums.ts";
import { WorkflowUpdateFailedError } from "./errors.ts";
import { type ExecutionRef, rethrowUpdateError } from "./rpc-errors.ts";

/** A client-side handle to one update of one workflow execution. */
export interface WorkflowUpdateHandle<Ret> {
  readonly updateId: string;
  readonly workflowId: string;
  /** The run the update went to, when known. */
  readonly workflowRunId: string | undefined;
  /** Waits for the update to complete; throws WorkflowUpdateFailedError if it was rejected or its handler failed. */
  result(): Promise<Ret>;
}

export interface WorkflowUpdateOptions {
  /** Idempotency key: a second update with the same id on the same run gets the first one's handle. Default: a random UUID. */
  readonly updateId?: string;
}

export interface StartUpdateInput {
  execution: ExecutionRef;
  firstExecutionRunId: string | undefined;
  name: string;
  args: readonly unknown[];
  options: WorkflowUpdateOptions;
  waitForStage: WorkflowUpdateStage;
}

/**
 * Sends UpdateWorkflowExecution until the update is at least accepted (the
 * server may answer earlier, with the update only admitted: it is not durable
 * then, so we ask again with the same update id). The handle knows the
 * outcome when the server already sent it (COMPLETED, or a rejection).
 */
export async function startUpdate<Ret>(ctx: ClientContext, input: StartUpdateInput): Promise<WorkflowUpdateHandle<Ret>> {
  const updateId = input.options.updateId ?? crypto.randomUUID();
  const requested = encodeUpdateStage(input.waitForStage);
  // Waiting for less than ACCEPTED would hand out a handle to an update the server may drop.
  const lifecycleStage = requested >= Stage.ACCEPTED ? requested : Stage.ACCEPTED;
  const request = {
    namespace: ctx.namespace,
    workflowExecution: { workflowId: input.execution.workflowId, runId: input.execution.runId ?? "" },
    firstExecutionRunId: input.firstExecutionRunId ?? "",
    waitPolicy: { lifecycleStage },
    request: {
      meta: { updateId, identity: ctx.identity },
      input: { name: input.name, header: { fields: {} }, args: { payloads: await ctx.payloads.toPayloads(input.args) } },
    },
  };
  let outcome: Outcome | undefined;
  let runId: string | undefined;
  try {
    for (;;) {
      const res = await ctx.service.updateWorkflowExecution(request);
      if (res.stage >= Stage.ACCEPTED) {
        outcome = res.outcome;
        runId = res.updateRef?.workflowExecution?.runId || undefined;
        break;
      }
    }
  } catch (err) {
    rethrowUpdateError(err, input.execution);
  }
  return updateHandle<Ret>(ctx, updateId, input.execution.workflowId, runId, outcome);
}

/** A handle to an update; the outcome is fetched (long poll) on the first `result()` unless already known. */
export function updateHandle<Ret>(
  ctx: ClientContext,
  updateId: string,
  workflowId: string,
  workflowRunId: string | undefined,
  known?: Outcome,
): WorkflowUpdateHandle<Ret> {
  let outcome: Promise<Outcome> | undefined = known?.value.case !== undefined ? Promise.resolve(known) : undefined;
  return {
    updateId,
    workflowId,
    workflowRunId,
    async result(): Promise<Ret> {
      outcome ??= pollOutcome(ctx, updateId, { workflowId, runId: workflowRunId });
      const done = await outcome.catch((err: unknown) => {
        outcome = undefined;
        throw err;
      });
      if (done.value.case === "failure") {
        throw new WorkflowUpdateFailedError("Workflow Update failed", await ctx.payloads.failureToError(done.value.value));
      }
      return await ctx.payloads.fromPayloadAt<Ret>(0, done.value.value?.payloads);
    },
  };
}

/** PollWorkflowExecutionUpdate until the server reports an outcome (each poll may end empty). */
async function pollOutcome(ctx: ClientContext, updateId: string, execution: ExecutionRef): Promise<Outcome> {
  const request = {
    namespace: ctx.namespace,
    identity: ctx.identity,
    updateRef: { workflowExecution: { workflowId: execution.workflowId, runId: execution.runId ?? "" }, updateId },
    waitPolicy: { lifecycleStage: Stage.COMPLETED },
  };
  for (;;) {
    try {
      const res = await ctx.service.pollWorkflowExecutionUpdate(request);
      if (res.outcome && res.outcome.value.case !== undefined) return res.outcome;
    } catch (err) {
      rethrowUpdateError(err, execution);
    }
  }
}
