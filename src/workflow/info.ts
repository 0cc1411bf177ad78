import type { RetryPolicy } from "../client/retry-policy.ts";
import type { SearchAttributes, TypedSearchAttributes } from "../client/search-attributes.ts";
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

/** The update whose handler the calling code runs in (currentUpdateInfo()). */
export interface UpdateInfo {
  readonly id: string;
  readonly name: string;
}

/** Facts about the running workflow, as @temporalio/workflow's WorkflowInfo. */
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
  /** Untyped form, kept current by upsertSearchAttributes. */
  readonly searchAttributes: SearchAttributes;
  /** Typed form (attributes whose payloads name their type), kept current by upsertSearchAttributes. */
  readonly typedSearchAttributes: TypedSearchAttributes;
  /** Kept current by upsertMemo. */
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
  /** The workflow's retry policy, when it has one. */
  readonly retryPolicy: RetryPolicy | undefined;
  readonly attempt: number;
  readonly cronSchedule: string | undefined;
  readonly cronScheduleToScheduleInterval: number | undefined;
  readonly historyLength: number;
  readonly historySize: number;
  readonly continueAsNewSuggested: boolean;
  /** Why the server suggests continue-as-new, e.g. "HISTORY_SIZE_TOO_LARGE". */
  readonly suggestedContinueAsNewReasons: string[];
  /** The task queue's target deployment version changed since this run started. */
  readonly targetWorkerDeploymentVersionChanged: boolean;
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
