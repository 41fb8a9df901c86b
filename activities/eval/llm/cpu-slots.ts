/**
 * llama.cpp children on a CPU worker, one at a time per worker process (its hardware's
 * `cpuModelSlots`: FORGELINE_CPU_MODEL_SLOTS, else 1; core/hardware.ts). Each child already uses
 * every core: two at once (an evaluate and a parity step of the same run, say) made llama.cpp's
 * spinning threads fight for two cores, and both ran many times slower than one after the other. A GPU worker's children hold a
 * device instead (native/device.ts). Outside a worker (a test, a script that holds two engines open at
 * once) nothing is limited, so nothing can wait on itself.
 */
const waiting: (() => void)[] = [];
let free: number | undefined;

/**
 * Waits for one of `slots` (the worker's count, fixed for its process: the first caller's is kept);
 * undefined: no limit. The returned function gives it back (once, however often it is called).
 */
export async function acquireCpuModelSlot(slots: number | undefined): Promise<() => void> {
  free ??= slots;
  if (free === undefined) return () => undefined;
  if (free > 0) free--;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const next = waiting.shift();
    if (next) next();
    else free!++;
  };
}
