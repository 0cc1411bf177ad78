/**
 * `worker replay --workflows MODULE HISTORY...`: replays recorded histories
 * against the workflow code, as a CI gate before deploying a workflow change.
 * Exits 0 when every history replays, 1 when one does not (its file and the
 * `[TMPRL1100]` message on stderr), 2 on a usage error.
 */
import type { History } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type { Platform } from "../../platform/platform.ts";
import type { HistoryAndWorkflowId } from "../../replay/replayer.ts";
import { type OptionSpecs, UsageError } from "../args.ts";
import { type Command, registerCommand } from "../main.ts";

const replayOptions: OptionSpecs = {
  workflows: { type: "string", valueName: "MODULE", description: "Module exporting the workflow functions (compiled .js on Node; .ts or .js on Bun and Deno)" },
  "workflow-id": { type: "string", valueName: "ID", description: "Workflow id the code sees in workflowInfo() (histories do not record it) [default replay]" },
};

export const replayCommand: Command = {
  name: "replay",
  summary: "Replay recorded histories against workflow code; non-zero exit on nondeterminism",
  usage:
    "worker replay --workflows MODULE HISTORY...\n\n" +
    "HISTORY is the JSON of `temporal workflow show --output json` (or the Web UI download, or the older\n" +
    "tctl JSON), a JSON array of such histories (one per run), or a binary temporal.api.history.v1.History.",
  options: replayOptions,
  run: (args, platform) => replay(args.values, args.positionals, platform),
};

registerCommand(replayCommand);

async function replay(values: Record<string, unknown>, files: string[], platform: Platform): Promise<number> {
  const workflowsPath = values.workflows;
  if (typeof workflowsPath !== "string" || workflowsPath === "") throw new UsageError("--workflows MODULE is required: the module exporting your workflow functions");
  if (files.length === 0) throw new UsageError("give at least one history file to replay");
  const workflowId = typeof values["workflow-id"] === "string" ? values["workflow-id"] : undefined;
  let ok = 0;
  let failed = 0;
  const histories = readHistories(files, platform, workflowId, (source, message) => {
    failed++;
    platform.write("stderr", `FAIL ${source}: ${message}\n`);
  });
  // Loaded here, not at start-up: `worker run` never replays from the CLI.
  const { runReplayHistories } = await import("../../replay/replayer.ts");
  try {
    for await (const result of runReplayHistories({ workflowsPath, platform }, histories)) {
      if (result.error === undefined) {
        ok++;
        platform.write("stdout", `ok   ${result.source}\n`);
      } else {
        failed++;
        // The error message already starts with the file name.
        platform.write("stderr", `FAIL ${result.error.message}\n`);
      }
    }
  } catch (err) {
    platform.write("stderr", `error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const summary = `${ok} of ${ok + failed} histories replayed${failed > 0 ? `, ${failed} failed` : ""}\n`;
  platform.write(failed > 0 ? "stderr" : "stdout", summary);
  return failed > 0 ? 1 : 0;
}

/** The histories of every file, in order; a file that cannot be read is reported and skipped. */
async function* readHistories(
  files: string[],
  platform: Platform,
  workflowId: string | undefined,
  onUnreadable: (source: string, message: string) => void,
): AsyncGenerator<HistoryAndWorkflowId> {
  const { parseHistories } = await import("../../engine/history/history-file.ts");
  for (const file of files) {
    let histories: History[];
    try {
      histories = parseHistories(await platform.readFile(file), file);
    } catch (err) {
      onUnreadable(file, err instanceof Error ? err.message : String(err));
      continue;
    }
    for (const [i, history] of histories.entries()) {
      const item: HistoryAndWorkflowId = { history, source: histories.length > 1 ? `${file}[${i}]` : file };
      if (workflowId !== undefined) item.workflowId = workflowId;
      yield item;
    }
  }
}
