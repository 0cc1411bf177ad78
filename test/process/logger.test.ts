import assert from "node:assert/strict";
import { createLogger, parseLogLevel } from "../../src/logging/logger.ts";
import { test } from "../harness.ts";

const at = new Date("2025-01-02T03:04:05.678Z");

test("JSON lines carry time, level, message and identifiers", () => {
  const lines: string[] = [];
  const logger = createLogger({ write: (l) => lines.push(l), format: "json", now: () => at, attributes: { runtime: "node" } });
  logger.withAttributes({ taskQueue: "orders" }).info("activity completed", { workflowId: "wf-1", activityId: "3", attempt: 2 });
  assert.equal(lines.length, 1);
  assert.ok(lines[0]?.endsWith("\n"));
  assert.deepEqual(JSON.parse(lines[0] as string), {
    time: "2025-01-02T03:04:05.678Z",
    level: "INFO",
    message: "activity completed",
    runtime: "node",
    taskQueue: "orders",
    workflowId: "wf-1",
    activityId: "3",
    attempt: 2,
  });
});

test("levels below the minimum are dropped", () => {
  const lines: string[] = [];
  const logger = createLogger({ write: (l) => lines.push(l), format: "json", level: "WARN" });
  logger.debug("d");
  logger.info("i");
  logger.warn("w");
  logger.error("e");
  logger.log("TRACE", "t");
  assert.deepEqual(lines.map((l) => JSON.parse(l).level), ["WARN", "ERROR"]);
  assert.equal(parseLogLevel("debug"), "DEBUG");
  assert.equal(parseLogLevel("verbose"), undefined);
});

test("payloads, task tokens and secrets never reach the output, even nested", () => {
  const lines: string[] = [];
  const logger = createLogger({ write: (l) => lines.push(l), format: "json" });
  logger.info("task", {
    taskToken: new Uint8Array([1, 2, 3]),
    input: ["card 4242 4242 4242 4242"],
    result: { ssn: "123-45-6789" },
    apiKey: "sk-live-secret",
    request: { authorization: "Bearer sk-live-secret", payloads: ["hunter2"], workflowId: "wf-9" },
    body: new Uint8Array(16),
  });
  const text = lines.join("");
  for (const secret of ["4242", "123-45-6789", "sk-live-secret", "hunter2"]) assert.ok(!text.includes(secret), `leaked ${secret}: ${text}`);
  const line = JSON.parse(text);
  assert.equal(line.taskToken, "[redacted]");
  assert.equal(line.request.workflowId, "wf-9");
  assert.equal(line.body, "[16 bytes]");
});

test("errors keep name, message and cause; pretty lines are readable", () => {
  const lines: string[] = [];
  const logger = createLogger({ write: (l) => lines.push(l), format: "pretty", now: () => at });
  logger.error("poll failed", { taskQueue: "orders", error: new TypeError("boom", { cause: new Error("root") }) });
  const line = lines[0] as string;
  assert.match(line, /^03:04:05\.678 ERROR poll failed {2}taskQueue=orders error=\{"name":"TypeError","message":"boom"/);
  assert.match(line, /"cause":\{"name":"Error","message":"root"/);
  assert.ok(line.endsWith("\n") && !line.slice(0, -1).includes("\n"), "one line");
});
