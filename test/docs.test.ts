import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { GENERATED, renderSection } from '../scripts/generate-docs.ts';

test('generated documentation is up to date with the code', () => {
  const root = path.resolve(import.meta.dirname, '..');
  for (const { file, marker, render } of GENERATED) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    assert.equal(
      text,
      renderSection(text, marker, render()),
      `${file} is stale: run node --import tsx scripts/generate-docs.ts`,
    );
  }
});
