/**
 * The workflow code produced commands that do not match the recorded
 * history (or the history holds an event the code cannot account for).
 * The message starts with `[TMPRL1100]`, the code the official SDKs use,
 * so log searches and alerts written for them keep working.
 */
export class NondeterminismError extends Error {
  override readonly name = "NondeterminismError";
  /** The history event where the mismatch was found, when there is one. */
  readonly eventId: number | undefined;
  readonly workflowType: string;

  constructor(detail: string, options: { eventId?: number; workflowType: string; runId?: string }) {
    const where = [
      `workflow type "${options.workflowType}"`,
      options.runId ? `run ${options.runId}` : undefined,
      options.eventId !== undefined ? `event ${options.eventId}` : undefined,
    ]
      .filter((s) => s !== undefined)
      .join(", ");
    super(
      `[TMPRL1100] Nondeterminism error (${where}): ${detail}. ` +
        "The workflow code no longer produces what its history recorded: " +
        "guard the change with patched()/deprecatePatch(), or let old runs finish on the old code.",
    );
    this.eventId = options.eventId;
    this.workflowType = options.workflowType;
  }
}

/**
 * A history or completion the engine cannot process at all (malformed
 * history, a feature this engine does not implement yet). Unlike a
 * nondeterminism error it says nothing about the workflow code.
 */
export class WorkflowEngineError extends Error {
  override readonly name = "WorkflowEngineError";
}

/**
 * Raised by a state machine when an event or command does not fit its
 * current state; WorkflowMachines turns it into a NondeterminismError with
 * the run's context (workflow type, event id).
 */
export class MachineMismatch extends Error {
  override readonly name = "MachineMismatch";
}
