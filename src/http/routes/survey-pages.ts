import { Hono, type Context } from 'hono';
import { AppError } from '../../errors.ts';
import { getOrganization } from '../../orgs/index.ts';
import { getServiceAttributes, getSurvey, type Language } from '../../surveys/definitions.ts';
import { interfaceLanguage, inviteRecipients, surveyIsOpen, unsubscribe } from '../../surveys/invitations.ts';
import { openWidgetToken } from '../../surveys/links.ts';
import { renderMessagePage, renderSurveyPage, renderUnsubscribePage } from '../../surveys/render.ts';
import {
  findInvitation,
  recordResponse,
  recordScore,
  type AnswerInput,
  type OpenInvitation,
} from '../../surveys/responses.ts';
import type { AppDeps, AppEnv } from '../app.ts';
import { rateLimit } from '../rate-limit.ts';

/**
 * The pages respondents see: `/s/<token>` (their invitation: one-click score from the e-mail,
 * comment and ratings after), `/s/<token>/unsubscribe`, and `/w/<token>` (the embeddable widget,
 * which starts an anonymous invitation on the first score). Server-rendered, no JavaScript.
 */
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors *; img-src 'self'";

/**
 * The page's language: `?lang=`, else the invitation's (the customer's language, as in the
 * e-mail), else, for the widget and unknown links, the browser's.
 */
function languageOf(c: Context<AppEnv>, fallback: Language, invitation?: Language): Language {
  const asked = interfaceLanguage(c.req.query('lang'));
  if (asked) return asked;
  if (invitation) return invitation;
  for (const part of (c.req.header('accept-language') ?? '').split(',')) {
    const found = interfaceLanguage(part.split(';')[0]);
    if (found) return found;
  }
  return fallback;
}

function html(c: Context<AppEnv>, body: string, status: 200 | 400 | 404 | 410 = 200) {
  c.header('content-security-policy', CSP);
  c.header('cache-control', 'no-store');
  c.header('referrer-policy', 'no-referrer');
  return c.html(body, status);
}

/** Form fields of an answer: score, comment, rating.<attribute>. */
async function readAnswer(c: Context<AppEnv>): Promise<AnswerInput> {
  // Forms are url-encoded; URLSearchParams reads them far faster than a FormData parser.
  const type = c.req.header('content-type') ?? '';
  const form: Record<string, unknown> = type.startsWith('application/x-www-form-urlencoded')
    ? Object.fromEntries(new URLSearchParams(await c.req.text()))
    : await c.req.parseBody();
  const answer: AnswerInput = {};
  const number = (v: unknown) => (typeof v === 'string' && /^-?\d{1,3}$/.test(v) ? Number(v) : Number.NaN);
  if (typeof form.score === 'string') answer.score = number(form.score);
  if (typeof form.comment === 'string') answer.comment = form.comment;
  for (const [name, value] of Object.entries(form)) {
    if (name.startsWith('rating.')) (answer.ratings ??= {})[name.slice(7)] = number(value);
  }
  return answer;
}

