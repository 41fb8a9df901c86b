import fs from 'node:fs/promises';

/**
 * Writes a tiny ONNX encoder by hand (protobuf wire format, no Python): an embedding table looked up
 * by `Gather` on int64 `input_ids` [batch, tokens], giving `last_hidden_state` [batch, tokens, dim].
 * The stage mean-pools it, as it would a real sentence encoder's output.
 */
function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, v: number): number[] => [...key(field, 0), ...varint(v)];
const bytes = (field: number, b: Uint8Array | number[]): number[] => [...key(field, 2), ...varint(b.length), ...b];
const str = (field: number, s: string): number[] => bytes(field, [...Buffer.from(s, 'utf8')]);

function tensorType(elemType: number, dims: (number | string)[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  return bytes(1, [...int(1, elemType), ...bytes(2, shape)]);
}
const valueInfo = (name: string, elemType: number, dims: (number | string)[]) => [...str(1, name), ...bytes(2, tensorType(elemType, dims))];

const FLOAT = 1;
const INT64 = 7;

export async function writeEmbeddingModel(file: string, table: Float32Array, vocab: number, dim: number): Promise<void> {
  const raw = new Uint8Array(table.buffer, table.byteOffset, table.byteLength);
  const initializer = [...int(1, vocab), ...int(1, dim), ...int(2, FLOAT), ...str(8, 'embeddings'), ...bytes(9, raw)];
  const node = [...str(1, 'embeddings'), ...str(1, 'input_ids'), ...str(2, 'last_hidden_state'), ...str(3, 'lookup'), ...str(4, 'Gather')];
  const graph = [
    ...bytes(1, node),
    ...str(2, 'tiny-encoder'),
    ...bytes(5, initializer),
    ...bytes(11, valueInfo('input_ids', INT64, ['batch', 'tokens'])),
    ...bytes(12, valueInfo('last_hidden_state', FLOAT, ['batch', 'tokens', dim])),
  ];
  const model = [...int(1, 8), ...str(2, 'forgeline-test'), ...bytes(7, graph), ...bytes(8, [...str(1, ''), ...int(2, 13)])];
  await fs.writeFile(file, Uint8Array.from(model));
}
