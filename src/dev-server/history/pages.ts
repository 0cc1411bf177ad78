import { invalidArgument } from "../errors.ts";

/** GetWorkflowExecutionHistory page tokens: the run and the first event id of the next page. */
interface PageToken {
  runId: string;
  nextEventId: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodePageToken(token: PageToken): Uint8Array {
  return encoder.encode(JSON.stringify(token));
}

export function decodePageToken(bytes: Uint8Array, runId: string): PageToken {
  if (bytes.length === 0) return { runId, nextEventId: 1 };
  try {
    const token = JSON.parse(decoder.decode(bytes)) as PageToken;
    if (typeof token.nextEventId === "number" && token.runId === runId) return token;
  } catch {
    // fall through to the error below
  }
  throw invalidArgument("nextPageToken", "is not a page token of this workflow run: pass the token from the previous response unchanged");
}
