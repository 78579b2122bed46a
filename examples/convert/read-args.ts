import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';

/**
 * Reads `<input path> <output dir>` plus any named string options, creates the output directory,
 * and exits with the usage line when something is missing.
 */
export function readArgs<const Name extends string>(usage: string, required: readonly Name[] = []) {
  try {
    const { values, positionals } = parseArgs({
      allowPositionals: true,
      options: Object.fromEntries(required.map((name) => [name, { type: 'string' as const }])),
    });
    const [input, outDir, extra] = positionals;
    const missing = required.filter((name) => typeof values[name] !== 'string');
    if (!input || !outDir || extra !== undefined || missing.length) throw new Error('missing arguments');
    mkdirSync(outDir, { recursive: true });
    const options = Object.fromEntries(required.map((name) => [name, String(values[name])])) as Record<Name, string>;
    return { input, outDir, options };
  } catch {
    console.error(`usage: node --import tsx ${usage}`);
    process.exit(2);
  }
}
