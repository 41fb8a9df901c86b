/** The message that explains a failure: ActivityFailure wraps the ApplicationFailure that carries it. */
export function describeError(error: unknown): string {
  let e: unknown = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(error);
}
