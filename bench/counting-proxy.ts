import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';

/** Storage requests by kind, as Table Storage bills and limits them. */
export interface StorageCounts {
  /** GET of one entity by PartitionKey and RowKey. */
  pointReads: number;
  /** GET of a table with a filter (or none): a query, each page one request. */
  queries: number;
  /** Insert, upsert, update, merge or delete of one entity. */
  writes: number;
  /** Entity-group transactions ($batch): one request, several writes in one partition. */
  batches: number;
  /** Create/list/delete table and anything else. */
  other: number;
  /** Reads and writes by table name (prefix included), to tell the assessment from the audit trail. */
  byTable: Record<string, { reads: number; writes: number }>;
}

/** Every request counted, and what the proxy forwarded. */
export interface CountingProxy {
  readonly port: number;
  /** Connection string for clients that should be counted. */
  readonly connectionString: string;
  counts(): StorageCounts;
  /** How long Azurite took for each request so far (ms, request received to response finished), in order. */
  durations(): readonly number[];
  close(): Promise<void>;
}

/** A fresh, zeroed count. */
export function zeroCounts(): StorageCounts {
  return { pointReads: 0, queries: 0, writes: 0, batches: 0, other: 0, byTable: {} };
}

/** Counts in `b` minus `a`. */
export function diffCounts(b: StorageCounts, a: StorageCounts): StorageCounts {
  const byTable: StorageCounts['byTable'] = {};
  for (const [table, c] of Object.entries(b.byTable)) {
    const before = a.byTable[table] ?? { reads: 0, writes: 0 };
    if (c.reads !== before.reads || c.writes !== before.writes) byTable[table] = { reads: c.reads - before.reads, writes: c.writes - before.writes };
  }
  return {
    pointReads: b.pointReads - a.pointReads,
    queries: b.queries - a.queries,
    writes: b.writes - a.writes,
    batches: b.batches - a.batches,
    other: b.other - a.other,
    byTable,
  };
}

/** The table a Table Storage REST path addresses (undefined for the Tables collection and $batch). */
export function tableOf(path: string): string | undefined {
  const pathname = decodeURIComponent(path.split('?')[0] ?? '');
  const resource = pathname.split('/').filter(Boolean)[1] ?? '';
  const name = resource.replace(/\(.*$/, '');
  return name && name !== 'Tables' && name !== '$batch' ? name : undefined;
}

/** All storage requests in a count. */
export function totalOf(c: Omit<StorageCounts, 'byTable'>): number {
  return c.pointReads + c.queries + c.writes + c.batches + c.other;
}

/** Sorts one Table Storage REST request into a kind, from its method and path alone. */
export function classify(method: string, path: string): Exclude<keyof StorageCounts, 'byTable'> {
  const pathname = decodeURIComponent(path.split('?')[0] ?? '');
  const resource = pathname.split('/').filter(Boolean).slice(1).join('/');
  if (resource === '$batch') return 'batches';
  if (resource === 'Tables' || resource.startsWith('Tables(')) return 'other';
  const entity = /\(PartitionKey='.*',RowKey='.*'\)$/.test(resource);
  if (method === 'GET') return entity ? 'pointReads' : 'queries';
  if (method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'MERGE' || method === 'DELETE') return 'writes';
  return 'other';
}

/**
 * A transparent HTTP proxy in front of Azurite that counts each Table Storage request by kind.
 * No production code changes: the bot under test is simply given the proxy's address. Kept-alive
 * connections on both sides, so the extra hop costs a loopback round trip and little else.
 */
export async function startCountingProxy(azuritePort: number): Promise<CountingProxy> {
  const counts = zeroCounts();
  const durations: number[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const server: Server = createServer((req: IncomingMessage, res) => {
    const kind = classify(req.method ?? 'GET', req.url ?? '/');
    counts[kind] += 1;
    const table = tableOf(req.url ?? '/');
    if (table && kind !== 'other') {
      const t = (counts.byTable[table] ??= { reads: 0, writes: 0 });
      if (kind === 'pointReads' || kind === 'queries') t.reads += 1;
      else t.writes += 1;
    }
    const started = performance.now();
    res.on('finish', () => durations.push(performance.now() - started));
    const upstream = request({ host: '127.0.0.1', port: azuritePort, method: req.method, path: req.url, headers: req.headers, agent }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`counting proxy: ${error.message}`);
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    connectionString:
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
      'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
      `TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
    counts: () => ({ ...counts, byTable: Object.fromEntries(Object.entries(counts.byTable).map(([k, v]) => [k, { ...v }])) }),
    durations: () => durations,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
