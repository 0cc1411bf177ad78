import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { WorkflowTaskFailedCause } from "../../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import { QueryResultType } from "../../../gen/temporal/api/enums/v1/query_pb.ts";
import { RemoveFromCache_EvictionReason } from "../../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { PollWorkflowTaskQueueResponse } from "../../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { Code, ServiceError } from "../../common/errors.ts";
import { CLIENT_NAME, VERSION } from "../../common/version.ts";
import type { WorkflowServiceClient } from "../../connection/connection.ts";
import { type ActivationRunner, driveWorkflowTask } from "../../engine/drive-task.ts";
import { eventIdOf } from "../../engine/history/events.ts";
import { readAllPages } from "../../engine/history/history-pager.ts";
import { WorkflowRun, type WorkflowTaskResult } from "../../engine/workflow-run.ts";
import type { Logger } from "../../logging/types.ts";
import { metricLabels, metricNames } from "../../metrics/names.ts";
import type { MetricMeter } from "../../metrics/types.ts";
import type { WorkflowRuntime } from "../../workflow/runtime.ts";
import { errorMessage } from "../common/logger-with-meta.ts";
import { createServiceHistoryPager, fetchFullHistory, type RunRef } from "./history-pages.ts";
import type { LocalActivityExecutor } from "./local-activity-executor.ts";
import type { RunCache } from "./run-cache.ts";
import { closingCommand, completedRequest, failedRequest, queryAnswerRequest, type StickyQueue } from "./task-responses.ts";

export type TaskSource = "normal" | "sticky";

export interface TaskHandlerEnvironment {
  namespace: string;
  identity: string;
  service: WorkflowServiceClient;
  cache: RunCache;
  /** The runtime itself, for evictions. */
  runtime: WorkflowRuntime;
  /** The runtime as activations reach it (with payload codecs applied when configured). */
  runner: ActivationRunner;
  /** Runs the local activities the runs ask for. */
  localActivities: LocalActivityExecutor;
  /** Undefined when the cache is off. */
  sticky: StickyQueue | undefined;
  logger: Logger;
  /** Labelled with namespace and task queue already. */
  metrics: MetricMeter;
}

export interface TaskHandler {
  /** Processes one polled task to its answer; never rejects (problems are logged and the run evicted). */
  handle(task: PollWorkflowTaskQueueResponse, source: TaskSource): Promise<void>;
  /** Evicts every cached run (shutdown). */
  evictAll(message: string): Promise<void>;
  /**
   * Evicts runs the runtime lost (their workflow thread was replaced) without
   * failing a task: the next task of each replays it from history.
   */
  evictLost(runIds: readonly string[], reason: string): Promise<void>;
}

/**
 * Turns polled workflow tasks into answers, as sdk-core's workflow stream
 * does: finds or rebuilds the run (a cache miss replays the full history),
 * drives it through the runtime, responds, and evicts runs that failed,
 * closed, or that the server no longer knows.
 */
