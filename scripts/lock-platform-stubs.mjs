// Why this exists: the npm registry this project is installed from serves only the Linux builds of
// unrs-resolver's native bindings (a jest 30 dependency). `npm install` then writes a lock file without the other
// platforms' optional entries, and `npm ci` refuses that lock as "out of sync". This adds the missing entries,
// marked optional and restricted to their platform, so `npm ci` validates the lock and skips them on Linux.
// Run it after any `npm install` that rewrites package-lock.json (`npm run lock:fix`).
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

const platforms = {
  'android-arm-eabi': [['android'], ['arm']],
  'android-arm64': [['android'], ['arm64']],
  'darwin-arm64': [['darwin'], ['arm64']],
  'darwin-x64': [['darwin'], ['x64']],
  'freebsd-x64': [['freebsd'], ['x64']],
  'linux-arm-gnueabihf': [['linux'], ['arm']],
  'linux-arm-musleabihf': [['linux'], ['arm']],
  'linux-arm64-gnu': [['linux'], ['arm64']],
  'linux-arm64-musl': [['linux'], ['arm64']],
  'linux-loong64-gnu': [['linux'], ['loong64']],
  'linux-loong64-musl': [['linux'], ['loong64']],
  'linux-ppc64-gnu': [['linux'], ['ppc64']],
  'linux-riscv64-gnu': [['linux'], ['riscv64']],
  'linux-riscv64-musl': [['linux'], ['riscv64']],
  'linux-s390x-gnu': [['linux'], ['s390x']],
  'linux-x64-gnu': [['linux'], ['x64']],
  'linux-x64-musl': [['linux'], ['x64']],
  'openharmony-arm64': [['openharmony'], ['arm64']],
  'wasm32-wasi': [[], ['wasm32']],
  'win32-arm64-msvc': [['win32'], ['arm64']],
  'win32-ia32-msvc': [['win32'], ['ia32']],
  'win32-x64-msvc': [['win32'], ['x64']],
};

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  if (!path.endsWith('node_modules/unrs-resolver')) continue;
  const base = path.slice(0, -'unrs-resolver'.length);
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `${base}${name}`;
    if (packages[at] !== undefined || packages[`node_modules/${name}`] !== undefined) continue;
    const platform = platforms[name.replace('@unrs/resolver-binding-', '')];
    if (platform === undefined) continue;
    const [os, cpu] = platform;
    packages[at] = { version, dev: true, license: 'MIT', optional: true, ...(os.length ? { os } : {}), cpu };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
lock.packages = sorted;
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platform-stubs: added ${added} optional platform entries`);
