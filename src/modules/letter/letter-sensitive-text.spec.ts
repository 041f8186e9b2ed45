import { kindOfPlaceholder, sensitiveAnswerNotice, sensitiveTextNotice } from './letter-sensitive-text';
import { defaultSpecialCategoryDetector } from './special-category';

const empty = { recipient: '', subject: '', summary: '', evidence: '', consequences: '', triedLocally: '', interfaceRules: '', requestedAction: '' };

describe('the warning of special-category words in a letter’s own text', () => {
  it('names every kind of the shipped word list in the plural', () => {
    expect(defaultSpecialCategoryDetector().placeholders.map(kindOfPlaceholder)).toEqual([
      'hälsouppgifter',
      'uppgifter om etniskt ursprung',
      'uppgifter om religion',
      'uppgifter om sexuell läggning',
      'uppgifter om sexualliv',
      'uppgifter om facklig tillhörighet',
      'uppgifter om politisk åsikt',
    ]);
  });

  it('lists each word once per field, as first written, and sums up a long list', () => {
    const notice = sensitiveTextNotice({
      ...empty,
      summary: 'Depression, depression, ångest, missbruk, diabetes och epilepsi.',
      requestedAction: 'Vi ber om stöd vid psykisk ohälsa.',
    });
    expect(notice).toEqual({
      kinds: 'hälsouppgifter',
      fields: [
        { field: 'summary', label: 'Bakgrund och hinder', terms: '”Depression”, ”ångest”, ”missbruk” och 2 till' },
        { field: 'requestedAction', label: 'Vad vi begär', terms: '”psykisk ohälsa”' },
      ],
    });
  });

  it('says nothing of placeholders or ordinary words', () => {
    expect(sensitiveTextNotice({ ...empty, evidence: '”Hennes [hälsouppgift borttagen] har blivit värre.” Psykosocialt stöd saknas.' })).toBeNull();
  });
});

describe('the warning of special-category words in the recipient’s answer', () => {
  it('names the words in the answer as the letter’s text does, under the answer’s label', () => {
    expect(sensitiveAnswerNotice('Rådet delar bilden att deltagare med psykisk ohälsa och missbruk faller mellan stolarna.')).toEqual({
      kinds: 'hälsouppgifter',
      fields: [{ field: 'answer', label: 'Mottagarens svar', terms: '”psykisk ohälsa” och ”missbruk”' }],
    });
  });

  it('says nothing of an answer without such words', () => {
    expect(sensitiveAnswerNotice('Rådet tar upp frågan på sitt möte i februari och återkommer.')).toBeNull();
  });
});
