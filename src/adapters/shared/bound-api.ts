// The parts of the public API that need runtime powers, with one runtime's
// Platform bound, so users never pass `platform` themselves. Each runtime's
// index.ts exports what this builds.
import type { History } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { type Connection, connect as connectWith } from "../../connection/connection.ts";
import type { ConnectionOptions } from "../../connection/options.ts";
import type { Platform } from "../../platform/platform.ts";
import {
  type HistoryAndWorkflowId,
  type ReplayOptions,
  type ReplayResult,
  runReplayHistories as replayAllWith,
  runReplayHistory as replayWith,
} from "../../replay/replayer.ts";
import { Worker as CoreWorker, type WorkerOptions as CoreWorkerOptions } from "../../worker/worker.ts";

/** Worker options with the runtime's Platform filled in (it may still be given, e.g. a test double). */
export type WorkerOptions = Omit<CoreWorkerOptions, "platform"> & { platform?: Platform };

type Histories = Iterable<HistoryAndWorkflowId | History> | AsyncIterable<HistoryAndWorkflowId | History>;

/** `Worker` as users see it: @temporalio/worker's static API, on one runtime. */
export interface BoundWorker {
  /** Creates a worker entity (see @temporalio/worker's Worker.create). */
  create(options: WorkerOptions): Promise<CoreWorker>;
  /** Replays one history against the workflow code; throws DeterminismViolationError on [TMPRL1100]. */
  runReplayHistory(options: ReplayOptions, history: History | unknown, workflowId?: string): Promise<void>;
  /** Replays many histories with one runtime, yielding one result each. */
  runReplayHistories(options: ReplayOptions, histories: Histories): AsyncGenerator<ReplayResult, void, undefined>;
}

export function bindPlatform(platform: Platform): {
  Worker: BoundWorker;
  connect(options?: ConnectionOptions): Connection;
} {
  const Worker: BoundWorker = {
    create: (options) => CoreWorker.create({ platform, ...options } as CoreWorkerOptions),
    runReplayHistory: (options, history, workflowId) => replayWith({ platform, ...options }, history, workflowId),
    runReplayHistories: (options, histories) => replayAllWith({ platform, ...options }, histories),
  };
  return { Worker, connect: (options = {}) => connectWith(options, platform) };
}
