import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { classify, startCountingProxy, tableOf, type CountingProxy } from '../../bench/counting-proxy.js';
import { uniquePrefix } from '../helpers/bot-harness.js';

describe('counting proxy in front of Azurite', () => {
  let proxy: CountingProxy;
  beforeAll(async () => {
    proxy = await startCountingProxy(inject('azuritePort'));
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('when a table client goes through the proxy, then each request is counted once by kind and answered by Azurite', async () => {
    const table = `${uniquePrefix()}Count`;
    const client = TableClient.fromConnectionString(proxy.connectionString, table, { allowInsecureConnection: true });
    const at = (k: Exclude<keyof ReturnType<CountingProxy['counts']>, 'byTable'>) => proxy.counts()[k];
    const before = proxy.counts();
    await client.createTable();
    await client.createEntity({ partitionKey: 'p', rowKey: 'a', n: 1 });
    await client.upsertEntity({ partitionKey: 'p', rowKey: 'a', n: 2 }, 'Merge');
    const got = await client.getEntity<{ n: number }>('p', 'a');
    const listed = [];
    for await (const e of client.listEntities({ queryOptions: { filter: "PartitionKey eq 'p'" } })) listed.push(e);
    await client.submitTransaction([
      ['create', { partitionKey: 'p', rowKey: 'b' }],
      ['create', { partitionKey: 'p', rowKey: 'c' }],
    ]);
    expect(got.n).toBe(2);
    expect(listed).toHaveLength(1);
    expect(at('other') - before.other).toBe(1);
    expect(at('writes') - before.writes).toBe(2);
    expect(at('pointReads') - before.pointReads).toBe(1);
    expect(at('queries') - before.queries).toBe(1);
    expect(at('batches') - before.batches).toBe(1);
    // Single-entity requests are attributed to their table; a $batch names its table only in its body.
    expect(proxy.counts().byTable[table]).toEqual({ reads: 2, writes: 2 });
  });

  it('when paths name one entity, then a GET is a point read; a GET of the table is a query', () => {
    expect(classify('GET', "/devstoreaccount1/tencsA(PartitionKey='x%27y',RowKey='1')")).toBe('pointReads');
    expect(classify('GET', "/devstoreaccount1/tencsA()?$filter=PartitionKey%20eq%20'x'")).toBe('queries');
    expect(classify('DELETE', "/devstoreaccount1/tencsA(PartitionKey='x',RowKey='1')")).toBe('writes');
    expect(classify('POST', '/devstoreaccount1/Tables')).toBe('other');
    expect(classify('POST', '/devstoreaccount1/$batch')).toBe('batches');
    expect(tableOf("/devstoreaccount1/tencsA(PartitionKey='x',RowKey='1')")).toBe('tencsA');
    expect(tableOf('/devstoreaccount1/tencsA')).toBe('tencsA');
    expect(tableOf('/devstoreaccount1/Tables')).toBeUndefined();
  });
});
