import { create } from "@bufbuild/protobuf";
import { type Command, CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { MachineMismatch } from "../errors.ts";
import { eventTypeName } from "../history/events.ts";
import { PATCH_MARKER_NAME, patchMarkerDetails, patchMarkerOf } from "../markers.ts";
import { type CommandMachine, step, type Transitions } from "./machine.ts";

type State = "Executing" | "Replaying" | "MarkerCommandCreated" | "MarkerCommandCreatedReplaying" | "Notified" | "MarkerCommandRecorded";
type Event = "Schedule" | "CommandRecordMarker" | "MarkerRecorded";

/**
 * One `patched()` / `deprecatePatch()` call that writes a marker, after
 * sdk-core's patch machine. The workflow code already knows the answer when
 * it issues the command (from NotifyHasPatch jobs, or because it is not
 * replaying), so the machine only checks that the recorded marker names
 * the same patch.
 * ```
 * Executing --(Schedule)--> MarkerCommandCreated
 * Replaying --(Schedule)--> MarkerCommandCreatedReplaying
 * MarkerCommandCreated, MarkerCommandCreatedReplaying --(CommandRecordMarker)--> Notified
 * Notified --(MarkerRecorded)--> MarkerCommandRecorded            patch ids must be equal
 * ```
 * The rules for markers and code that disagree live in WorkflowMachines:
 * a deprecated marker with no matching call is skipped (with the
 * TemporalChangeVersion upsert after it); a patch command meeting any other
 * event is dropped, as a patch absent from history was never recorded.
 */
const transitions: Transitions<State, Event> = {
  Executing: { Schedule: "MarkerCommandCreated" },
  Replaying: { Schedule: "MarkerCommandCreatedReplaying" },
  MarkerCommandCreated: { CommandRecordMarker: "Notified" },
  MarkerCommandCreatedReplaying: { CommandRecordMarker: "Notified" },
  Notified: { MarkerRecorded: "MarkerCommandRecorded" },
};

export class PatchMachine implements CommandMachine {
  state: State;
  readonly command: Command;

  constructor(
    readonly patchId: string,
    deprecated: boolean,
    replaying: boolean,
  ) {
    this.state = step(transitions, "Patch", replaying ? "Replaying" : "Executing", "Schedule");
    this.command = create(CommandSchema, {
      commandType: CommandType.RECORD_MARKER,
      attributes: { case: "recordMarkerCommandAttributes", value: { markerName: PATCH_MARKER_NAME, details: patchMarkerDetails(patchId, deprecated) } },
    });
  }

  describe(): string {
    return `RecordMarker(patch "${this.patchId}")`;
  }

  onCommandSent(type: CommandType): void {
    if (type === CommandType.RECORD_MARKER) this.state = step(transitions, "Patch", this.state, "CommandRecordMarker");
  }

  handleEvent(event: HistoryEvent): void {
    const marker = patchMarkerOf(event);
    if (marker === undefined) throw new MachineMismatch(`a patch marker command does not take ${eventTypeName(event.eventType)}`);
    if (marker.patchId !== this.patchId) throw new MachineMismatch(`the recorded marker is for patch "${marker.patchId}", the code's for "${this.patchId}"`);
    this.state = step(transitions, "Patch", this.state, "MarkerRecorded");
  }

  isFinal(): boolean {
    return this.state === "MarkerCommandRecorded";
  }

  cancelledBeforeSent(): boolean {
    return false;
  }
}
