import { durationMs } from "@bufbuild/protobuf/wkt";
import { msToNumber as officialMsToNumber } from "@temporalio/common/lib/time.js";
import assert from "node:assert/strict";
import { msToDurationMessage, msToNumber } from "../../src/common/duration.ts";
import { test } from "../harness.ts";

// Judged by the official SDK's own parser (the `ms` package behind @temporalio/common).
const accepted = [
  "10s", "10 s", "1 day", "2 days", "1d", "1.5h", "2.5 hrs", ".5s", "500", "500ms", "3 msecs", "1m", "5 mins",
  "1 minute", "1w", "2 weeks", "1y", "1 year", "1 YEAR", "10 Seconds", "0", "0s",
];

test("duration strings parse to the same milliseconds as the official SDK", () => {
  for (const text of accepted) {
    assert.equal(msToNumber(text), officialMsToNumber(text as never), `for ${JSON.stringify(text)}`);
  }
});

test("numbers are milliseconds, as in the official SDK", () => {
  assert.equal(msToNumber(1234), 1234);
  assert.equal(msToNumber(0), 0);
});

test("invalid durations fail with the field name and the accepted forms", () => {
  for (const text of ["", "ten seconds", "10 parsecs", "1h30m", "s", "x".repeat(101)]) {
    assert.throws(() => msToNumber(text, "workflowRunTimeout"), (err: unknown) => {
      assert.ok(err instanceof TypeError);
      assert.match(err.message, /^workflowRunTimeout: invalid duration string .*e\.g\. "500ms", "10s"/);
      return true;
    });
    // The official parser refuses them too.
    assert.throws(() => officialMsToNumber(text as never));
  }
  assert.throws(() => msToNumber(-5, "startDelay"), /startDelay: -5 is not a valid duration/);
  assert.throws(() => msToNumber(Number.NaN, "startDelay"), /startDelay/);
});

test("a duration becomes a google.protobuf.Duration of whole milliseconds", () => {
  assert.equal(durationMs(msToDurationMessage("1 day")), 86_400_000);
  const d = msToDurationMessage("1.5s");
  assert.equal(d.seconds, 1n);
  assert.equal(d.nanos, 500_000_000);
});
