import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { HistoryEventFilterType } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { QueryRejectCondition } from "../../../gen/temporal/api/enums/v1/query_pb.ts";
import { UpdateWorkflowExecutionLifecycleStage } from "../../../gen/temporal/api/enums/v1/update_pb.ts";
import { WorkflowExecutionStatus } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import type { WorkflowService } from "../../../gen/temporal/api/workflowservice/v1/service_pb.ts";
import {
  GetWorkflowExecutionHistoryResponseSchema,
  PollWorkflowExecutionUpdateResponseSchema,
  QueryWorkflowResponseSchema,
  RequestCancelWorkflowExecutionResponseSchema,
  SignalWithStartWorkflowExecutionResponseSchema,
  SignalWorkflowExecutionResponseSchema,
  StartWorkflowExecutionResponseSchema,
  TerminateWorkflowExecutionResponseSchema,
  UpdateWorkflowExecutionResponseSchema,
} from "../../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { EngineContext } from "../engine-context.ts";
import { invalidArgument, notFound, requireField } from "../errors.ts";
import { requestCancelRun, signalRun } from "../executions/external.ts";
import { terminateRun } from "../executions/lifecycle.ts";
import { dispatchQuery } from "../executions/queries.ts";
import { isOpen, type RunState, type UpdateState } from "../executions/run-state.ts";
import { admitUpdate, waitForStage } from "../executions/updates.ts";
import { closeEventTypes } from "../history/events.ts";
import { decodePageToken, encodePageToken } from "../history/pages.ts";
import { describeRun } from "./describe.ts";
import { namespaceOf, openRunOf, pollTimeout, runOf } from "./lookup.ts";
import { startWorkflow } from "./start.ts";

type Impl = Partial<ServiceImpl<typeof WorkflowService>>;

const defaultPageSize = 1000;

