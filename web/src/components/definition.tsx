import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMetricName, useMetricText, type MetricInfo } from '../catalog.tsx';
import { formatNumber } from '../format.ts';

/** A bounded value's scale as words: "of 7" beside a CES, "scale -100 to 100" beside an NPS. */
export function useScale() {
  const { t, i18n } = useTranslation();
  const number = (v: number) => formatNumber(v, i18n.language).replace('-', '−');
  return {
    /** Short, beside the value; empty for open-ended units. */
    short: (metric: MetricInfo): string => {
      if (!metric.scale) return '';
      if (metric.scale.min < 0)
        return t('kpi.scaleRange', { min: number(metric.scale.min), max: number(metric.scale.max) });
      return t('kpi.scaleOf', { max: number(metric.scale.max) });
    },
    /** A sentence for the definition. */
    long: (metric: MetricInfo): string =>
      metric.scale
        ? t('kpi.scaleLabel', { min: number(metric.scale.min), max: number(metric.scale.max) })
        : metric.unit === 'ratio'
          ? t('kpi.scaleShare')
          : '',
  };
}

/**
 * The "i" beside a metric's name: one click opens its definition in the reader's language, its
 * scale and what n and the interval mean; a second click, Escape or a click elsewhere closes it.
 */
export function Definition({ metric }: { metric: MetricInfo }) {
  const { t } = useTranslation();
  const text = useMetricText();
  const name = useMetricName()(metric.id);
  const scale = useScale().long(metric);
  const [open, setOpen] = useState(false);
  const id = useId();
  const box = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    const onClick = (e: MouseEvent) => !box.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener('keydown', onKey);
    document.addEventListener('click', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('click', onClick);
    };
  }, [open]);
  return (
    <span className="definition" ref={box}>
      <button
        type="button"
        className="definition-toggle"
        aria-expanded={open}
        aria-controls={id}
        aria-label={t('kpi.definitionOf', { metric: name })}
        title={t('kpi.definition')}
        onClick={() => setOpen((o) => !o)}
        data-testid={`definition-${metric.id}`}
      >
        i
      </button>
      {open && (
        <span className="definition-popover" id={id} role="note" data-testid="definition">
          <strong>{name}</strong>
          <span>{text.description(metric)}</span>
          {scale && <span className="muted">{scale}</span>}
          {metric.uncertainty !== 'none' && <span className="muted">{t('kpi.numbersHelp')}</span>}
        </span>
      )}
    </span>
  );
}
