import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { WorkflowService } from "../../../gen/temporal/api/workflowservice/v1/service_pb.ts";
import {
  DescribeTaskQueueResponseSchema,
  PollActivityTaskQueueResponseSchema,
  PollWorkflowTaskQueueResponseSchema,
  RecordActivityTaskHeartbeatByIdResponseSchema,
  RecordActivityTaskHeartbeatResponseSchema,
  RecordWorkerHeartbeatResponseSchema,
  ResetStickyTaskQueueResponseSchema,
  RespondActivityTaskCanceledByIdResponseSchema,
  RespondActivityTaskCanceledResponseSchema,
  RespondActivityTaskCompletedByIdResponseSchema,
  RespondActivityTaskCompletedResponseSchema,
  RespondActivityTaskFailedByIdResponseSchema,
  RespondActivityTaskFailedResponseSchema,
  RespondQueryTaskCompletedResponseSchema,
  RespondWorkflowTaskCompletedResponseSchema,
  RespondWorkflowTaskFailedResponseSchema,
  ShutdownWorkerResponseSchema,
} from "../../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { QueryResultType } from "../../../gen/temporal/api/enums/v1/query_pb.ts";
import { type EngineContext, queueKey } from "../engine-context.ts";
import { notFound, requireField } from "../errors.ts";
import { cancelActivityByWorker, completeActivity, failActivity, heartbeat } from "../executions/activities.ts";
import { completeWorkflowTask } from "../executions/commands.ts";
import { isOpen } from "../executions/run-state.ts";
import { failWorkflowTask, releaseStickyQueue, unstick } from "../executions/workflow-tasks.ts";
import { decodeToken } from "../tokens.ts";
import { timestamp } from "../time.ts";
import { namespaceOf, openRunOf, pollTimeout } from "./lookup.ts";

type Impl = Partial<ServiceImpl<typeof WorkflowService>>;

