import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { forbiddenImports, importsOf, sourceFiles } from '../helpers/architecture.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('architecture: data flows one way, and only src/bot knows the SDK', () => {
  it('when every file under src is read, then no domain file imports storage or an SDK, and no file outside src/bot imports an SDK', () => {
    const files = sourceFiles(ROOT);
    expect(files.length).toBeGreaterThan(40);
    expect(files.some((f) => f.path.startsWith('src/interactions/'))).toBe(true);
    expect(forbiddenImports(files)).toEqual([]);
  });

  it('when src/bot is read, then it does import the SDK (so the check above is looking at real imports)', () => {
    const bot = sourceFiles(ROOT).filter((f) => f.path.startsWith('src/bot/'));
    expect(bot.flatMap(importsOf)).toEqual(expect.arrayContaining(['botbuilder', '@microsoft/teams-ai', '@microsoft/teams.apps']));
  });

  it('when the two hosts are read, then each keeps to its own SDK and the shared checks in src/bot import none', () => {
    const bot = sourceFiles(ROOT).filter((f) => f.path.startsWith('src/bot/'));
    const sdkFree = [
      'src/bot/channel-auth.ts',
      'src/bot/channel-token-verifier.ts',
      'src/bot/connector-retry-cap.ts',
      'src/bot/card-action-answer.ts',
      'src/bot/member-lookup.ts',
      'src/bot/turn.ts',
      'src/bot/channel-post.ts',
      'src/bot/retry-after.ts',
    ];
    expect(sdkFree.every((f) => bot.some((b) => b.path === f))).toBe(true);
    const legacy = /^(botbuilder|botframework-|@microsoft\/teams-ai)/;
    const problems: string[] = [];
    expect(bot.filter((f) => f.path.startsWith('src/bot/teams-sdk/')).length).toBeGreaterThan(2);
    for (const file of bot) {
      for (const specifier of importsOf(file)) {
        const inSdkHost = file.path.startsWith('src/bot/teams-sdk/');
        if (sdkFree.includes(file.path) && (specifier.startsWith('@microsoft/teams.') || legacy.test(specifier)))
          problems.push(`${file.path} imports ${specifier}`);
        if (inSdkHost && legacy.test(specifier)) problems.push(`${file.path} imports ${specifier}`);
        if (!inSdkHost && specifier.startsWith('@microsoft/teams.')) problems.push(`${file.path} imports ${specifier}`);
        // The hosts meet only in host.ts: the botbuilder files never reach into the Teams SDK host.
        if (!inSdkHost && file.path !== 'src/bot/host.ts' && specifier.includes('teams-sdk/')) problems.push(`${file.path} imports ${specifier}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('when files break each rule, then each break is named, however the import is written', () => {
    const found = forbiddenImports([
      { path: 'src/tencs/a.ts', text: "import { AssessmentRepository } from '../storage/assessment-repository.js';" },
      { path: 'src/tencs/b.ts', text: "export { x } from '../storage/x.js';\nconst y = await import('../storage/y.js');" },
      { path: 'src/interactions/c.ts', text: "import type { TurnContext } from 'botbuilder';" },
      { path: 'src/interactions/d.ts', text: "import { Application } from '@microsoft/teams-ai';" },
      { path: 'src/tencs/e.ts', text: "import { TableClient } from '@azure/data-tables';" },
      { path: 'src/server.ts', text: "import { ConnectorClient } from 'botframework-connector';" },
      { path: 'src/cards/f.ts', text: "import { App } from '@microsoft/teams.apps';" },
      { path: 'src/storage/g.ts', text: "import x = require('botbuilder-core');" },
      // Allowed: the SDK in src/bot, storage importing the domain, the domain importing itself, a comment or string mentioning storage.
      { path: 'src/bot/app.ts', text: "import { CardFactory } from 'botbuilder';" },
      { path: 'src/storage/h.ts', text: "import type { Owner } from '../tencs/owner.js';" },
      { path: 'src/tencs/i.ts', text: "import { ownerKey } from './owner.js';\n// import '../storage/z.js'\nconst s = \"from '../storage/q.js'\";" },
    ]);
    expect(found).toEqual([
      'src/tencs/a.ts imports storage ../storage/assessment-repository.js',
      'src/tencs/b.ts imports storage ../storage/x.js',
      'src/tencs/b.ts imports storage ../storage/y.js',
      'src/interactions/c.ts imports the SDK botbuilder',
      'src/interactions/d.ts imports the SDK @microsoft/teams-ai',
      'src/tencs/e.ts imports the storage SDK @azure/data-tables',
      'src/server.ts imports the SDK botframework-connector',
      'src/cards/f.ts imports the SDK @microsoft/teams.apps',
      'src/storage/g.ts imports the SDK botbuilder-core',
    ]);
  });
});
