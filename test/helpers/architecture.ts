import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** A source file as the architecture check sees it: its path from the repository root (with /), and its text. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

const SDK = [/^botbuilder(-[\w-]+)?(\/|$)/, /^botframework-[\w-]+(\/|$)/, /^@microsoft\/teams-ai(\/|$)/, /^@microsoft\/teams\.[\w-]+(\/|$)/];
const DOMAIN = ['src/tencs/', 'src/interactions/'];

const isSdk = (specifier: string): boolean => SDK.some((re) => re.test(specifier));

/** Every module a file imports or re-exports (static, dynamic and import-equals), as TypeScript itself reads them. */
export function importsOf(file: SourceFile): string[] {
  return ts.preProcessFile(file.text, true, true).importedFiles.map((f) => f.fileName);
}

/** Where a relative import lands, from the repository root. */
function resolved(from: string, specifier: string): string {
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
}

/**
 * The imports that break the house's one-way flow: the domain (src/tencs, src/interactions) importing
 * storage or an SDK, or any file outside src/bot importing an SDK.
 */
export function forbiddenImports(files: readonly SourceFile[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const inDomain = DOMAIN.some((d) => file.path.startsWith(d));
    const inBot = file.path.startsWith('src/bot/');
    for (const specifier of importsOf(file)) {
      if (isSdk(specifier) && !inBot) found.push(`${file.path} imports the SDK ${specifier}`);
      if (inDomain && specifier.startsWith('.') && resolved(file.path, specifier).startsWith('src/storage/'))
        found.push(`${file.path} imports storage ${specifier}`);
      if (inDomain && specifier.startsWith('@azure/')) found.push(`${file.path} imports the storage SDK ${specifier}`);
    }
  }
  return found;
}

/** Every .ts file under src/, read from disk. */
export function sourceFiles(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.ts')) out.push({ path: rel, text: readFileSync(path.join(root, rel), 'utf8') });
    }
  };
  walk('src');
  return out;
}
