/**
 * What the health endpoint reads: a readiness report and the metrics text.
 * The worker process provides both; the endpoint knows nothing else of it.
 */
export interface EntityReadiness {
  taskQueue: string;
  roles: readonly string[];
  state: string;
  polling: boolean;
  lastPollOk: boolean | undefined;
  lastError?: string;
  inFlight?: { workflowTasks: number; activities: number };
}

export interface ReadinessReport {
  /** 200 from /readyz when true, 503 otherwise. */
  ready: boolean;
  /** The process lifecycle state: STARTING, RUNNING, STOPPING, DRAINING, DRAINED, STOPPED or FAILED. */
  state: string;
  /** Whether the Temporal Service answers the process's own checks, and why not while it does not. */
  server?: { reachable: boolean; lastError?: string };
  entities: EntityReadiness[];
  /** Entities that failed, kept after they stopped so they are never silently dropped. */
  failures: Array<{ taskQueue: string; error: string }>;
}

export interface HealthSource {
  readiness(): ReadinessReport;
  /** Prometheus text exposition. */
  metrics(): string;
}
