// Prints the Node that npm scripts run on and stops with a clear message when it is not the project's.
// npm puts node_modules/.bin first on every script's PATH, and the optional dependency node-linux-<arch>
// links Node 24 there, so `npm test` runs on Node 24 even where the machine's own Node is older.
import { readFileSync } from 'node:fs';

const wanted = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
const major = Number(process.versions.node.split('.')[0]);
const wantedMajor = Number(/\d+/.exec(wanted)?.[0]);
console.log(`node ${process.version} (${process.execPath}); package.json engines.node ${wanted}`);
if (major !== wantedMajor) {
  console.error(
    `This project runs on Node ${wantedMajor}, but this is Node ${process.version}. Run it through npm (npm test, npm start), ` +
      `which uses the Node ${wantedMajor} that npm ci installs on Linux, or install Node ${wantedMajor} yourself.`,
  );
  process.exit(1);
}
