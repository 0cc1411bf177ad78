// Tier C: Go and Java histories whose control flow ports to TypeScript with
// the same command types (test/replay/workflows/go-java-ports.ts), replayed in
// full (task by task does not apply: their ids follow the Go and Java
// schemes, which new work here does not reproduce). Every tier C history
// parses (replay-histories.test.ts); the others are not replayed, see
// docs/replay.md.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseHistories } from "../../src/engine/history/history-file.ts";
import { DeterminismViolationError, runReplayHistory } from "../../src/replay/index.ts";
import type { WorkflowModule } from "../../src/workflow/index.ts";
import { test } from "../harness.ts";
import { historiesRoot } from "../support/paths.ts";
import { runtimePlatform } from "../support/platform.ts";
import * as ports from "./workflows/go-java-ports.ts";

const platform = await runtimePlatform();
const ROOT = historiesRoot;

const load = (file: string) => {
  const histories = parseHistories(readFileSync(join(ROOT, file)), file);
  assert.equal(histories.length, 1, `${file} holds one run`);
  return histories[0]!;
};

const passing: Array<[string, WorkflowModule]> = [
  ["sdk-go/sampleHistory.json", ports.sampleHistory],
  ["sdk-go/parentWF.json", ports.parentWF],
  ["sdk-go/continue-as-new.json", ports.continueAsNewWorkflow],
  ["sdk-go/search-attribute.json", ports.searchAttribute],
  ["sdk-go/upsert-memo-workflow.json", ports.upsertMemoWorkflow],
  ["features/activity_retry_on_error.history.go.v1.5.0.json", ports.activityRetryGo],
  ["features/activity_retry_on_error.history.java.1.0.6.json", ports.activityRetryJava],
  ["sdk-java/testAsyncActivityRetryHistory.json", ports.asyncActivityRetry],
  ["sdk-java/testChildWorkflowRetryHistory.json", ports.childWorkflowRetry],
];

for (const [file, workflows] of passing) {
  test(`replays ${file} with ported workflow code`, async () => {
    await runReplayHistory({ workflows, platform, source: file }, load(file));
  });
}

// The Go NEGATIVE histories of the same workflow: the recorded run closed
// another way than the code does with the recorded input.
const negative: Array<[string, WorkflowModule, string]> = [
  ["sdk-go/bad-continue-as-new.json", ports.continueAsNewWorkflow, "WorkflowExecutionContinuedAsNew"],
  ["sdk-go/bad-continue-as-new-2.json", ports.continueAsNewWorkflow, "WorkflowExecutionCompleted"],
];

for (const [file, workflows, recorded] of negative) {
  test(`NEGATIVE ${file} fails with [TMPRL1100] at event 5 (${recorded})`, async () => {
    const err = await runReplayHistory({ workflows, platform, source: file }, load(file)).then(
      () => assert.fail("expected a nondeterminism error"),
      (e: unknown) => e as Error,
    );
    assert.ok(err instanceof DeterminismViolationError, String(err));
    assert.match(err.message, new RegExp(`^${file}: \\[TMPRL1100\\].*event 5\\b.*history has ${recorded}`));
  });
}
