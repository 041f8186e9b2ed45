/** A name for a barrier the analyst has not named yet, from its characteristic terms and parties. */

import { swedishList } from '../../common/text/swedish-list';

const MAX_TERMS = 3;
export const BARRIER_NAME_MAX = 160;
/** The parties themselves: already in the name as codes, and they say nothing about the cause. */
const PARTY_TERMS = new Set(['arbetsförmedlingen', 'försäkringskassan', 'kommunen', 'regionen', 'region stockholm']);

export function generatedBarrierName(terms: readonly string[], parties: readonly string[]): string {
  const picked = terms.filter((term) => !PARTY_TERMS.has(term.toLocaleLowerCase('sv'))).slice(0, MAX_TERMS);
  const core = picked.length ? swedishList(picked) : 'Återkommande hinder';
  const named = core.charAt(0).toLocaleUpperCase('sv') + core.slice(1);
  const withParties = parties.length ? `${named} (${parties.join(', ')})` : named;
  return withParties.slice(0, BARRIER_NAME_MAX);
}
