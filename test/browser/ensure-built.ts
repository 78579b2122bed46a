import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Builds web/dist when it is missing or older than its sources (a test run after editing web/). */
export function ensureBuilt(root: string) {
  const index = path.join(root, 'web', 'dist', 'index.html');
  const newest = (dir: string): number =>
    Math.max(
      ...fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs;
      }),
    );
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= newest(path.join(root, 'web', 'src'))) return;
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-web.js')], { stdio: 'inherit' });
  assert.equal(built.status, 0, 'the dashboard builds');
}
