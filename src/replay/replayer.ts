import { isMessage } from "@bufbuild/protobuf";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { type History, HistorySchema } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { VERSION } from "../common/version.ts";
import type { DataConverter } from "../converter/types.ts";
import { type ActivationRunner, driveWorkflowTask } from "../engine/drive-task.ts";
import { NondeterminismError } from "../engine/errors.ts";
import { eventIdOf } from "../engine/history/events.ts";
import { historyFromJson } from "../engine/history/history-file.ts";
import { WorkflowRun } from "../engine/workflow-run.ts";
import type { Platform } from "../platform/platform.ts";
import { createInProcessWorkflowRuntime, type WorkflowModule, type WorkflowRuntime } from "../workflow/runtime.ts";

/** What the replayer needs from the runtime's Platform (the adapters' entry points bind it). */
export type ReplayPlatform = Pick<Platform, "createAsyncLocalStorage" | "importModule">;

/**
 * Options of `runReplayHistory`, after the official `ReplayWorkerOptions`:
 * the workflow code comes as a module object (`workflows`) or a path
 * (`workflowsPath`, imported with the platform's module loader).
 */
export interface ReplayOptions {
  /** The workflow functions, as a module's exports. */
  workflows?: WorkflowModule;
  /** Path of a module exporting the workflow functions (`.ts` on Bun and Deno, compiled `.js` on Node). */
  workflowsPath?: string;
  /** Payload and failure converters the workflow code was written against. */
  dataConverter?: DataConverter;
  /** The runtime's powers; required unless `runtime` is given. */
  platform?: ReplayPlatform;
  /** Runs activations itself instead of the in-process runtime built from `workflows` (tests, custom runtimes). */
  runtime?: ActivationRunner;
  /** Names the history in errors (a file name); defaults to "history". */
  source?: string;
  /** Namespace and task queue reported by `workflowInfo()`; default "default" and "replay". */
  namespace?: string;
  taskQueue?: string;
}

