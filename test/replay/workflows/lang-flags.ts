// sdk-typescript/lang_flags_replay_correctly_*: an activity raced against a
// CancellationScope.withTimeout timer. Whether the timer is cancelled when
// the scope ends depends on the SDK version that wrote the history.
import { CancellationScope, proxyActivities } from "../../../src/workflow/index.ts";

const { noopActivity } = proxyActivities<{ noopActivity(): Promise<void> }>({ scheduleToCloseTimeout: "10s" });

export async function langFlagsReplayCorrectly(): Promise<void> {
  await CancellationScope.withTimeout("10s", async () => {
    await noopActivity();
  });
}
