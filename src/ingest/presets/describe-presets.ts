import { listPresets } from './index.ts';

/** The mapping table of every preset, for docs/import.md (scripts/generate-docs.ts). */
export function describePresets(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const parts: string[] = [];
  for (const preset of listPresets()) {
    parts.push(`### \`--preset ${preset.name}\` for ${preset.entity}: ${preset.description}`, '');
    parts.push('| column | becomes | how |', '|---|---|---|');
    for (const [column, target] of Object.entries(preset.map))
      parts.push(`| ${cell(column)} | \`${target}\` | ${cell(preset.notes?.[column] ?? '')} |`);
    parts.push('');
    if (preset.set)
      parts.push(
        `Every record gets ${Object.entries(preset.set)
          .map(([field, value]) => `\`${field}=${value}\``)
          .join(', ')}.`,
        '',
      );
    parts.push(
      `The Data page suggests it for a file with the columns ${preset.signature.map((c) => `\`${c}\``).join(', ')}.` +
        (preset.keepUnknown
          ? ' Other columns become custom attributes named after them (`Ticket type` becomes `attributes.ticket_type`).'
          : ''),
      '',
    );
  }
  return parts.join('\n');
}
