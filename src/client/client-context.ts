import type { WorkflowServiceClient } from "../connection/connection.ts";
import type { ClientPayloads } from "./payloads.ts";

/** What every part of the client shares: where to call, as whom, and how to convert. */
export interface ClientContext {
  readonly service: WorkflowServiceClient;
  readonly namespace: string;
  readonly identity: string;
  readonly payloads: ClientPayloads;
}
