// sdk-dotnet multi-wait-condition.pre-dotnet-flag: three coroutines wait on
// conditions over a shared list; one task, the workflow's result is the list.
import { condition } from "../../../src/workflow/index.ts";

export async function MultiWaitConditionWorkflow(): Promise<string[]> {
  const items: string[] = [];
  const waiters = [
    condition(() => items.length === 1).then(() => items.push("two")),
    condition(() => items.length === 3).then(() => items.push("four")),
    condition(() => items.length === 2).then(() => items.push("three")),
  ];
  items.push("one");
  await Promise.all(waiters);
  return items;
}
