// node dist/test/e2e/official-side-main.js <address>
// Serves an OfficialSide (official-side.ts) over stdin/stdout: one JSON
// request per line in ({ id, op, args }), one JSON reply per line out
// ({ id, ok, value } or { id, ok: false, error }).
import { createInterface } from "node:readline";
import { createOfficialSide, type OfficialSide } from "./official-side.ts";

const address = process.argv[2];
if (address === undefined) {
  console.error("usage: official-side-main.js <address>");
  process.exit(2);
}
const side: OfficialSide = await createOfficialSide(address);
console.log(JSON.stringify({ id: 0, ok: true, value: "ready" }));
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const { id, op, args } = JSON.parse(line) as { id: number; op: keyof OfficialSide; args: unknown[] };
  const method = side[op] as (...a: unknown[]) => Promise<unknown>;
  method.apply(side, args).then(
    (value) => console.log(JSON.stringify({ id, ok: true, value: value ?? null })),
    (err: unknown) => console.log(JSON.stringify({ id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) })),
  );
  if (op === "close") break;
}
