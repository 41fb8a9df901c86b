import proto from '@temporalio/proto';

type IPayload = proto.temporal.api.common.v1.IPayload;
type IHistory = proto.temporal.api.history.v1.IHistory;

/** The bytes of one payload as it travels: its data and its metadata's keys and values. */
function payloadBytes(p: IPayload): number {
  let n = p.data?.length ?? 0;
  for (const [k, v] of Object.entries(p.metadata ?? {})) n += k.length + (v?.length ?? 0);
  return n;
}

/** Every payload inside a value (an event's attributes), at any depth. */
function payloadsIn(value: unknown, out: IPayload[] = []): IPayload[] {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return out;
  if (Array.isArray(value)) {
    for (const v of value) payloadsIn(v, out);
    return out;
  }
  const o = value as Record<string, unknown>;
  if ('data' in o && o.data instanceof Uint8Array && 'metadata' in o) {
    out.push(o as IPayload);
    return out;
  }
  for (const v of Object.values(o)) payloadsIn(v, out);
  return out;
}

export interface HistorySize {
  events: number;
  /** The history encoded as Temporal stores and sends it. */
  bytes: number;
  /** The most payload bytes any one event carries, and which event type that is. */
  largestEventPayload: { bytes: number; eventType: string };
}

/** Sizes of a workflow's history: what issue 21's shards benchmark prints and its test bounds (10 KB an event). */
export function historySize(history: IHistory): HistorySize {
  let largest = { bytes: 0, eventType: '' };
  for (const e of history.events ?? []) {
    const bytes = payloadsIn(e).reduce((n, p) => n + payloadBytes(p), 0);
    if (bytes > largest.bytes) largest = { bytes, eventType: proto.temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType) };
  }
  return { events: history.events?.length ?? 0, bytes: proto.temporal.api.history.v1.History.encode(history).finish().length, largestEventPayload: largest };
}
