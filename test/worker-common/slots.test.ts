import assert from "node:assert/strict";
import { createSlotSupplier } from "../../src/worker/common/slots.ts";
import { test } from "../harness.ts";

test("a slot reserved by a poll still counts as available in the gauges; one holding a task does not", async () => {
  const slots = createSlotSupplier(3);
  const seen: Array<[number, number]> = [];
  slots.onChange((used, available) => seen.push([used, available]));
  assert.deepEqual(seen, [[0, 3]], "the listener learns the starting counts at once");

  const polling = await slots.acquire();
  const working = await slots.acquire();
  assert.equal(slots.used, 2, "both slots are reserved, so a third poll may take only one more");
  assert.deepEqual(seen.at(-1), [0, 3], "reserved for polls only: all slots still reported available, as sdk-core does");

  working.markUsed();
  assert.deepEqual(seen.at(-1), [1, 2]);
  working.markUsed();
  assert.deepEqual(seen.at(-1), [1, 2], "marking twice counts once");

  polling.release();
  assert.deepEqual(seen.at(-1), [1, 2], "an empty poll giving its slot back changes nothing in the gauges");
  working.release();
  assert.deepEqual(seen.at(-1), [0, 3]);
  assert.equal(slots.used, 0);
});

test("a released slot passes straight to a waiting poller without the gauges moving", async () => {
  const slots = createSlotSupplier(1);
  const seen: Array<[number, number]> = [];
  slots.onChange((used, available) => seen.push([used, available]));
  const first = await slots.acquire();
  first.markUsed();
  const next = slots.acquire();
  first.release();
  const second = await next;
  assert.equal(slots.used, 1);
  assert.deepEqual(seen.at(-1), [0, 1]);
  second.release();
  assert.equal(slots.used, 0);
});
