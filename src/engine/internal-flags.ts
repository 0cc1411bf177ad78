import { create } from "@bufbuild/protobuf";
import type { WorkflowTaskCompletedEventAttributes } from "../../gen/temporal/api/history/v1/message_pb.ts";
import {
  type WorkflowTaskCompletedMetadata,
  WorkflowTaskCompletedMetadataSchema,
} from "../../gen/temporal/api/sdk/v1/task_complete_metadata_pb.ts";

/**
 * sdk-core's own behaviour switches, recorded in `sdkMetadata.coreUsedFlags`
 * of WorkflowTaskCompleted. A run that has a flag in its history keeps the
 * new behaviour on replay; one recorded before the flag existed keeps the old.
 */
export const CoreFlag = {
  /** Activity (and child, local activity) id and type are checked against the history. */
  IdAndTypeDeterminismChecks: 1,
  /** The first `patched()` call also upserts the TemporalChangeVersion search attribute. */
  UpsertSearchAttributeOnPatch: 2,
  /** Commands after a terminal command are moved before it rather than dropped. */
  MoveTerminalCommands: 3,
} as const;
export type CoreFlag = (typeof CoreFlag)[keyof typeof CoreFlag];

const ALL_CORE_FLAGS: readonly CoreFlag[] = [1, 2, 3];

/**
 * The flags a run has seen in its history and those it uses now, as
 * sdk-core's InternalFlags: the metadata of each completion carries only the
 * flags not yet recorded, and sdkName/sdkVersion only when they changed.
 */
export class InternalFlags {
  private readonly core = new Set<number>();
  private readonly lang = new Set<number>();
  private readonly coreSinceLastComplete = new Set<number>();
  private readonly langSinceLastComplete = new Set<number>();
  private lastSdkName = "";
  private lastSdkVersion = "";

  constructor(
    private readonly sdkName: string,
    private readonly sdkVersion: string,
  ) {}

  /** Takes in what a recorded WorkflowTaskCompleted says was in use. */
  addFromComplete(attrs: WorkflowTaskCompletedEventAttributes): void {
    const meta = attrs.sdkMetadata;
    if (meta === undefined) return;
    for (const f of meta.coreUsedFlags) this.core.add(f);
    for (const f of meta.langUsedFlags) this.lang.add(f);
    if (meta.sdkName !== "") this.lastSdkName = meta.sdkName;
    if (meta.sdkVersion !== "") this.lastSdkVersion = meta.sdkVersion;
  }

  addLangUsed(flags: Iterable<number>): void {
    for (const f of flags) this.langSinceLastComplete.add(f);
  }

  /**
   * Whether a core behaviour applies. On new work (`record`) it always does
   * and is recorded; on replay only if the history recorded it.
   */
  tryUse(flag: CoreFlag, record: boolean): boolean {
    if (record) {
      this.coreSinceLastComplete.add(flag);
      return true;
    }
    return this.core.has(flag);
  }

  /** As core does when it writes commands: every flag it knows is now in use. */
  writeAllKnown(): void {
    for (const f of ALL_CORE_FLAGS) this.coreSinceLastComplete.add(f);
  }

  /** Lang flags seen in history, for `availableInternalFlags` of an activation. */
  langFlags(): number[] {
    return [...this.lang].sort((a, b) => a - b);
  }

  lastSdkVersionSeen(): string {
    return this.lastSdkVersion;
  }

  /** The metadata for a RespondWorkflowTaskCompleted; marks its flags as recorded. */
  gatherForCompletion(): WorkflowTaskCompletedMetadata {
    const coreUsedFlags = [...this.coreSinceLastComplete].filter((f) => !this.core.has(f)).sort((a, b) => a - b);
    const langUsedFlags = [...this.langSinceLastComplete].filter((f) => !this.lang.has(f)).sort((a, b) => a - b);
    for (const f of this.coreSinceLastComplete) this.core.add(f);
    for (const f of this.langSinceLastComplete) this.lang.add(f);
    this.coreSinceLastComplete.clear();
    this.langSinceLastComplete.clear();
    const sdkName = this.lastSdkName !== this.sdkName ? this.sdkName : "";
    const sdkVersion = this.lastSdkVersion !== this.sdkVersion ? this.sdkVersion : "";
    this.lastSdkName = this.sdkName;
    this.lastSdkVersion = this.sdkVersion;
    return create(WorkflowTaskCompletedMetadataSchema, { coreUsedFlags, langUsedFlags, sdkName, sdkVersion });
  }
}
