// "temporal-edge-worker" on Bun: the core API with the Bun platform bound.
import type { Worker as CoreWorker } from "../../worker/worker.ts";
import { bindPlatform } from "../shared/bound-api.ts";
import { bunPlatform } from "./platform.ts";

export * from "../../index.ts";
export type { BoundWorker, WorkerOptions } from "../shared/bound-api.ts";
export { bunPlatform as platform };

const bound = bindPlatform(bunPlatform);

/** Worker entities on Bun: `Worker.create(options)`, `Worker.runReplayHistory`, as @temporalio/worker. */
export const Worker = bound.Worker;
export type Worker = CoreWorker;
/** Opens a connection to a Temporal frontend (lazily: the first call connects). */
export const connect = bound.connect;
export const runReplayHistory = bound.Worker.runReplayHistory;
export const runReplayHistories = bound.Worker.runReplayHistories;
