import { badRequest } from '../../errors.ts';
import type { ImportOptions } from '../import-records.ts';
import { chatwootConversations, chatwootCsat } from './chatwoot.ts';
import { delighted } from './delighted.ts';
import { freshdesk } from './freshdesk.ts';
import { helpscout } from './helpscout.ts';
import { intercom } from './intercom.ts';
import { olistReviews } from './olist.ts';
import type { Preset } from './preset.ts';
import { refResolver } from './refs.ts';
import { stripeCustomers, stripeSubscriptions } from './stripe.ts';
import { zammad } from './zammad.ts';
import { zendesk } from './zendesk.ts';

export type { Preset } from './preset.ts';

/** Every preset; a vendor with several exports has one per entity under the same name. */
const presets: Preset[] = [
  zendesk,
  freshdesk,
  helpscout,
  intercom,
  zammad,
  chatwootConversations,
  chatwootCsat,
  delighted,
  stripeSubscriptions,
  stripeCustomers,
  olistReviews,
];

export function listPresets(): Preset[] {
  return presets;
}

/** Preset names, each once. */
export function presetNames(): string[] {
  return [...new Set(presets.map((p) => p.name))];
}

/**
 * The preset called `name`, for `entity` when the vendor has several (chatwoot: tickets or
 * survey_responses); without an entity, the vendor's first.
 */
export function getPreset(name: string, entity?: string): Preset | undefined {
  const named = presets.filter((preset) => preset.name === name);
  return entity === undefined ? named[0] : named.find((preset) => preset.entity === entity);
}

/** The preset for `name` and `entity`, or a 400 that lists what there is. */
export function requirePreset(name: string, entity: string): Preset {
  const preset = getPreset(name, entity);
  if (preset) return preset;
  const named = presets.filter((p) => p.name === name);
  if (named.length)
    throw badRequest(
      'invalid-arguments',
      `Preset ${name} is for ${named.map((p) => p.entity).join(' or ')}, not ${entity}: import it as cxkpi import ${named[0]!.entity} FILE --preset ${name}.`,
    );
  throw badRequest('invalid-arguments', `There is no preset ${name}; use one of ${presetNames().join(', ')}.`);
}

/**
 * The import options a preset stands for, with the user's own --map and --set on top (theirs
 * win) and their --date-format and --decimal-comma before the preset's.
 */
export function presetOptions(
  preset: Preset | undefined,
  user: Pick<ImportOptions, 'map' | 'set' | 'dateOrder' | 'decimalComma'>,
): Pick<
  ImportOptions,
  'map' | 'set' | 'dateOrder' | 'decimalComma' | 'unknownColumns' | 'prepare' | 'beforeWrite' | 'skip'
> {
  const dateOrder = user.dateOrder ?? preset?.dateOrder;
  const decimalComma = user.decimalComma ?? preset?.decimalComma;
  return {
    map: { ...preset?.map, ...user.map },
    set: { ...preset?.set, ...user.set },
    ...(dateOrder ? { dateOrder } : {}),
    ...(decimalComma ? { decimalComma } : {}),
    ...(preset?.keepUnknown ? { unknownColumns: 'attributes' as const } : {}),
    ...(preset?.prepare ? { prepare: preset.prepare } : {}),
    ...(preset?.refs || preset?.surveys ? { beforeWrite: refResolver(preset) } : {}),
    ...(preset?.skip ? { skip: preset.skip } : {}),
  };
}

/**
 * The preset whose signature columns a file's header holds best (all of them, or at least
 * three quarters for exports whose columns vary), for the Data page's suggestion.
 */
export function suggestPreset(columns: string[], entity?: string): Preset | undefined {
  const have = new Set(columns.map((c) => c.trim().toLowerCase()));
  let best: { preset: Preset; score: number } | undefined;
  for (const preset of presets) {
    if (entity && preset.entity !== entity) continue;
    const hits = preset.signature.filter((c) => have.has(c.toLowerCase())).length;
    const score = hits / preset.signature.length;
    if (score >= 0.75 && (!best || score > best.score)) best = { preset, score };
  }
  return best?.preset;
}
