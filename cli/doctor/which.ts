import { access, constants } from 'node:fs/promises';
import path from 'node:path';

/** The executable a bare command name runs, looked up on PATH as a shell would. */
export async function which(cmd: string, envPath = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const p = path.join(dir, cmd);
    if (await isExecutable(p)) return p;
  }
  return undefined;
}

export async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(() => true, () => false);
}
