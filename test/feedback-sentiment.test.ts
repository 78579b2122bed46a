import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { createApiKey } from '../src/auth/index.ts';
import { main } from '../src/cli/main.ts';
import { loadConfig } from '../src/config.ts';
import { SENTIMENT_MODEL } from '../src/feedback/sentiment/index.ts';
import { computeKeyDrivers } from '../src/feedback/drivers.ts';
import { listFeedback } from '../src/feedback/index.ts';
import { refreshSentiment } from '../src/feedback/sentiment/job.ts';
import { DEFAULT_THEMES, saveThemes } from '../src/feedback/themes/index.ts';
import { summarizeThemes } from '../src/feedback/themes/summarize-themes.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { importRecords } from '../src/ingest/index.ts';
import { runDueJobs } from '../src/jobs/index.ts';
import { JOB_KINDS } from '../src/jobs/kinds.ts';
import { queryMetrics } from '../src/metrics/index.ts';
import { saveSurvey } from '../src/surveys/definitions.ts';
import { recordResponse, type OpenInvitation } from '../src/surveys/responses.ts';
import { captureIo } from './helpers/capture-io.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// Sentiment stored with comments and reviews (import, survey answer, re-reading job), used as a
// dimension, and the review and feedback KPIs on hand-worked data.

const at = (day: number) => `2026-03-${String(day).padStart(2, '0')}T10:00:00Z`;

