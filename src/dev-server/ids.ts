/** Run ids, request ids and namespace ids: random UUIDs, as a real server uses. */
export function newId(): string {
  return crypto.randomUUID();
}