/** Why a history did not replay; `source` names the file. */
export class ReplayError extends Error {
  override readonly name: string = "ReplayError";
  constructor(
    message: string,
    readonly source: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The workflow code is not deterministic against the history: the message contains `[TMPRL1100]`. */
export class DeterminismViolationError extends ReplayError {
  override readonly name = "DeterminismViolationError";
}

/** One history to replay, with what the replayer cannot read from it. */
export interface HistoryAndWorkflowId {
  history: History | unknown;
  /** Histories do not record the workflow id; `workflowInfo().workflowId` gives this one. Default "replay". */
  workflowId?: string;
  /** Names the history in errors, e.g. its file name. */
  source?: string;
}

export interface ReplayResult {
  workflowId: string;
  runId: string;
  source: string;
  /** Undefined when the history replayed. */
  error: ReplayError | undefined;
}

/**
 * Replays one history against workflow code, like the official
 * `Worker.runReplayHistory`: resolves when every recorded command matches,
 * rejects with DeterminismViolationError (`[TMPRL1100] ...`) when the code
 * diverges, or ReplayError when the code fails its task for another reason.
 * `history` is a History message or its JSON in any dialect `parseHistories` reads.
 */
export async function runReplayHistory(options: ReplayOptions, history: History | unknown, workflowId?: string): Promise<void> {
  const source = options.source ?? "history";
  const item: HistoryAndWorkflowId = { history, source };
  if (workflowId !== undefined) item.workflowId = workflowId;
  for await (const result of runReplayHistories(options, [item])) {
    if (result.error) throw result.error;
  }
}

/**
 * Replays several histories with one workflow runtime; yields one result per
 * history, in order (a failure does not stop the rest), as the official
 * `Worker.runReplayHistories` does.
 */
export async function* runReplayHistories(
  options: ReplayOptions,
  histories: Iterable<HistoryAndWorkflowId | History> | AsyncIterable<HistoryAndWorkflowId | History>,
): AsyncGenerator<ReplayResult, void, undefined> {
  const owned = options.runtime === undefined ? await createReplayRuntime(options) : undefined;
  const runtime = options.runtime ?? (owned as WorkflowRuntime);
  try {
    let index = 0;
    for await (const entry of histories) {
      const item: HistoryAndWorkflowId = isMessage(entry, HistorySchema) ? { history: entry } : (entry as HistoryAndWorkflowId);
      const source = item.source ?? options.source ?? `history[${index}]`;
      const workflowId = item.workflowId ?? "replay";
      index++;
      let runId = "";
      try {
        const history = toHistory(item.history, source);
        runId = runIdOf(history);
        await replayOne(runtime, history, { source, workflowId, runId, namespace: options.namespace ?? "default" });
        yield { workflowId, runId, source, error: undefined };
      } catch (err) {
        const error = err instanceof ReplayError ? err : new ReplayError(`${source}: ${err instanceof Error ? err.message : String(err)}`, source, { cause: err });
        yield { workflowId, runId, source, error };
      }
    }
  } finally {
    await owned?.dispose();
  }
}

async function createReplayRuntime(options: ReplayOptions): Promise<WorkflowRuntime> {
  const { platform, workflows, workflowsPath } = options;
  if (platform === undefined) {
    throw new ReplayError(
      "replay options: `platform` is missing; import runReplayHistory from \"temporal-edge-worker\" (which binds your runtime's platform) or pass `runtime`",
      options.source ?? "history",
    );
  }
  if ((workflows === undefined) === (workflowsPath === undefined)) {
    throw new ReplayError("replay options: give exactly one of `workflows` (a module object) or `workflowsPath` (a module path)", options.source ?? "history");
  }
  if ((options.dataConverter?.payloadCodecs?.length ?? 0) > 0) {
    throw new ReplayError(
      "replay options: dataConverter.payloadCodecs are not applied by the replayer yet; replay histories whose payloads are not encoded, or decode them first",
      options.source ?? "history",
    );
  }
  const loader = workflowsPath !== undefined ? () => loadWorkflows(platform, workflowsPath) : (workflows as WorkflowModule);
  const runtimeOptions: Parameters<typeof createInProcessWorkflowRuntime>[0] = {
    workflows: loader,
    namespace: options.namespace ?? "default",
    taskQueue: options.taskQueue ?? "replay",
    createAsyncLocalStorage: platform.createAsyncLocalStorage,
  };
  if (options.dataConverter?.payloadConverter) runtimeOptions.payloadConverter = options.dataConverter.payloadConverter;
  if (options.dataConverter?.failureConverter) runtimeOptions.failureConverter = options.dataConverter.failureConverter;
  return createInProcessWorkflowRuntime(runtimeOptions);
}

async function loadWorkflows(platform: ReplayPlatform, path: string): Promise<WorkflowModule> {
  try {
    return await platform.importModule(path);
  } catch (err) {
    throw new Error(`cannot import the workflows module ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function toHistory(history: History | unknown, source: string): History {
  if (isMessage(history, HistorySchema)) return history;
  try {
    return historyFromJson(history, source);
  } catch (err) {
    throw new ReplayError(err instanceof Error ? err.message : String(err), source, { cause: err });
  }
}

function runIdOf(history: History): string {
  const first = history.events[0];
  if (first?.attributes.case !== "workflowExecutionStartedEventAttributes") return "";
  return first.attributes.value.originalExecutionRunId;
}

async function replayOne(
  runtime: ActivationRunner,
  history: History,
  ids: { source: string; workflowId: string; runId: string; namespace: string },
): Promise<void> {
  const { source } = ids;
  const first = history.events[0];
  if (first?.attributes.case !== "workflowExecutionStartedEventAttributes") {
    throw new ReplayError(`${source}: a history must begin with WorkflowExecutionStarted`, source);
  }
  const run = new WorkflowRun({
    runId: ids.runId || "replay-run",
    workflowId: ids.workflowId,
    namespace: ids.namespace,
    workflowType: first.attributes.value.workflowType?.name ?? "",
    sdkName: "temporal-edge-worker",
    sdkVersion: VERSION,
  });
  let result: Awaited<ReturnType<typeof driveWorkflowTask>>;
  try {
    result = await driveWorkflowTask(run, runtime, {
      events: history.events,
      previousStartedEventId: lastCompletedTaskStartedId(history),
    });
  } finally {
    // The runtime keeps the run until told otherwise; replay is done with it either way.
    await runtime.activate(run.evictionActivation("replay finished"));
  }
  if (result.kind !== "failed") return;
  const message = `${source}: ${result.error.message}`;
  if (result.error instanceof NondeterminismError || result.error.message.includes("[TMPRL1100]")) {
    throw new DeterminismViolationError(message, source, { cause: result.error });
  }
  throw new ReplayError(message, source, { cause: result.error });
}

/** The WorkflowTaskStarted of the last task the history shows completed: where the server's knowledge ends. */
function lastCompletedTaskStartedId(history: History): number {
  const events = history.events;
  for (let i = events.length - 1; i > 0; i--) {
    if (events[i]!.eventType === EventType.WORKFLOW_TASK_COMPLETED && events[i - 1]!.eventType === EventType.WORKFLOW_TASK_STARTED) {
      return eventIdOf(events[i - 1]!);
    }
  }
  return 0;
}