export function taskRpcs(ctx: EngineContext): Impl {
  const poked = <T>(value: T): T => {
    ctx.clock.poke();
    return value;
  };

  /** The run and started workflow task a workflow task token stands for. */
  const workflowTaskOf = (bytes: Uint8Array) => {
    const token = decodeToken(bytes, "workflow");
    if (token.kind !== "workflow") throw notFound("workflow task not found");
    const run = ctx.store.getRun(token.namespace, token.workflowId, token.runId);
    const wft = run?.wft;
    if (run === undefined || !isOpen(run) || wft === undefined || wft.state !== "started" || wft.generation !== token.generation) {
      throw notFound(`workflow task not found: it timed out, was already answered, or workflow "${token.workflowId}" has closed`);
    }
    return { run, wft };
  };

  /** The run and started activity an activity task token stands for. */
  const activityTaskOf = (bytes: Uint8Array) => {
    const token = decodeToken(bytes, "activity");
    if (token.kind !== "activity") throw notFound("activity task not found");
    const run = ctx.store.getRun(token.namespace, token.workflowId, token.runId);
    const activity = run?.activities.get(BigInt(token.scheduledEventId));
    if (run === undefined || !isOpen(run) || activity === undefined || activity.attempt !== token.attempt || activity.state !== "started") {
      throw notFound(`activity task not found: it timed out, was canceled or already answered, or workflow "${token.workflowId}" has closed`);
    }
    return { run, activity };
  };

  const activityById = (req: { namespace: string; workflowId: string; runId: string; activityId: string }) => {
    const activityId = requireField(req.activityId, "activityId");
    const run = openRunOf(ctx, req.namespace, { $typeName: "temporal.api.common.v1.WorkflowExecution", workflowId: req.workflowId, runId: req.runId }, "workflowExecution");
    const activity = [...run.activities.values()].find((a) => a.activityId === activityId);
    if (activity === undefined || activity.state !== "started") {
      throw notFound(`activity "${activityId}" of workflow "${req.workflowId}" is not running`);
    }
    return { run, activity };
  };

  return {
    async pollWorkflowTaskQueue(req, handler) {
      namespaceOf(ctx, req.namespace);
      const queue = requireField(req.taskQueue?.name, "taskQueue.name");
      const task = await ctx.workflowTasks.poll(queueKey(req.namespace, queue), req.identity, handler.signal, pollTimeout(handler), req.workerInstanceKey || undefined);
      return poked(task ?? create(PollWorkflowTaskQueueResponseSchema, {}));
    },
    async pollActivityTaskQueue(req, handler) {
      namespaceOf(ctx, req.namespace);
      const queue = requireField(req.taskQueue?.name, "taskQueue.name");
      const task = await ctx.activityTasks.poll(queueKey(req.namespace, queue), req.identity, handler.signal, pollTimeout(handler), req.workerInstanceKey || undefined);
      return poked(task ?? create(PollActivityTaskQueueResponseSchema, {}));
    },
    respondWorkflowTaskCompleted(req) {
      const { run, wft } = workflowTaskOf(req.taskToken);
      const resetHistoryEventId = completeWorkflowTask(ctx, run, wft, req);
      return poked(create(RespondWorkflowTaskCompletedResponseSchema, { resetHistoryEventId }));
    },
    respondWorkflowTaskFailed(req) {
      const { run } = workflowTaskOf(req.taskToken);
      failWorkflowTask(ctx, run, req.cause, req.failure, req.identity);
      return poked(create(RespondWorkflowTaskFailedResponseSchema, {}));
    },
    respondQueryTaskCompleted(req) {
      const token = decodeToken(req.taskToken, "query");
      const pending = token.kind === "query" ? ctx.queries.get(token.queryId) : undefined;
      if (pending === undefined) throw notFound("query not found: the caller gave up waiting or it was already answered");
      pending.settle(
        req.completedType === QueryResultType.ANSWERED
          ? { answer: req.queryResult }
          : { errorMessage: req.errorMessage, failure: req.failure },
      );
      return create(RespondQueryTaskCompletedResponseSchema, {});
    },
    recordActivityTaskHeartbeat(req) {
      const { run, activity } = activityTaskOf(req.taskToken);
      return create(RecordActivityTaskHeartbeatResponseSchema, { cancelRequested: heartbeat(ctx, run, activity, req.details) });
    },
    recordActivityTaskHeartbeatById(req) {
      const { run, activity } = activityById(req);
      return create(RecordActivityTaskHeartbeatByIdResponseSchema, { cancelRequested: heartbeat(ctx, run, activity, req.details) });
    },
    respondActivityTaskCompleted(req) {
      const { run, activity } = activityTaskOf(req.taskToken);
      completeActivity(ctx, run, activity, req.result, req.identity);
      return poked(create(RespondActivityTaskCompletedResponseSchema, {}));
    },
    respondActivityTaskCompletedById(req) {
      const { run, activity } = activityById(req);
      completeActivity(ctx, run, activity, req.result, req.identity);
      return poked(create(RespondActivityTaskCompletedByIdResponseSchema, {}));
    },
    respondActivityTaskFailed(req) {
      const { run, activity } = activityTaskOf(req.taskToken);
      failActivity(ctx, run, activity, req.failure, req.lastHeartbeatDetails, req.identity);
      return poked(create(RespondActivityTaskFailedResponseSchema, {}));
    },
    respondActivityTaskFailedById(req) {
      const { run, activity } = activityById(req);
      failActivity(ctx, run, activity, req.failure, req.lastHeartbeatDetails, req.identity);
      return poked(create(RespondActivityTaskFailedByIdResponseSchema, {}));
    },
    respondActivityTaskCanceled(req) {
      const { run, activity } = activityTaskOf(req.taskToken);
      cancelActivityByWorker(ctx, run, activity, req.details, req.identity);
      return poked(create(RespondActivityTaskCanceledResponseSchema, {}));
    },
    respondActivityTaskCanceledById(req) {
      const { run, activity } = activityById(req);
      cancelActivityByWorker(ctx, run, activity, req.details, req.identity);
      return poked(create(RespondActivityTaskCanceledByIdResponseSchema, {}));
    },
    shutdownWorker(req) {
      namespaceOf(ctx, req.namespace);
      // The worker's polls still waiting (a stopping worker may not have aborted them yet) end now.
      if (req.workerInstanceKey) {
        ctx.workflowTasks.releaseWorker(req.workerInstanceKey);
        ctx.activityTasks.releaseWorker(req.workerInstanceKey);
      }
      if (req.stickyTaskQueue) releaseStickyQueue(ctx, req.namespace, req.stickyTaskQueue);
      return poked(create(ShutdownWorkerResponseSchema, {}));
    },
    resetStickyTaskQueue(req) {
      const run = openRunOf(ctx, req.namespace, req.execution);
      unstick(ctx, run);
      return poked(create(ResetStickyTaskQueueResponseSchema, {}));
    },
    describeTaskQueue(req) {
      namespaceOf(ctx, req.namespace);
      const queue = requireField(req.taskQueue?.name, "taskQueue.name");
      const pollers = [
        ...ctx.workflowTasks.pollers(queueKey(req.namespace, queue)),
        ...ctx.activityTasks.pollers(queueKey(req.namespace, queue)),
      ];
      return create(DescribeTaskQueueResponseSchema, {
        pollers: pollers.map((p) => ({ identity: p.identity, lastAccessTime: timestamp(p.lastAccessTime) })),
      });
    },
    recordWorkerHeartbeat(req) {
      namespaceOf(ctx, req.namespace);
      return create(RecordWorkerHeartbeatResponseSchema, {});
    },
  };
}
