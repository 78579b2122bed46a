import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isDate } from '../periods.ts';

/**
 * Dates as the app's language writes them, whatever the browser's language: a native date input
 * shows the browser's format (mm/dd/yyyy in an English Chrome for a Lithuanian reader), so this is
 * a text input in the app's format: 31/12/2026 (en), 31.12.2026 (ru), 2026-12-31 (lt).
 */
const ORDER: Record<string, { separator: string; dayFirst: boolean }> = {
  en: { separator: '/', dayFirst: true },
  ru: { separator: '.', dayFirst: true },
  lt: { separator: '-', dayFirst: false },
};

export function formatDateInput(iso: string, language: string): string {
  if (!isDate(iso)) return '';
  const { separator, dayFirst } = ORDER[language] ?? ORDER.en!;
  const [y, m, d] = iso.split('-');
  return dayFirst ? [d, m, y].join(separator) : [y, m, d].join(separator);
}

/** The ISO date of a text in the language's format (also accepts ISO), or undefined. */
export function parseDateInput(text: string, language: string): string | undefined {
  const value: string = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return isDate(value) ? value : undefined;
  const { dayFirst } = ORDER[language] ?? ORDER.en!;
  const parts = value.split(/[./\-\s]+/);
  if (parts.length !== 3 || !parts.every((p) => /^\d+$/.test(p))) return undefined;
  const [a, b, c] = parts as [string, string, string];
  const [y, m, d] = dayFirst ? [c, b, a] : [a, b, c];
  if (y.length !== 4) return undefined;
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  // isDate accepts 2026-02-31 through Date's rollover; the round trip refuses it.
  return isDate(iso) && new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) === iso ? iso : undefined;
}

export function DateInput({
  value,
  onChange,
  testId,
}: {
  value: string;
  onChange: (iso: string | undefined) => void;
  testId?: string;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const [text, setText] = useState(formatDateInput(value, language));
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    setText(formatDateInput(value, language));
    setInvalid(false);
  }, [value, language]);
  const commit = () => {
    if (!text.trim()) return void (setInvalid(false), value && onChange(undefined));
    const iso = parseDateInput(text, language);
    setInvalid(!iso);
    if (iso && iso !== value) onChange(iso);
  };
  return (
    <input
      type="text"
      inputMode="numeric"
      autoComplete="off"
      className="date-input"
      value={text}
      placeholder={t('period.dateFormat')}
      aria-invalid={invalid}
      title={invalid ? t('period.badDate', { format: t('period.dateFormat') }) : t('period.dateFormat')}
      onChange={(e) => {
        setText(e.target.value);
        const iso = parseDateInput(e.target.value, language);
        if (iso && iso !== value && e.target.value.trim().length >= 10) onChange(iso);
      }}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
      data-testid={testId}
    />
  );
}
