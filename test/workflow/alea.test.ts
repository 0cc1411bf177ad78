// Our Alea PRNG, seed bytes and uuid4 against the official SDK's own
// implementation (its compiled modules in node_modules are the judge).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { alea, seedBytes, uuid4From } from "../../src/workflow/alea.ts";
import { test } from "../harness.ts";

const require = createRequire(import.meta.url);
const official = require("@temporalio/workflow/lib/alea.js") as { alea(seed: number[]): () => number };
const helpers = require("@temporalio/workflow/lib/random-helpers.js") as { uuid4FromRandom(r: () => number): string };
const Long = require("long") as { fromString(s: string, unsigned: boolean): { toBytes(): number[] } };

const seeds = [0n, 1n, 7n, 42n, 0xdeadbeefn, 2n ** 63n + 12345n, 2n ** 64n - 1n, 6_120_385_432_123_456_789n];

test("seed bytes are the big-endian bytes the official worker takes from the uint64 seed", () => {
  for (const seed of seeds) assert.deepEqual(seedBytes(seed), Long.fromString(seed.toString(), true).toBytes(), `seed ${seed}`);
});

test("Math.random sequences equal the official Alea for the same seed", () => {
  for (const seed of seeds) {
    const ours = alea(seedBytes(seed));
    const theirs = official.alea(seedBytes(seed));
    for (let i = 0; i < 1000; i++) assert.equal(ours(), theirs(), `seed ${seed}, draw ${i}`);
  }
});

test("uuid4 equals the official uuid4 drawn from the same stream", () => {
  for (const seed of seeds) {
    const ours = alea(seedBytes(seed));
    const theirs = official.alea(seedBytes(seed));
    for (let i = 0; i < 50; i++) assert.equal(uuid4From(ours), helpers.uuid4FromRandom(theirs));
  }
});
