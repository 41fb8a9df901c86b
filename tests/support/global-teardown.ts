import type { DevServer } from '../../core/temporal/dev-server.js';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __forgelineServer?: DevServer }).__forgelineServer?.stop();
}
