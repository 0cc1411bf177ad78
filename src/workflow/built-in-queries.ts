// The queries every workflow answers, as with the official SDK:
// `__stack_trace` and `__enhanced_stack_trace` (where the workflow is
// waiting: the call sites of its pending timers, activities, child
// workflows, signals, cancellations and conditions) and
// `__temporal_workflow_metadata` (the handlers it defines and its current
// details, which the Temporal UI shows).
//
// The official SDK tracks every promise with a hook to build its traces; this
// runtime instead keeps the call stack of each pending operation, recorded
// when the operation was issued (an Error's stack, formatted only when a
// trace is asked for).
import { VERSION } from "../common/version.ts";
import type { Activator } from "./activator.ts";

/** An operation the workflow waits on; `site` holds the call stack it was issued from. */
export interface Pending {
  site?: Error | undefined;
}

export interface StackTraceFileLocation {
  file_path?: string;
  line?: number;
  column?: number;
  function_name?: string;
  internal_code: boolean;
}

export interface EnhancedStackTrace {
  sdk: { name: string; version: string };
  stacks: Array<{ locations: StackTraceFileLocation[] }>;
  sources: Record<string, Array<{ line_offset: number; content: string }>>;
}

/** This directory, as the start of file paths and URLs in stack frames: its frames are the runtime's, not the user's. */
const OWN_DIRECTORY = new URL(".", import.meta.url).pathname;

/** Frames of this runtime and of the JS engine itself (`new Promise`, native code), which say nothing about user code. */
function isOwnFrame(line: string): boolean {
  return line.includes(OWN_DIRECTORY) || /^at new Promise \(|\((native|node:|<anonymous>)/.test(line);
}

/** The user's part of an operation's call stack, one frame per line. */
function userFrames(site: Error): string[] {
  const lines = (site.stack ?? "").split("\n").slice(1);
  return lines.map((l) => l.trim()).filter((l) => l.startsWith("at ") && !isOwnFrame(l));
}

/** The stacks of everything the run waits on, in the order the operations were issued. */
function pendingSites(activator: Activator): Error[] {
  const sites: Error[] = [];
  for (const map of Object.values(activator.completions)) {
    for (const pending of map.values()) if (pending.site) sites.push(pending.site);
  }
  for (const condition of activator.blockedConditions.values()) if (condition.site) sites.push(condition.site);
  return sites;
}

const FRAME = /^at (?:(async )?(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

function parseFrame(frame: string): StackTraceFileLocation {
  const match = FRAME.exec(frame);
  if (!match) return { function_name: frame.slice(3), internal_code: false };
  const [, , fn, file, line, column] = match;
  // The same path on every runtime (V8 writes ESM frames as file: URLs, JavaScriptCore as paths).
  const path = file?.startsWith("file://") ? decodeURIComponent(new URL(file).pathname) : (file as string);
  const location: StackTraceFileLocation = { file_path: path, line: Number(line), column: Number(column), internal_code: false };
  if (fn) location.function_name = fn;
  if (file?.startsWith("node:") || file?.startsWith("native")) location.internal_code = true;
  return location;
}

export function stackTrace(activator: Activator): string {
  return pendingSites(activator)
    .map((site) => userFrames(site).join("\n"))
    .join("\n\n");
}

export function enhancedStackTrace(activator: Activator): EnhancedStackTrace {
  return {
    sdk: { name: "typescript", version: VERSION },
    stacks: pendingSites(activator).map((site) => ({ locations: userFrames(site).map(parseFrame) })),
    sources: {},
  };
}

/** The WorkflowMetadata message (temporal.api.sdk.v1), as JSON: the workflow's handlers and current details. */
export function workflowMetadata(activator: Activator): unknown {
  const definitions = (handlers: Map<string, { description: string | undefined }>) =>
    [...handlers].map(([name, { description }]) => (description === undefined ? { name } : { name, description }));
  return {
    definition: {
      type: activator.info.workflowType,
      queryDefinitions: definitions(activator.queryHandlers),
      signalDefinitions: definitions(activator.signalHandlers),
      updateDefinitions: definitions(activator.updateHandlers),
    },
    currentDetails: activator.currentDetails,
  };
}

/** Registers the built-in queries on a new run (before any user handler, so they list first, as in the official SDK). */
export function registerBuiltInQueries(activator: Activator): void {
  activator.queryHandlers.set("__stack_trace", { handler: () => stackTrace(activator), description: "Returns a sensible stack trace." });
  activator.queryHandlers.set("__enhanced_stack_trace", {
    handler: () => enhancedStackTrace(activator),
    description: "Returns a stack trace annotated with source information.",
  });
  activator.queryHandlers.set("__temporal_workflow_metadata", {
    handler: () => workflowMetadata(activator),
    description: "Returns metadata associated with this workflow.",
  });
}
