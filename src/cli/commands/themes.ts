import fs from 'node:fs';
import { OPERATOR, recordAudit } from '../../auth/index.ts';
import { badRequest } from '../../errors.ts';
import { listThemes, saveThemes } from '../../feedback/themes/index.ts';
import { summarizeThemes } from '../../feedback/themes/summarize-themes.ts';
import { renderTable } from '../format.ts';
import {
  configFrom,
  databaseOptions,
  parseCommand,
  parseFormatFlag,
  resolveOrganization,
  withDatabase,
  type Io,
} from '../context.ts';

const help = `Usage:
  cxkpi themes [list] [--format table|json]       the themes in force (the ten defaults or the organization's)
  cxkpi themes set FILE.json                      replace them: [{"id","names":{en,ru,lt},"keywords":{en,ru,lt}}]
  cxkpi themes reset                              back to the ten defaults
  cxkpi themes summary --from DATE --to DATE [--format table|json]
      mentions, share negative and monthly trend per theme, beside the attribute rating of the same name

Keywords use the lexicon syntax: "stem*" matches inflected forms, quoted entries are phrases.
Comments and reviews are tagged by the feedback.sentiment job (cxkpi jobs run-once runs it now).`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    format: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
  });
  if (values.help) return (io.out(help), 0);
  const [action = 'list', file] = positionals;
  const format = parseFormatFlag(values.format, ['table', 'json']);
  const config = configFrom(values);
  return withDatabase(config, async (db) => {
    const org = await resolveOrganization(db, config, values.org);
    const operator = { ...OPERATOR, orgId: org.id };
    if (action === 'list') {
      const { themes, custom } = await listThemes(db, org.id);
      if (format === 'json') io.out(JSON.stringify({ themes, custom }));
      else {
        io.out(
          renderTable(
            ['id', 'name', 'keywords (en)'],
            themes.map((t) => [t.id, t.names.en, t.keywords.en.slice(0, 70)]),
          ),
        );
        io.out(custom ? "The organization's own themes." : 'The ten default themes.');
      }
      return 0;
    }
    if (action === 'set' || action === 'reset') {
      let input: unknown = [];
      if (action === 'set') {
        if (!file) throw badRequest('invalid-arguments', 'cxkpi themes set FILE.json');
        try {
          input = JSON.parse(fs.readFileSync(file, 'utf8'));
        } catch (error) {
          throw badRequest('invalid-file', `${file}: ${(error as Error).message}`);
        }
      }
      const themes = await saveThemes(db, org.id, input);
      await recordAudit(db.kysely, operator, 'themes.saved', org.id, { themes: themes.length });
      io.out(`${themes.length} themes in force; comments are tagged again by the next feedback.sentiment job.`);
      return 0;
    }
    if (action === 'summary') {
      if (!values.from || !values.to) throw badRequest('invalid-arguments', 'themes summary needs --from and --to.');
      const summary = await summarizeThemes(db, org, { from: values.from, to: values.to });
      if (format === 'json') io.out(JSON.stringify(summary));
      else {
        const pct = (v: number | null | undefined) =>
          v === null || v === undefined ? '-' : `${(100 * v).toFixed(1)} %`;
        io.out(
          renderTable(
            ['theme', 'mentions', 'negative', 'rating'],
            summary.themes.map((t) => [
              t.id,
              String(t.mentions),
              pct(t.negative_share?.value),
              t.attribute_rating?.value === null || t.attribute_rating === null
                ? '-'
                : t.attribute_rating.value.toFixed(2),
            ]),
          ),
        );
      }
      return 0;
    }
    io.err(help);
    return 2;
  });
}
