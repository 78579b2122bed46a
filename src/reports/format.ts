import type { Unit } from '../metrics/catalog/index.ts';

/**
 * How a report writes numbers, dates and money in its language: Intl with en-GB, ru-RU and lt-LT
 * (decimal comma and a space between thousands in Russian and Lithuanian), ratios as percentages
 * with one decimal, changes of ratios in percentage points, durations in hours and minutes with
 * the language's unit names. The same functions write the PDF and the HTML, and the tests compare
 * their output with `cxkpi query` values.
 */
export type Language = 'en' | 'ru' | 'lt';
export const LANGUAGES: readonly Language[] = ['en', 'ru', 'lt'];

const LOCALE: Record<Language, string> = { en: 'en-GB', ru: 'ru-RU', lt: 'lt-LT' };
const UNITS: Record<Language, { d: string; h: string; m: string; s: string; pp: string }> = {
  en: { d: 'd', h: 'h', m: 'min', s: 's', pp: 'pp' },
  ru: { d: 'д', h: 'ч', m: 'мин', s: 'с', pp: 'п. п.' },
  lt: { d: 'd.', h: 'val.', m: 'min', s: 's', pp: 'proc. p.' },
};

/** Intl writes no-break spaces (and narrow ones) in numbers: plain spaces extract and search alike. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

export interface Formatter {
  language: Language;
  value(value: number | null | undefined, unit: Unit): string;
  change(delta: number | null | undefined, unit: Unit): string;
  integer(value: number): string;
  percent(share: number): string;
  /** 2026-03-01 as "March 2026" (month) or "Q1 2026" (quarter), in the language. */
  period(start: string, grain: 'month' | 'quarter'): string;
  /** A short label for a chart axis: "Mar 26", "Q1 26". */
  shortPeriod(start: string, grain: 'month' | 'quarter'): string;
  date(date: string): string;
  dateTime(at: Date, timeZone: string): string;
}

const QUARTER: Record<Language, (q: number, year: number) => string> = {
  en: (q, y) => `Q${q} ${y}`,
  ru: (q, y) => `${q} кв. ${y}`,
  lt: (q, y) => `${y} m. ${['I', 'II', 'III', 'IV'][q - 1]} ketv.`,
};

export function formatter(language: Language, currency: string): Formatter {
  const locale = LOCALE[language];
  const units = UNITS[language];
  const fixed = (digits: number) =>
    new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const int = fixed(0);
  const one = fixed(1);
  const two = fixed(2);
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const signedMoney = new Intl.NumberFormat(locale, { style: 'currency', currency, signDisplay: 'exceptZero' });
  const utc = (date: string) => new Date(`${date}T00:00:00Z`);
  const monthYear = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const shortMonth = new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' });
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const duration = (seconds: number) => {
    const sign = seconds < 0 ? '-' : '';
    const s = Math.abs(seconds);
    if (Math.round(s) < 60) return `${sign}${Math.round(s)} ${units.s}`;
    const minutes = Math.round(s / 60);
    if (minutes < 60) return `${sign}${minutes} ${units.m}`;
    if (minutes < 24 * 60) return `${sign}${Math.floor(minutes / 60)} ${units.h} ${minutes % 60} ${units.m}`;
    const hours = Math.round(s / 3600);
    return `${sign}${Math.floor(hours / 24)} ${units.d} ${hours % 24} ${units.h}`;
  };
  const value = (x: number | null | undefined, unit: Unit): string => {
    if (x === null || x === undefined || !Number.isFinite(x)) return '–';
    switch (unit) {
      case 'money':
        return plain(money.format(x));
      case 'ratio':
        return plain(`${one.format(x * 100)} %`);
      case 'nps':
        return plain(one.format(x));
      case 'seconds':
        return duration(x);
      case 'count':
        return plain(int.format(x));
      case 'score':
      case 'number':
        return plain(two.format(x));
    }
  };
  return {
    language,
    value,
    change(delta, unit) {
      if (delta === null || delta === undefined || !Number.isFinite(delta)) return '–';
      if (unit === 'money') return plain(signedMoney.format(delta));
      const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
      const size = Math.abs(delta);
      if (unit === 'ratio') return plain(`${sign}${one.format(size * 100)} ${units.pp}`);
      return `${sign}${value(size, unit)}`;
    },
    integer: (x) => plain(int.format(x)),
    percent: (share) => plain(`${one.format(share * 100)} %`),
    period(start, grain) {
      const date = utc(start);
      if (grain === 'quarter') return QUARTER[language](Math.floor(date.getUTCMonth() / 3) + 1, date.getUTCFullYear());
      const text = monthYear.format(date);
      return text.charAt(0).toUpperCase() + text.slice(1);
    },
    shortPeriod(start, grain) {
      const date = utc(start);
      const year = String(date.getUTCFullYear()).slice(2);
      if (grain === 'quarter') return `Q${Math.floor(date.getUTCMonth() / 3) + 1} ${year}`;
      return `${shortMonth.format(date).replace(/\.$/, '')} ${year}`;
    },
    date: (date) => plain(day.format(utc(date))),
    dateTime: (at, timeZone) =>
      plain(
        new Intl.DateTimeFormat(locale, {
          year: 'numeric',
          month: 'short',
          day: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
          timeZone,
          timeZoneName: 'short',
        }).format(at),
      ),
  };
}

