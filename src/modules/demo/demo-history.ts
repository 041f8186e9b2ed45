import { stableHash } from '../../common/hashing/stable-hash';

const DAY_MS = 86_400_000;

/** What leads write when they close the loop; general, as they concern no one in particular. */
const LOCAL_RESOLUTIONS = [
  'Avstämt med handläggaren; ärendet kom vidare efter ett gemensamt möte.',
  'Rutinen för överlämning förtydligad i delprojektet.',
  'Deltagaren fick stöd att komplettera underlaget och ny tid bokades.',
  'Kontaktperson utsedd hos myndigheten; frågan löst lokalt.',
  'Tagit upp i samverkansteamet och enats om hur det ska gå till framöver.',
  'Internt fel rättat; arbetscoacherna informerade på arbetsplatsträffen.',
];
const STRUCTURAL_CLOSING = 'Försökt lösa med handläggarna lokalt utan att komma vidare; lyft som strukturellt hinder.';

/** A stable number in [0, 1) from a text and a salt: the same demo report always gets the same history. */
function unit(text: string, salt: number): number {
  return stableHash(text, salt) / 4_294_967_296;
}

/**
 * Gives a demo report the history a real one of its age would have, in the import format's history
 * columns: most older reports accepted within days, handled locally and closed, some escalated as
 * structural; recent ones still new or being looked into. Deterministic per externalId, and no time
 * after `now`. The seeder then dates each report's import to its reporting, so deadlines count from when
 * it was reported, as for a report filed here, and the newest unaccepted ones are late.
 */
export function withDemoHistory(row: Record<string, unknown>, now: Date): Record<string, unknown> {
  const id = String(row.externalId ?? '');
  const reported = Date.parse(String(row.reportedAt ?? ''));
  if (!id || Number.isNaN(reported)) return row;
  const ageDays = (now.getTime() - reported) / DAY_MS;
  const [u, v, w] = [unit(id, 1), unit(id, 2), unit(id, 3)];
  const latest = now.getTime() - 3_600_000;
  const at = (ms: number): string => new Date(Math.min(ms, latest)).toISOString();
  // The newest: not yet accepted, some of them reported a little while ago.
  if (ageDays < 3 || (ageDays < 10 && u > 0.55)) return row;
  const accepted = reported + (0.05 + 4 * u * u) * DAY_MS;
  const history: Record<string, unknown> = { status: 'mottagen', acceptedAt: at(accepted) };
  if (ageDays < 30) {
    if (v < 0.5) history.status = 'under_utredning';
    return { ...row, ...history };
  }
  const structural = (row.category === 'gransnitt' || row.category === 'regelverk' || row.category === 'informationsdelning') && v < 0.35;
  if (structural) {
    const escalated = accepted + (2 + 20 * w) * DAY_MS;
    Object.assign(history, { status: 'strukturellt_hinder', escalatedAt: at(escalated) });
    if (ageDays > 200 && w < 0.5) Object.assign(history, { status: 'avslutad', resolution: STRUCTURAL_CLOSING, closedAt: at(escalated + (5 + 30 * u) * DAY_MS) });
    return { ...row, ...history };
  }
  if (v > 0.9) {
    history.status = 'under_utredning';
    return { ...row, ...history };
  }
  const resolved = accepted + (1 + 45 * v * w) * DAY_MS;
  Object.assign(history, { status: 'atgardad_lokalt', resolution: LOCAL_RESOLUTIONS[Math.floor(w * LOCAL_RESOLUTIONS.length)], resolvedAt: at(resolved) });
  if (ageDays > 75) Object.assign(history, { status: 'avslutad', closedAt: at(resolved + (1 + 13 * u) * DAY_MS) });
  return { ...row, ...history };
}
