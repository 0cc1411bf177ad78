import { fromBinary, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { type History, HistorySchema } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { normalizeHistoryJson } from "./normalize-json.ts";

/**
 * Reads the histories in a file's contents, whatever its form:
 * - proto3 JSON of `temporal workflow show --output json` (`{"events": [...]}`),
 * - the older JSON dialects (PascalCase enums, int64 as numbers, nulls),
 * - an array of histories, one per run of a continue-as-new chain,
 * - a binary `temporal.api.history.v1.History` protobuf.
 * `source` names the file in error messages.
 */
export function parseHistories(contents: Uint8Array | string, source = "history"): History[] {
  const text = typeof contents === "string" ? contents : looksLikeJson(contents) ? new TextDecoder().decode(contents) : undefined;
  if (text === undefined) {
    try {
      return [fromBinary(HistorySchema, contents as Uint8Array)];
    } catch (err) {
      throw new Error(`${source}: not JSON and not a binary History protobuf (${(err as Error).message})`, { cause: err });
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: invalid JSON (${(err as Error).message}); expected the output of \`temporal workflow show --output json\``, { cause: err });
  }
  const items = Array.isArray(json) ? json : [json];
  return items.map((item, i) => historyFromJson(item, items.length > 1 ? `${source}[${i}]` : source));
}

/** One History from parsed JSON in any of the dialects `parseHistories` accepts. */
export function historyFromJson(json: unknown, source = "history"): History {
  if (json === null || typeof json !== "object" || !Array.isArray((json as { events?: unknown }).events)) {
    throw new Error(`${source}: expected an object with an "events" array (a temporal.api.history.v1.History)`);
  }
  const copy = structuredClone(json) as { events: unknown[] };
  normalizeHistoryJson(copy, HistorySchema);
  fixLenientBytes(copy.events);
  try {
    return fromJson(HistorySchema, copy as JsonValue, { ignoreUnknownFields: true });
  } catch (err) {
    throw new Error(`${source}: cannot read the history JSON: ${(err as Error).message}`, { cause: err });
  }
}

function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    // A JSON document starts with `{` or `[`; a History protobuf starts with field 1's tag (0x0a).
    return b === 0x7b || b === 0x5b;
  }
  return false;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Hand-edited fixtures hold payload `data` that is not base64 (for example
 * `"data": "workflow-result"`); the official loader tolerates it, so we keep
 * such text as its UTF-8 bytes instead of rejecting the whole history.
 */
function fixLenientBytes(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) fixLenientBytes(item);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const obj = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(obj)) {
    if (key === "data" && typeof value === "string" && (!BASE64.test(value) || value.length % 4 === 1)) {
      obj[key] = bytesToBase64(new TextEncoder().encode(value));
    } else if (typeof value === "object") {
      fixLenientBytes(value);
    }
  }
}

function bytesToBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
