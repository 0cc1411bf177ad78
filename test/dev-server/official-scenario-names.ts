// The names of the official-SDK scenarios, importable without loading the
// official SDK (the Bun and Deno suites register one test per name).
export const scenarioNames = [
  "timer then activity",
  "activity retries until it succeeds",
  "non-retryable activity failure",
  "heartbeat details reach the next attempt",
  "heartbeat timeout retries the activity",
  "activity cancellation",
  "signals, queries and an update whose validator rejects",
  "child workflows",
  "continue-as-new chain followed by result()",
  "workflow cancellation",
  "termination",
  "signal-with-start",
  "a failing workflow task recovers on a fixed worker",
  "sticky queue falls back when the worker stops",
  "time skipping: a day-long sleep completes at once",
  "a workflow that fails",
  "tier-A histories: cancel_fake_progress_history (+ _bin)",
  "tier-A history: lang_flags_replay_correctly_1_11_1",
  "tier-A histories: otel_1_13_1, otel_1_11_3",
] as const;

export type ScenarioName = (typeof scenarioNames)[number];
