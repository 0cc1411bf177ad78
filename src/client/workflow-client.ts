import { Code } from "@connectrpc/connect";
import type { WorkflowServiceClient } from "../connection/connection.ts";
import { ServiceError } from "../common/errors.ts";
import type { SignalDefinition } from "../workflow/handler-types.ts";
import type { ClientContext } from "./client-context.ts";
import type { QueryRejectCondition } from "./enums.ts";
import { WorkflowExecutionAlreadyStartedError } from "./errors.ts";
import { type CountWorkflowExecution, countFromRaw, executionInfoFromRaw, type WorkflowExecutionInfo } from "./execution-info.ts";
import { rethrowWorkflowError } from "./rpc-errors.ts";
import {
  createWorkflowHandle,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
  type WorkflowHandleWithSignaledRunId,
} from "./workflow-handle.ts";
import {
  startRequestFields,
  type WithWorkflowArgs,
  type Workflow,
  type WorkflowOptions,
  type WorkflowResultType,
  type WorkflowStartOptions,
  workflowTypeName,
} from "./workflow-options.ts";
import { type WorkflowResultOptions, workflowResult } from "./workflow-result.ts";

export interface GetWorkflowHandleOptions extends WorkflowResultOptions {
  /** Keeps cancel, terminate and updates within the chain that began with this run. */
  firstExecutionRunId?: string;
}

export interface ListOptions {
  /** A visibility query, e.g. `WorkflowType = 'order' AND ExecutionStatus = 'Running'`. All executions when absent. */
  query?: string;
  /** Executions fetched per page. Default: the server's (typically 1000). */
  pageSize?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: signal argument lists of any shape.
type AnyArgs = any[];

export type WorkflowSignalWithStartOptions<SignalArgs extends AnyArgs = []> = WorkflowOptions & {
  signal: SignalDefinition<SignalArgs> | string;
  signalArgs?: SignalArgs;
};

/** `client.workflow`: starts workflows and makes handles to them, as @temporalio/client's WorkflowClient. */
export class WorkflowClient {
  readonly #ctx: ClientContext;
  readonly #queryRejectCondition: QueryRejectCondition | undefined;

  constructor(ctx: ClientContext, options: { queryRejectCondition?: QueryRejectCondition } = {}) {
    this.#ctx = ctx;
    this.#queryRejectCondition = options.queryRejectCondition;
  }

  /** Raw WorkflowService access; requests must carry the namespace themselves. */
  get workflowService(): WorkflowServiceClient {
    return this.#ctx.service;
  }

  /** Starts a workflow; throws WorkflowExecutionAlreadyStartedError when the id is taken. */
  async start<T extends Workflow>(
    workflowTypeOrFunc: string | T,
    options: WorkflowStartOptions<T>,
  ): Promise<WorkflowHandleWithFirstExecutionRunId<T>> {
    const workflowType = workflowTypeName(workflowTypeOrFunc);
    const request = await startRequestFields(workflowType, options, this.#ctx);
    let runId: string;
    try {
      runId = (await this.#ctx.service.startWorkflowExecution(request)).runId;
    } catch (err) {
      rethrowStartError(err, options.workflowId, workflowType);
    }
    const handle = this.#handle<T>(options.workflowId, undefined, {
      firstExecutionRunId: runId,
      runIdForResult: runId,
      followRuns: options.followRuns ?? true,
    });
    return Object.assign(handle, { firstExecutionRunId: runId });
  }

  /** Starts a workflow and waits for its result. */
  async execute<T extends Workflow>(workflowTypeOrFunc: string | T, options: WorkflowStartOptions<T>): Promise<WorkflowResultType<T>> {
    const handle = await this.start(workflowTypeOrFunc, options);
    return await handle.result();
  }

