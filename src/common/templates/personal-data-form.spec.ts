import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../errors/domain-error';
import { detectPii } from '../pii/pii-detector';
import {
  PERSONAL_DATA_FORM_MESSAGE,
  PersonalDataFormState,
  personalDataNotice,
  personalDataRemovedState,
  removePersonalData,
  wantsPiiRemoval,
  withPersonalDataNotices,
} from './personal-data-form';

const NAMES = { title: 'Rubriken', description: 'Beskrivningen', tried: 'Det som redan prövats' };

function refused(fields: Array<{ field: string; message: string }>): DomainError {
  return new DomainError('personal_data_found', 'Texten innehåller något som liknar personuppgifter.', 422, fields);
}

describe('wantsPiiRemoval', () => {
  it('is true only for the button’s own field and value', () => {
    expect(wantsPiiRemoval({ _personuppgifter: 'ta-bort', title: 'x' })).toBe(true);
    expect(wantsPiiRemoval({ _personuppgifter: ['ta-bort', 'ta-bort'] })).toBe(false);
    expect(wantsPiiRemoval({ _personuppgifter: 'ja' })).toBe(false);
    expect(wantsPiiRemoval({})).toBe(false);
    expect(wantsPiiRemoval(null)).toBe(false);
    expect(wantsPiiRemoval('_personuppgifter=ta-bort')).toBe(false);
  });
});

describe('personalDataNotice', () => {
  it('names the kinds without character positions and quotes each place', () => {
    const text = 'Deltagaren Kalle Andersson ringde. Sedan hände inget alls under flera veckor, trots att vi ringde 070-123 45 67 ofta.';
    const notice = personalDataNotice('description', text, 'Beskrivningen');
    expect(notice?.message).toBe('Beskrivningen innehåller något som liknar ett namn och ett telefonnummer:');
    expect(notice?.message).not.toMatch(/tecken|\d/);
    expect(notice?.quotes).toHaveLength(2);
    expect(notice?.more).toBe(0);
  });

  it('counts places beyond five instead of quoting them', () => {
    const text = Array.from({ length: 7 }, (_, i) => `Möte nummer ${i} med fler ord emellan så att de hålls isär, ring 070-123 45 6${i} sedan.`).join(' ');
    const notice = personalDataNotice('description', text, 'Beskrivningen');
    expect(notice?.quotes).toHaveLength(5);
    expect(notice?.more).toBe(2);
  });

  it('is null when nothing is found, and passes the writer’s own address', () => {
    expect(personalDataNotice('tried', 'Inget särskilt.', 'Det som redan prövats')).toBeNull();
    expect(personalDataNotice('tried', 'Svara till hanna@kommun.se.', 'Det som redan prövats', { ignoredEmailAddresses: ['hanna@kommun.se'] })).toBeNull();
  });
});

describe('withPersonalDataNotices', () => {
  it('replaces the personal-data messages with position-free ones and keeps a field’s own message', () => {
    const state: PersonalDataFormState = {
      values: { title: '', description: 'Med 811218-9876 i ärendet.', tried: 'Ring 070-123 45 67.' },
      errors: {
        title: 'Skriv en kort rubrik.',
        description: 'Beskrivningen innehåller något som liknar ett personnummer (tecken 5–15). Skriv om utan personuppgifter.',
        tried: 'Det är för långt.',
      },
    };
    const error = refused([
      { field: 'description', message: state.errors.description },
      { field: 'tried', message: 'Det som redan prövats innehåller något som liknar ett telefonnummer (tecken 6–18). Skriv om utan personuppgifter.' },
    ]);
    const shown = withPersonalDataNotices(state, error, NAMES);
    expect(shown.errors).toEqual({
      title: 'Skriv en kort rubrik.',
      description: 'Beskrivningen innehåller något som liknar ett personnummer:',
      tried: 'Det är för långt.',
    });
    expect(Object.keys(shown.personalData ?? {})).toEqual(['description']);
    expect(shown.formError).toBe(PERSONAL_DATA_FORM_MESSAGE);
    expect(shown.values).toBe(state.values);
  });

  it('names the kind without character positions when the shown text holds nothing to quote', () => {
    const message = 'Rubriken innehåller något som liknar ett namn (tecken 1–15). Skriv om utan personuppgifter.';
    const state: PersonalDataFormState = { values: { title: 'Ingenting här' }, errors: { title: message }, formError: 'x' };
    const error = new DomainError('personal_data_found', 'x', 422, [{ field: 'title', message }], { findings: [{ field: 'title', kind: 'namn', start: 0, end: 15 }] });
    expect(withPersonalDataNotices(state, error, NAMES)).toEqual({ ...state, errors: { title: 'Rubriken innehåller något som liknar ett namn. Skriv om utan personuppgifter.' } });
    // Without findings (the barrier checks give none), and for a field the form does not hold.
    const other = withPersonalDataNotices<PersonalDataFormState>({ values: {}, errors: { note: 'Beskrivningen innehåller något som liknar personuppgifter.' } }, refused([{ field: 'note', message: 'Beskrivningen innehåller något som liknar personuppgifter.' }]), { note: 'Beskrivningen' });
    expect(other.errors.note).toBe('Beskrivningen innehåller något som liknar personuppgifter. Skriv om utan personuppgifter.');
    expect(other.personalData).toBeUndefined();
  });

  it('quotes the tidied text when the service checked it with line breaks as spaces', () => {
    const text = 'Pratade med Fatima\nWarsame om saken.';
    const state: PersonalDataFormState = { values: { description: text }, errors: { description: 'Beskrivningen innehåller något som liknar personuppgifter.' } };
    const shown = withPersonalDataNotices(state, refused([{ field: 'description', message: state.errors.description }]), NAMES);
    expect(shown.errors.description).toMatch(/^Beskrivningen innehåller något som liknar .*:$/);
    expect(shown.personalData?.description.quotes.length).toBeGreaterThan(0);
  });

  it('says the page’s own message above the form when given one', () => {
    const state: PersonalDataFormState = { values: { tried: 'Ring 070-123 45 67.' }, errors: { tried: 'x' } };
    expect(withPersonalDataNotices(state, refused([{ field: 'tried', message: 'x' }]), NAMES, {}, 'Skrivelsen är inte granskad.').formError).toBe('Skrivelsen är inte granskad.');
  });

  it('leaves a state alone for any other error', () => {
    const state = { values: {}, errors: { title: 'x' } };
    expect(withPersonalDataNotices(state, new DomainError('validation_failed', 'x', 400, [{ field: 'title', message: 'x' }]), NAMES)).toBe(state);
  });
});

