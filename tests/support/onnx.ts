import fs from 'node:fs/promises';

/**
 * Tiny real ONNX models for tests, written by hand in protobuf wire format (no Python here). Field
 * numbers follow onnx/onnx.proto: ModelProto (ir_version 1, producer_name 2, graph 7, opset_import 8),
 * GraphProto (node 1, name 2, initializer 5, input 11, output 12), NodeProto (input 1, output 2,
 * name 3, op_type 4), TensorProto (dims 1, data_type 2, name 8, raw_data 9), ValueInfoProto.
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

export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

export interface OnnxValue {
  name: string;
  type: typeof ONNX_FLOAT | typeof ONNX_INT64;
  /** Numbers are fixed sizes, strings symbolic ones (`batch`). */
  dims: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: { op: string; inputs: string[]; outputs: string[] }[];
  initializers: { name: string; dims: number[]; values: Float32Array }[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
}

function valueInfo(v: OnnxValue): number[] {
  const shape = v.dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  return [...str(1, v.name), ...bytes(2, bytes(1, [...int(1, v.type), ...bytes(2, shape)]))];
}

export function onnxModel(g: OnnxGraph): Buffer {
  const graph = [
    ...g.nodes.flatMap((n, i) => bytes(1, [...n.inputs.flatMap((x) => str(1, x)), ...n.outputs.flatMap((x) => str(2, x)), ...str(3, `${n.op.toLowerCase()}${i}`), ...str(4, n.op)])),
    ...str(2, g.name),
    ...g.initializers.flatMap((t) => {
      const raw = new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength);
      return bytes(5, [...t.dims.flatMap((d) => int(1, d)), ...int(2, ONNX_FLOAT), ...str(8, t.name), ...bytes(9, raw)]);
    }),
    ...g.inputs.flatMap((v) => bytes(11, valueInfo(v))),
    ...g.outputs.flatMap((v) => bytes(12, valueInfo(v))),
  ];
  return Buffer.from([...int(1, 8), ...str(2, 'forgeline-test'), ...bytes(7, graph), ...bytes(8, [...str(1, ''), ...int(2, 13)])]);
}

/** Logistic regression over features: Y = Sigmoid(X @ W + B), X float32[batch, dim], Y float32[batch, 1]. */
export function logisticModel(weights: Float32Array, bias: number): Buffer {
  const dim = weights.length;
  return onnxModel({
    name: 'quality',
    nodes: [
      { op: 'MatMul', inputs: ['X', 'W'], outputs: ['Z'] },
      { op: 'Add', inputs: ['Z', 'B'], outputs: ['L'] },
      { op: 'Sigmoid', inputs: ['L'], outputs: ['Y'] },
    ],
    initializers: [
      { name: 'W', dims: [dim, 1], values: weights },
      { name: 'B', dims: [1], values: new Float32Array([bias]) },
    ],
    inputs: [{ name: 'X', type: ONNX_FLOAT, dims: ['batch', dim] }],
    outputs: [{ name: 'Y', type: ONNX_FLOAT, dims: ['batch', 1] }],
  });
}

/**
 * A lookup table on int64 `input_ids` [batch, tokens] (`Gather`), giving float32 [batch, tokens, width]
 * under `output`: a sentence encoder's `last_hidden_state`, or a token classifier's `logits`.
 * `extraInputs` are declared (and ignored), as BERT exports declare `attention_mask` and `token_type_ids`.
 */
export function tokenTableModel(table: Float32Array, vocab: number, width: number, output: string, extraInputs: string[] = []): Buffer {
  return onnxModel({
    name: 'token-table',
    nodes: [{ op: 'Gather', inputs: ['table', 'input_ids'], outputs: [output] }],
    initializers: [{ name: 'table', dims: [vocab, width], values: table }],
    inputs: [{ name: 'input_ids', type: ONNX_INT64, dims: ['batch', 'tokens'] }, ...extraInputs.map((name): OnnxValue => ({ name, type: ONNX_INT64, dims: ['batch', 'tokens'] }))],
    outputs: [{ name: output, type: ONNX_FLOAT, dims: ['batch', 'tokens', width] }],
  });
}

/** The dedup tests' tiny sentence encoder: an embedding table, mean-pooled by the stage. */
export async function writeEmbeddingModel(file: string, table: Float32Array, vocab: number, dim: number): Promise<void> {
  await fs.writeFile(file, tokenTableModel(table, vocab, dim, 'last_hidden_state'));
}
