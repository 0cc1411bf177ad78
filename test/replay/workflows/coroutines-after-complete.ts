// sdk-dotnet update-after-complete.* and multi-complete-fail-*: the main
// function waits until an update or a signal hands it its result, runs the
// local activity SomeActivity, then returns. The DoUpdate handler finishes
// only once main has run its activity; the DoErroringSignal handler throws,
// either at once (fail-before) or after main returned (fail-after).
//
// None of these runs used core flag 3 (MoveTerminalCommands), so a command
// issued after the workflow's completion was dropped. .NET's own flag made
// its runtime let handlers finish before main's completion went out; in
// TypeScript that is main waiting for allHandlersFinished, which is what the
// post-dotnet-flag update history needs (`handlersFinishFirst`).
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  defineSignal,
  defineUpdate,
  proxyLocalActivities,
  setHandler,
} from "../../../src/workflow/index.ts";

export const doUpdate = defineUpdate<string>("DoUpdate");
export const doErroringSignal = defineSignal<[boolean]>("DoErroringSignal");

const { SomeActivity } = proxyLocalActivities<{ SomeActivity(): Promise<void> }>({ startToCloseTimeout: "10s" });

function coroutinesAfterComplete(handlersFinishFirst: boolean) {
  return async function CoroutinesAfterCompleteWorkflow(): Promise<string> {
    let completeWorkflowWith: string | undefined;
    let completeUpdateWith: string | undefined;
    let mainReturned = false;
    setHandler(doUpdate, async () => {
      completeWorkflowWith = "complete-workflow";
      await condition(() => completeUpdateWith !== undefined);
      return completeUpdateWith as string;
    });
    setHandler(doErroringSignal, async (waitWorkflowComplete) => {
      completeWorkflowWith = "complete-workflow";
      if (waitWorkflowComplete) await condition(() => mainReturned);
      throw ApplicationFailure.create({ message: "Intentional error from signal" });
    });
    await condition(() => completeWorkflowWith !== undefined);
    await SomeActivity();
    completeUpdateWith = "complete-update";
    if (handlersFinishFirst) await condition(allHandlersFinished);
    mainReturned = true;
    return completeWorkflowWith as string;
  };
}

export const handlersCutOff = { CoroutinesAfterCompleteWorkflow: coroutinesAfterComplete(false) };
export const handlersFinishFirst = { CoroutinesAfterCompleteWorkflow: coroutinesAfterComplete(true) };
