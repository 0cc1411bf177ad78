/**
 * The seed of a run's deterministic PRNG, derived from a run id exactly as
 * sdk-core does so `Math.random()` and `uuid4()` give the same values here
 * and in the official worker: SipHash-1-3 with zero keys over the UTF-8 bytes
 * of the id followed by 0xFF (the terminator Rust's `Hash for str` appends).
 */
export function randomnessSeedFromRunId(runId: string): bigint {
  const bytes = new TextEncoder().encode(runId);
  const message = new Uint8Array(bytes.length + 1);
  message.set(bytes);
  message[bytes.length] = 0xff;
  return sipHash13(message);
}

const MASK = (1n << 64n) - 1n;

function rotl(x: bigint, b: bigint): bigint {
  return ((x << b) | (x >> (64n - b))) & MASK;
}

function sipHash13(m: Uint8Array): bigint {
  // Zero keys: v0..v3 are the initialisation constants themselves.
  let v0 = 0x736f6d6570736575n;
  let v1 = 0x646f72616e646f6dn;
  let v2 = 0x6c7967656e657261n;
  let v3 = 0x7465646279746573n;
  const round = () => {
    v0 = (v0 + v1) & MASK;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & MASK;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & MASK;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const fullBlocks = m.length - (m.length % 8);
  for (let i = 0; i < fullBlocks; i += 8) {
    const word = readLe(m, i, 8);
    v3 ^= word;
    round();
    v0 ^= word;
  }
  const last = (BigInt(m.length & 0xff) << 56n) | readLe(m, fullBlocks, m.length - fullBlocks);
  v3 ^= last;
  round();
  v0 ^= last;
  v2 ^= 0xffn;
  round();
  round();
  round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK;
}

function readLe(m: Uint8Array, offset: number, count: number): bigint {
  let word = 0n;
  for (let i = count - 1; i >= 0; i--) word = (word << 8n) | BigInt(m[offset + i] ?? 0);
  return word;
}
