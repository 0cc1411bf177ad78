// sdk-core/old_change_marker_format: patched() twice around timers; the
// history's marker uses sdk-core's older plain-bytes encoding.
import { patched, sleep } from "../../../src/workflow/index.ts";

export async function writes_change_markers(): Promise<void> {
  await sleep(patched("integ_test_change_name") ? 100 : 200);
  await sleep(200);
  await sleep(patched("integ_test_change_name") ? 100 : 200);
}