export function workflowRpcs(ctx: EngineContext): Impl {
  const settle = <T>(value: T): T => {
    ctx.clock.poke();
    return value;
  };
  return {
    startWorkflowExecution(req) {
      const { run, started } = startWorkflow(ctx, req);
      return settle(
        create(StartWorkflowExecutionResponseSchema, {
          runId: run.key.runId,
          started,
          status: run.status,
        }),
      );
    },
    signalWithStartWorkflowExecution(req) {
      const signalName = requireField(req.signalName, "signalName");
      namespaceOf(ctx, req.namespace);
      const existing = req.workflowId ? ctx.store.getCurrentRun(req.namespace, req.workflowId) : undefined;
      if (existing !== undefined && isOpen(existing)) {
        signalRun(ctx, existing, { name: signalName, input: req.signalInput, header: req.header, identity: req.identity });
        return settle(create(SignalWithStartWorkflowExecutionResponseSchema, { runId: existing.key.runId, started: false }));
      }
      const { run, started } = startWorkflow(ctx, req, { name: signalName, input: req.signalInput, header: req.header });
      return settle(create(SignalWithStartWorkflowExecutionResponseSchema, { runId: run.key.runId, started }));
    },
    signalWorkflowExecution(req) {
      const signalName = requireField(req.signalName, "signalName");
      const run = openRunOf(ctx, req.namespace, req.workflowExecution, "workflowExecution");
      if (req.requestId && run.requestIds.has(req.requestId)) return create(SignalWorkflowExecutionResponseSchema, {});
      if (req.requestId) run.requestIds.add(req.requestId);
      signalRun(ctx, run, { name: signalName, input: req.input, header: req.header, identity: req.identity });
      return settle(create(SignalWorkflowExecutionResponseSchema, {}));
    },
    requestCancelWorkflowExecution(req) {
      const run = openRunOf(ctx, req.namespace, req.workflowExecution, "workflowExecution");
      requestCancelRun(ctx, run, req.identity, req.reason, undefined);
      return settle(create(RequestCancelWorkflowExecutionResponseSchema, {}));
    },
    terminateWorkflowExecution(req) {
      const run = openRunOf(ctx, req.namespace, req.workflowExecution, "workflowExecution");
      terminateRun(ctx, run, req.reason, req.details, req.identity);
      return settle(create(TerminateWorkflowExecutionResponseSchema, {}));
    },
    describeWorkflowExecution(req) {
      return describeRun(runOf(ctx, req.namespace, req.execution));
    },
    async getWorkflowExecutionHistory(req, handler) {
      const run = runOf(ctx, req.namespace, req.execution);
      const closeOnly = req.historyEventFilterType === HistoryEventFilterType.CLOSE_EVENT;
      const token = decodePageToken(req.nextPageToken, run.key.runId);
      if (req.waitNewEvent) {
        await waitFor(run, handler, () => (closeOnly ? !isOpen(run) : run.history.length >= token.nextEventId || !isOpen(run)));
      }
      if (closeOnly) {
        const last = run.history[run.history.length - 1];
        if (isOpen(run) || last === undefined || !closeEventTypes.has(last.eventType)) {
          return create(GetWorkflowExecutionHistoryResponseSchema, {
            history: { events: [] },
            nextPageToken: encodePageToken({ runId: run.key.runId, nextEventId: run.history.length + 1 }),
          });
        }
        return create(GetWorkflowExecutionHistoryResponseSchema, { history: { events: [last] } });
      }
      const size = req.maximumPageSize > 0 ? req.maximumPageSize : defaultPageSize;
      const events = run.history.slice(token.nextEventId - 1, token.nextEventId - 1 + size);
      const next = token.nextEventId + events.length;
      // More pages while events remain, or (for a waiting reader) while the run may still grow.
      const more = next <= run.history.length || (req.waitNewEvent && isOpen(run));
      return create(GetWorkflowExecutionHistoryResponseSchema, {
        history: { events },
        nextPageToken: more ? encodePageToken({ runId: run.key.runId, nextEventId: next }) : new Uint8Array(),
      });
    },
    async queryWorkflow(req, handler) {
      const query = req.query;
      requireField(query?.queryType, "query.queryType");
      const run = runOf(ctx, req.namespace, req.execution);
      const rejected =
        (req.queryRejectCondition === QueryRejectCondition.NOT_OPEN && !isOpen(run)) ||
        (req.queryRejectCondition === QueryRejectCondition.NOT_COMPLETED_CLEANLY &&
          !isOpen(run) &&
          run.status !== WorkflowExecutionStatus.COMPLETED);
      if (rejected) return create(QueryWorkflowResponseSchema, { queryRejected: { status: run.status } });
      const outcome = await dispatchQuery(ctx, run, query as NonNullable<typeof query>, handler.signal);
      if ("answer" in outcome) return create(QueryWorkflowResponseSchema, { queryResult: outcome.answer });
      throw new ConnectError(outcome.errorMessage || "query failed", Code.InvalidArgument);
    },
    async updateWorkflowExecution(req, handler) {
      const updateId = requireField(req.request?.meta?.updateId, "request.meta.updateId");
      requireField(req.request?.input?.name, "request.input.name");
      const run = openRunOf(ctx, req.namespace, req.workflowExecution, "workflowExecution");
      if (req.firstExecutionRunId && req.firstExecutionRunId !== run.firstRunId) {
        throw notFound(`workflow "${run.key.workflowId}" has no chain that started with run ${req.firstExecutionRunId}`);
      }
      const update = admitUpdate(ctx, run, req.request as NonNullable<typeof req.request>);
      ctx.clock.poke();
      const wanted = req.waitPolicy?.lifecycleStage ?? UpdateWorkflowExecutionLifecycleStage.UNSPECIFIED;
      await waitForUpdate(update, wanted, handler);
      return updateResponse(run, updateId, update);
    },
    async pollWorkflowExecutionUpdate(req, handler) {
      const ref = req.updateRef;
      const updateId = requireField(ref?.updateId, "updateRef.updateId");
      const run = runOf(ctx, req.namespace, ref?.workflowExecution, "updateRef.workflowExecution");
      const update = run.updates.get(updateId);
      if (update === undefined) throw notFound(`update "${updateId}" not found for workflow "${run.key.workflowId}"`);
      await waitForUpdate(update, req.waitPolicy?.lifecycleStage ?? UpdateWorkflowExecutionLifecycleStage.UNSPECIFIED, handler);
      const res = updateResponse(run, updateId, update);
      return create(PollWorkflowExecutionUpdateResponseSchema, { outcome: res.outcome, stage: res.stage, updateRef: res.updateRef });
    },
  };
}

function waitFor(run: RunState, handler: HandlerContext, condition: () => boolean): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      handler.signal.removeEventListener("abort", done);
      run.watchers.delete(watcher);
      resolve();
    };
    const watcher = () => {
      if (condition()) done();
    };
    const timer = setTimeout(done, pollTimeout(handler));
    handler.signal.addEventListener("abort", done, { once: true });
    run.watchers.add(watcher);
  });
}

async function waitForUpdate(update: UpdateState, wanted: UpdateWorkflowExecutionLifecycleStage, handler: HandlerContext): Promise<void> {
  if (wanted === UpdateWorkflowExecutionLifecycleStage.ADMITTED) return;
  if (wanted === UpdateWorkflowExecutionLifecycleStage.UNSPECIFIED) {
    throw invalidArgument("waitPolicy.lifecycleStage", "must be ADMITTED, ACCEPTED or COMPLETED");
  }
  const stage = wanted === UpdateWorkflowExecutionLifecycleStage.ACCEPTED ? "accepted" : "completed";
  await waitForStage(update, stage, handler.signal, pollTimeout(handler));
}

function updateResponse(run: RunState, updateId: string, update: UpdateState) {
  const stage =
    update.stage === "completed"
      ? UpdateWorkflowExecutionLifecycleStage.COMPLETED
      : update.stage === "accepted"
        ? UpdateWorkflowExecutionLifecycleStage.ACCEPTED
        : UpdateWorkflowExecutionLifecycleStage.ADMITTED;
  return create(UpdateWorkflowExecutionResponseSchema, {
    updateRef: { workflowExecution: { workflowId: run.key.workflowId, runId: run.key.runId }, updateId },
    outcome: update.stage === "completed" ? update.outcome : undefined,
    stage,
  });
}
