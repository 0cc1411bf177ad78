// What the OFFICIAL @temporalio/client does in each end-to-end scenario: it
// starts the workflows that our worker runs and reports what it got back.
// In-process on Node; in a Node child process for the Bun and Deno suites
// (official-client-main.ts), since the official client is tested on Node.
import { Client, Connection, WorkflowFailedError, type WorkflowHandle, WorkflowUpdateFailedError } from "@temporalio/client";
import proto from "@temporalio/proto";

const EventType = proto.temporal.api.enums.v1.EventType;

/** A JSON-able account of a scenario, checked by the test. */
export interface ClientOutcome {
  /** The workflows the scenario started, for the replay half of the test. */
  workflowIds: string[];
  value?: unknown;
  error?: ErrorInfo | undefined;
  extra?: Record<string, unknown>;
}

export interface ErrorInfo {
  name: string;
  message: string;
  cause?: { name: string; message: string; type: string | undefined; nonRetryable: boolean | undefined; details: unknown[] | undefined };
}

type Scenario = (client: Client, taskQueue: string) => Promise<ClientOutcome>;

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function hasEvent(handle: WorkflowHandle, type: number): Promise<boolean> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).some((e) => e.eventType === type);
}

function describeError(err: unknown): ErrorInfo {
  if (!(err instanceof Error)) return { name: "non-error", message: String(err) };
  const cause = err.cause as (Error & { type?: string; nonRetryable?: boolean; details?: unknown[] }) | undefined;
  return {
    name: err.name,
    message: err.message,
    ...(cause instanceof Error
      ? { cause: { name: cause.name, message: cause.message, type: cause.type, nonRetryable: cause.nonRetryable, details: cause.details } }
      : {}),
  };
}

async function outcome(workflowIds: string[], result: Promise<unknown>, extra?: Record<string, unknown>): Promise<ClientOutcome> {
  try {
    return { workflowIds, value: await result, ...(extra ? { extra } : {}) };
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    return { workflowIds, error: describeError(err), ...(extra ? { extra } : {}) };
  }
}

export const scenarios: Record<string, Scenario> = {
  async timers(client, taskQueue) {
    const id = `${taskQueue}-timers`;
    return outcome([id], client.workflow.execute("timers", { taskQueue, workflowId: id, args: [50] }));
  },
  async activities(client, taskQueue) {
    const id = `${taskQueue}-activities`;
    return outcome([id], client.workflow.execute("withActivities", { taskQueue, workflowId: id, args: ["Ada"] }));
  },
  async signalsAndQueries(client, taskQueue) {
    const id = `${taskQueue}-signals`;
    const handle = await client.workflow.start("signalsAndQueries", { taskQueue, workflowId: id, args: [3] });
    await handle.signal("add", 1);
    const afterOne = await until("the first signal to be seen by a query", async () => {
      const n = await handle.query<number>("total");
      return n === 1 ? n : undefined;
    });
    await handle.signal("add", 2);
    await handle.signal("add", 3);
    const result = await handle.result();
    // A query on a closed workflow arrives as a legacy query task with the whole history.
    const afterClose = await handle.query<number>("total");
    return { workflowIds: [id], value: result, extra: { afterOne, afterClose } };
  },
  async localActivities(client, taskQueue) {
    const id = `${taskQueue}-local`;
    return outcome([id], client.workflow.execute("localActivities", { taskQueue, workflowId: id }));
  },
  async scopes(client, taskQueue) {
    const id = `${taskQueue}-scopes`;
    return outcome([id], client.workflow.execute("scopes", { taskQueue, workflowId: id }));
  },
  async cancellation(client, taskQueue) {
    const id = `${taskQueue}-cancel`;
    const handle = await client.workflow.start("cancellable", { taskQueue, workflowId: id });
    await until("the day-long timer", () => hasEvent(handle, EventType.EVENT_TYPE_TIMER_STARTED));
    await handle.cancel();
    return outcome([id], handle.result());
  },
  async failure(client, taskQueue) {
    const id = `${taskQueue}-fails`;
    return outcome([id], client.workflow.execute("fails", { taskQueue, workflowId: id }));
  },
  async clock(client, taskQueue) {
    const id = `${taskQueue}-clock`;
    const before = Date.now();
    const result = await outcome([id], client.workflow.execute("clock", { taskQueue, workflowId: id }));
    return { ...result, extra: { before, after: Date.now() } };
  },
  async deadlock(client, taskQueue) {
    const spinId = `${taskQueue}-spins`;
    const timersId = `${taskQueue}-timers`;
    const spinning = await client.workflow.start("spins", { taskQueue, workflowId: spinId });
    const others = await client.workflow.execute("timers", { taskQueue, workflowId: timersId, args: [20] });
    const failed = await until("the spinning workflow's task to fail", async () => {
      const history = await spinning.fetchHistory();
      const event = (history.events ?? []).find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
      return event?.workflowTaskFailedEventAttributes?.failure?.message ?? undefined;
    });
    await spinning.terminate("test over");
    return { workflowIds: [timersId], value: others, extra: { failure: failed } };
  },
  async updates(client, taskQueue) {
    const id = `${taskQueue}-updates`;
    const handle = await client.workflow.start("updates", { taskQueue, workflowId: id });
    const doubled = await handle.executeUpdate<number, [number]>("double", { args: [21] });
    let refused = "";
    try {
      await handle.executeUpdate<number, [number]>("double", { args: [-1] });
    } catch (err) {
      refused = err instanceof WorkflowUpdateFailedError ? String((err.cause as Error | undefined)?.message) : `unexpected ${err}`;
    }
    await handle.signal("finish");
    return { workflowIds: [id], value: await handle.result(), extra: { doubled, refused } };
  },
  async stickyEviction(client, taskQueue) {
    const ids = ["a", "b", "c"].map((x) => `${taskQueue}-sticky-${x}`);
    const handles = [];
    for (const workflowId of ids) {
      const handle = await client.workflow.start("signalsAndQueries", { taskQueue, workflowId, args: [2] });
      // One at a time, so the cache order is a, b, c and c's first task evicts a.
      await until(`${workflowId}'s first task`, () => hasEvent(handle, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED));
      handles.push(handle);
    }
    const results = [];
    for (const handle of handles) {
      await handle.signal("add", 20);
      await handle.signal("add", 22);
      results.push(await handle.result());
    }
    return { workflowIds: ids, value: results };
  },
};

export type ScenarioName = keyof typeof scenarios;

/** Runs one scenario with a fresh official client on `address`. */
export async function runOfficialClientScenario(address: string, taskQueue: string, name: string): Promise<ClientOutcome> {
  const scenario = scenarios[name];
  if (scenario === undefined) throw new Error(`no client scenario named ${name}`);
  const connection = await Connection.connect({ address });
  try {
    return await scenario(new Client({ connection }), taskQueue);
  } finally {
    await connection.close();
  }
}