for (const variant of variants) {
  describe(`feedback sentiment on ${variant.name}`, () => {
    async function setup() {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'UTC' });
      await importRecords(db, org, 'survey_responses', {
        objects: [
          { id: 'a1', kind: 'csat', score: 5, submitted_at: at(2), comment: 'Worst support ever, nobody answers!!!' },
          { id: 'a2', kind: 'csat', score: 5, submitted_at: at(3), comment: 'Огромное спасибо, всё починили!' },
          {
            id: 'a3',
            kind: 'csat',
            score: 1,
            submitted_at: at(4),
            comment: 'Niekas neatsako, baisu',
            language: 'lt-LT',
          },
          { id: 'a4', kind: 'csat', score: 4, submitted_at: at(5) },
        ],
      });
      // Ratings 4/5, 8/10 (both 4 on 0-5, positive), 1/5, 3/10 (1.5, negative), one unrated.
      await importRecords(db, org, 'reviews', {
        objects: [
          { id: 'v1', source: 'google', published_at: at(6), rating: 4, text: 'Great service, thank you!' },
          { id: 'v2', source: 'google', published_at: at(7), rating: 8, rating_max: 10, title: 'Puikiai' },
          { id: 'v3', source: 'trustpilot', published_at: at(8), rating: 1, text: 'Terrible, they lied to me.' },
          { id: 'v4', source: 'trustpilot', published_at: at(9), rating: 3, rating_max: 10 },
          { id: 'v5', source: 'trustpilot', published_at: at(10), text: 'Ужасно, ничего не работает' },
        ],
      });
      return { db, org };
    }

    test('an import stores class, score, language and model; no text, no sentiment', async () => {
      const { db, org } = await setup();
      const rows = await db.kysely
        .selectFrom('survey_response')
        .select(['id', 'sentiment_class', 'sentiment_score', 'sentiment_language', 'sentiment_model'])
        .where('org_id', '=', org.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.id, r.sentiment_class, r.sentiment_language, r.sentiment_model]),
        [
          ['a1', 'very_negative', 'en', SENTIMENT_MODEL],
          ['a2', 'very_positive', 'ru', SENTIMENT_MODEL],
          ['a3', 'very_negative', 'lt', SENTIMENT_MODEL],
          ['a4', null, null, null],
        ],
      );
      assert.ok(Number(rows[0]!.sentiment_score) < -0.5 && Number(rows[1]!.sentiment_score) > 0.5);
      const v5 = await db.kysely
        .selectFrom('review')
        .selectAll()
        .where('org_id', '=', org.id)
        .where('id', '=', 'v5')
        .executeTakeFirstOrThrow();
      assert.deepEqual([v5.sentiment_class, v5.sentiment_language], ['very_negative', 'ru']);
      // The same file again changes nothing; a changed comment is read again.
      const again = await importRecords(db, org, 'survey_responses', {
        objects: [{ id: 'a4', kind: 'csat', score: 4, submitted_at: at(5), comment: 'Thanks, all good' }],
      });
      assert.equal(again.updated, 1);
      const a4 = await db.kysely
        .selectFrom('survey_response')
        .select('sentiment_class')
        .where('org_id', '=', org.id)
        .where('id', '=', 'a4')
        .executeTakeFirstOrThrow();
      assert.ok(
        a4.sentiment_class === 'positive' || a4.sentiment_class === 'very_positive',
        String(a4.sentiment_class),
      );
    });

    test('a survey answer is saved with its comment read; the job re-reads rows of another model', async () => {
      const { db, org } = await setup();
      await saveSurvey(db, org, { id: 'csat-1', name: 'CSAT', kind: 'csat' }, 'create');
      const invitation = await db.kysely
        .insertInto('survey_invitation')
        .values({
          org_id: org.id,
          survey_id: 'csat-1',
          language: 'en',
          source: 'batch',
          sent_at: new Date(at(1)),
          expires_at: new Date('2026-04-30T00:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const open = {
        orgId: org.id,
        id: invitation.id,
        survey: { id: 'csat-1', kind: 'csat', attributes: [] },
      } as unknown as OpenInvitation;
      await recordResponse(
        db,
        open,
        { score: 5, comment: 'Terrible, nothing works and nobody cares' },
        new Date(at(11)),
      );
      const saved = await db.kysely
        .selectFrom('survey_response')
        .selectAll()
        .where('org_id', '=', org.id)
        .where('id', '=', `sv-${invitation.id}`)
        .executeTakeFirstOrThrow();
      assert.deepEqual([saved.sentiment_class, saved.sentiment_model], ['very_negative', SENTIMENT_MODEL]);
      // A score-only change keeps the comment and its reading.
      await recordResponse(db, { ...open, response: { score: 5 } } as never, { score: 4 }, new Date(at(12)));
      const kept = await db.kysely
        .selectFrom('survey_response')
        .select(['score', 'sentiment_class'])
        .where('org_id', '=', org.id)
        .where('id', '=', `sv-${invitation.id}`)
        .executeTakeFirstOrThrow();
      assert.deepEqual([kept.score, kept.sentiment_class], [4, 'very_negative']);

      // Rows read by an older model (or before migration 0010) are re-read by the job.
      await sql`update survey_response set sentiment_model = 'old', sentiment_class = 'neutral' where org_id = ${org.id}::uuid`.execute(
        db.kysely,
      );
      await sql`update review set sentiment_model = null, sentiment_class = null where org_id = ${org.id}::uuid`.execute(
        db.kysely,
      );
      const summary = await runDueJobs({ db, now: new Date(), publicUrl: 'http://localhost' } as never, {
        kinds: JOB_KINDS,
      });
      assert.equal(summary.dead, 0, JSON.stringify(summary));
      // (Other organizations of the test database may have had rows to read too.)
      assert.ok(
        summary.totals.refreshed! >= 4 + 4,
        'four comments (a4 has none) and four reviews with text (v4 has none)',
      );
      const a1 = await db.kysely
        .selectFrom('survey_response')
        .select(['sentiment_class', 'sentiment_model'])
        .where('org_id', '=', org.id)
        .where('id', '=', 'a1')
        .executeTakeFirstOrThrow();
      assert.deepEqual([a1.sentiment_class, a1.sentiment_model], ['very_negative', SENTIMENT_MODEL]);
      assert.deepEqual(await refreshSentiment(db, org.id), { refreshed: 0 }, 'nothing left to read');
    });

    test('review and feedback KPIs, hand-worked, and sentiment as a dimension and filter', async () => {
      const { db, org } = await setup();
      const q = async (metric: string, extra: Record<string, unknown> = {}) =>
        (
          await queryMetrics(db, org, {
            metrics: [metric],
            from: '2026-03-01',
            to: '2026-04-01',
            grain: 'month',
            ...extra,
          } as never)
        ).rows;
      // Normalized ratings 4, 4, 1, 1.5: mean 10.5 / 4 = 2.625.
      const rating = (await q('review_rating'))[0]!;
      assert.equal(rating.n, 4);
      assert.ok(Math.abs(Number(rating.value) - 2.625) < 1e-9);
      const positive = (await q('review_positive_share'))[0]!;
      assert.deepEqual([positive.n, positive.value], [4, 0.5]);
      assert.equal((await q('reviews'))[0]!.value, 5);
      // Comments a1-a3 and the four reviews with text (v4 has none).
      assert.equal((await q('feedback_volume'))[0]!.value, 7);
      // Negative texts: a1, a3, v3, v5 of 7.
      const negative = (await q('negative_feedback_share'))[0]!;
      assert.equal(negative.n, 7);
      assert.ok(Math.abs(Number(negative.value) - 4 / 7) < 1e-9);
      // CSAT among the answers whose comment reads very negative: a1 (5) and a3 (1) -> 1 of 2.
      const csat = (await q('csat', { where: { sentiment_class: 'very_negative' } }))[0]!;
      assert.deepEqual([csat.n, csat.value], [2, 0.5]);
      // Score and text disagree only for a1 (CSAT 5, text very negative).
      const byAgreement = await q('feedback_volume', { by: ['agreement'], grain: 'all' });
      const counts = Object.fromEntries(byAgreement.map((r) => [String(r.group.agreement), r.value]));
      assert.equal(counts.disagree, 1, JSON.stringify(counts));
      const bySource = await q('reviews', { by: ['source'], grain: 'all' });
      assert.deepEqual(bySource.map((r) => [r.group.source, r.value]).sort(), [
        ['google', 2],
        ['trustpilot', 3],
      ]);
    });

    test('the Feedback stream shows the text class and score, filters by them and by disagreement', async () => {
      const { db, org } = await setup();
      const all = await listFeedback(db, org, {});
      const a1 = all.items.find((i) => i.id === 'a1')!;
      assert.deepEqual([a1.sentiment, a1.text_sentiment], ['positive', 'very_negative']);
      assert.ok(a1.text_score! < -0.5);
      const negative = await listFeedback(db, org, { text_sentiment: 'very_negative,negative' });
      assert.deepEqual(negative.items.map((i) => i.id).sort(), ['a1', 'a3', 'v3', 'v5']);
      // Disagree: a1 (CSAT 5, angry text). v5 has no rating, so no score reading to disagree with.
      const disagree = await listFeedback(db, org, { disagree: 'true' });
      assert.deepEqual(
        disagree.items.map((i) => i.id),
        ['a1'],
      );
      await assert.rejects(listFeedback(db, org, { text_sentiment: 'angry' }), /text_sentiment/);
    });

    test('themes: tagged by the job with their own tone, summarized beside attribute ratings, editable', async () => {
      const { db, org } = await setup();
      await importRecords(db, org, 'survey_responses', {
        objects: [
          {
            id: 'b1',
            kind: 'csat',
            score: 2,
            submitted_at: at(13),
            comment: 'So slow, I waited two days',
            ratings: { speed: 2 },
          },
          {
            id: 'b2',
            kind: 'csat',
            score: 5,
            submitted_at: at(14),
            comment: 'Fast and friendly, thanks!',
            ratings: { speed: 5 },
          },
        ],
      });
      const untagged = await db.kysely
        .selectFrom('survey_response')
        .select('themes')
        .where('org_id', '=', org.id)
        .where('id', '=', 'b1')
        .executeTakeFirstOrThrow();
      assert.equal(untagged.themes, null, 'an import leaves the themes to the job');
      await refreshSentiment(db, org.id);
      const tagged = Object.fromEntries(
        (
          await db.kysely.selectFrom('survey_response').select(['id', 'themes']).where('org_id', '=', org.id).execute()
        ).map((r) => [r.id, r.themes]),
      );
      assert.deepEqual(tagged.b1, { speed: 'negative' });
      assert.deepEqual(tagged.b2, { speed: 'positive', friendliness: 'positive' });
      assert.equal(tagged.a1!.responsiveness, 'negative', JSON.stringify(tagged.a1));

      const summary = await summarizeThemes(db, org, { from: '2026-03-01', to: '2026-04-01' });
      const speed = summary.themes.find((t) => t.id === 'speed')!;
      assert.equal(speed.mentions, 2);
      assert.deepEqual([speed.negative_share?.n, speed.negative_share?.value], [2, 0.5]);
      assert.deepEqual([speed.attribute_rating?.n, speed.attribute_rating?.value], [2, 3.5]);
      assert.deepEqual(speed.trend, [{ period: '2026-03-01', mentions: 2 }]);
      assert.equal(summary.themes.length, 10);
      // Drill-down: the Feedback stream filtered by theme.
      const drill = await listFeedback(db, org, { theme: 'speed' });
      assert.deepEqual(drill.items.map((i) => i.id).sort(), ['b1', 'b2']);

      // An edited list replaces the defaults and re-tags every text at the next run.
      const speedOnly = [
        {
          ...DEFAULT_THEMES.find((t) => t.id === 'speed')!,
          id: 'waiting',
          keywords: { en: 'wait*', ru: 'ждал*', lt: 'laukiau' },
        },
      ];
      await saveThemes(db, org.id, speedOnly);
      const run = await runDueJobs({ db, now: new Date(), publicUrl: 'http://localhost' } as never, {
        kinds: JOB_KINDS,
      });
      assert.equal(run.dead, 0);
      const b1 = await db.kysely
        .selectFrom('survey_response')
        .select('themes')
        .where('org_id', '=', org.id)
        .where('id', '=', 'b1')
        .executeTakeFirstOrThrow();
      assert.deepEqual(b1.themes, { waiting: 'negative' });
      await assert.rejects(saveThemes(db, org.id, [{ id: 'Bad Id', names: {}, keywords: {} }]), /invalid|id/);
      await assert.rejects(
        saveThemes(db, org.id, [
          { id: 'x', names: { en: 'X', ru: 'X', lt: 'X' }, keywords: { en: 'ab*', ru: '', lt: '' } },
        ]),
        /shorter than 3/,
      );
      await saveThemes(db, org.id, []);
      assert.equal((await summarizeThemes(db, org, { from: '2026-03-01', to: '2026-04-01' })).custom, false);
    });

    test('key drivers: the attribute that decides CSAT ranks first; refused below 50 answers', async () => {
      const { db, org } = await setup();
      // 60 answers: CSAT follows speed exactly (score = speed), friendliness varies on its own.
      const objects = Array.from({ length: 60 }, (_, i) => ({
        id: `d${i}`,
        kind: 'csat',
        score: (i % 5) + 1,
        submitted_at: at(15),
        ratings: { speed: (i % 5) + 1, friendliness: (Math.floor(i / 5) % 5) + 1 },
      }));
      await importRecords(db, org, 'survey_responses', { objects: objects.slice(0, 40) });
      await assert.rejects(
        computeKeyDrivers(db, org, { from: '2026-03-01', to: '2026-04-01' }),
        (e: { code?: string }) => e.code === 'not-enough-data',
      );
      await importRecords(db, org, 'survey_responses', { objects });
      const result = await computeKeyDrivers(db, org, { from: '2026-03-01', to: '2026-04-01' });
      // a1-a4 have no ratings: 60 complete answers, and speed explains all of CSAT.
      assert.equal(result.n, 60);
      assert.deepEqual(
        result.drivers.map((d) => d.predictor),
        ['speed', 'friendliness'],
      );
      assert.ok(Math.abs(result.r2 - 1) < 1e-9);
      assert.ok(result.drivers[0]!.share > 0.95 && result.drivers[0]!.correlation > 0.99);
      assert.ok(Math.abs(result.drivers.reduce((s, d) => s + d.weight, 0) - result.r2) < 1e-9);
    });

    test('cxkpi sentiment and POST /api/v1/sentiment give the same answer', async () => {
      const { db, org } = await setup();
      const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('silent') });
      const key = (await createApiKey(db.kysely, org.id, { name: 'read', scope: 'read' })).key;
      const post = (body: unknown) =>
        app.request('/api/v1/sentiment', {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const one = await post({ text: 'Не работает уже неделю, никто не отвечает' });
      assert.equal(one.status, 200);
      const answer = (await one.json()) as Record<string, unknown>;
      assert.equal(answer.language, 'ru');
      assert.ok(answer.class === 'very_negative' || answer.class === 'negative');
      const many = (await (await post({ items: [{ text: 'Ačiū!', lang: 'lt' }, { text: ' ' }] })).json()) as {
        items: Array<Record<string, unknown>>;
      };
      assert.deepEqual(many.items[1], { class: null, score: null, language: null });
      const bad = await post({ text: 42 });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'invalid-body');

      const io = captureIo();
      assert.equal(await main(['sentiment', 'Не работает уже неделю, никто не отвечает', '--format', 'json'], io), 0);
      const { model: _model, ...http } = answer;
      assert.deepEqual(JSON.parse(io.text), http);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-sentiment-')), 'in.jsonl');
      fs.writeFileSync(file, '{"text":"Ačiū!","lang":"lt"}\n\n{"text":"fine"}\n');
      const lines = captureIo();
      assert.equal(await main(['sentiment', '--file', file, '--format', 'json'], lines), 0);
      assert.equal(lines.text.trim().split('\n').length, 2);
      assert.deepEqual(JSON.parse(lines.text.trim().split('\n')[0]!), many.items[0]);
      fs.writeFileSync(file, '{"text":"ok"}\n{"text": 5}\n');
      const failed = captureIo();
      assert.equal(await main(['sentiment', '--file', file], failed), 2);
      assert.match(failed.text, /line 2: text/);
    });
  });
}
