import type { Texts } from '../db/schema.ts';
import { scaleOf, type Language, type ServiceAttribute, type SurveyKind } from './definitions.ts';
import type { OpenInvitation } from './responses.ts';

/**
 * Survey e-mails and pages as HTML and text. Pages are server-rendered and work without
 * JavaScript: every score is a submit button, so one click saves it. Everything shown that a
 * person typed (comments, names) is escaped.
 */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const T = {
  subject: { en: 'How did we do?', ru: 'Как мы справились?', lt: 'Kaip mums sekėsi?' },
  reminder: { en: 'Reminder', ru: 'Напоминание', lt: 'Priminimas' },
  hello: { en: 'Hello,', ru: 'Здравствуйте!', lt: 'Sveiki,' },
  oneClick: {
    en: 'Click a score to answer; it takes one click.',
    ru: 'Нажмите на оценку — это займёт один клик.',
    lt: 'Spustelėkite įvertinimą – užtruks vieną paspaudimą.',
  },
  open: { en: 'Open the survey', ru: 'Открыть опрос', lt: 'Atverti apklausą' },
  why: {
    en: 'You receive this because you were in touch with',
    ru: 'Вы получили это письмо, потому что обращались в',
    lt: 'Gavote šį laišką, nes bendravote su',
  },
  unsubscribe: { en: 'Unsubscribe from surveys', ru: 'Отписаться от опросов', lt: 'Atsisakyti apklausų' },
  thanks: { en: 'Thank you!', ru: 'Спасибо!', lt: 'Ačiū!' },
  saved: { en: 'Your answer is saved', ru: 'Ваш ответ сохранён', lt: 'Jūsų atsakymas išsaugotas' },
  yourScore: { en: 'Your score', ru: 'Ваша оценка', lt: 'Jūsų įvertinimas' },
  change: {
    en: 'You can change it until the survey closes.',
    ru: 'Вы можете изменить его, пока опрос открыт.',
    lt: 'Galite jį pakeisti, kol apklausa atvira.',
  },
  comment: {
    en: 'Your comment (optional)',
    ru: 'Ваш комментарий (необязательно)',
    lt: 'Jūsų komentaras (neprivaloma)',
  },
  rate: {
    en: 'Rate these, if you like (1 = poor, 5 = excellent)',
    ru: 'Оцените, если хотите (1 — плохо, 5 — отлично)',
    lt: 'Įvertinkite, jei norite (1 – blogai, 5 – puikiai)',
  },
  send: { en: 'Send', ru: 'Отправить', lt: 'Siųsti' },
  closedTitle: { en: 'This survey is closed', ru: 'Этот опрос закрыт', lt: 'Ši apklausa uždaryta' },
  closedText: {
    en: 'Thank you for your interest. Answers can no longer be given or changed.',
    ru: 'Спасибо за интерес. Ответы больше не принимаются и не изменяются.',
    lt: 'Ačiū už dėmesį. Atsakymų nebegalima pateikti ar pakeisti.',
  },
  invalidTitle: { en: 'This link does not work', ru: 'Эта ссылка не работает', lt: 'Ši nuoroda neveikia' },
  invalidText: {
    en: 'It may be incomplete or changed. Please use the link from your e-mail as it is.',
    ru: 'Возможно, она неполная или изменена. Используйте ссылку из письма без изменений.',
    lt: 'Galbūt ji nepilna arba pakeista. Naudokite nuorodą iš laiško be pakeitimų.',
  },
  unsubscribeTitle: {
    en: 'Stop receiving surveys?',
    ru: 'Больше не получать опросы?',
    lt: 'Nebegauti apklausų?',
  },
  unsubscribeButton: { en: 'Unsubscribe', ru: 'Отписаться', lt: 'Atsisakyti' },
  unsubscribed: {
    en: 'You will not receive any more surveys from us.',
    ru: 'Вы больше не будете получать от нас опросы.',
    lt: 'Daugiau apklausų iš mūsų negausite.',
  },
  error: { en: 'Please check your answer', ru: 'Проверьте ответ', lt: 'Patikrinkite atsakymą' },
  language: { en: 'Language', ru: 'Язык', lt: 'Kalba' },
} satisfies Record<string, Texts>;

