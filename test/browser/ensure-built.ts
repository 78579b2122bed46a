import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Builds web/dist when it is missing or older than its sources (a test run after editing web/ or what it imports). */
export function ensureBuilt(root: string) {
  const index = path.join(root, 'web', 'dist', 'index.html');
  const newest = (dir: string): number =>
    Math.max(
      ...fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs;
      }),
    );
  // The dashboard also bundles the engine's period arithmetic and type-checks against the contract.
  const sources = Math.max(
    newest(path.join(root, 'web', 'src')),
    newest(path.join(root, 'src', 'contract')),
    fs.statSync(path.join(root, 'src', 'calendar', 'periods.ts')).mtimeMs,
  );
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources) return;
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-web.js')], { stdio: 'inherit' });
  assert.equal(built.status, 0, 'the dashboard builds');
}
