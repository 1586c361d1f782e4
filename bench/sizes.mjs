// Installed size of a package with everything it pulls in: the closure of its `dependencies` (and installed
// `optionalDependencies`) as Node resolves them from the root node_modules, each package counted once. Our
// workspace packages count only what they publish (their `files` and package.json); an installed package counts
// all its files but its nested node_modules, whose packages are counted as dependencies in their own right.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function findPackageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dir === dirname(dir)) return undefined;
  }
}

function treeSize(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return { bytes: stat.size, files: 1 };
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    const sub = treeSize(join(path, entry));
    bytes += sub.bytes;
    files += sub.files;
  }
  return { bytes, files };
}

function ownSize(dir, manifest) {
  const isWorkspace = !dir.split(sep).includes('node_modules');
  if (!isWorkspace || manifest.files === undefined) return treeSize(dir);
  let bytes = 0;
  let files = 0;
  for (const entry of ['package.json', ...manifest.files]) {
    const path = join(dir, entry);
    if (!existsSync(path)) continue;
    const sub = treeSize(path);
    bytes += sub.bytes;
    files += sub.files;
  }
  return { bytes, files };
}

/**
 * { bytes, files, packages } of `names` and their dependency closure, shared packages counted once. Required
 * peer dependencies (fp-ts for ours) count too: the app has to install them. `without` leaves packages out
 * with what only they pull in, e.g. got for an app on the node transport (it is still installed today).
 */
export function installedSize(names, { without = [] } = {}) {
  const seen = new Set();
  let bytes = 0;
  let files = 0;
  const visit = (name, fromDir) => {
    if (without.includes(name)) return;
    const dir = findPackageDir(name, fromDir);
    if (dir === undefined || seen.has(dir)) return;
    seen.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const own = ownSize(dir, manifest);
    bytes += own.bytes;
    files += own.files;
    const optionalPeers = manifest.peerDependenciesMeta ?? {};
    const requiredPeers = Object.keys(manifest.peerDependencies ?? {}).filter((p) => !optionalPeers[p]?.optional);
    for (const dep of [
      ...Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }),
      ...requiredPeers,
    ])
      visit(dep, dir);
  };
  for (const name of names) visit(name, root);
  return { bytes, files, packages: seen.size };
}