describe('removePersonalData', () => {
  it('puts the placeholders in the text fields and keeps every other value, leaving out the button', () => {
    const values = {
      _personuppgifter: 'ta-bort',
      municipalityId: 'abc',
      parties: ['AF', 'FK'],
      title: 'Kalle Andersson fick inget besked',
      description: 'Deltagaren (811218-9876) nås på 070-123 45 67.',
      tried: 'Skrev till mig på hanna@kommun.se.',
      severity: 'hog',
    };
    const removal = removePersonalData(values, ['title', 'description', 'tried'], NAMES, { ignoredEmailAddresses: ['hanna@kommun.se'] });
    expect(removal.values).toEqual({
      municipalityId: 'abc',
      parties: ['AF', 'FK'],
      title: '[namn borttaget] fick inget besked',
      description: 'Deltagaren ([personnummer borttaget]) nås på [telefonnummer borttaget].',
      tried: 'Skrev till mig på hanna@kommun.se.',
      severity: 'hog',
    });
    expect(removal.changed).toEqual(['rubriken', 'beskrivningen']);
    expect(values.title).toBe('Kalle Andersson fick inget besked');
  });

  it('leaves every sample report’s text free of findings', () => {
    const lines = readFileSync(join(__dirname, '..', '..', '..', '..', 'shared', 'samples', 'reports.jsonl'), 'utf8').split('\n').filter(Boolean);
    const fields = ['title', 'description', 'consequence', 'tried'];
    let changed = 0;
    for (const line of lines) {
      const report = JSON.parse(line) as Record<string, unknown>;
      const removal = removePersonalData(report, fields, {});
      changed += removal.changed.length;
      for (const field of fields) {
        const text = removal.values[field];
        if (typeof text === 'string') expect(detectPii(text)).toEqual([]);
      }
    }
    expect(changed).toBeGreaterThanOrEqual(10);
  });

  it('masks a name across a line break, which a service reading the text tidied would refuse', () => {
    const removal = removePersonalData({ note: 'Ring 070-123 45 67 och Fatima\nWarsame.' }, ['note'], { note: 'Beskrivningen' });
    expect(removal.values.note).toBe('Ring [telefonnummer borttaget] och [namn borttaget].');
    expect(removePersonalData({ note: 'Rad ett.\nRad två.' }, ['note'], {}).values.note).toBe('Rad ett.\nRad två.');
  });

  it('gives a state with the masked values, no errors and what to press next', () => {
    const state = personalDataRemovedState({ tried: 'Ring 070-123 45 67.' }, ['tried'], NAMES, 'Skicka avvikelsen');
    expect(state).toEqual({
      values: { tried: 'Ring [telefonnummer borttaget].' },
      errors: {},
      piiRemoved: { fields: ['det som redan prövats'], where: 'det som redan prövats', next: 'Skicka avvikelsen' },
    });
  });
});
