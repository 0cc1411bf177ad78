import type { Payload } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import type { WorkflowActivation } from "../../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { WorkflowActivationCompletion } from "../../../gen/temporal/sdk/core/workflow_completion/workflow_completion_pb.ts";
import { decodePayloads, encodePayloads } from "../../converter/codec-helpers.ts";
import { loadDataConverter } from "../../converter/data-converter.ts";
import type { PayloadCodec } from "../../converter/types.ts";
import type { ActivationRunner } from "../../engine/drive-task.ts";

const PAYLOAD = "temporal.api.common.v1.Payload";
// The server reads search attributes, so codecs never touch them (as in the official SDKs).
const SEARCH_ATTRIBUTES = "temporal.api.common.v1.SearchAttributes";

/**
 * Puts payload codecs (encryption, compression) between the engine and the
 * workflow runtime: every payload of an activation is decoded before the
 * workflow code sees it, and every payload of a completion (results,
 * arguments, failure details) is encoded before it reaches the server. The
 * workflow code and its payload converter only ever see plain payloads.
 */
export function withPayloadCodecs(runner: ActivationRunner, codecs: readonly PayloadCodec[]): ActivationRunner {
  if (codecs.length === 0) return runner;
  const ldc = loadDataConverter({ payloadCodecs: [...codecs] });
  return {
    async activate(activation: WorkflowActivation): Promise<WorkflowActivationCompletion> {
      await transformPayloads(activation, (payloads) => decodePayloads(ldc, payloads));
      const completion = await runner.activate(activation);
      await transformPayloads(completion, (payloads) => encodePayloads(ldc, payloads));
      return completion;
    },
  };
}

type Slot = { holder: Record<string | number, unknown>; key: string | number };

/** Replaces, in place, every Payload found in `message` with what `transform` returns for it. */
export async function transformPayloads(message: object, transform: (payloads: Payload[]) => Promise<Payload[]>): Promise<void> {
  const slots: Slot[] = [];
  collect(message, slots);
  if (slots.length === 0) return;
  const before = slots.map((s) => s.holder[s.key] as Payload);
  const after = await transform(before);
  if (after.length !== before.length) {
    throw new Error(`a payload codec returned ${after.length} payloads for ${before.length}; codecs must return one payload for each they are given`);
  }
  slots.forEach((s, i) => {
    s.holder[s.key] = after[i];
  });
}

function collect(value: unknown, slots: Slot[]): void {
  if (typeof value !== "object" || value === null || value instanceof Uint8Array) return;
  const holder = value as Record<string | number, unknown>;
  if (holder.$typeName === SEARCH_ATTRIBUTES) return;
  for (const key of Object.keys(holder)) {
    const child = holder[key];
    if (typeof child !== "object" || child === null) continue;
    if ((child as { $typeName?: string }).$typeName === PAYLOAD) slots.push({ holder, key });
    else collect(child, slots);
  }
}