export function createTaskHandler(env: TaskHandlerEnvironment): TaskHandler {
  const { cache, service, logger, metrics } = env;
  const cacheSize = metrics.gauge(metricNames.stickyCacheSize);
  const forcedEvictions = metrics.counter(metricNames.stickyCacheForcedEviction);
  const updateCacheSize = () => cacheSize.set(cache.size);

  /** Drops a run from the cache and tells the runtime to forget it. Call it inside the run's exclusive section. */
  async function evict(run: WorkflowRun, message: string, reason: RemoveFromCache_EvictionReason): Promise<void> {
    cache.delete(run.runId);
    env.localActivities.cancelRun(run.runId);
    updateCacheSize();
    logger.debug("Evicting workflow run", { runId: run.runId, workflowId: run.machines.workflowId, reason: RemoveFromCache_EvictionReason[reason], message });
    await env.runtime.activate(run.evictionActivation(message, reason));
  }

  /** Makes room for a new run: the least recently used idle run leaves. */
  async function admit(run: WorkflowRun): Promise<void> {
    if (cache.max === 0) return;
    while (cache.size >= cache.max) {
      const victimId = cache.evictionCandidate(run.runId);
      if (victimId === undefined) break;
      await cache.exclusive(victimId, async () => {
        const victim = cache.get(victimId);
        if (victim === undefined) return;
        forcedEvictions.add(1);
        await evict(victim, "the workflow cache is full", RemoveFromCache_EvictionReason.CACHE_FULL);
      });
    }
    cache.set(run);
    updateCacheSize();
  }

  async function historyOf(task: PollWorkflowTaskQueueResponse, ref: RunRef): Promise<HistoryEvent[]> {
    const first = task.history?.events ?? [];
    if (task.nextPageToken.length === 0) return first;
    return readAllPages(first, createServiceHistoryPager(service, env.namespace, ref, task.nextPageToken));
  }

  /** A run built from the whole history (fetched when the task carries only its tail). */
  async function newRun(task: PollWorkflowTaskQueueResponse, ref: RunRef, events: HistoryEvent[]): Promise<{ run: WorkflowRun; events: HistoryEvent[] }> {
    const first = events[0];
    const full = first !== undefined && eventIdOf(first) === 1 ? events : await fetchFullHistory(service, env.namespace, ref);
    const run = new WorkflowRun({
      runId: ref.runId,
      workflowId: ref.workflowId,
      namespace: env.namespace,
      workflowType: task.workflowType?.name ?? "",
      sdkName: CLIENT_NAME,
      sdkVersion: VERSION,
    });
    return { run, events: full };
  }

  async function workflowTask(task: PollWorkflowTaskQueueResponse, ref: RunRef, source: TaskSource, typed: MetricMeter): Promise<void> {
    const startedAt = Date.now();
    let events = await historyOf(task, ref);
    let run = cache.get(ref.runId);
    const firstId = events[0] === undefined ? undefined : eventIdOf(events[0]);
    if (run !== undefined && firstId !== undefined && firstId > run.machines.lastProcessedEvent + 1) {
      // Events are missing between the cached state and this task (a task we never saw): rebuild the run.
      await evict(run, `history jumps from event ${run.machines.lastProcessedEvent} to ${firstId}`, RemoveFromCache_EvictionReason.CACHE_MISS);
      run = undefined;
    }
    const hit = run !== undefined;
    if (source === "sticky") metrics.counter(hit ? metricNames.stickyCacheHit : metricNames.stickyCacheMiss).add(1);
    if (run === undefined) {
      const built = await newRun(task, ref, events);
      run = built.run;
      events = built.events;
      await admit(run);
    }
    const result = await driveWorkflowTask(
      run,
      env.runner,
      {
        events,
        previousStartedEventId: Number(task.previousStartedEventId),
        queries: task.queries,
        attempt: task.attempt,
        messages: task.messages,
      },
      { localActivities: env.localActivities },
    );
    // A task that rebuilt a run with earlier tasks first replayed them.
    const latency = hit || task.previousStartedEventId === 0n ? metricNames.workflowTaskExecutionLatency : metricNames.workflowTaskReplayLatency;
    typed.histogram(latency).record(Date.now() - startedAt);
    await respond(task, run, result, typed);
  }

  async function respond(task: PollWorkflowTaskQueueResponse, run: WorkflowRun, result: WorkflowTaskResult, typed: MetricMeter): Promise<void> {
    const ctx = { namespace: env.namespace, identity: env.identity, taskToken: task.taskToken, sticky: env.sticky };
    switch (result.kind) {
      case "completed": {
        try {
          const answer = await service.respondWorkflowTaskCompleted(completedRequest(result, ctx));
          // The server dropped a speculative task (an update it rejected): our state rolls back with it.
          if (answer.resetHistoryEventId > 0n) run.resetLastStartedId(Number(answer.resetHistoryEventId));
        } catch (err) {
          await evictAfterRespondError(run, err, "RespondWorkflowTaskCompleted");
          return;
        }
        const closing = closingCommand(result.commands);
        if (closing !== undefined) {
          typed.counter(closingMetric[closing]).add(1);
          await evict(run, "the workflow run closed", RemoveFromCache_EvictionReason.WORKFLOW_EXECUTION_ENDING);
        } else if (cache.max === 0) {
          await evict(run, "the workflow cache is off", RemoveFromCache_EvictionReason.CACHE_FULL);
        }
        return;
      }
      case "failed": {
        const nondeterminism = result.cause === WorkflowTaskFailedCause.NON_DETERMINISTIC_ERROR;
        typed.withLabels({ [metricLabels.failureReason]: nondeterminism ? "NonDeterminismError" : "WorkflowError" }).counter(metricNames.workflowTaskExecutionFailed).add(1);
        logger.warn("Workflow task failed", {
          workflowId: run.machines.workflowId,
          runId: run.runId,
          workflowType: run.machines.workflowType,
          attempt: task.attempt,
          reported: result.report,
          error: result.error.message,
        });
        await evict(run, result.error.message, nondeterminism ? RemoveFromCache_EvictionReason.NONDETERMINISM : RemoveFromCache_EvictionReason.LANG_FAIL);
        // Later attempts stay quiet, as in sdk-core: the server retries the task on its timeout without growing the history.
        if (!result.report) return;
        try {
          await service.respondWorkflowTaskFailed(failedRequest(result, ctx));
        } catch (err) {
          logger.warn("RespondWorkflowTaskFailed failed", { runId: run.runId, error: errorMessage(err) });
        }
        return;
      }
      case "legacyQuery":
      case "none":
        if (cache.max === 0) await evict(run, "the workflow cache is off", RemoveFromCache_EvictionReason.CACHE_FULL);
        return;
    }
  }

  async function evictAfterRespondError(run: WorkflowRun, err: unknown, method: string): Promise<void> {
    const notFound = err instanceof ServiceError && err.code === Code.NotFound;
    // NotFound: the task timed out or the run ended meanwhile. Either way our state may be ahead of the server's.
    logger[notFound ? "info" : "warn"](`${method} was not accepted; the run is evicted and will be rebuilt from history`, {
      runId: run.runId,
      workflowId: run.machines.workflowId,
      error: errorMessage(err),
    });
    await evict(run, `${method}: ${errorMessage(err)}`, notFound ? RemoveFromCache_EvictionReason.TASK_NOT_FOUND : RemoveFromCache_EvictionReason.FATAL);
  }

  async function legacyQuery(task: PollWorkflowTaskQueueResponse, ref: RunRef): Promise<void> {
    let run = cache.get(ref.runId);
    let events: HistoryEvent[] = [];
    let temporary = false;
    if (run === undefined) {
      // Not cached: rebuild the run for this query only, then forget it.
      const built = await newRun(task, ref, await historyOf(task, ref));
      run = built.run;
      events = built.events;
      temporary = true;
    }
    const result = await driveWorkflowTask(run, env.runner, {
      events,
      previousStartedEventId: Number(task.previousStartedEventId),
      ...(task.query ? { legacyQuery: task.query } : {}),
    });
    const ctx = { namespace: env.namespace, taskToken: task.taskToken };
    const answer: WorkflowTaskResult & { kind: "legacyQuery" } =
      result.kind === "legacyQuery"
        ? result
        : {
            kind: "legacyQuery",
            completedType: QueryResultType.FAILED,
            errorMessage: result.kind === "failed" ? result.error.message : "the workflow produced no answer to the query",
            ...(result.kind === "failed" ? { failure: result.failure } : {}),
          };
    if (result.kind === "failed" && !temporary) {
      await evict(run, result.error.message, RemoveFromCache_EvictionReason.LANG_FAIL);
    }
    try {
      await service.respondQueryTaskCompleted(queryAnswerRequest(answer, ctx));
    } catch (err) {
      logger.warn("RespondQueryTaskCompleted failed", { runId: ref.runId, error: errorMessage(err) });
    }
    if (temporary) await env.runtime.activate(run.evictionActivation("legacy query answered", RemoveFromCache_EvictionReason.LANG_REQUESTED));
  }

  return {
    handle(task, source) {
      const ref = { workflowId: task.workflowExecution?.workflowId ?? "", runId: task.workflowExecution?.runId ?? "" };
      const typed = metrics.withLabels({ [metricLabels.workflowType]: task.workflowType?.name ?? "" });
      if (task.scheduledTime && task.startedTime) {
        typed.histogram(metricNames.workflowTaskScheduleToStartLatency).record(Math.max(0, timestampMs(task.startedTime) - timestampMs(task.scheduledTime)));
      }
      return cache.exclusive(ref.runId, async () => {
        try {
          if (task.query !== undefined) await legacyQuery(task, ref);
          else await workflowTask(task, ref, source, typed);
        } catch (err) {
          logger.error("Workflow task processing failed; the run is evicted and the task left to time out", {
            workflowId: ref.workflowId,
            runId: ref.runId,
            error: errorMessage(err),
          });
          const run = cache.get(ref.runId);
          if (run !== undefined) {
            await evict(run, errorMessage(err), RemoveFromCache_EvictionReason.PAGINATION_OR_HISTORY_FETCH).catch(() => undefined);
          }
        }
      });
    },
    async evictLost(runIds, reason) {
      await Promise.all(
        runIds.map((runId) =>
          cache.exclusive(runId, async () => {
            const run = cache.get(runId);
            if (run !== undefined) await evict(run, `its workflow thread was replaced: ${reason}`, RemoveFromCache_EvictionReason.LANG_REQUESTED);
          }),
        ),
      );
    },
    async evictAll(message) {
      await Promise.all(
        cache.runIds().map((runId) =>
          cache.exclusive(runId, async () => {
            const run = cache.get(runId);
            if (run !== undefined) await evict(run, message, RemoveFromCache_EvictionReason.LANG_REQUESTED);
          }),
        ),
      );
    },
  };
}

const closingMetric = {
  completed: metricNames.workflowCompleted,
  failed: metricNames.workflowFailed,
  canceled: metricNames.workflowCanceled,
  continueAsNew: metricNames.workflowContinueAsNew,
} as const;
