/**
 * One thing a first run needs, checked. `problem` means a run will fail until it is fixed, and then
 * `fix` says how in one line; `note` is worth knowing but blocks nothing.
 */
export interface CheckResult {
  name: string;
  status: 'ok' | 'note' | 'problem';
  detail: string;
  fix?: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const note = (name: string, detail: string): CheckResult => ({ name, status: 'note', detail });
export const problem = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'problem', detail, fix });
