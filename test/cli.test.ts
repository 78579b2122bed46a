import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { main } from '../src/cli/main.ts';
import type { Io } from '../src/cli/context.ts';

function capture(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    stdin: process.stdin,
    out: (text: string) => void (io.stdout += `${text}\n`),
    err: (text: string) => void (io.stderr += `${text}\n`),
  };
  return io;
}

test('cxkpi import on the embedded database: all-or-nothing, --skip-invalid with a rejects file, re-import', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-cli-'));
  try {
    const file = path.join(dir, 'responses.csv');
    fs.writeFileSync(
      file,
      'Response,Type,Score,When\nr1,nps,10,2026-01-01T10:00:00Z\nr2,nps,-1,2026-01-01T10:00:00Z\nr3,csat,5,2026-01-02T10:00:00Z\n',
    );
    const db = ['--data-dir', path.join(dir, 'data')];
    const map = ['--map', 'Response=id', '--map', 'Type=kind', '--map', 'Score=score', '--map', 'When=submitted_at'];

    let io = capture();
    assert.equal(await main(['import', 'survey_responses', file, ...db, ...map], io), 1);
    assert.match(io.stdout, /Nothing was stored: 1 of 3 records are invalid/);
    assert.match(io.stderr, /line 3 \(id r2\): score: -1 is outside the nps scale 0-10/);

    io = capture();
    const rejects = path.join(dir, 'rejects.csv');
    assert.equal(
      await main(['import', 'survey_responses', file, ...db, ...map, '--skip-invalid', '--rejects', rejects], io),
      0,
    );
    assert.match(io.stdout, /3 records: 2 inserted, 0 updated, 0 unchanged, 1 rejected/);
    const lines = fs.readFileSync(rejects, 'utf8').trim().split('\r\n');
    assert.deepEqual(lines, [
      '_line,_errors,Response,Type,Score,When',
      '3,score: -1 is outside the nps scale 0-10,r2,nps,-1,2026-01-01T10:00:00Z',
    ]);

    io = capture();
    assert.equal(await main(['import', 'survey_responses', file, ...db, ...map, '--skip-invalid', '--json'], io), 0);
    const summary = JSON.parse(io.stdout);
    assert.deepEqual([summary.inserted, summary.updated, summary.unchanged, summary.rejected], [0, 0, 2, 1]);

    io = capture();
    assert.equal(await main(['import', 'widgets', file, ...db], io), 2);
    assert.match(io.stderr, /There is no entity "widgets"/);
    io = capture();
    assert.equal(await main(['import', 'tickets', path.join(dir, 'missing.csv'), ...db], io), 2);
    assert.match(io.stderr, /There is no file/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bad configuration stops a command with the setting named', async () => {
  const io = capture();
  assert.equal(await main(['import', 'teams', 'x.csv', '--database-url', 'mysql://nope'], io), 2);
  assert.match(io.stderr, /databaseUrl \(DATABASE_URL\): must start with postgres/);
});

test('help and unknown commands', async () => {
  let io = capture();
  assert.equal(await main(['--help'], io), 0);
  assert.match(io.stdout, /Usage: cxkpi <command>/);
  io = capture();
  assert.equal(await main(['frobnicate'], io), 2);
  assert.match(io.stderr, /unknown command "frobnicate"/);
});
