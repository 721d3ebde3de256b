import type { TestProject } from 'vitest/node';
import { startAzurite } from './azurite.js';

declare module 'vitest' {
  export interface ProvidedContext {
    tablesConnectionString: string;
    azuritePort: number;
  }
}

/** One real Azurite for the whole run; each test file isolates itself with its own table prefix. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startAzurite();
  project.provide('tablesConnectionString', azurite.connectionString);
  project.provide('azuritePort', azurite.port);
  return () => azurite.stop();
}
