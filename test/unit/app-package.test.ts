import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inflateSync, crc32 } from 'node:zlib';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { drawColorIcon, drawOutlineIcon, encodePng, ACCENT_COLOR } from '../../scripts/make-icons.js';
import { COMMAND_LIMITS, ROOT, bundledSchemaPath, fillPlaceholders, validateManifest } from '../../scripts/package-app.js';
import { parseCommand } from '../../src/tencs/commands.js';

const require = createRequire(import.meta.url);
const run = promisify(execFile);
const APP_PACKAGE = path.join(ROOT, 'appPackage');
const TEMPLATE = readFileSync(path.join(APP_PACKAGE, 'manifest.json'), 'utf8');

const SAMPLE_ENV: Record<string, string> = {
  TEAMS_APP_ID: '5d3e1c2a-0b7f-4f59-9a51-1e0c6a4b9d21',
  BOT_ID: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
  BOT_DOMAIN: 'tencs-dev-abc123.azurewebsites.net',
  APP_NAME_SUFFIX: '-dev',
  DEVELOPER_NAME: 'Anytown Children Services',
  DEVELOPER_WEBSITE_URL: 'https://www.anytown.example/children',
  PRIVACY_URL: 'https://www.anytown.example/privacy',
  TERMS_OF_USE_URL: 'https://www.anytown.example/terms',
};

function filledManifest(vars: Record<string, string> = SAMPLE_ENV): Record<string, unknown> {
  return JSON.parse(fillPlaceholders(TEMPLATE, vars, 'test')) as Record<string, unknown>;
}

interface Command {
  title: string;
  description: string;
}
interface Bot {
  botId: string;
  scopes: string[];
  supportsFiles: boolean;
  commandLists: { scopes: string[]; commands: Command[] }[];
}

/** A PNG decoder independent of scripts/make-icons.ts: checks every chunk's CRC and undoes all five filters. */
function decodePng(file: string): { width: number; height: number; colorType: number; bitDepth: number; pixels: Uint8Array } {
  const b = readFileSync(file);
  expect(b.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  let bitDepth = 0;
  const idat: Buffer[] = [];
  while (offset < b.length) {
    const length = b.readUInt32BE(offset);
    const type = b.subarray(offset + 4, offset + 8).toString('latin1');
    const data = b.subarray(offset + 8, offset + 8 + length);
    expect(b.readUInt32BE(offset + 8 + length), `CRC of ${type}`).toBe(crc32(b.subarray(offset + 4, offset + 8 + length)));
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8]!;
      colorType = data[9]!;
      expect(data[12], 'interlace').toBe(0);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const bpp = 4;
  const stride = width * bpp;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= bpp ? pixels[y * stride + x - bpp]! : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? pixels[(y - 1) * stride + x - bpp]! : 0;
      const p = a + up - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - up) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - up) <= Math.abs(p - c) ? up : c;
      const predictor = [0, a, up, (a + up) >> 1, paeth][filter!];
      expect(predictor, `filter ${filter}`).toBeDefined();
      pixels[y * stride + x] = (v + predictor!) & 0xff;
    }
  }
  return { width, height, colorType, bitDepth, pixels };
}