export function surveyPageRoutes(deps: AppDeps) {
  const db = deps.db;
  const limit = rateLimit(deps, { name: 'survey', windowMs: 60_000, max: deps.config.surveyRateLimit });

  const invalidLink = (c: Context<AppEnv>) => html(c, renderMessagePage(languageOf(c, 'en'), 'invalid'), 404);
  const closedPage = (c: Context<AppEnv>, language: Language) => html(c, renderMessagePage(language, 'closed'), 410);

  /** The widget's organization and open survey, or the page to answer instead. */
  async function openWidget(c: Context<AppEnv>) {
    const opened = await openWidgetToken(db, c.req.param('token')!);
    if (!opened) return invalidLink(c);
    const org = await getOrganization(db.kysely, opened.orgId);
    const survey = await getSurvey(db, org, opened.surveyId);
    if (!surveyIsOpen(survey, new Date())) return closedPage(c, languageOf(c, org.language));
    return { org, survey };
  }

  async function show(c: Context<AppEnv>, invitation: OpenInvitation, error?: string) {
    const org = await getOrganization(db.kysely, invitation.orgId);
    const language = languageOf(c, invitation.language, invitation.language);
    const path = new URL(c.req.url).pathname;
    const attributes = await getServiceAttributes(db, org);
    const body = renderSurveyPage(
      invitation,
      language,
      path + (c.req.query('lang') ? `?lang=${language}` : ''),
      attributes,
      (l) => `${path}?lang=${l}`,
      error,
    );
    return html(c, body, error ? 400 : 200);
  }

  /** Saves, then shows the page again (post/redirect/get); a mistake re-renders with the reason. */
  async function answer(c: Context<AppEnv>, token: string, input: AnswerInput) {
    const lang = interfaceLanguage(c.req.query('lang'));
    const back = () => c.redirect(`/s/${token}${lang ? `?lang=${lang}` : ''}`, 303);
    // A score alone (the e-mail's buttons, the first click on the page): one statement.
    const onlyScore = input.score !== undefined && input.comment === undefined && !input.ratings;
    if (onlyScore && (await recordScore(db, token, input.score!))) return back();
    const found = await findInvitation(db, token);
    if (found.state === 'invalid') return invalidLink(c);
    if (found.state === 'closed')
      return closedPage(c, languageOf(c, found.invitation.language, found.invitation.language));
    try {
      await recordResponse(db, found.invitation, input);
    } catch (error) {
      if (error instanceof AppError && error.status === 400) return show(c, found.invitation, error.message);
      throw error;
    }
    return back();
  }

  return (
    new Hono<AppEnv>()
      .use('/s/*', limit)
      .use('/w/*', limit)
      .get('/s/:token', async (c) => {
        const token = c.req.param('token');
        const score = c.req.query('score');
        // One click in the e-mail: the score is saved at once.
        if (score !== undefined)
          return answer(c, token, { score: /^\d{1,2}$/.test(score) ? Number(score) : Number.NaN });
        const found = await findInvitation(db, token);
        if (found.state === 'invalid') return invalidLink(c);
        if (found.state === 'closed')
          return closedPage(c, languageOf(c, found.invitation.language, found.invitation.language));
        return show(c, found.invitation);
      })
      .post('/s/:token', async (c) => answer(c, c.req.param('token'), await readAnswer(c)))
      .get('/s/:token/unsubscribe', async (c) => {
        const found = await findInvitation(db, c.req.param('token'));
        if (found.state === 'invalid') return invalidLink(c);
        return html(
          c,
          renderUnsubscribePage(
            languageOf(c, found.invitation.language, found.invitation.language),
            new URL(c.req.url).pathname,
          ),
        );
      })
      // The page's button, and one-click unsubscribe from mail programs (RFC 8058).
      .post('/s/:token/unsubscribe', async (c) => {
        const found = await findInvitation(db, c.req.param('token'));
        if (found.state === 'invalid') return invalidLink(c);
        const { invitation } = found;
        const address = invitation.email ?? (invitation.customer_id ? `customer:${invitation.customer_id}` : undefined);
        if (address) await unsubscribe(db, invitation.orgId, address, invitation.customer_id);
        return html(c, renderMessagePage(languageOf(c, invitation.language, invitation.language), 'unsubscribed'));
      })
      .get('/w/:token', async (c) => {
        const widget = await openWidget(c);
        if (widget instanceof Response) return widget;
        const { org, survey } = widget;
        const language = languageOf(c, org.language);
        const preview: OpenInvitation = {
          orgId: org.id,
          id: '',
          survey,
          customer_id: null,
          email: null,
          language,
          expires_at: new Date(Date.now() + 86_400_000),
          responded_at: null,
          response: null,
        };
        const path = new URL(c.req.url).pathname;
        const attributes = await getServiceAttributes(db, org);
        return html(
          c,
          renderSurveyPage(preview, language, `${path}?lang=${language}`, attributes, (l) => `${path}?lang=${l}`),
        );
      })
      .post('/w/:token', async (c) => {
        const widget = await openWidget(c);
        if (widget instanceof Response) return widget;
        const { org, survey } = widget;
        const input = await readAnswer(c);
        if (input.score === undefined) return c.redirect(new URL(c.req.url).pathname, 303);
        // An anonymous invitation of its own, so the answer can get a comment and change later.
        const language = languageOf(c, org.language);
        const { created } = await inviteRecipients(
          db,
          org,
          { ...survey, fatigue_days: 0 },
          [{ email: undefined, language, customer_id: undefined, ticket_id: undefined } as never],
          'widget',
        );
        const token = created[0]!.token;
        return answer(c, token, input);
      })
  );
}
