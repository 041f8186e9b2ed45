/**
 * What each kind of mail is, in Swedish, for the admin's outbox pages: the template's name (templates/mail/<name>.*.njk)
 * is a code, not something an administrator should have to read. A template added without a line here is caught by
 * mail-kinds.spec.ts.
 */
export const MAIL_KIND_LABELS: Readonly<Record<string, string>> = {
  'barrier-escalated': 'Ett strukturellt hinder har eskalerats (till verksamhetsutvecklarna)',
  'deviation-accepted': 'Avvikelsen är mottagen (till rapportören)',
  'deviation-assigned': 'Du är ansvarig för en avvikelse (till den som tilldelats)',
  'deviation-closed': 'Avvikelsen är avslutad (till rapportören)',
  'deviation-escalated': 'Avvikelsen är lyft som strukturellt hinder (till rapportören)',
  'deviation-escalated-analysts': 'En avvikelse är lyft som strukturellt hinder (till verksamhetsutvecklarna)',
  'deviation-moved': 'En avvikelse har flyttats till ett annat delprojekt (till dess delprojektledare)',
  'deviation-moved-reporter': 'Avvikelsen hanteras av ett annat delprojekt (till rapportören)',
  'deviation-moved-without-lead': 'En avvikelse har flyttats till ett delprojekt utan delprojektledare (till verksamhetsutvecklarna)',
  'deviation-new': 'Ny avvikelse (till delprojektledaren)',
  'deviation-new-without-lead': 'Ny avvikelse i ett delprojekt utan delprojektledare (till verksamhetsutvecklarna)',
  'deviation-reminder': 'Påminnelse om försenade avvikelser',
  'deviation-reopened': 'Avvikelsen är öppnad igen (till rapportören)',
  'deviation-reply': 'Nytt svar om avvikelsen (till rapportören)',
  'deviation-reporter-reply': 'Rapportören har svarat (till den som hanterar avvikelsen)',
  'deviation-resolved': 'Avvikelsen är åtgärdad (till rapportören)',
  'digest-analyst': 'Veckosammanfattning för verksamhetsutvecklare',
  'digest-lead': 'Veckosammanfattning för delprojektledare',
  'letter-sent': 'En skrivelse är skickad och rapporten ingår (till rapportören)',
  'test-notice': 'Testutskick för att pröva e-postinställningarna',
};

/** The Swedish description of a mail's kind; a template this version does not know (an older row) is named by its code. */
export function mailKindLabel(template: string): string {
  return MAIL_KIND_LABELS[template] ?? `Okänd sorts utskick (${template})`;
}
