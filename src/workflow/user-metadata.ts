// Command user metadata: the `summary` (and `details`) the Temporal UI shows
// for a timer, an activity or a child workflow, encoded by the run's payload
// converter as the official SDK does.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { UserMetadataSchema } from "../../gen/temporal/api/sdk/v1/user_metadata_pb.ts";
import type { Activator } from "./activator.ts";

type UserMetadataInit = MessageInitShape<typeof UserMetadataSchema>;

/** The `userMetadata` of a command, or nothing when neither text is given. */
export function userMetadata(activator: Activator, summary: string | undefined, details?: string): { userMetadata?: UserMetadataInit } {
  if (summary === undefined && details === undefined) return {};
  return {
    userMetadata: {
      ...(summary === undefined ? {} : { summary: activator.toPayload(summary) }),
      ...(details === undefined ? {} : { details: activator.toPayload(details) }),
    },
  };
}
