/**
 * What the worker process needs from a worker entity (one task queue served
 * with workflows, activities or both). The process creates entities through
 * an EntityFactory, runs them side by side on one connection, reads their
 * status for /readyz and shuts them down on a signal.
 */
import type { EntitySpec } from "../config/resolve.ts";
import type { Connection } from "../connection/connection.ts";
import type { Logger } from "../logging/types.ts";
import type { MetricMeter } from "../metrics/types.ts";
import type { Platform } from "../platform/platform.ts";

/** The official worker's states, in order; FAILED can follow any of them. */
export type EntityState = "INITIALIZED" | "RUNNING" | "STOPPING" | "DRAINING" | "DRAINED" | "STOPPED" | "FAILED";

export type EntityRole = "workflow" | "activity";

export interface EntityStatus {
  state: EntityState;
  /** True while the entity's pollers are polling. */
  polling: boolean;
  /**
   * Whether the latest poll got an answer from the server (a task or an empty
   * reply); undefined before the first answer.
   */
  lastPollOk: boolean | undefined;
  /** Why the latest poll or the entity failed, when it did: a message fit for logs (no payloads). */
  lastError?: string;
  /** Tasks being processed now, for the drain log and /readyz. */
  inFlight?: { workflowTasks: number; activities: number };
}

export interface WorkerEntity {
  readonly taskQueue: string;
  readonly roles: readonly EntityRole[];
  /**
   * Polls and processes tasks until shut down; resolves once drained and
   * stopped, rejects when the entity fails.
   */
  run(): Promise<void>;
  /**
   * Begins a graceful shutdown: stop polling (ShutdownWorker to the server),
   * let in-flight tasks finish within the grace time the factory was given,
   * then let run() resolve. Idempotent.
   */
  shutdown(): void;
  getState(): EntityState;
  getStatus(): EntityStatus;
}

/** What the run command hands a factory for each entity. */
export interface EntityContext {
  spec: EntitySpec;
  /** The activity functions, already imported from spec.activitiesPath. */
  activities: Record<string, (...args: never[]) => unknown> | undefined;
  /** The one connection every entity of the process shares. */
  connection: Connection;
  namespace: string;
  identity: string;
  platform: Platform;
  /** A logger carrying `taskQueue` already. */
  logger: Logger;
  /** A meter carrying `namespace` and `task_queue` labels already. */
  meter: MetricMeter;
  /** How long in-flight tasks may run after shutdown() before they are cancelled. */
  shutdownGraceTimeMs: number;
}

export type EntityFactory = (context: EntityContext) => Promise<WorkerEntity>;

/** Roles an entity has from its spec: workflows, activities or both. */
export function rolesOf(spec: EntitySpec): EntityRole[] {
  const roles: EntityRole[] = [];
  if (spec.workflowsPath) roles.push("workflow");
  if (spec.activitiesPath) roles.push("activity");
  return roles;
}
