import { Hono } from 'hono';
import { SENTIMENT_MODEL } from '../../feedback/sentiment/index.ts';
import { answerSentiment, ZSentimentBody } from '../../feedback/sentiment/requests.ts';
import { requireAccess, type AppDeps, type AppEnv } from '../app.ts';
import { parseBody } from './auth.ts';

/**
 * POST /api/v1/sentiment, the twin of `cxkpi sentiment`: {text, lang?} answers {class, score,
 * language, model}; {items: [{text, lang?}, ...]} answers {items: [...], model}.
 */
export function sentimentRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().post('/api/v1/sentiment', requireAccess(deps, 'query'), async (c) => {
    const body = await parseBody(c, ZSentimentBody);
    if ('items' in body) return c.json({ items: body.items.map(answerSentiment), model: SENTIMENT_MODEL });
    return c.json({ ...answerSentiment(body), model: SENTIMENT_MODEL });
  });
}
