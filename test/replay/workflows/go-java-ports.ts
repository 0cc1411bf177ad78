// Tier C (Go and Java) histories whose control flow ports to TypeScript with
// the same command types in the same order, one workflow module per history.
// Go numbers activities and timers by their scheduling event id and Java
// gives activities UUIDs; these runs predate core flag 1, so the engine does
// not compare ids and types on replay (as sdk-core).
import {
  ApplicationFailure,
  continueAsNew,
  executeChild,
  proxyActivities,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from "../../../src/workflow/index.ts";

const { helloworldActivity } = proxyActivities<{ helloworldActivity(name: string): Promise<string> }>({ startToCloseTimeout: "1m" });

async function testReplayWorkflowFromFile(): Promise<void> {
  const { testActivityMultipleArgs } = proxyActivities<{ testActivityMultipleArgs(a: number, b: string, c: boolean): Promise<void> }>({
    startToCloseTimeout: "1m",
  });
  await testActivityMultipleArgs(2, "test", true);
}

/** sdk-go/sampleHistory: one activity with three arguments. */
export const sampleHistory = { testReplayWorkflowFromFile };

/** sdk-go/parentWF: a child with the id `child_workflow:<run id>`, signalled, then awaited. */
export const parentWF = {
  async testReplayWorkflowFromFileParent(): Promise<void> {
    const child = await startChild(testReplayWorkflowFromFile, { workflowId: `child_workflow:${workflowInfo().runId}` });
    await child.signal("test-signal");
    await child.result();
  },
};

/** sdk-go/continue-as-new: the first run continues as new with `false`. */
async function ContinueAsNewWorkflow(again: boolean): Promise<void> {
  if (again) await continueAsNew<typeof ContinueAsNewWorkflow>(false);
}
export const continueAsNewWorkflow = { ContinueAsNewWorkflow };

/** sdk-go/search-attribute: upsert a search attribute, run an activity, upsert its result. */
export const searchAttribute = {
  async UpsertSearchAttributesWorkflow(name: string): Promise<void> {
    upsertSearchAttributes({ CustomStringField: [name] });
    const greeting = await helloworldActivity(name);
    upsertSearchAttributes({ CustomStringField: [greeting] });
  },
};

/** sdk-go/upsert-memo-workflow: upsert a memo, run an activity, upsert its result. */
export const upsertMemoWorkflow = {
  async UpsertMemoWorkflow(name: string): Promise<void> {
    upsertMemo({ "Test key": name });
    const greeting = await helloworldActivity(name);
    upsertMemo({ "Test key": greeting });
  },
};

/** features activity_retry_on_error (Go and Java): an always failing activity retried by the server; its failure fails the workflow. */
function alwaysFails(activityType: string) {
  return async (): Promise<void> => {
    const activities = proxyActivities<Record<string, () => Promise<void>>>({
      startToCloseTimeout: "1m",
      retry: { initialInterval: 1, backoffCoefficient: 1, maximumAttempts: 5 },
    });
    try {
      await activities[activityType]!();
    } catch (err) {
      throw ApplicationFailure.create({ message: "activity error", cause: err as Error });
    }
  };
}
export const activityRetryGo = { Workflow: alwaysFails("AlwaysFailActivity") };
export const activityRetryJava = { SimpleWorkflow: alwaysFails("AlwaysFail") };

/** sdk-java/testAsyncActivityRetryHistory: an activity retried by the server three times; its failure fails the workflow. */
export const asyncActivityRetry = {
  async TestWorkflow1(): Promise<void> {
    const { HeartbeatAndThrowIO } = proxyActivities<{ HeartbeatAndThrowIO(): Promise<void> }>({
      startToCloseTimeout: "5s",
      heartbeatTimeout: "1s",
      retry: { maximumAttempts: 3 },
    });
    await HeartbeatAndThrowIO();
  },
};

/** sdk-java/testChildWorkflowRetryHistory: a child retried by the server; its failure fails the workflow. */
export const childWorkflowRetry = {
  async TestWorkflow1(taskQueue: string): Promise<string> {
    return await executeChild<(tq: string) => Promise<string>>("ITestChild", { args: [taskQueue], retry: { maximumAttempts: 3 } });
  },
};
