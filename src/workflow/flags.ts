// SDK flags recorded in `sdk_metadata`, with the ids, defaults and
// version-based conditions of the official TypeScript SDK: the engine reports
// which flags a history used (`availableInternalFlags`) and the completion
// says which ones this run relies on (`usedInternalFlags`), so behaviour
// changes replay the same way on both workers.

/** What a replayed workflow task tells about the SDK that wrote it. */
export interface FlagConditionContext {
  /** The task's worker build id (`deploymentVersionForCurrentTask.buildId`); official workers write `@temporalio/worker@<version>+<hash>`. */
  currentBuildId: string;
  /** The last SDK version recorded in the history (`lastSdkVersion`). */
  sdkVersion: string | undefined;
}

export interface SdkFlagDefinition {
  readonly id: number;
  /** Whether a new (non-replaying) run turns the flag on. */
  readonly enabledByDefault: boolean;
  /**
   * While replaying, the flag also counts as on when one of these holds:
   * for histories written by SDK versions that had the behaviour without
   * recording the flag.
   */
  readonly alternativeConditions?: ReadonlyArray<(context: FlagConditionContext) => boolean>;
}

/** Tasks written by these official worker versions: `@temporalio/worker@1.11.0+…`. */
function officialWorkerBuildMatches(version: RegExp): (context: FlagConditionContext) => boolean {
  const pattern = new RegExp(`^@temporalio/worker@(${version.source})[+]`);
  return ({ currentBuildId }) => pattern.test(currentBuildId);
}

function parseVersion(version: string): [number, number, number] | undefined {
  const match = /(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** Histories last written by an SDK at least this version; false when the version is unknown. */
function sdkVersionAtLeast(major: number, minor: number, patch: number): (context: FlagConditionContext) => boolean {
  return ({ sdkVersion }) => {
    const v = sdkVersion ? parseVersion(sdkVersion) : undefined;
    if (v === undefined) return false;
    const wanted = [major, minor, patch];
    for (let i = 0; i < 3; i++) {
      if ((v[i] as number) !== (wanted[i] as number)) return (v[i] as number) > (wanted[i] as number);
    }
    return true;
  };
}

export const SdkFlag = {
  /**
   * Cancelling a parent no longer reaches non-cancellable children; `setTimeout` timers get their own scope;
   * withTimeout cancels its timer when the scope ends first. Workers 1.11.0 and 1.11.1 had it without recording it.
   */
  NonCancellableScopesAreShieldedFromPropagation: {
    id: 1,
    enabledByDefault: true,
    alternativeConditions: [officialWorkerBuildMatches(/1\.11\.[01]/)],
  },
  /** All jobs of an activation run as one batch (otherwise signals first, then the rest). Same 1.11.0/1.11.1 gap. */
  ProcessWorkflowActivationJobsAsSingleBatch: {
    id: 2,
    enabledByDefault: true,
    alternativeConditions: [officialWorkerBuildMatches(/1\.11\.[01]/)],
  },
  // 3 to 6 gate yield points of the official OpenTelemetry interceptors; known
  // (with their version conditions) so histories that carry them replay.
  OpenTelemetryInterceptorsTracesInboundSignals: { id: 3, enabledByDefault: true, alternativeConditions: [sdkVersionAtLeast(1, 11, 5)] },
  OpenTelemetryInterceptorsTracesLocalActivities: { id: 4, enabledByDefault: true, alternativeConditions: [sdkVersionAtLeast(1, 11, 6)] },
  OpenTelemetryInterceporsAvoidsExtraYields: { id: 5, enabledByDefault: true, alternativeConditions: [sdkVersionAtLeast(1, 13, 2)] },
  OpenTelemetryInterceptorsInstrumentsAllMethods: { id: 6, enabledByDefault: true },
} as const satisfies Record<string, SdkFlagDefinition>;

const KNOWN_IDS = new Set<number>(Object.values(SdkFlag).map((f) => f.id));

export function isKnownFlag(id: number): boolean {
  return KNOWN_IDS.has(id);
}

export function flagAlternativeConditionHolds(flag: SdkFlagDefinition, context: FlagConditionContext): boolean {
  return flag.alternativeConditions?.some((condition) => condition(context)) ?? false;
}
