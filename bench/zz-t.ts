import { openDatabase } from '../src/db/connect.ts';
import { queryMetrics } from '../src/metrics/index.ts';
import { getOrganization } from '../src/orgs/index.ts';
const db = await openDatabase({ databaseUrl: process.argv[2]!, poolSize: 4 } as any);
const [r] = await db.kysely.selectFrom('organization').selectAll().execute();
const org = await getOrganization(db.kysely, r!.id);
for (const m of ['nps','csat','ces','first_response_time','resolution_time','fcr_rate','backlog','tickets_created']) {
  const times: number[] = [];
  for (let i = 0; i < 4; i++) {
    const t = performance.now();
    await queryMetrics(db, org, { metrics: [m], from: '2025-01-01', to: '2026-01-01', grain: 'month', by: ['team'] });
    times.push(performance.now() - t);
  }
  console.log(m, times.map((t) => t.toFixed(0)).join(' '));
}
await db.close();
