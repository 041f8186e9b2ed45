import { IsString, Length } from 'class-validator';
import { DomainError, NotFoundError } from '../errors/domain-error';
import { PERSONAL_DATA_FORM_MESSAGE } from './personal-data-form';
import { PersonalDataFields, runTextForm } from './personal-data-post';

class NoteDto {
  @IsString()
  @Length(3, 200, { message: 'Skriv 3–200 tecken.' })
  note!: string;
}

const FIELDS: PersonalDataFields = { texts: ['note'], names: { note: 'Anteckningen' }, next: 'Spara' };

/** What a service refusing personal data throws (kind and position, as the API answers). */
function refusal(): DomainError {
  return new DomainError('personal_data_found', 'Inget har sparats.', 422, [
    { field: 'note', message: 'Anteckningen innehåller något som liknar ett telefonnummer (tecken 6–18). Skriv om utan personuppgifter.' },
  ]);
}

describe('runTextForm', () => {
  it('after "Ta bort personuppgifterna åt mig" masks the text, keeps the rest and submits nothing', async () => {
    const submit = jest.fn();
    const outcome = await runTextForm({ ...FIELDS, raw: { note: 'Ring 070-123 45 67.', other: 'x', _csrf: 't', _personuppgifter: 'ta-bort' }, dto: NoteDto, submit });
    expect(outcome).toEqual({
      state: { values: { note: 'Ring [telefonnummer borttaget].', other: 'x' }, errors: {}, piiRemoved: { fields: ['anteckningen'], where: 'anteckningen', next: 'Spara' } },
      status: 200,
    });
    expect(submit).not.toHaveBeenCalled();
  });

  it('runs the form’s own check on the masked form too, when it has one', async () => {
    const outcome = await runTextForm({
      ...FIELDS,
      raw: { note: 'Ring 070-123 45 67.', _personuppgifter: 'ta-bort' },
      dto: NoteDto,
      submit: jest.fn(),
      problems: async (values) => ({ values, errors: { date: 'Ange ett datum.' }, formError: 'Rätta datumet.' }),
    });
    expect(outcome.redirect).toBeUndefined();
    expect(outcome.redirect === undefined && outcome.state).toMatchObject({ values: { note: 'Ring [telefonnummer borttaget].' }, errors: { date: 'Ange ett datum.' }, formError: 'Rätta datumet.' });
  });

  it('gives the form’s own messages with 400, and goes on to where submit says', async () => {
    expect(await runTextForm({ ...FIELDS, raw: { note: 'x' }, dto: NoteDto, submit: jest.fn() })).toEqual({
      state: { values: { note: 'x' }, errors: { note: 'Skriv 3–200 tecken.' } },
      status: 400,
    });
    expect(await runTextForm({ ...FIELDS, raw: { note: 'Allt gick bra.' }, dto: NoteDto, submit: async (dto) => `/klart?${dto.note.length}` })).toEqual({
      redirect: '/klart?14',
    });
  });

  it('quotes the writer’s words when the action refuses personal data, without character positions', async () => {
    const outcome = await runTextForm({
      ...FIELDS,
      raw: { note: 'Ring 070-123 45 67 i morgon.' },
      dto: NoteDto,
      submit: async () => {
        throw refusal();
      },
    });
    if (outcome.redirect !== undefined) throw new Error('submitted');
    expect(outcome.status).toBe(422);
    expect(outcome.error?.code).toBe('personal_data_found');
    expect(outcome.state.formError).toBe(PERSONAL_DATA_FORM_MESSAGE);
    expect(outcome.state.errors).toEqual({ note: 'Anteckningen innehåller något som liknar ett telefonnummer:' });
    expect(outcome.state.personalData?.note.quotes[0].segments).toEqual([
      { text: 'Ring ', marked: false },
      { text: '070-123 45 67', marked: true },
      { text: ' i morgon.', marked: false },
    ]);
  });

  it('keeps what the page asks after a refusal, and leaves the errors it passes through to Nest', async () => {
    const kept = await runTextForm({
      ...FIELDS,
      raw: { note: 'Allt gick bra.', version: '1' },
      dto: NoteDto,
      submit: async () => {
        throw new DomainError('conflict', 'Ändrad av någon annan.', 409);
      },
      keep: (values) => ({ ...values, version: '2' }),
    });
    expect(kept).toMatchObject({ state: { values: { note: 'Allt gick bra.', version: '2' }, formError: 'Ändrad av någon annan.' }, status: 409 });
    const gone = runTextForm({
      ...FIELDS,
      raw: { note: 'Allt gick bra.' },
      dto: NoteDto,
      passThrough: (error) => error.status === 404,
      submit: async () => {
        throw new NotFoundError('Avvikelsen');
      },
    });
    await expect(gone).rejects.toBeInstanceOf(NotFoundError);
  });
});
