import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAIL_KIND_LABELS, mailKindLabel } from './mail-kinds';

describe('mail kinds', () => {
  const templates = [...new Set(readdirSync(join(__dirname, '../../../templates/mail')).filter((file) => file.endsWith('.subject.njk')).map((file) => file.replace(/\.subject\.njk$/, '')))].sort();

  it('describes every mail template in Swedish, and no template that does not exist', () => {
    expect(templates.length).toBeGreaterThan(15);
    expect(Object.keys(MAIL_KIND_LABELS).sort()).toEqual(templates);
    for (const label of Object.values(MAIL_KIND_LABELS)) for (const code of templates) expect(label).not.toContain(code);
  });

  it('names a template it does not know by its code rather than failing', () => {
    expect(mailKindLabel('letter-sent')).toBe('En skrivelse är skickad och rapporten ingår (till rapportören)');
    expect(mailKindLabel('finns-inte')).toBe('Okänd sorts utskick (finns-inte)');
  });
});
