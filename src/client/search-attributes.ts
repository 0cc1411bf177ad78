// Search attributes as @temporalio/common shapes them: the untyped form
// (`Record<string, value[]>`) and the typed one (key with a type, one value).
// They always travel as JSON payloads, whatever the user's data converter, and
// typed ones carry their type in the payload's `type` metadata so the server
// can index them without a prior registration.
import { create } from "@bufbuild/protobuf";
import { type Payload, PayloadSchema } from "../../gen/temporal/api/common/v1/message_pb.ts";

export type SearchAttributeValue = string[] | number[] | boolean[] | Date[];
export type SearchAttributes = Record<string, SearchAttributeValue | Readonly<SearchAttributeValue> | undefined>;

export const SearchAttributeType = {
  TEXT: "TEXT",
  KEYWORD: "KEYWORD",
  INT: "INT",
  DOUBLE: "DOUBLE",
  BOOL: "BOOL",
  DATETIME: "DATETIME",
  KEYWORD_LIST: "KEYWORD_LIST",
} as const;
export type SearchAttributeType = (typeof SearchAttributeType)[keyof typeof SearchAttributeType];

interface ValueOfType {
  TEXT: string;
  KEYWORD: string;
  INT: number;
  DOUBLE: number;
  BOOL: boolean;
  DATETIME: Date;
  KEYWORD_LIST: string[];
}

export interface SearchAttributeKey<T extends SearchAttributeType> {
  name: string;
  type: T;
}

export type SearchAttributePair = {
  [T in SearchAttributeType]: { key: SearchAttributeKey<T>; value: ValueOfType[T] };
}[SearchAttributeType];

export function defineSearchAttributeKey<T extends SearchAttributeType>(name: string, type: T): SearchAttributeKey<T> {
  return { name, type };
}

/** The metadata spelling of each type, as the server and every SDK write it. */
const METADATA_TYPE: Record<SearchAttributeType, string> = {
  TEXT: "Text",
  KEYWORD: "Keyword",
  INT: "Int",
  DOUBLE: "Double",
  BOOL: "Bool",
  DATETIME: "Datetime",
  KEYWORD_LIST: "KeywordList",
};
const TYPE_OF_METADATA = new Map(Object.entries(METADATA_TYPE).map(([t, m]) => [m, t as SearchAttributeType]));

export function isValidValueForType(type: SearchAttributeType, value: unknown): boolean {
  switch (type) {
    case "TEXT":
    case "KEYWORD":
      return typeof value === "string";
    case "INT":
      return Number.isInteger(value);
    case "DOUBLE":
      return typeof value === "number";
    case "BOOL":
      return typeof value === "boolean";
    case "DATETIME":
      return value instanceof Date && !Number.isNaN(value.getTime());
    case "KEYWORD_LIST":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
  }
}

/** A read-only set of typed search attributes, as returned in a workflow description. */
export class TypedSearchAttributes {
  readonly #pairs: SearchAttributePair[];

  constructor(pairs: SearchAttributePair[] = []) {
    this.#pairs = [...pairs];
  }

  get<T extends SearchAttributeType>(key: SearchAttributeKey<T>): ValueOfType[T] | undefined {
    const pair = this.#pairs.find((p) => p.key.name === key.name && p.key.type === key.type);
    return pair?.value as ValueOfType[T] | undefined;
  }

  getAll(): SearchAttributePair[] {
    return [...this.#pairs];
  }

  toJSON(): SearchAttributePair[] {
    return this.getAll();
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function jsonPayload(value: unknown, type?: string): Payload {
  const metadata: Record<string, Uint8Array> = { encoding: encoder.encode("json/plain") };
  if (type !== undefined) metadata.type = encoder.encode(type);
  // JSON.stringify writes Dates as ISO strings, the form the server indexes.
  return create(PayloadSchema, { metadata, data: encoder.encode(JSON.stringify(value)) });
}

/**
 * The `indexedFields` of a start request from the two forms; on a key given
 * in both, the typed value wins, as in the official client.
 */
export function encodeSearchAttributes(
  untyped: SearchAttributes | undefined,
  typed: TypedSearchAttributes | readonly SearchAttributePair[] | undefined,
): Record<string, Payload> {
  const out: Record<string, Payload> = {};
  for (const [name, values] of Object.entries(untyped ?? {})) {
    if (values === undefined) continue;
    if (!Array.isArray(values)) {
      throw new TypeError(`searchAttributes.${name}: must be an array of strings, numbers, booleans or Dates (e.g. ["gold"]), got ${typeof values}`);
    }
    const kinds = new Set(values.map((v) => (v instanceof Date ? "date" : typeof v)));
    if (kinds.size > 1 || [...kinds].some((k) => !["string", "number", "boolean", "date"].includes(k))) {
      throw new TypeError(`searchAttributes.${name}: values must all be strings, all numbers, all booleans or all Dates`);
    }
    out[name] = jsonPayload(values);
  }
  const pairs = typed instanceof TypedSearchAttributes ? typed.getAll() : (typed ?? []);
  for (const { key, value } of pairs) {
    if (!isValidValueForType(key.type, value)) {
      throw new TypeError(`typedSearchAttributes.${key.name}: ${JSON.stringify(value)} is not a valid ${key.type} value`);
    }
    out[key.name] = jsonPayload(value, METADATA_TYPE[key.type]);
  }
  return out;
}

function payloadJson(payload: Payload): unknown {
  return JSON.parse(decoder.decode(payload.data));
}

function payloadType(payload: Payload): SearchAttributeType | undefined {
  const raw = payload.metadata.type;
  return raw === undefined ? undefined : TYPE_OF_METADATA.get(decoder.decode(raw));
}

/** The untyped form: every value an array; Datetime values become Dates. */
export function decodeSearchAttributes(fields: Record<string, Payload> | undefined): SearchAttributes {
  const out: SearchAttributes = {};
  for (const [name, payload] of Object.entries(fields ?? {})) {
    const value = payloadJson(payload);
    let values = (Array.isArray(value) ? value : [value]) as unknown[];
    if (payloadType(payload) === "DATETIME") values = values.map((v) => new Date(v as string));
    // Servers before 1.18 returned empty arrays for unset attributes.
    if (values.length > 0) out[name] = values as SearchAttributeValue;
  }
  return out;
}

/** The typed form: only attributes whose payload names a known type and holds a valid value. */
export function decodeTypedSearchAttributes(fields: Record<string, Payload> | undefined): TypedSearchAttributes {
  const pairs: SearchAttributePair[] = [];
  for (const [name, payload] of Object.entries(fields ?? {})) {
    const type = payloadType(payload);
    if (type === undefined) continue;
    let value = payloadJson(payload);
    // Older servers wrap single values in an array.
    if (type !== "KEYWORD_LIST" && Array.isArray(value)) {
      if (value.length !== 1) continue;
      value = value[0];
    }
    if (type === "DATETIME" && typeof value === "string") value = new Date(value);
    if (isValidValueForType(type, value)) pairs.push({ key: { name, type }, value } as SearchAttributePair);
  }
  return new TypedSearchAttributes(pairs);
}