const ENDS: Record<SurveyKind, [Texts, Texts]> = {
  nps: [
    { en: 'Not at all likely', ru: 'Совсем маловероятно', lt: 'Visiškai netikėtina' },
    { en: 'Extremely likely', ru: 'Очень вероятно', lt: 'Labai tikėtina' },
  ],
  enps: [
    { en: 'Not at all likely', ru: 'Совсем маловероятно', lt: 'Visiškai netikėtina' },
    { en: 'Extremely likely', ru: 'Очень вероятно', lt: 'Labai tikėtina' },
  ],
  csat: [
    { en: 'Very unsatisfied', ru: 'Совсем не доволен', lt: 'Visiškai nepatenkintas' },
    { en: 'Very satisfied', ru: 'Очень доволен', lt: 'Labai patenkintas' },
  ],
  ces: [
    { en: 'Strongly disagree', ru: 'Совершенно не согласен', lt: 'Visiškai nesutinku' },
    { en: 'Strongly agree', ru: 'Полностью согласен', lt: 'Visiškai sutinku' },
  ],
  rating: [
    { en: 'Poor', ru: 'Плохо', lt: 'Blogai' },
    { en: 'Excellent', ru: 'Отлично', lt: 'Puikiai' },
  ],
};

const scores = (kind: SurveyKind) => {
  const [low, high] = scaleOf(kind);
  return Array.from({ length: high - low + 1 }, (_, i) => low + i);
};

export interface EmailLinks {
  page: string;
  score: (n: number) => string;
  unsubscribe: string;
}

export function renderInvitationEmail(
  survey: { kind: SurveyKind; question: Texts },
  language: Language,
  organization: string,
  links: EmailLinks,
  reminder: boolean,
): { subject: string; text: string; html: string } {
  const t = (texts: Texts) => texts[language];
  const subject = `${reminder ? `${t(T.reminder)}: ` : ''}${t(T.subject)} (${organization})`;
  const [low, high] = ENDS[survey.kind];
  const cells = scores(survey.kind)
    .map(
      (n) =>
        `<td style="padding:2px"><a href="${escapeHtml(links.score(n))}" style="display:block;min-width:28px;padding:10px 6px;` +
        `border:1px solid #8a94a6;border-radius:4px;text-align:center;color:#1a2b4c;text-decoration:none;font:bold 16px sans-serif">${n}</a></td>`,
    )
    .join('');
  const html = `<!doctype html><html lang="${language}"><body style="font:15px/1.5 sans-serif;color:#1a2b4c">
<p>${escapeHtml(t(T.hello))}</p>
<p style="font-size:18px;font-weight:bold">${escapeHtml(t(survey.question))}</p>
<p>${escapeHtml(t(T.oneClick))}</p>
<table role="presentation" style="border-collapse:collapse"><tr>${cells}</tr></table>
<table role="presentation" style="width:100%;max-width:${scores(survey.kind).length * 44}px;font-size:12px;color:#5a6478"><tr>
<td>${escapeHtml(t(low))}</td><td style="text-align:right">${escapeHtml(t(high))}</td></tr></table>
<p><a href="${escapeHtml(links.page)}">${escapeHtml(t(T.open))}</a></p>
<p style="font-size:12px;color:#5a6478">${escapeHtml(t(T.why))} ${escapeHtml(organization)}.
<a href="${escapeHtml(links.unsubscribe)}" style="color:#5a6478">${escapeHtml(t(T.unsubscribe))}</a></p>
</body></html>`;
  const text = [
    t(T.hello),
    '',
    t(survey.question),
    `${scores(survey.kind)[0]} = ${t(low)}, ${scores(survey.kind).at(-1)} = ${t(high)}`,
    '',
    ...scores(survey.kind).map((n) => `${n}: ${links.score(n)}`),
    '',
    `${t(T.open)}: ${links.page}`,
    '',
    `${t(T.why)} ${organization}. ${t(T.unsubscribe)}: ${links.unsubscribe}`,
  ].join('\n');
  return { subject, text, html };
}

const STYLE = `body{font:17px/1.5 system-ui,sans-serif;color:#1a2b4c;margin:0;background:#f4f6fa}
main{max-width:640px;margin:0 auto;padding:24px 16px}h1{font-size:1.35rem;line-height:1.3}
.scores{display:flex;flex-wrap:wrap;gap:6px;margin:16px 0 4px}
.scores button{flex:1 0 40px;min-height:48px;font:bold 1.1rem system-ui,sans-serif;border:2px solid #8a94a6;border-radius:6px;background:#fff;color:#1a2b4c;cursor:pointer}
.scores button[aria-pressed=true]{background:#1a56db;border-color:#1a56db;color:#fff}
.scores button:focus-visible,textarea:focus-visible,input:focus-visible+span,a:focus-visible,.send:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.ends{display:flex;justify-content:space-between;font-size:.85rem;color:#5a6478}
textarea{width:100%;box-sizing:border-box;min-height:120px;font:inherit;padding:8px;border:1px solid #8a94a6;border-radius:6px}
fieldset{border:1px solid #d4d9e2;border-radius:6px;margin:12px 0;padding:8px 12px}
.rating label{display:inline-flex;align-items:center;gap:4px;margin:4px 10px 4px 0;min-height:44px}
.send{min-height:48px;padding:0 28px;font:bold 1rem system-ui,sans-serif;background:#1a56db;color:#fff;border:0;border-radius:6px;cursor:pointer}
.error{background:#fde8e8;border-left:4px solid #c81e1e;padding:8px 12px}.note{color:#5a6478;font-size:.9rem}
nav{font-size:.85rem;text-align:right}nav a{margin-left:8px;color:#1a56db}`;

