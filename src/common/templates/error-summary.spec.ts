import { saidByAField } from './error-summary';

describe('saidByAField', () => {
  it('is true when a field error says the form error, alone or with more', () => {
    expect(saidByAField('Ingen rapport har referensen "X".', { report: 'Ingen rapport har referensen "X". Kontrollera den.' })).toBe(true);
    expect(saidByAField('Det finns redan en kommun som heter Tyresö.', { name: 'Det finns redan en kommun som heter Tyresö.' })).toBe(true);
  });

  it('is false for a form error of its own, or without one', () => {
    expect(saidByAField('Inget har sparats.', { title: 'Skriv en rubrik.' })).toBe(false);
    expect(saidByAField(undefined, { title: 'Skriv en rubrik.' })).toBe(false);
    expect(saidByAField('  ', { title: '  ' })).toBe(false);
    expect(saidByAField('Fel.', undefined)).toBe(false);
  });
});
