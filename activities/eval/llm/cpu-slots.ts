/**
 * llama.cpp children on a CPU worker, one at a time per worker process (FORGELINE_CPU_MODEL_SLOTS,
 * which a worker sets to 1 unless given). Each child already uses every core: two at once (an
 * evaluate and a parity step of the same run, say) made llama.cpp's spinning threads fight for two
 * cores, and both ran many times slower than one after the other. A GPU worker's children hold a
 * device instead (native/device.ts). Outside a worker (a test, a script that holds two engines open at
 * once) nothing is limited, so nothing can wait on itself.
 */
const waiting: (() => void)[] = [];
let free: number | undefined;

function slotCount(): number | undefined {
  const raw = process.env.FORGELINE_CPU_MODEL_SLOTS;
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** Waits for a slot; the returned function gives it back (once, however often it is called). */
export async function acquireCpuModelSlot(): Promise<() => void> {
  free ??= slotCount();
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
