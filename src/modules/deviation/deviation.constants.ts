/**
 * The deviation's closed vocabularies: code values (English-ish, stable, in the database and API)
 * and the Swedish words users read. DOMAIN.md is the source of the labels.
 */

export const DEVIATION_CATEGORIES = ['gransnitt', 'regelverk', 'informationsdelning', 'insats_saknas', 'forsorjning', 'intern', 'ovrigt'] as const;
export type DeviationCategory = (typeof DEVIATION_CATEGORIES)[number];

export const CATEGORY_LABELS: Record<DeviationCategory, string> = {
  gransnitt: 'Gränssnitt mellan huvudmän',
  regelverk: 'Regelverk hindrar',
  informationsdelning: 'Informationsdelning (sekretess, samtycke, informationsöverföring)',
  insats_saknas: 'Insats saknas eller är stängd',
  forsorjning: 'Ersättning och försörjning',
  intern: 'Intern rutin i delprojektet',
  ovrigt: 'Övrigt',
};

export const DEVIATION_PARTIES = ['AF', 'FK', 'KOMMUN', 'REGION', 'ANNAN'] as const;
export type DeviationParty = (typeof DEVIATION_PARTIES)[number];

export const PARTY_LABELS: Record<DeviationParty, string> = {
  AF: 'Arbetsförmedlingen',
  FK: 'Försäkringskassan',
  KOMMUN: 'Kommunen',
  REGION: 'Region Stockholm',
  ANNAN: 'Annan (t.ex. skola, CSN, utförare)',
};

export const DEVIATION_SEVERITIES = ['lag', 'medel', 'hog'] as const;
export type DeviationSeverity = (typeof DEVIATION_SEVERITIES)[number];

export const SEVERITY_LABELS: Record<DeviationSeverity, string> = { lag: 'Låg', medel: 'Medel', hog: 'Hög' };

/** Sorting "most severe first" ascends this number; it mirrors the generated column severity_order. */
export const SEVERITY_ORDER: Record<DeviationSeverity, number> = { hog: 1, medel: 2, lag: 3 };

export const COMMENT_VISIBILITIES = ['internal', 'reporter'] as const;
export type CommentVisibility = (typeof COMMENT_VISIBILITIES)[number];

export const COMMENT_VISIBILITY_LABELS: Record<CommentVisibility, string> = {
  internal: 'Intern anteckning',
  reporter: 'Svar till rapportören',
};

/** How each free-text field is named in a Swedish sentence ("Beskrivningen innehåller …"). */
export const TEXT_FIELD_NAMES: Record<string, string> = {
  title: 'Rubriken',
  description: 'Beskrivningen',
  consequence: 'Konsekvensen för deltagaren',
  tried: 'Det som redan prövats',
  resolution: 'Åtgärden',
  comment: 'Kommentaren',
  body: 'Texten',
};

export function labelled<T extends string>(values: readonly T[], labels: Record<T, string>): Array<{ value: T; label: string }> {
  return values.map((value) => ({ value, label: labels[value] }));
}
