// A payload codec that encrypts every payload with AES-GCM through WebCrypto
// (crypto.subtle), so it runs the same on Node, Bun and Deno. The format is
// that of Temporal's TypeScript encryption sample: encoding
// "binary/encrypted", the key id in "encryption-key-id" metadata, and data =
// 12-byte IV || AES-GCM(size-delimited Payload proto) with a 128-bit tag.
// The whole original payload, metadata included, is inside the ciphertext.
import { fromBinary } from "@bufbuild/protobuf";
import { sizeDelimitedEncode, sizeDelimitedPeek } from "@bufbuild/protobuf/wire";
import { type Payload, PayloadSchema } from "../../gen/temporal/api/common/v1/message_pb.ts";
import { decodeUtf8, encodeUtf8, METADATA_ENCODING_KEY, makePayload, payloadEncoding } from "./encoding.ts";
import { messageOf, PayloadConverterError } from "./errors.ts";
import type { PayloadCodec } from "./types.ts";

export const ENCRYPTED_ENCODING = "binary/encrypted";
export const METADATA_ENCRYPTION_KEY_ID = "encryption-key-id";
const IV_BYTES = 12;
const TAG_BITS = 128;

export type AesKey = CryptoKey | Uint8Array;

export interface AesGcmCodecOptions {
  /** Written with each payload so the reader knows which key to use (rotation). */
  keyId: string;
  /** An AES-GCM CryptoKey, or 16, 24 or 32 raw key bytes. */
  key: AesKey;
  /** Older keys by id, for decrypting payloads written before a rotation. */
  decryptionKeys?: Record<string, AesKey>;
}

export function createAesGcmCodec(options: AesGcmCodecOptions): PayloadCodec {
  const { keyId } = options;
  if (typeof keyId !== "string" || keyId === "") {
    throw new TypeError("createAesGcmCodec: keyId must be a non-empty string (it is stored with each payload)");
  }
  const keys = new Map<string, Promise<CryptoKey>>();
  // Key sizes are checked here, synchronously, so a bad key fails at start-up and not on the first payload.
  keys.set(keyId, importAesKey(checkAesKey(options.key, keyId)));
  for (const [id, key] of Object.entries(options.decryptionKeys ?? {})) {
    if (id !== keyId) keys.set(id, importAesKey(checkAesKey(key, id)));
  }
  // A rejected import (e.g. a CryptoKey made for another algorithm) surfaces
  // on first use, with the codec's error; don't report it as unhandled before.
  for (const key of keys.values()) key.catch(() => undefined);
  const encodingBytes = encodeUtf8(ENCRYPTED_ENCODING);
  const keyIdBytes = encodeUtf8(keyId);

  async function encryptOne(payload: Payload): Promise<Payload> {
    const key = await (keys.get(keyId) as Promise<CryptoKey>);
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const plaintext = sizeDelimitedEncode(PayloadSchema, payload);
    const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, tagLength: TAG_BITS }, key, plaintext as Uint8Array<ArrayBuffer>));
    const data = new Uint8Array(IV_BYTES + ciphertext.length);
    data.set(iv);
    data.set(ciphertext, IV_BYTES);
    return makePayload({ [METADATA_ENCODING_KEY]: encodingBytes, [METADATA_ENCRYPTION_KEY_ID]: keyIdBytes }, data);
  }

  async function decryptOne(payload: Payload): Promise<Payload> {
    if (payloadEncoding(payload) !== ENCRYPTED_ENCODING) return payload;
    const idBytes = payload.metadata[METADATA_ENCRYPTION_KEY_ID];
    if (idBytes === undefined) {
      throw new PayloadConverterError(
        `Cannot decrypt a ${ENCRYPTED_ENCODING} payload without "${METADATA_ENCRYPTION_KEY_ID}" metadata`,
        { encoding: ENCRYPTED_ENCODING },
      );
    }
    const id = decodeUtf8(idBytes);
    const key = keys.get(id);
    if (key === undefined) {
      throw new PayloadConverterError(
        `Cannot decrypt a ${ENCRYPTED_ENCODING} payload made with key "${id}": this codec has ${[...keys.keys()].map((k) => `"${k}"`).join(", ")}. ` +
          "Add the key to decryptionKeys",
        { encoding: ENCRYPTED_ENCODING },
      );
    }
    if (payload.data.length < IV_BYTES + TAG_BITS / 8) {
      throw new PayloadConverterError(
        `Cannot decrypt a ${ENCRYPTED_ENCODING} payload of ${payload.data.length} bytes: too short to hold an IV and a tag`,
        { encoding: ENCRYPTED_ENCODING },
      );
    }
    let plaintext: Uint8Array;
    try {
      plaintext = new Uint8Array(
        await crypto.subtle.decrypt(
          { name: "AES-GCM", iv: payload.data.subarray(0, IV_BYTES) as Uint8Array<ArrayBuffer>, tagLength: TAG_BITS },
          await key,
          payload.data.subarray(IV_BYTES) as Uint8Array<ArrayBuffer>,
        ),
      );
    } catch (err) {
      throw new PayloadConverterError(
        `Cannot decrypt a ${ENCRYPTED_ENCODING} payload with key "${id}": authentication failed (wrong key bytes for this id, or the data was altered): ${messageOf(err)}`,
        { cause: err, encoding: ENCRYPTED_ENCODING },
      );
    }
    const frame = sizeDelimitedPeek(plaintext);
    if (frame.eof || frame.offset + frame.size > plaintext.length) {
      throw new PayloadConverterError(`A decrypted ${ENCRYPTED_ENCODING} payload is not a size-delimited Payload message`, {
        encoding: ENCRYPTED_ENCODING,
      });
    }
    return fromBinary(PayloadSchema, plaintext.subarray(frame.offset, frame.offset + frame.size));
  }

  return {
    encode: (payloads) => Promise.all(payloads.map(encryptOne)),
    decode: (payloads) => Promise.all(payloads.map(decryptOne)),
  };
}

function checkAesKey(key: AesKey, id: string): AesKey {
  if (key instanceof Uint8Array && key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new TypeError(`AES-GCM key "${id}" has ${key.length} bytes; it must have 16, 24 or 32 (AES-128, -192 or -256)`);
  }
  return key;
}

async function importAesKey(key: AesKey): Promise<CryptoKey> {
  if (!(key instanceof Uint8Array)) return key;
  return crypto.subtle.importKey("raw", key as Uint8Array<ArrayBuffer>, "AES-GCM", false, ["encrypt", "decrypt"]);
}
