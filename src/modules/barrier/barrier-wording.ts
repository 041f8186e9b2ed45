import { DEVIATION_PARTIES } from '../deviation/deviation.constants';

/** The parties as a sentence names them; the codes (AF, FK …) are the app's shorthand, not words for a reader. */
export const PARTY_WORDS: Record<string, string> = {
  AF: 'Arbetsförmedlingen',
  FK: 'Försäkringskassan',
  KOMMUN: 'kommunen',
  REGION: 'regionen',
  ANNAN: 'annan part',
};

const CODES = DEVIATION_PARTIES.join('|');
const PARTY_CODE_SUFFIX = new RegExp(`\\s*\\((?:${CODES})(?:,\\s*(?:${CODES}))*\\)\\s*$`, 'u');
const PARTY_REASON = new RegExp(`^parter ((?:${CODES})(?:\\+(?:${CODES}))*)$`, 'u');

/** A generated name without its trailing party codes ("Samtycke och blankett (FK, ANNAN)" → "Samtycke och blankett"); the page lists the parties beside it. */
export function barrierDisplayName(name: string): string {
  const trimmed = name.trim();
  const stripped = trimmed.replace(PARTY_CODE_SUFFIX, '');
  return stripped === '' ? trimmed : stripped;
}

/** A barrier named in a stored reason: 'Avdelat från hindret "Sjukpenning och ersättning (AF, FK)" av …'. */
const NAMED_BARRIER = /(hindret ")([^"]*)(")/gu;

/**
 * The engine's reason "parter ANNAN+FK" in words: "samma parter: annan part och Försäkringskassan". A barrier a
 * reason names (split off or merged from it) as pages show it, without its party codes. Other reasons as they are.
 */
export function readableReason(reason: string): string {
  const match = PARTY_REASON.exec(reason.trim());
  if (!match) return reason.replace(NAMED_BARRIER, (_whole, before: string, name: string, after: string) => `${before}${barrierDisplayName(name)}${after}`);
  const words = match[1].split('+').map((code) => PARTY_WORDS[code] ?? code);
  const list = words.length > 1 ? `${words.slice(0, -1).join(', ')} och ${words[words.length - 1]}` : words[0];
  return `${words.length > 1 ? 'parterna' : 'parten'} ${list}`;
}
