import type { DataConverter, FailureConverter, PayloadConverter } from "../../converter/types.ts";
import type { Platform } from "../../platform/platform.ts";

/**
 * The Worker's `dataConverter` option: converters given as objects, or as
 * paths of modules exporting them (the official SDK's
 * `dataConverter.payloadConverterPath` / `failureConverterPath`). Workflow
 * threads can only be given paths: objects do not cross into a thread.
 */
export interface WorkerDataConverter extends DataConverter {
  /** A module exporting `payloadConverter` (toPayload, fromPayload). */
  payloadConverterPath?: string;
  /** A module exporting `failureConverter` (errorToFailure, failureToError). */
  failureConverterPath?: string;
}

async function importExport<T>(
  importModule: Platform["importModule"],
  option: string,
  path: string,
  exportName: string,
  methods: readonly string[],
): Promise<T> {
  const mod = await importModule(path);
  const value = mod[exportName] as Record<string, unknown> | undefined;
  const missing = methods.filter((m) => typeof value?.[m] !== "function");
  if (value === undefined || missing.length > 0) {
    throw new TypeError(
      `invalid worker options: ${option}: ${path} must export \`${exportName}\` with ${methods.join(" and ")} methods` +
        (value === undefined ? ` (it exports: ${Object.keys(mod).join(", ") || "nothing"})` : ` (missing: ${missing.join(", ")})`),
    );
  }
  return value as T;
}

/**
 * The converters as objects, for the main thread (activities, local
 * activities, in-process workflows): modules named by path are imported.
 */
export async function loadConverterModules(
  dataConverter: WorkerDataConverter | undefined,
  importModule: Platform["importModule"],
): Promise<DataConverter | undefined> {
  if (dataConverter === undefined) return undefined;
  const { payloadConverterPath, failureConverterPath, payloadConverter, failureConverter, payloadCodecs } = dataConverter;
  if (payloadConverterPath !== undefined && payloadConverter !== undefined) {
    throw new TypeError("invalid worker options: dataConverter: give payloadConverter or payloadConverterPath, not both");
  }
  if (failureConverterPath !== undefined && failureConverter !== undefined) {
    throw new TypeError("invalid worker options: dataConverter: give failureConverter or failureConverterPath, not both");
  }
  const payload =
    payloadConverterPath !== undefined
      ? await importExport<PayloadConverter>(importModule, "dataConverter.payloadConverterPath", payloadConverterPath, "payloadConverter", ["toPayload", "fromPayload"])
      : payloadConverter;
  const failure =
    failureConverterPath !== undefined
      ? await importExport<FailureConverter>(importModule, "dataConverter.failureConverterPath", failureConverterPath, "failureConverter", ["errorToFailure", "failureToError"])
      : failureConverter;
  return {
    ...(payload !== undefined ? { payloadConverter: payload } : {}),
    ...(failure !== undefined ? { failureConverter: failure } : {}),
    ...(payloadCodecs !== undefined ? { payloadCodecs } : {}),
  };
}
