// Copies the dashboard's pinned front-end libraries from node_modules into the node's static assets
// (src/Arbitrage.Node/wwwroot/vendor/) with their licences, and writes manifest.json (file, package, version,
// sha256) that the node's tests re-hash. `--check` copies nothing: it fails when a committed copy differs from
// node_modules, or the manifest from the copies or from the versions pinned in package-lock.json.
// Usage: npm ci --ignore-scripts && npm run vendor [-- --check]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'src', 'Arbitrage.Node', 'wwwroot', 'vendor');
const check = process.argv.includes('--check');

// What the page loads, and the licence texts that must ship with it (lightweight-charts: Apache-2.0, attribution).
const files = [
  { pkg: 'htmx.org', from: 'dist/htmx.min.js', to: 'htmx.min.js' },
  { pkg: 'htmx.org', from: 'LICENSE', to: 'htmx.LICENSE.txt' },
  { pkg: 'lightweight-charts', from: 'dist/lightweight-charts.standalone.production.js', to: 'lightweight-charts.standalone.production.js' },
  { pkg: 'lightweight-charts', from: 'LICENSE', to: 'lightweight-charts.LICENSE.txt' },
];

const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const problems = [];
const manifest = [];

for (const f of files) {
  const pinned = lock.packages?.[`node_modules/${f.pkg}`]?.version;
  if (!pinned) {
    problems.push(`${f.pkg}: not in package-lock.json`);
    continue;
  }
  const pkgDir = join(root, 'node_modules', f.pkg);
  const installed = existsSync(join(pkgDir, 'package.json')) ? JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version : null;
  if (installed !== pinned) {
    problems.push(`${f.pkg}: node_modules has ${installed ?? 'nothing'}, package-lock.json pins ${pinned} (run npm ci)`);
    continue;
  }
  const source = readFileSync(join(pkgDir, f.from));
  const target = join(out, f.to);
  if (check) {
    if (!existsSync(target)) {
      problems.push(`${f.to}: missing in ${out}`);
    } else if (sha256(readFileSync(target)) !== sha256(source)) {
      problems.push(`${f.to}: differs from ${f.pkg}@${pinned}/${f.from} (run npm run vendor)`);
    }
  } else {
    mkdirSync(out, { recursive: true });
    writeFileSync(target, source);
  }
  manifest.push({ file: f.to, package: f.pkg, version: pinned, source: f.from, sha256: sha256(source) });
}

const manifestPath = join(out, 'manifest.json');
const manifestText = JSON.stringify(manifest, null, 2) + '\n';
if (check) {
  if (!existsSync(manifestPath) || readFileSync(manifestPath, 'utf8') !== manifestText) {
    problems.push(`manifest.json: differs from the pinned packages (run npm run vendor)`);
  }
} else if (problems.length === 0) {
  writeFileSync(manifestPath, manifestText);
}

if (problems.length > 0) {
  for (const p of problems) console.error(`vendor: ${p}`);
  process.exit(1);
}
console.log(`vendor: ${check ? 'checked' : 'copied'} ${manifest.length} files ${check ? 'in' : 'into'} ${out}`);
