/**
 * The worker process: hosts many worker entities on one connection and moves
 * them through the official worker's lifecycle as one:
 *
 *   STARTING --run()--> RUNNING --shutdown()--> STOPPING --(every entity stopped polling)-->
 *   DRAINING --(every entity's run() settled)--> DRAINED --(connection closed)--> STOPPED
 *
 * Readiness (/readyz) is true while RUNNING, every entity polls, and the
 * server answered (every entity's latest poll, or the server probe). It turns
 * false the moment shutdown begins, before anything else, so an orchestrator
 * stops routing to us first. An entity that fails is logged,
 * kept in the readiness report, and shuts the rest down: the process exits
 * non-zero so the orchestrator restarts it, rather than running on with a
 * task queue silently unserved.
 */
import type { EntityReadiness, ReadinessReport } from "../health/types.ts";
import type { Logger } from "../logging/types.ts";
import type { EntityState, WorkerEntity } from "./entity.ts";
import type { ServerStatus } from "./server-probe.ts";

export type ProcessState = "STARTING" | "RUNNING" | "STOPPING" | "DRAINING" | "DRAINED" | "STOPPED" | "FAILED";

export interface WorkerProcessOptions {
  entities: readonly WorkerEntity[];
  logger: Logger;
  /** Passed to the entities by their factory; here it sets the drain deadline together with shutdownForceTimeMs. */
  shutdownGraceTimeMs: number;
  /** Extra time after the grace time before the process stops waiting for a drain and fails. */
  shutdownForceTimeMs: number;
  /** Runs between DRAINED and STOPPED: closes the shared connection. */
  close?: () => Promise<void>;
  /** Observes each state change (logs, tests). */
  onStateChange?: (state: ProcessState) => void;
  /**
   * Whether the server answers the process now (a ServerProbe's status).
   * While it does, entities that poll count as ready whatever their latest
   * poll said; without it, each entity's latest poll must have been answered.
   */
  server?: () => ServerStatus;
}

export interface ProcessOutcome {
  /** 0 after a clean drain; 1 when an entity failed or the drain timed out. */
  exitCode: number;
  failures: Array<{ taskQueue: string; error: string }>;
}

export interface WorkerProcess {
  readonly state: ProcessState;
  /** Runs every entity; resolves when the process has STOPPED (or given up draining). */
  run(): Promise<ProcessOutcome>;
  /** Begins a graceful shutdown; later calls are ignored. */
  shutdown(reason: string): void;
  readiness(): ReadinessReport;
}

const stoppedPolling: ReadonlySet<EntityState> = new Set(["DRAINING", "DRAINED", "STOPPED", "FAILED"]);

export function createWorkerProcess(options: WorkerProcessOptions): WorkerProcess {
  const { entities, logger } = options;
  let state: ProcessState = "STARTING";
  const failures: ProcessOutcome["failures"] = [];
  const settled = new Set<WorkerEntity>();
  let shutdownRequested = false;
  let wake: (() => void) | undefined;

  const setState = (next: ProcessState) => {
    if (state === next) return;
    state = next;
    logger.info(`worker process ${next}`, { state: next });
    options.onStateChange?.(next);
  };

  const shutdown = (reason: string) => {
    if (shutdownRequested) return;
    shutdownRequested = true;
    if (state === "STARTING" || state === "RUNNING") setState("STOPPING");
    logger.info("shutdown requested", { reason, graceTimeMs: options.shutdownGraceTimeMs });
    for (const entity of entities) {
      if (settled.has(entity)) continue;
      try {
        entity.shutdown();
      } catch (err) {
        fail(entity, err);
      }
    }
    wake?.();
  };

  const fail = (entity: WorkerEntity, err: unknown) => {
    const error = err instanceof Error ? err.message : String(err);
    if (!failures.some((f) => f.taskQueue === entity.taskQueue)) failures.push({ taskQueue: entity.taskQueue, error });
    logger.error("worker entity failed", { taskQueue: entity.taskQueue, error: err });
  };

  const run = async (): Promise<ProcessOutcome> => {
    if (state !== "STARTING") throw new Error(`worker process already ran (state ${state}); create a new one`);
    setState("RUNNING");
    for (const entity of entities) {
      let promise: Promise<void>;
      try {
        promise = entity.run();
      } catch (err) {
        promise = Promise.reject(err);
      }
      promise.then(
        () => {
          settled.add(entity);
          if (!shutdownRequested) {
            fail(entity, new Error(`worker for task queue "${entity.taskQueue}" stopped without a shutdown request`));
            shutdown(`the worker for task queue "${entity.taskQueue}" stopped`);
          }
          wake?.();
        },
        (err: unknown) => {
          settled.add(entity);
          fail(entity, err);
          shutdown(`the worker for task queue "${entity.taskQueue}" failed`);
          wake?.();
        },
      );
    }
    await until(() => shutdownRequested);
    const deadline = Date.now() + options.shutdownGraceTimeMs + options.shutdownForceTimeMs;
    const drained = await until(() => {
      if (state === "STOPPING" && entities.every((e) => settled.has(e) || stoppedPolling.has(e.getState()))) setState("DRAINING");
      return settled.size === entities.length;
    }, deadline);
    if (!drained) {
      const stuck = entities.filter((e) => !settled.has(e));
      for (const e of stuck) {
        const status = e.getStatus();
        const error = `did not drain within ${options.shutdownGraceTimeMs + options.shutdownForceTimeMs} ms (state ${status.state})`;
        failures.push({ taskQueue: e.taskQueue, error });
        logger.error("worker entity did not drain in time", { taskQueue: e.taskQueue, state: status.state, inFlight: status.inFlight });
      }
      setState("FAILED");
      await closeQuietly();
      return { exitCode: 1, failures: [...failures] };
    }
    // The state changed in callbacks since the check at the top, which TypeScript cannot see.
    if ((state as ProcessState) === "STOPPING") setState("DRAINING");
    setState("DRAINED");
    await closeQuietly();
    setState(failures.length > 0 ? "FAILED" : "STOPPED");
    return { exitCode: failures.length > 0 ? 1 : 0, failures: [...failures] };
  };

  const closeQuietly = async () => {
    try {
      await options.close?.();
    } catch (err) {
      logger.warn("closing the connection failed", { error: err });
    }
  };

  /** Waits for `condition`, re-checking on every entity event and at least every 25 ms; false at the deadline. */
  const until = async (condition: () => boolean, deadline = Number.POSITIVE_INFINITY): Promise<boolean> => {
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(25, left));
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
    return true;
  };

  const readiness = (): ReadinessReport => {
    const list: EntityReadiness[] = entities.map((e) => {
      const s = e.getStatus();
      const r: EntityReadiness = { taskQueue: e.taskQueue, roles: e.roles, state: s.state, polling: s.polling, lastPollOk: s.lastPollOk };
      if (s.lastError !== undefined) r.lastError = s.lastError;
      if (s.inFlight !== undefined) r.inFlight = s.inFlight;
      return r;
    });
    const server = options.server?.();
    // The server answered: every entity's latest poll did, or the server probe does now (polls
    // waiting on empty queues have no verdict, and a failure from an outage outlives the outage).
    const answered = list.every((e) => e.lastPollOk === true) || server?.reachable === true;
    const ready = state === "RUNNING" && !shutdownRequested && answered && list.every((e) => e.state === "RUNNING" && e.polling);
    return { ready, state, ...(server ? { server } : {}), entities: list, failures: [...failures] };
  };

  return {
    get state() {
      return state;
    },
    run,
    shutdown,
    readiness,
  };
}
