import type { WorkflowServiceClient } from "../connection/connection.ts";
import { ensureTemporalFailure } from "../failure/failures.ts";
import type { ClientContext } from "./client-context.ts";
import { ActivityCancelledError, ActivityPausedError, ActivityResetError } from "./errors.ts";
import { rethrowActivityError } from "./rpc-errors.ts";

/**
 * Names an activity of a workflow without its task token. Without `runId`,
 * the latest run of the workflow.
 */
export interface FullActivityId {
  workflowId: string;
  runId?: string;
  activityId: string;
}

/**
 * `client.activity`: completes, fails, cancels and heartbeats activities that
 * finish outside their worker (the activity threw CompleteAsyncError), by task
 * token or by ids, as @temporalio/client's AsyncCompletionClient.
 */
export class AsyncCompletionClient {
  readonly #ctx: ClientContext;

  constructor(ctx: ClientContext) {
    this.#ctx = ctx;
  }

  get workflowService(): WorkflowServiceClient {
    return this.#ctx.service;
  }

  /** Completes the activity with `result`; ActivityNotFoundError if it is unknown or already closed. */
  async complete(target: Uint8Array | FullActivityId, result?: unknown): Promise<void> {
    const { service } = this.#ctx;
    const fields = { ...this.#common(), result: { payloads: await this.#ctx.payloads.toPayloads([result]) } };
    await this.#call<unknown>(() =>
      target instanceof Uint8Array
        ? service.respondActivityTaskCompleted({ ...fields, taskToken: target })
        : service.respondActivityTaskCompletedById({ ...fields, ...ids(target) }),
    );
  }

  /** Fails the activity; a non-Temporal error is sent as an ApplicationFailure, as the official client does. */
  async fail(target: Uint8Array | FullActivityId, err: unknown): Promise<void> {
    const { service } = this.#ctx;
    const fields = { ...this.#common(), failure: await this.#ctx.payloads.errorToFailure(ensureTemporalFailure(err)) };
    await this.#call<unknown>(() =>
      target instanceof Uint8Array
        ? service.respondActivityTaskFailed({ ...fields, taskToken: target })
        : service.respondActivityTaskFailedById({ ...fields, ...ids(target) }),
    );
  }

  /** Reports that the activity honoured a cancellation request. */
  async reportCancellation(target: Uint8Array | FullActivityId, details?: unknown): Promise<void> {
    const { service } = this.#ctx;
    const fields = { ...this.#common(), details: { payloads: await this.#ctx.payloads.toPayloads([details]) } };
    await this.#call<unknown>(() =>
      target instanceof Uint8Array
        ? service.respondActivityTaskCanceled({ ...fields, taskToken: target })
        : service.respondActivityTaskCanceledById({ ...fields, ...ids(target) }),
    );
  }

  /**
   * Records a heartbeat. Throws ActivityCancelledError when the workflow asked
   * to cancel the activity, ActivityResetError or ActivityPausedError when it
   * was reset or paused: stop the work and report accordingly.
   */
  async heartbeat(target: Uint8Array | FullActivityId, details?: unknown): Promise<void> {
    const { service } = this.#ctx;
    const fields = { ...this.#common(), details: { payloads: await this.#ctx.payloads.toPayloads([details]) } };
    const res = await this.#call<{ cancelRequested: boolean; activityPaused: boolean; activityReset: boolean }>(() =>
      target instanceof Uint8Array
        ? service.recordActivityTaskHeartbeat({ ...fields, taskToken: target })
        : service.recordActivityTaskHeartbeatById({ ...fields, ...ids(target) }),
    );
    if (res.cancelRequested) throw new ActivityCancelledError("cancelled");
    if (res.activityReset) throw new ActivityResetError("reset");
    if (res.activityPaused) throw new ActivityPausedError("paused");
  }

  #common() {
    return { namespace: this.#ctx.namespace, identity: this.#ctx.identity };
  }

  async #call<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      rethrowActivityError(err);
    }
  }
}

function ids(target: FullActivityId): { workflowId: string; runId: string; activityId: string } {
  if (!target || typeof target.workflowId !== "string" || typeof target.activityId !== "string") {
    throw new TypeError("activity: pass the task token (Uint8Array) or { workflowId, runId?, activityId }");
  }
  return { workflowId: target.workflowId, runId: target.runId ?? "", activityId: target.activityId };
}
