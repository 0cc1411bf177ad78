// sdk-typescript/random-replay-1.17.2: four rounds of Math.random(), uuid4()
// and a child workflow (whose id the runtime draws with uuid4 too), each
// followed by a 1 ms sleep; then the unblock signal ends the run with what
// was drawn. The history holds a reset after round one, so rounds two to four
// draw from the generator reseeded with the reset's new run id.
import { condition, defineQuery, defineSignal, setHandler, sleep, startChild, uuid4 } from "../../../src/workflow/index.ts";

export interface RandomCapture {
  random: number;
  uuid: string;
  childWorkflowId: string;
}

export const capturesQuery = defineQuery<RandomCapture[]>("randomStreamResetCaptures");
export const unblockSignal = defineSignal("randomStreamResetUnblock");

export async function randomStreamResetChild(): Promise<void> {}

export async function directRandomAndUuidResetWorkflow(): Promise<RandomCapture[]> {
  const captures: RandomCapture[] = [];
  let unblocked = false;
  setHandler(capturesQuery, () => captures);
  setHandler(unblockSignal, () => {
    unblocked = true;
  });
  for (let round = 0; round < 4; round++) {
    const random = Math.random();
    const uuid = uuid4();
    const child = await startChild(randomStreamResetChild);
    captures.push({ random, uuid, childWorkflowId: child.workflowId });
    await sleep(1);
  }
  await condition(() => unblocked);
  return captures;
}

/** The same workflow drawing one value more before it starts: its child ids are no longer the recorded ones. */
export const drawsOneMore = {
  randomStreamResetChild,
  directRandomAndUuidResetWorkflow: (): Promise<RandomCapture[]> => {
    Math.random();
    return directRandomAndUuidResetWorkflow();
  },
};