  /**
   * Signals the running workflow with this id, starting it first if none runs
   * (the conflict policy decides, USE_EXISTING by default on the server).
   */
  async signalWithStart<T extends Workflow, SignalArgs extends AnyArgs = []>(
    workflowTypeOrFunc: string | T,
    options: WithWorkflowArgs<T, WorkflowSignalWithStartOptions<SignalArgs>>,
  ): Promise<WorkflowHandleWithSignaledRunId<T>> {
    const workflowType = workflowTypeName(workflowTypeOrFunc);
    const fields = await startRequestFields(workflowType, options, this.#ctx);
    const signalName = typeof options.signal === "string" ? options.signal : options.signal?.name;
    if (!signalName) throw new TypeError("signalWithStart: `signal` is required (a signal definition or name)");
    let runId: string;
    try {
      const res = await this.#ctx.service.signalWithStartWorkflowExecution({
        ...fields,
        signalName,
        signalInput: { payloads: await this.#ctx.payloads.toPayloads(options.signalArgs ?? []) },
      });
      runId = res.runId;
    } catch (err) {
      rethrowStartError(err, options.workflowId, workflowType);
    }
    const handle = this.#handle<T>(options.workflowId, undefined, { runIdForResult: runId, followRuns: options.followRuns ?? true });
    return Object.assign(handle, { signaledRunId: runId });
  }

  /**
   * A handle to an existing workflow; not checked until used (then
   * WorkflowNotFoundError). Without `runId` it targets the latest run.
   */
  getHandle<T extends Workflow>(workflowId: string, runId?: string, options: GetWorkflowHandleOptions = {}): WorkflowHandle<T> {
    return this.#handle<T>(workflowId, runId, {
      firstExecutionRunId: options.firstExecutionRunId,
      runIdForResult: runId ?? options.firstExecutionRunId,
      followRuns: options.followRuns ?? true,
    });
  }

  /** The result of a workflow, following its runs unless `followRuns` is false. */
  result<T extends Workflow>(workflowId: string, runId?: string, options?: WorkflowResultOptions): Promise<WorkflowResultType<T>> {
    return workflowResult<WorkflowResultType<T>>(this.#ctx, workflowId, runId, options);
  }

  /** Executions matching a visibility query, fetched page by page as you iterate. */
  list(options: ListOptions = {}): AsyncIterable<WorkflowExecutionInfo> {
    const ctx = this.#ctx;
    return {
      async *[Symbol.asyncIterator]() {
        let nextPageToken: Uint8Array = new Uint8Array(0);
        do {
          let response: Awaited<ReturnType<WorkflowServiceClient["listWorkflowExecutions"]>>;
          try {
            response = await ctx.service.listWorkflowExecutions({
              namespace: ctx.namespace,
              query: options.query ?? "",
              pageSize: options.pageSize ?? 0,
              nextPageToken,
            });
          } catch (err) {
            rethrowWorkflowError(err, undefined);
          }
          for (const raw of response.executions) yield await executionInfoFromRaw(raw, ctx.payloads, raw);
          nextPageToken = response.nextPageToken;
        } while (nextPageToken.length > 0);
      },
    };
  }

  /** How many executions match a visibility query (all of the namespace without one). */
  async count(query?: string): Promise<CountWorkflowExecution> {
    try {
      return countFromRaw(await this.#ctx.service.countWorkflowExecutions({ namespace: this.#ctx.namespace, query: query ?? "" }));
    } catch (err) {
      rethrowWorkflowError(err, undefined);
    }
  }

  #handle<T extends Workflow>(
    workflowId: string,
    runId: string | undefined,
    rest: { firstExecutionRunId?: string | undefined; runIdForResult: string | undefined; followRuns: boolean },
  ): WorkflowHandle<T> {
    return createWorkflowHandle<T>(this.#ctx, {
      workflowId,
      runId,
      firstExecutionRunId: rest.firstExecutionRunId,
      runIdForResult: rest.runIdForResult,
      followRuns: rest.followRuns,
      queryRejectCondition: this.#queryRejectCondition,
    });
  }
}

function rethrowStartError(err: unknown, workflowId: string, workflowType: string): never {
  if (err instanceof ServiceError && err.code === Code.AlreadyExists) {
    throw new WorkflowExecutionAlreadyStartedError("Workflow execution already started", workflowId, workflowType);
  }
  rethrowWorkflowError(err, { workflowId });
}
