/**
 * Writes a tiny real ONNX model (protobuf, by hand) for the classifier tests: logistic regression
 * over hashed features, Y = Sigmoid(X @ W + B), X float32[batch, dim], Y float32[batch, 1].
 * Field numbers follow onnx/onnx.proto (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto).
 */
function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const bytesField = (field: number, data: Uint8Array | number[]) => [...key(field, 2), ...varint(data.length), ...data];
const strField = (field: number, s: string) => bytesField(field, [...Buffer.from(s, 'utf8')]);
const intField = (field: number, n: number) => [...key(field, 0), ...varint(n)];

function tensor(name: string, dims: number[], values: Float32Array): number[] {
  const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return [...dims.flatMap((d) => intField(1, d)), ...intField(2, 1), ...strField(8, name), ...bytesField(9, [...raw])];
}

function valueInfo(name: string, dims: (number | string)[]): number[] {
  const shape = dims.flatMap((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : strField(2, d)));
  const tensorType = [...intField(1, 1), ...bytesField(2, shape)];
  return [...strField(1, name), ...bytesField(2, bytesField(1, tensorType))];
}

function node(op: string, inputs: string[], outputs: string[], name: string): number[] {
  return [...inputs.flatMap((i) => strField(1, i)), ...outputs.flatMap((o) => strField(2, o)), ...strField(3, name), ...strField(4, op)];
}

export function logisticModel(weights: Float32Array, bias: number): Buffer {
  const dim = weights.length;
  const graph = [
    ...bytesField(1, node('MatMul', ['X', 'W'], ['Z'], 'matmul')),
    ...bytesField(1, node('Add', ['Z', 'B'], ['L'], 'add')),
    ...bytesField(1, node('Sigmoid', ['L'], ['Y'], 'sigmoid')),
    ...strField(2, 'quality'),
    ...bytesField(5, tensor('W', [dim, 1], weights)),
    ...bytesField(5, tensor('B', [1], new Float32Array([bias]))),
    ...bytesField(11, valueInfo('X', ['batch', dim])),
    ...bytesField(12, valueInfo('Y', ['batch', 1])),
  ];
  const model = [...intField(1, 8), ...strField(2, 'forgeline-test'), ...bytesField(7, graph), ...bytesField(8, [...strField(1, ''), ...intField(2, 13)])];
  return Buffer.from(model);
}
