import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { FileInput } from '../components/file-input.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { useApi } from '../data.ts';
import { useFormat } from '../use-format.ts';
// The answers of /api/v1/entities and /imports, declared once by the server.
import type { EntityInfo, EntityList, ImportList } from '../../../src/contract/api.ts';

interface RecordError {
  line: number;
  id?: string;
  field: string | null;
  reason: string;
}

interface Summary {
  status: string;
  dry_run: boolean;
  records: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  errors: RecordError[];
  message: string;
}

/** What the server's dry look at the start of the file found (POST /import/{entity}/preview). */
interface Preview {
  format: 'csv' | 'jsonl' | 'json' | 'xlsx';
  encoding: string | null;
  encoding_reason: string | null;
  columns: string[];
  rows: Array<Record<string, unknown>>;
  problems: RecordError[];
  suggested_preset: PresetInfo | null;
  preset: string | null;
  mapping: Record<string, string>;
  presets: PresetInfo[];
}

interface PresetInfo {
  name: string;
  entity: string;
  description: string;
}

const CONTENT_TYPES: Record<Preview['format'], string> = {
  csv: 'text/csv',
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The server reads the start of the file as the import will (a workbook whole: its parts are spread). */
async function previewFile(file: File, entity: string, preset: string | undefined): Promise<Preview> {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  const zip = head[0] === 0x50 && head[1] === 0x4b;
  // preset '' asks for none (the columns mapped by name); undefined lets the server suggest one.
  const params = new URLSearchParams(preset !== undefined ? { preset } : {});
  return api<Preview>(`/import/${entity}/preview?${params}`, {
    raw: { body: zip ? file : file.slice(0, 1 << 20), type: zip ? CONTENT_TYPES.xlsx : 'application/octet-stream' },
  });
}

const sample = (value: unknown) =>
  value === undefined || value === null || value === ''
    ? undefined
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

/** An entity's name and description in the reader's language (the server's English otherwise). */
function useEntityText() {
  const { t } = useTranslation();
  return (name: string) => {
    const key = `data.entities.${name}.name` as 'data.entities.teams.name';
    const text = t(key);
    if (text === key) return undefined;
    return { name: text, description: t(`data.entities.${name}.description` as 'data.entities.teams.description') };
  };
}

export default function Data() {
  const { t } = useTranslation();
  const entities = useApi<EntityList>('/entities');
  const [historyKey, setHistoryKey] = useState(0);
  return (
    <section className="page" data-testid="data">
      <header className="page-header">
        <h1>{t('data.title')}</h1>
      </header>
      {entities.loading && <Loading />}
      {entities.error && <ErrorState error={entities.error} onRetry={entities.reload} />}
      {entities.data && <ImportForm entities={entities.data.entities} onImported={() => setHistoryKey((n) => n + 1)} />}
      <History key={historyKey} />
    </section>
  );
}

function ImportForm({ entities, onImported }: { entities: EntityInfo[]; onImported: () => void }) {
  const { t } = useTranslation();
  const entityText = useEntityText();
  const [entityName, setEntityName] = useState(entities.find((e) => e.name === 'tickets')?.name ?? entities[0]!.name);
  const [file, setFile] = useState<File>();
  const [preview, setPreview] = useState<Preview>();
  const [preset, setPreset] = useState<string>();
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [busy, setBusy] = useState(false);
  const [summary, setSummary] = useState<Summary>();
  const [error, setError] = useState<string>();
  const entity = entities.find((e) => e.name === entityName)!;
  const fieldNames = entity.fields.map((f) => f.name).filter((f) => f !== 'attributes');

  /** Asks the server for the preview; a file that looks like a known export switches to its preset. */
  const look = async (chosen: File, entityFor: string, presetFor: string | undefined) => {
    setError(undefined);
    setPreview(undefined);
    setMapping({});
    try {
      let next = await previewFile(chosen, entityFor, presetFor);
      const suggested = next.suggested_preset;
      if (presetFor === undefined && suggested && suggested.entity !== entityFor) {
        setEntityName(suggested.entity);
        next = await previewFile(chosen, suggested.entity, suggested.name);
      }
      setPreset(next.preset ?? undefined);
      setPreview(next);
    } catch (failure) {
      setError(t('data.unreadable', { reason: (failure as Error).message }));
    }
  };

  const choose = async (chosen: File | undefined) => {
    setFile(chosen);
    setSummary(undefined);
    setPreview(undefined);
    setError(undefined);
    if (chosen) await look(chosen, entityName, undefined);
  };

  const targetOf = (column: string) => mapping[column] ?? preview?.mapping[column] ?? `attributes.${column}`;
  const mapped = new Set(preview?.columns.map(targetOf));
  // A preset fills some fields from other columns (a duration, a rating): it names what it needs.
  const missing = preset ? [] : entity.fields.filter((f) => f.required && !mapped.has(f.name)).map((f) => f.name);
  const presets = preview?.presets.filter((p) => p.entity === entity.name) ?? [];

  const send = async (dryRun: boolean) => {
    if (!file || !preview) return;
    setBusy(true);
    setSummary(undefined);
    setError(undefined);
    const params = new URLSearchParams({ format: preview.format });
    if (preset) params.set('preset', preset);
    // The server maps as the preview showed; only the user's changes are sent.
    for (const [column, target] of Object.entries(mapping))
      if (target !== preview.mapping[column]) params.append('map', `${column}=${target}`);
    if (dryRun) params.set('dry_run', 'true');
    if (skipInvalid) params.set('skip_invalid', 'true');
    try {
      const result = await api<Summary>(`/import/${entity.name}?${params}`, {
        raw: { body: file, type: CONTENT_TYPES[preview.format] },
      });
      setSummary(result);
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'records-rejected') {
        setSummary({
          status: 'rejected',
          dry_run: dryRun,
          records: 0,
          inserted: 0,
          updated: 0,
          unchanged: 0,
          rejected: (failure.details as RecordError[]).length,
          errors: failure.details as RecordError[],
          message: failure.message,
        });
      } else setError((failure as Error).message);
    } finally {
      setBusy(false);
      onImported();
    }
  };

  return (
    <section className="card">
      <h2>{t('data.importTitle')}</h2>
      <div className="controls">
        <label>
          {t('data.entity')}
          <select
            value={entityName}
            onChange={(e) => {
              setEntityName(e.target.value);
              setSummary(undefined);
              setMapping({});
              if (file) void look(file, e.target.value, undefined);
            }}
            data-testid="import-entity"
          >
            {entities.map((e) => (
              <option key={e.name} value={e.name}>
                {entityText(e.name)?.name ?? e.name}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          {t('data.file')}
          <FileInput
            accept=".csv,.tsv,.txt,.jsonl,.ndjson,.json,.xlsx,.xls"
            onChange={(file) => void choose(file)}
            testId="import-file"
          />
        </label>
      </div>
      <p className="muted">{entityText(entity.name)?.description ?? entity.description}</p>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {preview && (
        <>
          <p className="muted" data-testid="import-read-as">
            {t('data.readAs', { format: preview.format.toUpperCase() })}
            {preview.encoding ? ` · ${preview.encoding}` : ''}
            {preview.encoding_reason === 'guessed' ? ` ${t('data.encodingGuessed')}` : ''}
          </p>
          <label>
            {t('data.preset')}
            <select
              value={preset ?? ''}
              data-testid="import-preset"
              onChange={(e) => {
                const next = e.target.value || undefined;
                setPreset(next);
                if (file) void look(file, entity.name, next ?? '');
              }}
            >
              <option value="">{t('data.noPreset')}</option>
              {presets.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.description}
                </option>
              ))}
            </select>
          </label>
          {preview.suggested_preset && preview.suggested_preset.name === preset && (
            <p className="muted">{t('data.presetHint')}</p>
          )}
          <h3>{t('data.mapping')}</h3>
          <p className="muted">{t('data.mappingHint')}</p>
          <div className="table-scroll">
            <table className="data" data-testid="mapping">
              <thead>
                <tr>
                  <th scope="col">{t('data.column')}</th>
                  <th scope="col">{t('data.field')}</th>
                  <th scope="col">{t('data.sample')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.columns.map((column) => (
                  <tr key={column}>
                    <th scope="row">{column}</th>
                    <td>
                      <select
                        value={targetOf(column)}
                        aria-label={`${t('data.field')}: ${column}`}
                        onChange={(e) => setMapping((m) => ({ ...m, [column]: e.target.value }))}
                      >
                        {entity.fields
                          .filter((f) => f.name !== 'attributes')
                          .map((f) => (
                            <option key={f.name} value={f.name}>
                              {f.name}
                              {f.required ? ` (${t('data.required')})` : ''}
                            </option>
                          ))}
                        {!fieldNames.includes(targetOf(column)) && targetOf(column) !== '-' && (
                          <option value={targetOf(column)}>{t('data.asAttribute')}</option>
                        )}
                        <option value="-">{t('data.drop')}</option>
                      </select>
                    </td>
                    <td className="muted">
                      {preview.rows
                        .map((row) => sample(row[column]))
                        .filter((v) => v !== undefined)
                        .slice(0, 3)
                        .join(' · ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {missing.length > 0 && (
            <p className="warning-text">{t('data.missingRequired', { fields: missing.join(', ') })}</p>
          )}
          <label className="checkbox">
            <input type="checkbox" checked={skipInvalid} onChange={(e) => setSkipInvalid(e.target.checked)} />
            {t('data.skipInvalid')}
          </label>
          <div className="actions">
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => void send(true)}
              data-testid="import-dry-run"
            >
              {t('data.preview')}
            </button>
            <button type="button" disabled={busy} onClick={() => void send(false)} data-testid="import-run">
              {t('data.import')}
            </button>
            {busy && <Loading inline label={t('data.importing')} />}
          </div>
        </>
      )}
      {summary && (
        <div className={`summary ${summary.status}`} role="status" data-testid="import-summary">
          <h3>{t('data.result')}</h3>
          <p>{summary.message}</p>
          {summary.errors.length > 0 && <ErrorsTable errors={summary.errors} />}
        </div>
      )}
    </section>
  );
}

function ErrorsTable({ errors }: { errors: RecordError[] }) {
  const { t } = useTranslation();
  if (!errors.length) return <p className="muted">{t('data.noRejected')}</p>;
  return (
    <div className="table-scroll">
      <table className="data">
        <thead>
          <tr>
            <th scope="col">{t('data.line')}</th>
            <th scope="col">{t('data.id')}</th>
            <th scope="col">{t('data.field')}</th>
            <th scope="col">{t('data.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {errors.slice(0, 500).map((e, i) => (
            <tr key={i}>
              <td className="num">{e.line}</td>
              <td>{e.id ?? ''}</td>
              <td>{e.field ?? ''}</td>
              <td className="wrap">{e.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function History() {
  const { t } = useTranslation();
  const entityText = useEntityText();
  const format = useFormat();
  const imports = useApi<ImportList>('/imports', { query: { limit: 50 } });
  const [open, setOpen] = useState<string>();
  const detail = useApi<{ errors: RecordError[] }>(open ? `/imports/${open}` : null);
  return (
    <section className="card">
      <h2>{t('data.history')}</h2>
      {imports.loading && <Loading />}
      {imports.error && <ErrorState error={imports.error} onRetry={imports.reload} compact />}
      {imports.data && !imports.data.imports.length && <Empty>{t('data.noImports')}</Empty>}
      {imports.data && imports.data.imports.length > 0 && (
        <div className="table-scroll">
          <table className="data" data-testid="imports-table">
            <thead>
              <tr>
                <th scope="col">{t('data.started')}</th>
                <th scope="col">{t('data.entity')}</th>
                <th scope="col">{t('data.source')}</th>
                <th scope="col">{t('data.status')}</th>
                <th scope="col" className="num">
                  {t('data.records')}
                </th>
                <th scope="col" className="num">
                  {t('data.inserted')}
                </th>
                <th scope="col" className="num">
                  {t('data.updated')}
                </th>
                <th scope="col" className="num">
                  {t('data.unchanged')}
                </th>
                <th scope="col" className="num">
                  {t('data.rejected')}
                </th>
              </tr>
            </thead>
            <tbody>
              {imports.data.imports.map((run) => (
                <Fragment key={run.id}>
                  <tr>
                    <td>{format.date(run.started_at, true)}</td>
                    <td>{entityText(run.entity)?.name ?? run.entity}</td>
                    <td>{run.source ?? ''}</td>
                    <td>
                      <span className={`status ${run.status}`}>{t(`data.statuses.${run.status}`)}</span>
                      {run.dry_run && ` · ${t('data.dryRun')}`}
                    </td>
                    <td className="num">{format.count(run.records)}</td>
                    <td className="num">{format.count(run.inserted)}</td>
                    <td className="num">{format.count(run.updated)}</td>
                    <td className="num">{format.count(run.unchanged)}</td>
                    <td className="num">
                      {run.error_count > 0 ? (
                        <button
                          type="button"
                          className="link"
                          aria-expanded={open === run.id}
                          onClick={() => setOpen(open === run.id ? undefined : run.id)}
                        >
                          {format.count(run.rejected || run.error_count)} — {t('data.showRejected')}
                        </button>
                      ) : (
                        format.count(run.rejected)
                      )}
                    </td>
                  </tr>
                  {open === run.id && (
                    <tr>
                      <td colSpan={9}>
                        {run.message && <p>{run.message}</p>}
                        {detail.loading && <Loading inline />}
                        {detail.error && <ErrorState error={detail.error} onRetry={detail.reload} compact />}
                        {detail.data && <ErrorsTable errors={detail.data.errors} />}
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
