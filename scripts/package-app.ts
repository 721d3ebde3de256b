/**
 * `npm run package [-- <env>] [--env-dir <dir>] [--out-dir <dir>]`: builds the Teams app package a Teams admin
 * uploads. Reads env/.env.<env> (then env/.env.<env>.user), fills the manifest's ${{NAME}} placeholders,
 * validates the result offline against the schema @microsoft/app-manifest bundles, checks the icons, and writes
 * appPackage/build/appPackage.<env>.zip with manifest.json, color.png and outline.png at its root.
 * The environment comes from the first argument, else TEAMSFX_ENV, else "dev".
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { zipSync } from 'fflate';

const require = createRequire(import.meta.url);

/** The repository root (where appPackage/ and env/ live). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Teams' limits for bot commands, stricter than the schema's and enforced by the Developer Portal. */
export const COMMAND_LIMITS = { title: 32, description: 128 } as const;

/** Icon sizes Teams requires. */
export const ICONS = { color: { file: 'color.png', size: 192 }, outline: { file: 'outline.png', size: 32 } } as const;

/** Thrown when the package cannot be built; the message says what to fix. */
export class PackageError extends Error {
  override readonly name = 'PackageError';
}

/** Parses a dotenv-style file: KEY=VALUE lines, # comments, optional single or double quotes. */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    let value = m[2] ?? '';
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    vars[m[1]!] = value;
  }
  return vars;
}

/** Reads env/.env.<name> and, if present, the git-ignored env/.env.<name>.user on top of it. */
export function readEnvironment(envDir: string, envName: string): Record<string, string> {
  const main = path.join(envDir, `.env.${envName}`);
  if (!existsSync(main)) throw new PackageError(`No environment file ${main}; create it or pick another environment`);
  const vars = { ...parseEnvFile(readFileSync(main, 'utf8')), TEAMSFX_ENV: envName };
  const user = `${main}.user`;
  if (existsSync(user)) Object.assign(vars, parseEnvFile(readFileSync(user, 'utf8')));
  return vars;
}

/** Replaces every ${{NAME}} with its value; throws naming every placeholder that is missing or empty. */
export function fillPlaceholders(template: string, vars: Record<string, string>, source: string): string {
  const missing = new Set<string>();
  const filled = template.replace(/\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, name: string) => {
    const value = vars[name];
    // APP_NAME_SUFFIX may legitimately be empty (production has no suffix).
    if (value === undefined || (value === '' && name !== 'APP_NAME_SUFFIX')) {
      missing.add(name);
      return '';
    }
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size > 0) {
    throw new PackageError(
      `${[...missing].join(', ')} ${missing.size === 1 ? 'is' : 'are'} not set in ${source}. ` +
        'TEAMS_APP_ID, BOT_ID and BOT_DOMAIN are written there by provisioning (see README, "Deploy to your tenant"); the rest you set yourself.',
    );
  }
  return filled;
}

/** Path of the schema file @microsoft/app-manifest bundles for a manifest's $schema URL, or undefined. */
export function bundledSchemaPath(schemaUrl: string): string | undefined {
  const m = /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}-[a-z]{2}\/)?(json-schemas\/teams\/v[\d.]+\/MicrosoftTeams\.schema\.json)$/.exec(schemaUrl);
  if (!m?.[1]) return undefined;
  const file = path.join(path.dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', m[1]);
  return existsSync(file) ? file : undefined;
}

/** Width, height, bit depth and colour type from a PNG's IHDR chunk. */
export function pngHeader(png: Uint8Array): { width: number; height: number; bitDepth: number; colorType: number } {
  const b = Buffer.from(png);
  const signature = '89504e470d0a1a0a';
  if (b.length < 33 || b.subarray(0, 8).toString('hex') !== signature || b.subarray(12, 16).toString('latin1') !== 'IHDR') {
    throw new PackageError('not a PNG file');
  }
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bitDepth: b[24]!, colorType: b[25]! };
}

interface BotCommand {
  title?: string;
  description?: string;
}

