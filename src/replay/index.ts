export {
  DeterminismViolationError,
  type HistoryAndWorkflowId,
  ReplayError,
  type ReplayOptions,
  type ReplayPlatform,
  type ReplayResult,
  runReplayHistories,
  runReplayHistory,
} from "./replayer.ts";
export { historyFromJson, parseHistories } from "../engine/history/history-file.ts";
