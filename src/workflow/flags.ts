// SDK flags recorded in `sdk_metadata`, with the ids and defaults of the
// official TypeScript SDK: the engine reports which flags a history used
// (`availableInternalFlags`) and the completion says which ones this run
// relies on (`usedInternalFlags`), so behaviour changes replay the same way
// on both workers.

export interface SdkFlagDefinition {
  readonly id: number;
  /** Whether a new (non-replaying) run turns the flag on. */
  readonly enabledByDefault: boolean;
}

export const SdkFlag = {
  /** Cancelling a parent no longer reaches non-cancellable children; `setTimeout` timers get their own scope. */
  NonCancellableScopesAreShieldedFromPropagation: { id: 1, enabledByDefault: true },
  /** All jobs of an activation run as one batch (otherwise signals first, then the rest). */
  ProcessWorkflowActivationJobsAsSingleBatch: { id: 2, enabledByDefault: true },
  // 3 to 6 concern the official OpenTelemetry interceptors; known so histories that carry them replay.
  OpenTelemetryInterceptorsTracesInboundSignals: { id: 3, enabledByDefault: true },
  OpenTelemetryInterceptorsTracesLocalActivities: { id: 4, enabledByDefault: true },
  OpenTelemetryInterceporsAvoidsExtraYields: { id: 5, enabledByDefault: true },
  OpenTelemetryInterceptorsInstrumentsAllMethods: { id: 6, enabledByDefault: true },
} as const satisfies Record<string, SdkFlagDefinition>;

const KNOWN_IDS = new Set<number>(Object.values(SdkFlag).map((f) => f.id));

export function isKnownFlag(id: number): boolean {
  return KNOWN_IDS.has(id);
}