describe('Teams app manifest', () => {
  it('when filled from an environment, then it validates offline against the newest schema @microsoft/app-manifest bundles', async () => {
    const bundled = readdirSync(path.join(path.dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build/json-schemas/teams'))
      .map((d) => /^v1\.(\d+)$/.exec(d)?.[1])
      .filter((minor): minor is string => minor !== undefined)
      .map(Number);
    const manifest = filledManifest();
    expect(manifest.manifestVersion).toBe(`1.${Math.max(...bundled)}`);
    expect(bundledSchemaPath(manifest.$schema as string)).toBeDefined();
    expect(await validateManifest(manifest)).toEqual([]);
  });

  it('when a value breaks the schema, then validation reports it', async () => {
    const manifest = filledManifest({ ...SAMPLE_ENV, BOT_ID: 'not-a-guid', PRIVACY_URL: 'ftp://example.org' });
    const errors = await validateManifest(manifest);
    expect(errors.join('\n')).toMatch(/\/bots\/0\/botId/);
    expect(errors.join('\n')).toMatch(/\/developer\/privacyUrl/);
  });

  it('when a command title or description is longer than Teams allows, then validation reports it', async () => {
    const manifest = filledManifest();
    const bot = (manifest.bots as Bot[])[0]!;
    (bot.commandLists[0] as { commands: Command[] }).commands[0] = { title: 'x'.repeat(33), description: 'y'.repeat(129) };
    const errors = await validateManifest(manifest);
    expect(errors).toEqual([`command "${'x'.repeat(33)}" title is over 32 characters`, `command "${'x'.repeat(33)}" description is over 128 characters`]);
  });

  it('when BOT_DOMAIN is a URL or a wildcard, then validation reports it', async () => {
    for (const domain of ['https://tencs.example.org', '*.azurewebsites.net', 'tencs.example.org/api']) {
      expect(await validateManifest(filledManifest({ ...SAMPLE_ENV, BOT_DOMAIN: domain }))).toEqual([
        `validDomains entry "${domain}" must be a bare host name such as tencs-dev.azurewebsites.net`,
      ]);
    }
  });

  it('when read, then the bot works in personal chat and teams, takes no files, and lists the agreed commands per scope', () => {
    const manifest = filledManifest();
    expect(manifest.validDomains).toEqual([SAMPLE_ENV.BOT_DOMAIN]);
    expect(manifest.id).toBe(SAMPLE_ENV.TEAMS_APP_ID);
    expect(manifest.accentColor).toBe(ACCENT_COLOR);
    expect(manifest.developer).toEqual({
      name: SAMPLE_ENV.DEVELOPER_NAME,
      websiteUrl: SAMPLE_ENV.DEVELOPER_WEBSITE_URL,
      privacyUrl: SAMPLE_ENV.PRIVACY_URL,
      termsOfUseUrl: SAMPLE_ENV.TERMS_OF_USE_URL,
    });
    const bots = manifest.bots as Bot[];
    expect(bots).toHaveLength(1);
    const bot = bots[0]!;
    expect(bot.botId).toBe(SAMPLE_ENV.BOT_ID);
    expect(bot.scopes).toEqual(['personal', 'team']);
    expect(bot.supportsFiles).toBe(false);
    const titles = (scope: string) => bot.commandLists.find((l) => l.scopes.length === 1 && l.scopes[0] === scope)?.commands.map((c) => c.title);
    expect(titles('personal')).toEqual(['start', 'resume', 'my assessments', 'consult', 'cautions', 'practice example', 'changes', 'standards', 'help']);
    expect(titles('team')).toEqual(['consult', 'cautions', 'practice example', 'changes', 'standards', 'help']);
  });

  it('when a user picks any listed command, then the bot understands it as that command', () => {
    const bot = (filledManifest().bots as Bot[])[0]!;
    const expected: Record<string, string> = { 'my assessments': 'list', 'practice example': 'practice-example' };
    for (const command of bot.commandLists.flatMap((l) => l.commands)) {
      expect(command.title.length).toBeLessThanOrEqual(COMMAND_LIMITS.title);
      expect(command.description.length).toBeGreaterThan(0);
      expect(command.description.length).toBeLessThanOrEqual(COMMAND_LIMITS.description);
      expect(parseCommand(command.title)).toEqual({ kind: expected[command.title] ?? command.title, arg: '' });
    }
  });

  it('when a placeholder has no value, then filling names it', () => {
    const { BOT_ID: _bot, PRIVACY_URL: _privacy, ...rest } = SAMPLE_ENV;
    expect(() => fillPlaceholders(TEMPLATE, { ...rest, PRIVACY_URL: '' }, 'env/.env.x')).toThrow(/^PRIVACY_URL, BOT_ID are not set in env\/\.env\.x/);
  });

  it('when a value holds quotes, then the manifest stays valid JSON carrying that exact value', () => {
    const name = 'Anytown "Children" \\ Services';
    expect((filledManifest({ ...SAMPLE_ENV, DEVELOPER_NAME: name }).developer as { name: string }).name).toBe(name);
  });
});

describe('Teams app icons', () => {
  it('when read, then color.png is 192x192 RGBA, opaque, and byte-identical to what scripts/make-icons.ts draws', () => {
    const icon = decodePng(path.join(APP_PACKAGE, 'color.png'));
    expect([icon.width, icon.height, icon.colorType, icon.bitDepth]).toEqual([192, 192, 6, 8]);
    for (let i = 3; i < icon.pixels.length; i += 4) expect(icon.pixels[i]).toBe(255);
    expect(readFileSync(path.join(APP_PACKAGE, 'color.png')).equals(encodePng(drawColorIcon()))).toBe(true);
  });

  it('when read, then outline.png is 32x32 RGBA with only white or fully transparent pixels, and has both', () => {
    const icon = decodePng(path.join(APP_PACKAGE, 'outline.png'));
    expect([icon.width, icon.height, icon.colorType, icon.bitDepth]).toEqual([32, 32, 6, 8]);
    let transparent = 0;
    let white = 0;
    for (let i = 0; i < icon.pixels.length; i += 4) {
      const [r, g, b, a] = [icon.pixels[i], icon.pixels[i + 1], icon.pixels[i + 2], icon.pixels[i + 3]];
      if (a === 0) transparent++;
      else {
        expect([r, g, b]).toEqual([255, 255, 255]);
        white++;
      }
    }
    // The corners are background; the symbol covers a real share of the square.
    expect(icon.pixels[3]).toBe(0);
    expect(transparent).toBeGreaterThan(32 * 32 * 0.4);
    expect(white).toBeGreaterThan(32 * 32 * 0.1);
    expect(readFileSync(path.join(APP_PACKAGE, 'outline.png')).equals(encodePng(drawOutlineIcon()))).toBe(true);
  });
});

describe('npm run package', () => {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'tencs-package-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));
  const tsx = require.resolve('tsx/cli');
  const script = path.join(ROOT, 'scripts/package-app.ts');
  const envFile = (name: string, vars: Record<string, string>) =>
    writeFileSync(
      path.join(temp, `.env.${name}`),
      `# test\n${Object.entries(vars)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')}\n`,
    );

  it('when run for an environment, then it writes a zip with the filled manifest and both icons at its root, and that manifest validates', async () => {
    const { BOT_ID, ...rest } = SAMPLE_ENV;
    envFile('sample', rest);
    // Values in the git-ignored .user file complete the committed one, as the toolkit does.
    writeFileSync(path.join(temp, '.env.sample.user'), `BOT_ID="${BOT_ID}"\n`);
    const { stdout } = await run(process.execPath, [tsx, script, 'sample', '--env-dir', temp, '--out-dir', path.join(temp, 'out')], { cwd: ROOT });
    expect(stdout).toMatch(/appPackage\.sample\.zip/);

    const entries = unzipSync(readFileSync(path.join(temp, 'out', 'appPackage.sample.zip')));
    expect(Object.keys(entries).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(Buffer.from(entries['color.png'] as Uint8Array).equals(readFileSync(path.join(APP_PACKAGE, 'color.png')))).toBe(true);
    expect(Buffer.from(entries['outline.png'] as Uint8Array).equals(readFileSync(path.join(APP_PACKAGE, 'outline.png')))).toBe(true);
    const text = Buffer.from(entries['manifest.json'] as Uint8Array).toString('utf8');
    expect(text).not.toContain('${{');
    const manifest = JSON.parse(text) as Record<string, unknown>;
    expect(manifest.id).toBe(SAMPLE_ENV.TEAMS_APP_ID);
    expect((manifest.bots as Bot[])[0]!.botId).toBe(BOT_ID);
    expect((manifest.name as { short: string }).short).toBe('tencs-dev');
    expect(await validateManifest(manifest)).toEqual([]);
  });

  it('when no environment is named, then TEAMSFX_ENV picks it', async () => {
    envFile('picked', SAMPLE_ENV);
    await run(process.execPath, [tsx, script, '--env-dir', temp, '--out-dir', path.join(temp, 'out')], {
      cwd: ROOT,
      env: { ...process.env, TEAMSFX_ENV: 'picked' },
    });
    expect(Object.keys(unzipSync(readFileSync(path.join(temp, 'out', 'appPackage.picked.zip'))))).toHaveLength(3);
  });

  it('when the environment lacks ids that provisioning writes, then it exits non-zero naming them and writes nothing', async () => {
    const { TEAMS_APP_ID: _id, ...rest } = SAMPLE_ENV;
    envFile('unprovisioned', { ...rest, BOT_DOMAIN: '' });
    const failure = await run(process.execPath, [tsx, script, 'unprovisioned', '--env-dir', temp, '--out-dir', path.join(temp, 'none')], { cwd: ROOT }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/TEAMS_APP_ID, BOT_DOMAIN are not set in .*\.env\.unprovisioned/);
    expect(() => readdirSync(path.join(temp, 'none'))).toThrow();
  });
});
