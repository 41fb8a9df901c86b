import { spawn } from 'node:child_process';

/**
 * Flags for building a Go command once for this machine:
 * - `-v` names each package as it compiles: the only sign of life in a build of about 1300
 *   packages that takes minutes (13 on the 2-core development machine under load).
 * - `-ldflags=-s -w` leaves out the symbol table and DWARF debug data: the linker writes less and the
 *   binary is smaller; nobody debugs the Temporal CLI here.
 * - `-trimpath` records module paths instead of this machine's folders: the same binary on every
 *   host. It does not make the build faster.
 */
export const GO_BUILD_FLAGS = ['-v', '-trimpath', '-ldflags=-s -w'];

export interface GoBuildProgress {
  /** Packages compiled so far (cached ones are not compiled again and not counted). */
  compiled: number;
  /** Modules fetched from the module proxy so far. */
  downloaded: number;
  /** The package compiled last. */
  last: string | undefined;
  elapsedMs: number;
  done: boolean;
}

export interface GoInstallOptions {
  /** `module/path/cmd@version`, or a package path relative to `cwd`. */
  target: string;
  gobin: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How often to report while building; also reported once at the end. */
  everyMs?: number;
  onProgress?: (p: GoBuildProgress) => void;
}

/** `go install` with GO_BUILD_FLAGS, reporting progress from go's own output. Rejects with go's last lines. */
export function goInstall(o: GoInstallOptions): Promise<void> {
  const started = Date.now();
  const progress: GoBuildProgress = { compiled: 0, downloaded: 0, last: undefined, elapsedMs: 0, done: false };
  const tail: string[] = [];
  const report = () => o.onProgress?.({ ...progress, elapsedMs: Date.now() - started });
  return new Promise((resolve, reject) => {
    const child = spawn('go', ['install', ...GO_BUILD_FLAGS, o.target], {
      cwd: o.cwd,
      env: { ...(o.env ?? process.env), GOBIN: o.gobin, CGO_ENABLED: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let partial = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('go: downloading ')) progress.downloaded++;
        // -v prints bare package paths; anything with a space is a message (an error, most likely).
        else if (line && !/\s/.test(line)) {
          progress.compiled++;
          progress.last = line;
        }
        tail.push(line);
        if (tail.length > 20) tail.shift();
      }
    });
    const timer = setInterval(report, o.everyMs ?? 15_000);
    timer.unref();
    child.once('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearInterval(timer);
      if (partial) tail.push(partial);
      progress.done = code === 0;
      report();
      if (code === 0) resolve();
      else reject(new Error(`go install ${o.target} exited with code ${code}:\n${tail.filter((l) => /\s/.test(l)).join('\n')}`));
    });
  });
}
