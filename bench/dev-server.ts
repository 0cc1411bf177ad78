/**
 * Capacity of the embedded dev server (not a test): how many workflow tasks
 * and activity tasks per second it sustains, driven over real gRPC by raw
 * poll/complete loops with this project's Connect client, so that the
 * server is never the bottleneck when workers are compared on it.
 *   node dist/bench/dev-server.js      bun bench/dev-server.ts      deno run -A bench/dev-server.ts
 * Options (env): BENCH_WORKFLOWS (default 2000), BENCH_ACTIVITIES_PER_WORKFLOW (default 5), BENCH_POLLERS (default 8).
 */
import { CommandType } from "../gen/temporal/api/enums/v1/command_type_pb.ts";
import { type Connection, connect } from "../src/connection/connection.ts";
import { createDevServer } from "../src/dev-server/server.ts";
import { runtimePlatform } from "../test/support/platform.ts";

const platform = await runtimePlatform();
const intEnv = (name: string, fallback: number) => Number(platform.env(name) ?? "") || fallback;
const workflows = intEnv("BENCH_WORKFLOWS", 2000);
const activitiesPerWorkflow = intEnv("BENCH_ACTIVITIES_PER_WORKFLOW", 5);
const pollers = intEnv("BENCH_POLLERS", 8);
const namespace = "default";

async function startAll(conn: Connection, taskQueue: string, prefix: string): Promise<void> {
  const batch = 50;
  for (let i = 0; i < workflows; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, workflows - i) }, (_, j) =>
        conn.workflowService.startWorkflowExecution({
          namespace,
          workflowId: `${prefix}-${i + j}`,
          workflowType: { name: "bench" },
          taskQueue: { name: taskQueue },
          requestId: crypto.randomUUID(),
        }),
      ),
    );
  }
}

/** Polls workflow tasks and answers each with `commands(task)` until `done()`. */
async function workflowLoop(conn: Connection, taskQueue: string, done: () => boolean, onTask: (firstTask: boolean) => unknown[]): Promise<number> {
  let handled = 0;
  while (!done()) {
    const task = await conn.workflowService.pollWorkflowTaskQueue({ namespace, taskQueue: { name: taskQueue }, identity: "bench" }, { timeoutMs: 2_000 }).catch(() => undefined);
    if (task === undefined || task.taskToken.length === 0) continue;
    const firstTask = task.previousStartedEventId === 0n;
    await conn.workflowService.respondWorkflowTaskCompleted({
      namespace,
      taskToken: task.taskToken,
      identity: "bench",
      commands: onTask(firstTask) as never,
    });
    handled++;
  }
  return handled;
}

const complete = { commandType: CommandType.COMPLETE_WORKFLOW_EXECUTION, attributes: { case: "completeWorkflowExecutionCommandAttributes", value: {} } };

async function benchWorkflowTasks(conn: Connection): Promise<{ tasks: number; seconds: number }> {
  const taskQueue = "bench-wft";
  await startAll(conn, taskQueue, "wft");
  let completed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: pollers }, () =>
      workflowLoop(conn, taskQueue, () => completed >= workflows, () => {
        completed++;
        return [complete];
      }),
    ),
  );
  return { tasks: completed, seconds: (performance.now() - t0) / 1000 };
}

async function benchActivityTasks(conn: Connection): Promise<{ tasks: number; seconds: number }> {
  const taskQueue = "bench-act";
  const total = workflows * activitiesPerWorkflow;
  let scheduledWorkflows = 0;
  let activitiesDone = 0;
  await startAll(conn, taskQueue, "act");
  // Schedule every workflow's activities first (one task each), then time the activity loops alone.
  await Promise.all(
    Array.from({ length: pollers }, () =>
      workflowLoop(conn, taskQueue, () => scheduledWorkflows >= workflows, (firstTask) => {
        if (!firstTask) return [];
        scheduledWorkflows++;
        return Array.from({ length: activitiesPerWorkflow }, (_, i) => ({
          commandType: CommandType.SCHEDULE_ACTIVITY_TASK,
          attributes: {
            case: "scheduleActivityTaskCommandAttributes",
            value: { activityId: String(i + 1), activityType: { name: "noop" }, taskQueue: { name: taskQueue }, startToCloseTimeout: { seconds: 60n } },
          },
        }));
      }),
    ),
  );
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: pollers }, async () => {
      while (activitiesDone < total) {
        const task = await conn.workflowService.pollActivityTaskQueue({ namespace, taskQueue: { name: taskQueue }, identity: "bench" }, { timeoutMs: 2_000 }).catch(() => undefined);
        if (task === undefined || task.taskToken.length === 0) continue;
        await conn.workflowService.respondActivityTaskCompleted({ namespace, taskToken: task.taskToken, identity: "bench" });
        activitiesDone++;
      }
    }),
  );
  return { tasks: activitiesDone, seconds: (performance.now() - t0) / 1000 };
}

const server = await createDevServer({ platform, port: 0 });
const conn = connect({ address: server.address, retry: false }, platform);
try {
  const wft = await benchWorkflowTasks(conn);
  const act = await benchActivityTasks(conn);
  const row = (name: string, r: { tasks: number; seconds: number }) =>
    `| ${name.padEnd(22)} | ${String(r.tasks).padStart(7)} | ${r.seconds.toFixed(2).padStart(7)} | ${Math.round(r.tasks / r.seconds).toString().padStart(8)} |`;
  platform.write(
    "stdout",
    [
      `dev server capacity on ${platform.runtime} ${platform.runtimeVersion} (${pollers} pollers, one client connection)`,
      "| task kind              |   tasks |       s |  tasks/s |",
      "|------------------------|---------|---------|----------|",
      row("workflow tasks", wft),
      row("activity tasks", act),
      "",
    ].join("\n"),
  );
} finally {
  await conn.close();
  await server.close();
}
