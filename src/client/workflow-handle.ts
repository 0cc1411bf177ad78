import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { type History, type HistoryEvent, HistorySchema } from "../../gen/temporal/api/history/v1/message_pb.ts";
import type {
  RequestCancelWorkflowExecutionResponse,
  TerminateWorkflowExecutionResponse,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { ServiceError } from "../common/errors.ts";
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from "../workflow/handler-types.ts";
import type { ClientContext } from "./client-context.ts";
import { encodeQueryRejectCondition, type QueryRejectCondition, WorkflowUpdateStage } from "./enums.ts";
import { QueryNotRegisteredError, QueryRejectedError } from "./errors.ts";
import { describeFromRaw, type WorkflowExecutionDescription } from "./execution-info.ts";
import { rethrowWorkflowError, serverMessage } from "./rpc-errors.ts";
import type { Workflow, WorkflowResultType } from "./workflow-options.ts";
import { workflowResult } from "./workflow-result.ts";
import { startUpdate, updateHandle, type WorkflowUpdateHandle, type WorkflowUpdateOptions } from "./workflow-update.ts";

// biome-ignore lint/suspicious/noExplicitAny: argument lists of any shape, as in the official signatures.
type AnyArgs = any[];

/** A handle to one workflow (a run, or the latest run of a workflow id), as @temporalio/client's WorkflowHandle. */
export interface WorkflowHandle<T extends Workflow = Workflow> {
  readonly workflowId: string;
  /** Waits for the workflow to close: its result, or WorkflowFailedError. */
  result(): Promise<WorkflowResultType<T>>;
  signal<Args extends AnyArgs = []>(def: SignalDefinition<Args> | string, ...args: Args): Promise<void>;
  query<Ret, Args extends AnyArgs = []>(def: QueryDefinition<Ret, Args> | string, ...args: Args): Promise<Ret>;
  /** Sends an update and waits for its result; WorkflowUpdateFailedError when rejected or failed. */
  executeUpdate<Ret, Args extends AnyArgs = []>(
    def: UpdateDefinition<Ret, Args> | string,
    options?: WorkflowUpdateOptions & { args?: Args },
  ): Promise<Ret>;
  /** Sends an update and returns once the workflow accepted or rejected it. */
  startUpdate<Ret, Args extends AnyArgs = []>(
    def: UpdateDefinition<Ret, Args> | string,
    options: WorkflowUpdateOptions & { args?: Args; waitForStage: typeof WorkflowUpdateStage.ACCEPTED },
  ): Promise<WorkflowUpdateHandle<Ret>>;
  getUpdateHandle<Ret>(updateId: string, options?: { workflowRunId?: string }): WorkflowUpdateHandle<Ret>;
  /** Requests cancellation; the workflow decides what it means. */
  cancel(): Promise<RequestCancelWorkflowExecutionResponse>;
  /** Ends the workflow at once, without running any more of its code. */
  terminate(reason?: string): Promise<TerminateWorkflowExecutionResponse>;
  describe(): Promise<WorkflowExecutionDescription>;
  /** The run's whole event history (every page). */
  fetchHistory(): Promise<History>;
}

/** A handle returned by start: also carries the run id of the first execution of the chain. */
export interface WorkflowHandleWithFirstExecutionRunId<T extends Workflow = Workflow> extends WorkflowHandle<T> {
  readonly firstExecutionRunId: string;
}

/** A handle returned by signalWithStart: the run that received the signal. */
export interface WorkflowHandleWithSignaledRunId<T extends Workflow = Workflow> extends WorkflowHandle<T> {
  readonly signaledRunId: string;
}

export interface WorkflowHandleInit {
  workflowId: string;
  /** The run every call targets; the latest run of the id when absent. */
  runId: string | undefined;
  /** Restricts cancel, terminate and update to the chain that began with this run. */
  firstExecutionRunId: string | undefined;
  /** Where `result()` starts waiting. */
  runIdForResult: string | undefined;
  followRuns: boolean;
  queryRejectCondition: QueryRejectCondition | undefined;
}

function defName(def: { name: string } | string): string {
  return typeof def === "string" ? def : def.name;
}

export function createWorkflowHandle<T extends Workflow>(ctx: ClientContext, init: WorkflowHandleInit): WorkflowHandle<T> {
  const { workflowId, runId, firstExecutionRunId } = init;
  const execution = { workflowId, runId: runId ?? "" };
  const ref = { workflowId, runId };
  const update = <Ret>(def: { name: string } | string, stage: WorkflowUpdateStage, options: WorkflowUpdateOptions & { args?: unknown[] }) =>
    startUpdate<Ret>(ctx, {
      execution: ref,
      firstExecutionRunId,
      name: defName(def),
      args: options.args ?? [],
      options: options.updateId === undefined ? {} : { updateId: options.updateId },
      waitForStage: stage,
    });
  return {
    workflowId,
    result() {
      return workflowResult<WorkflowResultType<T>>(ctx, workflowId, init.runIdForResult, { followRuns: init.followRuns });
    },
    async signal(def, ...args) {
      try {
        await ctx.service.signalWorkflowExecution({
          namespace: ctx.namespace,
          identity: ctx.identity,
          requestId: crypto.randomUUID(),
          workflowExecution: execution,
          signalName: defName(def),
          input: { payloads: await ctx.payloads.toPayloads(args) },
          header: { fields: {} },
        });
      } catch (err) {
        rethrowWorkflowError(err, ref);
      }
    },
    async query<Ret>(def: { name: string } | string, ...args: unknown[]): Promise<Ret> {
      let response: Awaited<ReturnType<ClientContext["service"]["queryWorkflow"]>>;
      try {
        response = await ctx.service.queryWorkflow({
          namespace: ctx.namespace,
          execution,
          query: { queryType: defName(def), queryArgs: { payloads: await ctx.payloads.toPayloads(args) }, header: { fields: {} } },
          queryRejectCondition: encodeQueryRejectCondition(init.queryRejectCondition) ?? 0,
        });
      } catch (err) {
        // The server answers InvalidArgument when the worker reported the query as failed or unknown.
        if (err instanceof ServiceError && err.code === Code.InvalidArgument) {
          throw new QueryNotRegisteredError(serverMessage(err), err.code);
        }
        rethrowWorkflowError(err, ref);
      }
      if (response.queryRejected) throw new QueryRejectedError(response.queryRejected.status);
      if (!response.queryResult) throw new TypeError("the server answered the query with neither a result nor a rejection");
      return await ctx.payloads.fromPayloadAt<Ret>(0, response.queryResult.payloads);
    },
    async executeUpdate<Ret>(def: { name: string } | string, options: WorkflowUpdateOptions & { args?: unknown[] } = {}) {
      const handle = await update<Ret>(def, WorkflowUpdateStage.COMPLETED, options);
      return await handle.result();
    },
    async startUpdate<Ret>(def: { name: string } | string, options: WorkflowUpdateOptions & { args?: unknown[]; waitForStage: WorkflowUpdateStage }) {
      if (options?.waitForStage !== WorkflowUpdateStage.ACCEPTED) {
        throw new TypeError(`startUpdate: waitForStage must be "ACCEPTED" (got ${JSON.stringify(options?.waitForStage)}); use executeUpdate to wait for completion`);
      }
      return await update<Ret>(def, WorkflowUpdateStage.ACCEPTED, options);
    },
    getUpdateHandle<Ret>(updateId: string, options?: { workflowRunId?: string }) {
      return updateHandle<Ret>(ctx, updateId, workflowId, options?.workflowRunId ?? runId);
    },
    async cancel() {
      try {
        return await ctx.service.requestCancelWorkflowExecution({
          namespace: ctx.namespace,
          identity: ctx.identity,
          requestId: crypto.randomUUID(),
          workflowExecution: execution,
          firstExecutionRunId: firstExecutionRunId ?? "",
        });
      } catch (err) {
        rethrowWorkflowError(err, ref);
      }
    },
    async terminate(reason?: string) {
      try {
        return await ctx.service.terminateWorkflowExecution({
          namespace: ctx.namespace,
          identity: ctx.identity,
          workflowExecution: execution,
          reason: reason ?? "",
          firstExecutionRunId: firstExecutionRunId ?? "",
        });
      } catch (err) {
        rethrowWorkflowError(err, ref);
      }
    },
    async describe() {
      try {
        const response = await ctx.service.describeWorkflowExecution({ namespace: ctx.namespace, execution });
        return await describeFromRaw(response, ctx.payloads);
      } catch (err) {
        rethrowWorkflowError(err, ref);
      }
    },
    async fetchHistory() {
      const events: HistoryEvent[] = [];
      let nextPageToken: Uint8Array = new Uint8Array(0);
      try {
        do {
          const res = await ctx.service.getWorkflowExecutionHistory({ namespace: ctx.namespace, execution, nextPageToken });
          events.push(...(res.history?.events ?? []));
          nextPageToken = res.nextPageToken;
        } while (nextPageToken.length > 0);
      } catch (err) {
        rethrowWorkflowError(err, ref);
      }
      return create(HistorySchema, { events });
    },
  } as WorkflowHandle<T>;
}
