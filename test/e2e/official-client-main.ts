// node dist/test/e2e/official-client-main.js <address> <taskQueue> <scenario>
// Runs one official-client scenario (official-client.ts) and prints its
// outcome as one JSON line: how the Bun and Deno suites use the official client.
import { runOfficialClientScenario } from "./official-client.ts";

const [address, taskQueue, name] = process.argv.slice(2);
if (address === undefined || taskQueue === undefined || name === undefined) {
  console.error("usage: official-client-main.js <address> <taskQueue> <scenario>");
  process.exit(2);
}
try {
  const outcome = await runOfficialClientScenario(address, taskQueue, name);
  console.log(JSON.stringify({ ok: true, outcome }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
}
process.exit(0);