export function page(language: Language, title: string, body: string, langLinks?: (l: Language) => string): string {
  const switcher = langLinks
    ? `<nav aria-label="${escapeHtml(T.language[language])}">${(['en', 'ru', 'lt'] as const)
        .map((l) =>
          l === language
            ? `<span>${l.toUpperCase()}</span>`
            : `<a href="${escapeHtml(langLinks(l))}" hreflang="${l}" lang="${l}">${l.toUpperCase()}</a>`,
        )
        .join(' ')}</nav>`
    : '';
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${switcher}${body}</main></body></html>`;
}

/** The survey page: the score buttons, then (once scored) the comment and attribute ratings. */
export function renderSurveyPage(
  invitation: OpenInvitation,
  language: Language,
  action: string,
  attributes: ServiceAttribute[],
  langLinks: (l: Language) => string,
  error?: string,
): string {
  const t = (texts: Texts) => texts[language];
  const survey = invitation.survey;
  const current = invitation.response;
  const [low, high] = ENDS[survey.kind];
  const buttons = scores(survey.kind)
    .map((n) => `<button type="submit" name="score" value="${n}" aria-pressed="${current?.score === n}">${n}</button>`)
    .join('');
  const question = t(survey.question);
  let body = error
    ? `<p class="error" role="alert"><strong>${escapeHtml(t(T.error))}:</strong> ${escapeHtml(error)}</p>`
    : '';
  if (current)
    body += `<h1>${escapeHtml(t(T.thanks))}</h1><p>${escapeHtml(t(T.saved))}. ${escapeHtml(t(T.change))}</p>`;
  body += `<form method="post" action="${escapeHtml(action)}"><fieldset><legend><h${current ? 2 : 1} style="margin:0">${escapeHtml(question)}</h${current ? 2 : 1}></legend>
<div class="scores" role="group" aria-label="${escapeHtml(t(T.yourScore))}">${buttons}</div>
<div class="ends" aria-hidden="true"><span>${escapeHtml(t(low))}</span><span>${escapeHtml(t(high))}</span></div></fieldset></form>`;
  if (current) {
    const asked = attributes.filter((a) => survey.attributes.includes(a.key));
    const ratings = asked
      .map(
        (a) =>
          `<fieldset class="rating"><legend>${escapeHtml(a.names[language])}</legend>${[1, 2, 3, 4, 5]
            .map(
              (n) =>
                `<label><input type="radio" name="rating.${escapeHtml(a.key)}" value="${n}"${current.ratings[a.key] === n ? ' checked' : ''}><span>${n}</span></label>`,
            )
            .join('')}</fieldset>`,
      )
      .join('');
    const followUp = survey.follow_up ? t(survey.follow_up) : t(T.comment);
    body += `<form method="post" action="${escapeHtml(action)}">
<label for="comment"><strong>${escapeHtml(followUp)}</strong></label>
<textarea id="comment" name="comment" maxlength="5000">${escapeHtml(current.comment ?? '')}</textarea>
${ratings ? `<p class="note">${escapeHtml(t(T.rate))}</p>${ratings}` : ''}
<p><button class="send" type="submit">${escapeHtml(t(T.send))}</button></p></form>`;
  }
  return page(language, question, body, langLinks);
}

export function renderMessagePage(language: Language, kind: 'closed' | 'invalid' | 'unsubscribed'): string {
  const t = (texts: Texts) => texts[language];
  const [title, text] =
    kind === 'closed'
      ? [t(T.closedTitle), t(T.closedText)]
      : kind === 'invalid'
        ? [t(T.invalidTitle), t(T.invalidText)]
        : [t(T.thanks), t(T.unsubscribed)];
  return page(language, title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
}

export function renderUnsubscribePage(language: Language, action: string): string {
  const t = (texts: Texts) => texts[language];
  return page(
    language,
    t(T.unsubscribeTitle),
    `<h1>${escapeHtml(t(T.unsubscribeTitle))}</h1><form method="post" action="${escapeHtml(action)}">
<button class="send" type="submit">${escapeHtml(t(T.unsubscribeButton))}</button></form>`,
  );
}
