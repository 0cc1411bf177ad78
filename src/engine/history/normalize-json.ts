import type { DescEnum, DescField, DescMessage } from "@bufbuild/protobuf";

/**
 * Rewrites the older JSON dialects of a History (tctl 1.x, the old Web UI,
 * old SDK fixtures) into proto3 canonical JSON, guided by the message
 * descriptor so every enum-typed field is covered, not a fixed list:
 * PascalCase enum values without their prefix (`WorkflowExecutionStarted`,
 * `Normal`, `UnhandledCommand`) become the proto names
 * (`EVENT_TYPE_WORKFLOW_EXECUTION_STARTED` ...). Enum values that match no
 * known value are dropped (the field reads as unspecified), as the official
 * loader does with `ignoreUnknownFields`. Works in place on parsed JSON.
 */
export function normalizeHistoryJson(json: unknown, desc: DescMessage): unknown {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return json;
  const obj = json as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const field = fieldByJsonKey(desc, key);
    if (field === undefined) continue;
    const value = obj[key];
    if (value === null) {
      // Legacy writers put explicit nulls for unset fields; proto3 JSON means "absent".
      delete obj[key];
      continue;
    }
    normalizeField(obj, key, value, field);
  }
  return obj;
}

function normalizeField(obj: Record<string, unknown>, key: string, value: unknown, field: DescField): void {
  switch (field.fieldKind) {
    case "enum": {
      const fixed = normalizeEnum(value, field.enum);
      if (fixed === undefined) delete obj[key];
      else obj[key] = fixed;
      return;
    }
    case "message":
      if (!isWellKnown(field.message)) normalizeHistoryJson(value, field.message);
      return;
    case "list":
      if (!Array.isArray(value)) return;
      if (field.listKind === "message" && !isWellKnown(field.message)) {
        for (const item of value) normalizeHistoryJson(item, field.message);
      } else if (field.listKind === "enum") {
        const en = field.enum;
        obj[key] = value.map((v) => normalizeEnum(v, en)).filter((v) => v !== undefined);
      }
      return;
    case "map":
      if (value === null || typeof value !== "object") return;
      if (field.mapKind === "message" && !isWellKnown(field.message)) {
        for (const item of Object.values(value as Record<string, unknown>)) normalizeHistoryJson(item, field.message);
      }
      return;
    default:
      return;
  }
}

function fieldByJsonKey(desc: DescMessage, key: string): DescField | undefined {
  for (const f of desc.fields) {
    if (f.jsonName === key || f.name === key) return f;
  }
  return undefined;
}

function isWellKnown(desc: DescMessage): boolean {
  return desc.typeName.startsWith("google.protobuf.");
}

const enumIndexes = new WeakMap<DescEnum, Map<string, string>>();

/** Every spelling of each value (proto name, local name, PascalCase) maps to the proto name. */
function enumIndex(en: DescEnum): Map<string, string> {
  let index = enumIndexes.get(en);
  if (index === undefined) {
    index = new Map();
    for (const v of en.values) {
      index.set(v.name, v.name);
      index.set(squash(v.localName), v.name);
      index.set(squash(v.name), v.name);
    }
    enumIndexes.set(en, index);
  }
  return index;
}

function squash(name: string): string {
  return name.replace(/_/g, "").toUpperCase();
}

function normalizeEnum(value: unknown, en: DescEnum): unknown {
  if (typeof value !== "string") return value;
  const index = enumIndex(en);
  return index.get(value) ?? index.get(squash(value));
}
