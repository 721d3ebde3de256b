import { TableClient, TableServiceClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { Config } from '../config.js';

/**
 * Every storage call is bounded so a whole turn stays well inside Teams' 15 seconds:
 * at most 3 tries of 2.5 s each with short backoff (about 8 s in the worst case).
 */
export const STORAGE_RETRY = { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000, tryTimeoutInMs: 2500 } as const;

/** Makes TableClients for this deployment's tables, by logical name (prefixed per deployment). */
export interface TableFactory {
  table(name: string): TableClient;
  service(): TableServiceClient;
}

/** Builds clients from config: a connection string (Azurite locally) or the managed identity in Azure. */
export async function createTableFactory(config: Pick<Config, 'tables' | 'tablePrefix'>, extra: TableServiceClientOptions = {}): Promise<TableFactory> {
  const t = config.tables;
  const cache = new Map<string, TableClient>();
  if (t.kind === 'connection-string') {
    const options: TableServiceClientOptions = { retryOptions: STORAGE_RETRY, ...extra, allowInsecureConnection: t.allowInsecure };
    return {
      table(name) {
        const full = `${config.tablePrefix}${name}`;
        let c = cache.get(full);
        if (!c) {
          c = TableClient.fromConnectionString(t.connectionString, full, options);
          cache.set(full, c);
        }
        return c;
      },
      service: () => TableServiceClient.fromConnectionString(t.connectionString, options),
    };
  }
  const { ManagedIdentityCredential } = await import('@azure/identity');
  const credential = t.clientId ? new ManagedIdentityCredential({ clientId: t.clientId }) : new ManagedIdentityCredential();
  return {
    table(name) {
      const full = `${config.tablePrefix}${name}`;
      let c = cache.get(full);
      if (!c) {
        c = new TableClient(t.accountUrl, full, credential, { retryOptions: STORAGE_RETRY, ...extra });
        cache.set(full, c);
      }
      return c;
    },
    service: () => new TableServiceClient(t.accountUrl, credential, { retryOptions: STORAGE_RETRY, ...extra }),
  };
}

/** Answers whether Table Storage responds, within a deadline. */
export async function pingTables(factory: TableFactory, timeoutMs = 2000): Promise<boolean> {
  const abort = AbortSignal.timeout(timeoutMs);
  try {
    const pages = factory.service().listTables({ abortSignal: abort }).byPage({ maxPageSize: 1 });
    await pages.next();
    return true;
  } catch {
    // A failed ping is the answer itself ("storage down"), reported by /healthz; nothing to rethrow.
    return false;
  }
}
