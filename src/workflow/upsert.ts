// Changing a running workflow's search attributes and memo. Each call issues
// its command and updates workflowInfo() at once, so code after it (and
// replays of it) see the new values.
import {
  encodeSearchAttributes,
  type SearchAttributePair,
  type SearchAttributes,
  TypedSearchAttributes,
} from "../client/search-attributes.ts";
import { create } from "@bufbuild/protobuf";
import { PayloadSchema } from "../../gen/temporal/api/common/v1/message_pb.ts";
import { mapToPayloads } from "./continue-as-new.ts";
import { getActivator } from "./context.ts";

/** A typed search attribute update: a `null` value removes the attribute. */
export type SearchAttributeUpdatePair = SearchAttributePair | { key: SearchAttributePair["key"]; value: null };

const encoder = new TextEncoder();

/** A JSON `null` without a type: how a typed update removes an attribute (with a type, the server would reject it). */
const JSON_NULL = () => create(PayloadSchema, { metadata: { encoding: encoder.encode("json/plain") }, data: encoder.encode("null") });

function isTypedUpdate(value: SearchAttributes | SearchAttributeUpdatePair[]): value is SearchAttributeUpdatePair[] {
  return Array.isArray(value);
}

/** A typed value in the untyped form (every value an array). */
function untypedValue(pair: SearchAttributePair): unknown[] {
  return Array.isArray(pair.value) ? [...pair.value] : [pair.value];
}

/**
 * Adds, replaces or removes search attributes of this execution. Untyped
 * form: `{ CustomKeywordField: ["gold"] }` (an empty array or `undefined`
 * removes); typed form: `[{ key, value }]` (a `null` value removes).
 */
export function upsertSearchAttributes(searchAttributes: SearchAttributes | SearchAttributeUpdatePair[]): void {
  const activator = getActivator("upsertSearchAttributes()");
  if (searchAttributes == null) throw new TypeError("upsertSearchAttributes: pass search attributes (an object or an array of typed pairs), got null");
  const untyped: SearchAttributes = { ...activator.info.searchAttributes };
  const typed = new Map(activator.info.typedSearchAttributes.getAll().map((p) => [p.key.name, p]));
  let indexedFields: ReturnType<typeof encodeSearchAttributes>;
  if (isTypedUpdate(searchAttributes)) {
    const set = searchAttributes.filter((p): p is SearchAttributePair => p.value !== null);
    indexedFields = encodeSearchAttributes(undefined, set);
    for (const pair of searchAttributes) {
      if (pair.value === null) {
        indexedFields[pair.key.name] = JSON_NULL();
        delete untyped[pair.key.name];
        typed.delete(pair.key.name);
      } else {
        untyped[pair.key.name] = untypedValue(pair) as SearchAttributes[string];
        typed.set(pair.key.name, pair);
      }
    }
  } else {
    for (const [name, values] of Object.entries(searchAttributes)) {
      if (values !== undefined && !Array.isArray(values)) {
        throw new TypeError(`upsertSearchAttributes: ${name} must be an array of values or undefined, got ${JSON.stringify(values)}`);
      }
    }
    indexedFields = encodeSearchAttributes(
      Object.fromEntries(Object.entries(searchAttributes).map(([k, v]) => [k, v ?? []])),
      undefined,
    );
    for (const [name, values] of Object.entries(searchAttributes)) {
      // Untyped updates cannot say which typed key they mean: a removal drops a typed pair of that name,
      // a value updates one whose type accepts it.
      if (values === undefined || values.length === 0) {
        delete untyped[name];
        typed.delete(name);
        continue;
      }
      untyped[name] = values;
      const existing = typed.get(name);
      if (existing !== undefined) {
        const value = existing.key.type === "KEYWORD_LIST" ? [...values] : values.length === 1 ? values[0] : undefined;
        if (value !== undefined) typed.set(name, { key: existing.key, value } as SearchAttributePair);
      }
    }
  }
  activator.pushCommand({ variant: { case: "upsertWorkflowSearchAttributes", value: { searchAttributes: { indexedFields } } } });
  activator.info = { ...activator.info, searchAttributes: untyped, typedSearchAttributes: new TypedSearchAttributes([...typed.values()]) };
}

/** Adds or replaces memo fields of this execution; a `null` or `undefined` value removes the field. */
export function upsertMemo(memo: Record<string, unknown>): void {
  const activator = getActivator("upsertMemo()");
  if (memo == null) throw new TypeError("upsertMemo: pass an object of memo fields, got null");
  const upserted = mapToPayloads(
    Object.fromEntries(Object.entries(memo).map(([k, v]) => [k, v ?? undefined])),
    (v) => activator.toPayload(v),
  );
  activator.pushCommand({ variant: { case: "modifyWorkflowProperties", value: { upsertedMemo: { fields: upserted } } } });
  const merged = Object.entries({ ...activator.info.memo, ...memo }).filter(([, v]) => v != null);
  activator.info = { ...activator.info, memo: Object.fromEntries(merged) };
}
