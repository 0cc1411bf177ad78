import type { Duration } from "../common/duration.ts";

/** The workflow execution a run belongs to (parent or root). */
export interface ParentWorkflowInfo {
  workflowId: string;
  runId: string;
  namespace: string;
}

export interface RootWorkflowInfo {
  workflowId: string;
  runId: string;
}

/** Facts about the running workflow, as @temporalio/workflow's WorkflowInfo (the part this runtime fills). */
export interface WorkflowInfo {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly firstExecutionRunId: string;
  readonly originalExecutionRunId: string;
  readonly continuedFromExecutionRunId: string | undefined;
  readonly parent: ParentWorkflowInfo | undefined;
  readonly root: RootWorkflowInfo | undefined;
  readonly searchAttributes: Record<string, unknown[]>;
  readonly memo: Record<string, unknown>;
  /** Result of the previous run of a cron workflow or retried workflow. */
  readonly lastResult: unknown;
  readonly lastFailure: Error | undefined;
  readonly startTime: Date;
  readonly runStartTime: Date;
  readonly executionTimeoutMs: number | undefined;
  readonly executionExpirationTime: Date | undefined;
  readonly runTimeoutMs: number | undefined;
  readonly taskTimeoutMs: number;
  readonly attempt: number;
  readonly cronSchedule: string | undefined;
  readonly cronScheduleToScheduleInterval: number | undefined;
  readonly historyLength: number;
  readonly historySize: number;
  readonly continueAsNewSuggested: boolean;
  readonly currentBuildId: string;
  readonly unsafe: {
    /** Whether this activation replays history (logs are silent then). */
    readonly isReplaying: boolean;
    readonly isReplayingHistoryEvents: boolean;
    /** The real clock, for diagnostics only: using it in workflow logic breaks replay. */
    readonly now: () => number;
  };
}

export type { Duration };