/** The report's words in its three languages. */
export const T = {
  report: { en: 'KPI report', ru: 'Отчёт по KPI', lt: 'KPI ataskaita' },
  organization: { en: 'Whole organization', ru: 'Вся организация', lt: 'Visa organizacija' },
  scope: { en: 'Scope', ru: 'Область', lt: 'Apimtis' },
  period: { en: 'Period', ru: 'Период', lt: 'Laikotarpis' },
  kpis: { en: 'Key figures', ru: 'Основные показатели', lt: 'Pagrindiniai rodikliai' },
  kpi: { en: 'KPI', ru: 'KPI', lt: 'KPI' },
  value: { en: 'Value', ru: 'Значение', lt: 'Reikšmė' },
  n: { en: 'n', ru: 'n', lt: 'n' },
  interval: { en: '95 % interval', ru: '95 % интервал', lt: '95 % intervalas' },
  previous: { en: 'Previous period', ru: 'Прошлый период', lt: 'Ankstesnis laikotarpis' },
  year: { en: 'A year earlier', ru: 'Год назад', lt: 'Prieš metus' },
  change: { en: 'Change', ru: 'Изменение', lt: 'Pokytis' },
  target: { en: 'Target', ru: 'Цель', lt: 'Tikslas' },
  attainment: { en: 'Attainment', ru: 'Выполнение', lt: 'Įvykdymas' },
  attainments: {
    met: { en: 'met', ru: 'достигнута', lt: 'pasiektas' },
    missed: { en: 'missed', ru: 'не достигнута', lt: 'nepasiektas' },
    not_enough_data: { en: 'not enough data', ru: 'мало данных', lt: 'per mažai duomenų' },
    no_target: { en: '–', ru: '–', lt: '–' },
  },
  significant: {
    en: '* significant change (95 %)',
    ru: '* значимое изменение (95 %)',
    lt: '* reikšmingas pokytis (95 %)',
  },
  lowSample: {
    en: 'Low sample: fewer answers or records than the KPI needs for a reliable value; read it with care.',
    ru: 'Малая выборка: ответов или записей меньше, чем нужно для надёжного значения; используйте с осторожностью.',
    lt: 'Maža imtis: atsakymų ar įrašų mažiau, nei reikia patikimai reikšmei; vertinkite atsargiai.',
  },
  lowSampleShort: { en: 'low sample', ru: 'малая выборка', lt: 'maža imtis' },
  partial: {
    en: 'The period is not complete yet: its values may still change.',
    ru: 'Период ещё не закончился: значения могут измениться.',
    lt: 'Laikotarpis dar nesibaigė: reikšmės dar gali keistis.',
  },
  trends: { en: 'Trends, last 12 periods', ru: 'Динамика за 12 периодов', lt: 'Tendencijos per 12 laikotarpių' },
  moved: { en: 'What moved', ru: 'Что изменилось', lt: 'Kas pasikeitė' },
  movedNone: {
    en: 'No KPI, team or agent changed significantly against the previous period.',
    ru: 'Ни один KPI, команда или агент значимо не изменились по сравнению с прошлым периодом.',
    lt: 'Nei vienas KPI, komanda ar agentas reikšmingai nepasikeitė, palyginti su ankstesniu laikotarpiu.',
  },
  better: { en: 'better', ru: 'лучше', lt: 'geriau' },
  worse: { en: 'worse', ru: 'хуже', lt: 'blogiau' },
  changed: { en: 'changed', ru: 'изменилось', lt: 'pasikeitė' },
  subject: { en: 'Where', ru: 'Где', lt: 'Kur' },
  team: { en: 'team', ru: 'команда', lt: 'komanda' },
  agent: { en: 'agent', ru: 'агент', lt: 'agentas' },
  combined: { en: 'Combined views', ru: 'Сводные срезы', lt: 'Suvestiniai pjūviai' },
  csatByResponse: {
    en: 'CSAT by first response time',
    ru: 'CSAT по времени первого ответа',
    lt: 'CSAT pagal pirmojo atsakymo laiką',
  },
  churnByNps: { en: 'Churn by NPS group', ru: 'Отток по группам NPS', lt: 'Nutekėjimas pagal NPS grupę' },
  feedback: { en: 'Feedback highlights', ru: 'Главное из отзывов', lt: 'Atsiliepimų akcentai' },
  tones: {
    negative: { en: 'negative', ru: 'негативные', lt: 'neigiami' },
    neutral: { en: 'neutral', ru: 'нейтральные', lt: 'neutralūs' },
    positive: { en: 'positive', ru: 'позитивные', lt: 'teigiami' },
  },
  mostNegative: { en: 'Most negative recent comments', ru: 'Самые негативные', lt: 'Neigiamiausi komentarai' },
  mostPositive: { en: 'Most positive recent comments', ru: 'Самые позитивные', lt: 'Teigiamiausi komentarai' },
  noFeedback: {
    en: 'No feedback in the period.',
    ru: 'За период отзывов нет.',
    lt: 'Per laikotarpį atsiliepimų nėra.',
  },
  alerts: { en: 'Alerts fired in the period', ru: 'Оповещения за период', lt: 'Įspėjimai per laikotarpį' },
  noAlerts: { en: 'No alert fired.', ru: 'Оповещений не было.', lt: 'Įspėjimų nebuvo.' },
  definitions: { en: 'Definitions', ru: 'Определения', lt: 'Apibrėžimai' },
  generated: { en: 'Generated', ru: 'Создан', lt: 'Sukurta' },
  page: { en: 'Page', ru: 'Стр.', lt: 'Psl.' },
  of: { en: 'of', ru: 'из', lt: 'iš' },
  attached: {
    en: 'The full report is attached.',
    ru: 'Полный отчёт во вложении.',
    lt: 'Visa ataskaita pridėta.',
  },
  yourPart: {
    en: 'This copy shows the part of the data your role may see.',
    ru: 'Эта копия показывает только данные, доступные вашей роли.',
    lt: 'Šioje kopijoje – tik jūsų vaidmeniui matomi duomenys.',
  },
  sheetKpis: { en: 'KPIs', ru: 'KPI', lt: 'KPI' },
  noData: { en: 'no data', ru: 'нет данных', lt: 'nėra duomenų' },
} as const;

export type Texts = typeof T;
export const t = (entry: { en: string; ru: string; lt: string }, language: Language) => entry[language];
