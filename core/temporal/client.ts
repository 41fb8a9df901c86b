import { Client, Connection } from '@temporalio/client';
import { temporalAddressOf, type ForgelineConfig } from '../config.js';
import { PipelineError } from '../errors.js';

export interface ConnectedClient {
  client: Client;
  close(): Promise<void>;
}

export async function connectClient(config: ForgelineConfig): Promise<ConnectedClient> {
  const address = temporalAddressOf(config);
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: 5000 });
  } catch (err) {
    throw new PipelineError(
      'EXTERNAL_SERVICE',
      `no Temporal server answers at ${address} (${(err as Error).message}); start one with \`npx forgeline dev\` or set TEMPORAL_ADDRESS`,
    );
  }
  return { client: new Client({ connection, namespace: config.namespace }), close: () => connection.close() };
}
