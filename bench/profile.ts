import { readFileSync } from 'node:fs';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one function or one package, in ms. */
export interface SelfTime {
  readonly name: string;
  readonly ms: number;
}

/** Where a profile's busy (non-idle) time went. */
export interface ProfileSummary {
  readonly busyMs: number;
  readonly functions: SelfTime[];
  readonly packages: SelfTime[];
}

/** Which package (or part of tencs, or of Node) a script URL belongs to. */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const src = /\/(src|bench)\/(.*)$/.exec(url);
  if (src) return `${src[1]}/${src[2]!.split('/')[0]}`;
  return url.replace(/^file:\/\//, '');
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const src = /\/((src|bench)\/.*)$/.exec(url);
  return src ? src[1]! : url.replace(/^file:\/\//, '');
}

/** Sums self time per function and per package from a .cpuprofile file, idle time left out. */
export function summariseProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // The profiler's own start and stop calls (bench/profiler-hook.ts) are not the bot's work.
  const excluded = new Set<number>();
  const exclude = (id: number): void => {
    excluded.add(id);
    for (const child of byId.get(id)?.children ?? []) exclude(child);
  };
  for (const n of profile.nodes) if (n.callFrame.url.endsWith('/bench/profiler-hook.ts') && !excluded.has(n.id)) exclude(n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node || excluded.has(id)) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    const fn = url ? `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}` : functionName || '(native)';
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    const pkg = packageOf(url, functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>, n: number): SelfTime[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000 }));
  return { busyMs: busy / 1000, functions: sorted(functions, top), packages: sorted(packages, 1000) };
}
