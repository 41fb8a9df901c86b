import { serveChild } from '../../../native/job.js';

/**
 * A child that reports its pid and then blocks its main thread for good, as a training epoch or a
 * quantization in native code does: no IPC or signal handler of its own can run.
 */
serveChild<null, never>(async (_payload, progress) => {
  progress({ pid: process.pid });
  for (;;) {
    // Busy, like a native call that does not return.
  }
});
