import { loadConfigOrExit } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { buildDependencies } from '../src/compose.js';
import { runPurge } from '../src/retention.js';

// npm run purge: deletes assessments unchanged for RETENTION_DAYS and audit entries older than
// AUDIT_RETENTION_DAYS, with the same configuration as the bot (the running bot also does this daily).
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const deps = await buildDependencies(config, logger);
  const result = await runPurge(deps.privacy, logger);
  process.stdout.write(
    `Deleted ${result.assessments} assessment(s) unchanged for ${config.retentionDays} days and ${result.auditEntries} audit entr${result.auditEntries === 1 ? 'y' : 'ies'} older than ${config.auditRetentionDays} days.\n`,
  );
}

main().catch((error: unknown) => {
  const e = error as { name?: string; statusCode?: number; code?: unknown };
  // Names and codes only: messages from storage can echo entity content.
  process.stderr.write(
    `Purge failed: ${e.name ?? 'error'}${e.statusCode ? ` (HTTP ${e.statusCode})` : ''}${e.code ? ` [${String(e.code)}]` : ''}. Nothing after the failure was deleted; run it again.\n`,
  );
  process.exit(1);
});
