// The shape of a module of official-SDK scenarios, shared by the in-process
// runner (Node) and the child-process runner (Bun, Deno).
import type { OfficialEnvironment } from "./environment.ts";

export interface Scenario {
  /** Which server address (by name) it runs against, e.g. "normal" or "skipping". */
  server: string;
  /** Throws (an assertion error) when the server misbehaves. */
  run(env: OfficialEnvironment, taskQueue: string): Promise<void>;
}

export type ScenarioModule = { scenarios: Record<string, Scenario> };

export interface ScenarioResult {
  scenario: string;
  ok: boolean;
  ms: number;
  error?: string;
}
