import type * as v from "valibot";

/**
 * Turns valibot issues into one line per problem, each naming the field path,
 * what was wrong and (from the schema's message) how to fix it. Values are
 * never echoed for fields that may hold secrets.
 */
export function formatIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues.map(formatIssue).join("; ");
}

const secretField = /key|secret|password|token|cert/i;

function formatIssue(issue: v.BaseIssue<unknown>): string {
  const path = issue.path?.map((item) => String(item.key)).join(".") ?? "(root)";
  const secret = secretField.test(path);
  const got = secret ? "" : ` (got ${describe(issue.input)})`;
  if (issue.type === "strict_object" && issue.expected === "never") {
    return `${path}: unknown option; remove it or check its spelling`;
  }
  return `${path}: ${issue.message}${got}`;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === undefined) return "nothing";
  if (typeof value === "object") return value === null ? "null" : Array.isArray(value) ? "an array" : "an object";
  return String(value);
}
