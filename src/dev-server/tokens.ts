import { invalidArgument } from "./errors.ts";

/**
 * Task tokens are opaque to workers; ours are small JSON documents that say
 * which task of which run they stand for, with the attempt or generation so
 * a token from an earlier attempt is recognised as stale.
 */
export type TaskToken =
  | { kind: "workflow"; namespace: string; workflowId: string; runId: string; generation: number }
  | { kind: "activity"; namespace: string; workflowId: string; runId: string; scheduledEventId: string; attempt: number }
  | { kind: "query"; queryId: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeToken(token: TaskToken): Uint8Array {
  return encoder.encode(JSON.stringify(token));
}

export function decodeToken(bytes: Uint8Array, expected: TaskToken["kind"]): TaskToken {
  if (bytes.length === 0) throw invalidArgument("taskToken", "is required");
  let token: unknown;
  try {
    token = JSON.parse(decoder.decode(bytes));
  } catch {
    throw invalidArgument("taskToken", "is malformed: pass the token from the poll response unchanged");
  }
  if (typeof token !== "object" || token === null || (token as TaskToken).kind !== expected) {
    throw invalidArgument("taskToken", `is not a ${expected} task token`);
  }
  return token as TaskToken;
}