/** Checks a filled manifest offline: the bundled JSON schema, then Teams rules the schema does not encode. */
export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  const schemaUrl = manifest.$schema;
  if (typeof schemaUrl !== 'string') return ['$schema is missing'];
  const schemaFile = bundledSchemaPath(schemaUrl);
  if (!schemaFile) return [`$schema ${schemaUrl} is not bundled with @microsoft/app-manifest, so it cannot be checked offline`];
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Parameters<typeof AppManifestUtils.validateAgainstSchema>[1];
  const errors = await AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest, schema);
  const bots = (manifest.bots ?? []) as { commandLists?: { commands?: BotCommand[] }[] }[];
  for (const bot of bots) {
    for (const list of bot.commandLists ?? []) {
      for (const command of list.commands ?? []) {
        if ((command.title ?? '').length > COMMAND_LIMITS.title) errors.push(`command "${command.title}" title is over ${COMMAND_LIMITS.title} characters`);
        if ((command.description ?? '').length > COMMAND_LIMITS.description) {
          errors.push(`command "${command.title}" description is over ${COMMAND_LIMITS.description} characters`);
        }
      }
    }
  }
  for (const domain of (manifest.validDomains ?? []) as string[]) {
    // The bot's own host only: no scheme, no path, no wildcard that would trust a whole cloud suffix.
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d+)?$/i.test(domain)) {
      errors.push(`validDomains entry "${domain}" must be a bare host name such as tencs-dev.azurewebsites.net`);
    }
  }
  return errors;
}

/** What `buildAppPackage` needs; directories default to the repository's. */
export interface PackageOptions {
  readonly envName: string;
  readonly envDir?: string;
  readonly appPackageDir?: string;
  readonly outDir?: string;
}

/** Builds and validates the app package; returns the zip's path and the filled manifest. */
export async function buildAppPackage(options: PackageOptions): Promise<{ zipPath: string; manifest: Record<string, unknown> }> {
  const envDir = options.envDir ?? path.join(ROOT, 'env');
  const appPackageDir = options.appPackageDir ?? path.join(ROOT, 'appPackage');
  const outDir = options.outDir ?? path.join(appPackageDir, 'build');
  if (!/^[A-Za-z0-9_-]+$/.test(options.envName)) throw new PackageError(`"${options.envName}" is not an environment name`);

  const vars = readEnvironment(envDir, options.envName);
  const template = readFileSync(path.join(appPackageDir, 'manifest.json'), 'utf8');
  const manifestText = fillPlaceholders(template, vars, path.join(envDir, `.env.${options.envName}`));
  const manifest = JSON.parse(manifestText) as Record<string, unknown>;

  const errors = await validateManifest(manifest);
  const files: Record<string, Uint8Array> = { 'manifest.json': Buffer.from(manifestText, 'utf8') };
  const icons = manifest.icons as Record<string, string> | undefined;
  for (const [kind, { file, size }] of Object.entries(ICONS)) {
    if (icons?.[kind] !== file) {
      errors.push(`icons.${kind} must be "${file}" at the package root`);
      continue;
    }
    const png = readFileSync(path.join(appPackageDir, file));
    const header = pngHeader(png);
    if (header.width !== size || header.height !== size) errors.push(`${file} is ${header.width}x${header.height}, Teams needs ${size}x${size}`);
    files[file] = png;
  }
  if (errors.length > 0) throw new PackageError(`The app manifest is not valid:\n  ${errors.join('\n  ')}`);

  // A fixed timestamp keeps the zip byte-identical for identical inputs.
  const zip = zipSync(files, { level: 9, mtime: new Date('2020-05-26T00:00:00Z') });
  mkdirSync(outDir, { recursive: true });
  const zipPath = path.join(outDir, `appPackage.${options.envName}.zip`);
  writeFileSync(zipPath, zip);
  return { zipPath, manifest };
}

function parseArgs(argv: readonly string[]): PackageOptions {
  let envName: string | undefined;
  let envDir: string | undefined;
  let outDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--env-dir') envDir = path.resolve(argv[++i] ?? '');
    else if (arg === '--out-dir') outDir = path.resolve(argv[++i] ?? '');
    else if (!arg.startsWith('-') && envName === undefined) envName = arg;
    else throw new PackageError(`Unknown argument ${arg}. Usage: npm run package [-- <env>] [--env-dir <dir>] [--out-dir <dir>]`);
  }
  return { envName: envName ?? process.env.TEAMSFX_ENV ?? 'dev', envDir, outDir };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const { zipPath } = await buildAppPackage(parseArgs(process.argv.slice(2)));
    process.stdout.write(`Wrote ${path.relative(process.cwd(), zipPath)}: upload it in Teams admin centre (Manage apps, Upload new app).\n`);
  } catch (error) {
    if (!(error instanceof PackageError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}
