// The workflow PRNG: Johannes Baagøe's Alea generator with its Mash seeding,
// written from the published algorithm. The official TypeScript SDK uses the
// same generator, seeded the same way (the 8 big-endian bytes of the
// activation's uint64 `randomnessSeed`), so `Math.random()` and `uuid4()`
// give the same sequence here and there: a run can move between the two
// workers without a nondeterminism error.

/** A source of numbers in [0, 1). */
export type Random = () => number;

const TWO_POW_32 = 0x100000000;
const TWO_POW_MINUS_32 = 2.3283064365386963e-10;

/** Baagøe's Mash hash; its state carries over between calls, which the seeding relies on. */
function createMash(): (data: readonly number[]) => number {
  let n = 0xefc8249d;
  return (data) => {
    for (const value of data) {
      n += value;
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * TWO_POW_32;
    }
    return (n >>> 0) * TWO_POW_MINUS_32;
  };
}

/** An Alea generator seeded with a sequence of numbers (bytes, for workflow seeds). */
export function alea(seed: readonly number[]): Random {
  const mash = createMash();
  let s0 = mash([32]);
  let s1 = mash([32]);
  let s2 = mash([32]);
  let c = 1;
  s0 -= mash(seed);
  if (s0 < 0) s0 += 1;
  s1 -= mash(seed);
  if (s1 < 0) s1 += 1;
  s2 -= mash(seed);
  if (s2 < 0) s2 += 1;
  return () => {
    const t = 2091639 * s0 + c * TWO_POW_MINUS_32;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    return s2;
  };
}

/** The 8 big-endian bytes of a uint64 seed, as the official worker feeds them to Alea. */
export function seedBytes(seed: bigint): number[] {
  const bytes: number[] = [];
  for (let shift = 56n; shift >= 0n; shift -= 8n) bytes.push(Number((seed >> shift) & 0xffn));
  return bytes;
}

/** An RFC 4122 version 4 UUID from 16 bytes of `random`, in the official SDK's draw order. */
export function uuid4From(random: Random): string {
  const words = [0, 1, 2, 3].map(() => (random() * TWO_POW_32) >>> 0);
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  words.forEach((word, i) => view.setUint32(i * 4, word));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
