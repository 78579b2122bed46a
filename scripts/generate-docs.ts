// Regenerates the generated sections of docs/ from the code: `node --import tsx scripts/generate-docs.ts`.
import fs from 'node:fs';
import path from 'node:path';
import { describeEntities } from '../src/ingest/describe-entities.ts';
import { describePresets } from '../src/ingest/presets/describe-presets.ts';
import { describeCatalog, describeFormulaFields } from '../src/metrics/describe-catalog.ts';

export const GENERATED = [
  { file: 'docs/data-model.md', marker: 'entities', render: describeEntities },
  { file: 'docs/metrics.md', marker: 'metrics', render: describeCatalog },
  { file: 'docs/metrics.md', marker: 'formula-fields', render: describeFormulaFields },
  { file: 'docs/import.md', marker: 'presets', render: describePresets },
];

export function renderSection(text: string, marker: string, body: string): string {
  const start = `<!-- generated:${marker} -->`;
  const end = `<!-- /generated:${marker} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`Markers ${start} ... ${end} are missing`);
  return `${text.slice(0, from + start.length)}\n\n${body.trim()}\n\n${text.slice(to)}`;
}

if (import.meta.filename === path.resolve(process.argv[1] ?? '')) {
  const root = path.resolve(import.meta.dirname, '..');
  for (const { file, marker, render } of GENERATED) {
    const full = path.join(root, file);
    fs.writeFileSync(full, renderSection(fs.readFileSync(full, 'utf8'), marker, render()));
    console.log(`Updated ${file}`);
  }
}
