// Payload codecs between the engine and the workflow runtime: activations are
// decoded before the workflow code sees them, completions encoded after.
import { create } from "@bufbuild/protobuf";
import assert from "node:assert/strict";
import type { Payload } from "../../gen/temporal/api/common/v1/message_pb.ts";
import {
  type WorkflowActivation,
  WorkflowActivationSchema,
} from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import {
  type WorkflowActivationCompletion,
  WorkflowActivationCompletionSchema,
} from "../../gen/temporal/sdk/core/workflow_completion/workflow_completion_pb.ts";
import type { PayloadCodec } from "../../src/converter/types.ts";
import { withPayloadCodecs } from "../../src/worker/workflow/codec-runner.ts";
import { test } from "../harness.ts";

const text = (p: Payload | undefined) => new TextDecoder().decode(p?.data);
const payload = (s: string) => ({ metadata: {}, data: new TextEncoder().encode(s) });

/** Wraps data in brackets on encode and takes them off on decode. */
const brackets: PayloadCodec = {
  async encode(payloads) {
    return payloads.map((p) => ({ ...p, data: new TextEncoder().encode(`[${text(p)}]`) }));
  },
  async decode(payloads) {
    return payloads.map((p) => ({ ...p, data: new TextEncoder().encode(text(p).replace(/^\[(.*)\]$/, "$1")) }));
  },
};

test("activation payloads are decoded (search attributes untouched) and completion payloads encoded", async () => {
  let seen: WorkflowActivation | undefined;
  const runner = withPayloadCodecs(
    {
      async activate(activation): Promise<WorkflowActivationCompletion> {
        seen = activation;
        return create(WorkflowActivationCompletionSchema, {
          runId: activation.runId,
          status: {
            case: "successful",
            value: {
              commands: [
                { variant: { case: "completeWorkflowExecution", value: { result: payload("done") } } },
                { variant: { case: "upsertWorkflowSearchAttributes", value: { searchAttributes: { indexedFields: { Color: payload("red") } } } } },
              ],
            },
          },
        });
      },
    },
    [brackets],
  );
  const activation = create(WorkflowActivationSchema, {
    runId: "r",
    jobs: [
      {
        variant: {
          case: "initializeWorkflow",
          value: { workflowType: "w", arguments: [payload("[a]"), payload("[b]")], searchAttributes: { indexedFields: { Color: payload("[kept]") } } },
        },
      },
      { variant: { case: "signalWorkflow", value: { signalName: "s", input: [payload("[c]")] } } },
    ],
  });
  const completion = await runner.activate(activation);
  const init = seen?.jobs[0]?.variant;
  assert.equal(init?.case, "initializeWorkflow");
  if (init?.case !== "initializeWorkflow") return;
  assert.deepEqual(init.value.arguments.map(text), ["a", "b"]);
  assert.equal(text(init.value.searchAttributes?.indexedFields.Color), "[kept]");
  const signal = seen?.jobs[1]?.variant;
  assert.deepEqual(signal?.case === "signalWorkflow" ? signal.value.input.map(text) : [], ["c"]);
  const commands = completion.status.case === "successful" ? completion.status.value.commands : [];
  const done = commands[0]?.variant;
  assert.equal(done?.case === "completeWorkflowExecution" ? text(done.value.result) : "", "[done]");
  const upsert = commands[1]?.variant;
  assert.equal(upsert?.case === "upsertWorkflowSearchAttributes" ? text(upsert.value.searchAttributes?.indexedFields.Color) : "", "red");
});

test("without codecs the runtime is used as it is", () => {
  const runtime = { activate: async () => create(WorkflowActivationCompletionSchema, {}) };
  assert.equal(withPayloadCodecs(runtime, []), runtime);
});
