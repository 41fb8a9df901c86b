/**
 * True when `err` (or any error in its cause chain) says the Temporal frontend could not be reached:
 * gRPC UNAVAILABLE, as a server restart or a dropped connection gives. Such calls are worth
 * retrying; any other failure (not found, invalid argument) is an answer and is not.
 */
export function isServerUnreachable(err: unknown): boolean {
  const GRPC_UNAVAILABLE = 14;
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === GRPC_UNAVAILABLE || code === 'ECONNREFUSED') return true;
  }
  return false;
}
