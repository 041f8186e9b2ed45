import { Body, Controller, Get, OnModuleInit, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Roles } from '../../common/auth/auth.decorators';
import { AuthenticatedRequest, AuthUser } from '../../common/auth/auth-user';
import { stockholmDate } from '../../common/calendar/working-days';
import { Clock } from '../../common/clock/clock';
import { DomainError, FieldProblem, NotFoundError } from '../../common/errors/domain-error';
import { containsPii } from '../../common/pii/pii-detector';
import { ID_IN_PATH, postedText, ResumableForms, ResumedPage, resumedForm } from '../../common/security/resumable-forms';
import { PageRenderer, redirectAfterPost } from '../../common/templates/page-renderer';
import {
  confirmedIdNumbers,
  PersonalDataFormState,
  personalDataRemovedState,
  resumedButton,
  wantsPiiRemoval,
  withIdNumberQuestions,
  withPersonalDataNotices,
} from '../../common/templates/personal-data-form';
import { isNotFound, PersonalDataFields, postTextForm, refusedTextForm, runTextForm } from '../../common/templates/personal-data-post';
import { fieldErrors, formValues, FormValues, validateForm } from '../../common/validation/validation';
import { LetterCreateDto } from './dto/letter-create.dto';
import { LetterTransitionDto } from './dto/letter-transition.dto';
import { letterTextsOf, LetterUpdateDto, tidyLine, tidyText } from './dto/letter-update.dto';
import { LETTER_FIELD_MAX, LETTER_FIELD_NAMES, LETTER_SECTION_HEADINGS, LETTER_SECTIONS, LETTER_SENDER_FIELDS, LETTER_SENDER_LABELS, LetterSenderField } from './letter.constants';
import { sendDocx } from './letter.controller';
import { evidenceTables } from './letter-document';
import { LetterIdNumberOptions, LetterService, LetterUpsertOutcome, LetterView, offeredSender } from './letter.service';
import { LETTER_ACTION_LABELS } from './letter-workflow';
import { sensitiveAnswerNotice, SensitiveTextNotice, sensitiveTextNotice, sensitiveWords } from './letter-sensitive-text';
import { assertLetterHasNoPersonalData, senderIdNumberProblems } from './letter-personal-data';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });


/**
 * A form's values and errors; after a refusal for personal data also where it was found (see personal-data-form).
 * `idNumberRefusal`: a reviewed letter's send was refused for a number that looks like a mistyped personnummer,
 * which is answered for in the draft, so the read-only text offers no button.
 */
type FormState = PersonalDataFormState & { idNumberRefusal?: boolean };

/**
 * The letter's free text, which the personal-data check reads and "Ta bort personuppgifterna åt mig" masks. A number
 * that looks like a mistyped personnummer is asked about once (idNumbers): the letter leaves the organisation.
 */
const TEXT_FORM: PersonalDataFields = { texts: ['recipient', 'subject', ...LETTER_SECTIONS], names: LETTER_FIELD_NAMES, next: 'Spara utkast', idNumbers: true };
/** The recipient's answer: the only text of the status forms that the analyst writes there. */
const ANSWER_FORM: PersonalDataFields = { texts: ['answer'], names: LETTER_FIELD_NAMES, next: 'Registrera svar', idNumbers: true };

/** Said above the letter's text when the stored text refused a review or a send. */
const REVIEW_REFUSED =
  'Skrivelsen är inte granskad: texten innehåller något som liknar personuppgifter. Det som hittades är markerat nedan. Skriv om det, eller låt oss ta bort det åt dig, spara utkastet och granska sedan igen.';
const SEND_REFUSED =
  'Skrivelsen är inte markerad som skickad och ingen har fått e-post: texten innehåller något som liknar personuppgifter. Det som hittades är markerat nedan. En granskad skrivelse kan inte ändras, så den förs tillbaka till utkast om du låter oss ta bort det åt dig; du får läsa texten innan något sparas.';

/** Said above the letter's text when the stored text holds a number like a mistyped personnummer that nobody has vouched for. */
const REVIEW_ID_NUMBER_REFUSED =
  'Skrivelsen är inte granskad: texten innehåller ett nummer som ser ut som ett personnummer eller samordningsnummer, kanske felskrivet, och ingen har sagt att det inte är ett. Det är markerat nedan: ta bort det, eller svara att det inte är ett personnummer, och granska sedan igen.';
const SEND_ID_NUMBER_REFUSED =
  'Skrivelsen är inte markerad som skickad och ingen har fått e-post: texten innehåller ett nummer som ser ut som ett personnummer eller samordningsnummer, kanske felskrivet, och ingen har sagt att det inte är ett. Det är markerat nedan. För tillbaka skrivelsen till utkast, ta bort numret eller svara att det inte är ett personnummer när du sparar, och granska igen.';

/** Said above the letter's text when a sender field saved before the identity-number check refused a review or a send. */
const SENDER_REVIEW_REFUSED = 'Skrivelsen är inte granskad: avsändaruppgifterna innehåller något som liknar ett personnummer. Rätta det som är markerat nedan, spara utkastet och granska sedan igen.';
const SENDER_SEND_REFUSED =
  'Skrivelsen är inte markerad som skickad och ingen har fått e-post: avsändaruppgifterna innehåller något som liknar ett personnummer. För tillbaka skrivelsen till utkast, rätta uppgiften, spara och granska igen.';

/**
 * Posted with the answer once its special-category words have been shown, holding the words shown: the next press
 * registers it, unless the answer has been changed to name other such words, which are then shown too.
 */
const ANSWER_CHECKED_FIELD = 'svaretKontrollerat';

/** The words a warning showed, as the hidden field carries them. */
function warnedWords(notice: SensitiveTextNotice): string {
  return notice.fields.map((field) => field.terms).join(' | ');
}

/** The posted answer as the service reads it (tidied), for its warning. */
function postedAnswer(values: FormValues): string {
  return String(tidyText({ value: postedText(values, 'answer') }));
}

/** What the page says after a successful post (?klart=…). */
const NOTICES: Record<string, string> = {
  created: 'Utkastet är skapat ur hindrets rapporter. Läs igenom och anpassa texten.',
  sparat: 'Utkastet är sparat.',
  refreshed: 'Underlaget är uppdaterat. Avsnitt du har ändrat är orörda.',
  unchanged: 'Underlaget är redan aktuellt; inget nytt i rapporterna.',
  'sparat-refreshed': 'Dina ändringar är sparade och underlaget är uppdaterat. Avsnitt du har ändrat är orörda.',
  'sparat-unchanged': 'Dina ändringar är sparade. Underlaget är redan aktuellt; inget nytt i rapporterna.',
  'sparat-kansliga':
    'Dina ändringar är sparade, men skrivelsen är inte granskad än: texten nämner nu ord som kan vara känsliga personuppgifter. Läs varningen överst på sidan och tryck sedan på Granska igen.',
  'sparat-review': 'Dina ändringar är sparade och skrivelsen är granskad. Den kan inte ändras längre; för tillbaka den till utkast om något behöver rättas.',
  review: 'Skrivelsen är granskad. Den kan inte ändras längre; för tillbaka den till utkast om något behöver rättas.',
  reopen: 'Skrivelsen är tillbaka som utkast och kan ändras.',
  send: 'Skrivelsen är markerad som skickad. Rapportörerna vars rapporter ingår får e-post.',
  answer: 'Svaret är registrerat.',
};

/** How many reports' reporters are mailed when the letter is marked as sent. */
function reportsOf(letter: LetterView): number {
  return letter.evidenceSnapshot.memberIds?.length ?? letter.evidenceSnapshot.reportCount;
}

/** "rapportörerna till 3 avvikelser", but "rapportören till skrivelsens avvikelse" when there is one. */
function reportersOf(letter: LetterView): string {
  const count = reportsOf(letter);
  return count === 1 ? 'rapportören till skrivelsens avvikelse' : `rapportörerna till ${count} avvikelser`;
}

/**
 * The editor's values for a letter: as stored, and while no sender is set (a draft the barrier job made) the
 * analyst's own name, title and e-mail, saved with the text. A sender left out on purpose ('') stays out.
 */
function editorValues(letter: LetterView, user: AuthUser | undefined): FormValues {
  const offered = (user ? offeredSender(letter, user) : null) ?? {};
  const values: FormValues = { ...letter };
  for (const field of LETTER_SENDER_FIELDS) values[field] = letter[field] ?? offered[field] ?? '';
  return values;
}

/** Whether the edit brings special-category words into the letter that the stored text (and so the warning) lacks. */
function addsSensitiveWords(stored: LetterView, edit: LetterUpdateDto): boolean {
  const before = sensitiveWords(stored);
  return [...sensitiveWords(letterTextsOf(edit))].some((word) => !before.has(word));
}

/** A post carrying the editor's text (its state buttons submit the editor's form), not a bare button press. */
function isEditorPost(values: FormValues): boolean {
  return typeof values.subject === 'string' && typeof values.summary === 'string' && typeof values.requestedAction === 'string';
}

function isSenderField(field: string): field is LetterSenderField {
  return (LETTER_SENDER_FIELDS as readonly string[]).includes(field);
}

/** Where on the letter page each form posting to an address of its own is, for a GET of that address. */
const FORM_SECTIONS: Record<string, string> = {
  status: '#status',
  underlag: '#underlag',
};

const OUTCOME_NOTICES: Partial<Record<LetterUpsertOutcome, string>> = { created: 'created', refreshed: 'refreshed', unchanged: 'unchanged' };

/** The editor's fields in the order the form shows them, so the error summary reads top to bottom. */
const EDITOR_FIELDS: readonly string[] = ['recipient', 'referenceNumber', 'subject', ...LETTER_SECTIONS, 'signatoryName', 'signatoryTitle', 'contactEmail', 'contactPhone', 'version'];

/**
 * Every problem of the editor's form in one round: the form's own rules, an identity number in a sender field and
 * personal data in the text, as the service would refuse them (its tidied values), so that a bad e-mail address does
 * not hide a personnummer typed in the phone field until the next save.
 */
async function editorProblems(values: FormValues): Promise<FormState> {
  const form = await validateForm(LetterUpdateDto, values);
  const line = (field: string): string => String(tidyLine({ value: postedText(values, field) }));
  const text = (field: string): string => String(tidyText({ value: postedText(values, field) }));
  const sender = Object.fromEntries(LETTER_SENDER_FIELDS.filter((field) => !form.errors[field]).map((field) => [field, line(field)]));
  const found: Record<string, string> = { ...form.errors };
  for (const problem of senderIdNumberProblems(sender)) found[problem.field] ??= problem.message;
  let refused: DomainError | null = null;
  try {
    assertLetterHasNoPersonalData(Object.fromEntries(TEXT_FORM.texts.map((field) => [field, field === 'subject' ? text(field).replace(/\s+/g, ' ') : text(field)])));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    refused = error;
    for (const problem of error.fields) found[problem.field] ??= problem.message;
  }
  const errors: Record<string, string> = {};
  for (const field of EDITOR_FIELDS) if (found[field]) errors[field] = found[field];
  for (const [field, message] of Object.entries(found)) errors[field] ??= message;
  const state: FormState = { values, errors };
  return refused ? withPersonalDataNotices(state, refused, TEXT_FORM.names, TEXT_FORM.pii) : state;
}



/** The analyst's pages: list, editor with state buttons, print page and DOCX download. */
@ApiExcludeController()
@Roles('analyst')
@Controller()
export class LetterPageController implements OnModuleInit {
  constructor(
    private readonly letters: LetterService,
    private readonly pages: PageRenderer,
    private readonly clock: Clock,
    private readonly resumable: ResumableForms,
  ) {}

  /**
   * The letter's text and the recipient's answer come back filled in when posted after the login
   * ended (an analyst may write for an hour). Nothing of the letter but what was posted is shown.
   */
  onModuleInit(): void {
    /** The editor's text as posted, to the path it was posted to, with the button that was pressed. */
    const editorResumed = (values: FormValues, id: string, action: string, button: { label: string; name?: string; value?: string }): ResumedPage =>
      resumedForm({
        heading: 'Skrivelsens text',
        action,
        fields: [
          { name: 'version', label: 'Version', kind: 'hidden', value: postedText(values, 'version') },
          { name: 'recipient', label: 'Mottagare', kind: 'textarea', rows: 3, value: postedText(values, 'recipient') },
          { name: 'subject', label: 'Ämnesrad', kind: 'text', value: postedText(values, 'subject') },
          { name: 'referenceNumber', label: LETTER_SENDER_LABELS.referenceNumber, kind: 'text', value: postedText(values, 'referenceNumber') },
          ...LETTER_SECTIONS.map((key) => ({
            name: key,
            label: LETTER_SECTION_HEADINGS[key],
            kind: 'textarea' as const,
            rows: key === 'evidence' ? 10 : 7,
            value: postedText(values, key),
          })),
          ...(['signatoryName', 'signatoryTitle', 'contactEmail', 'contactPhone'] as const).map((name) => ({
            name,
            label: LETTER_SENDER_LABELS[name],
            kind: 'text' as const,
            value: postedText(values, name),
          })),
        ],
        button,
        back: { href: `/skrivelser/${id}`, label: 'Till skrivelsen' },
      });
    this.resumable.register({
      path: new RegExp(`^/skrivelser/${ID_IN_PATH}$`),
      render: async (_request, values, match) => editorResumed(values, match[1], `/skrivelser/${match[1]}`, resumedButton(values, { label: 'Spara utkast' })),
    });
    // "Uppdatera underlaget nu" under the editor posts the editor's text; a bare press (an older page) goes to the login page.
    this.resumable.register({
      path: new RegExp(`^/skrivelser/${ID_IN_PATH}/underlag$`),
      render: async (_request, values, match) =>
        isEditorPost(values) ? editorResumed(values, match[1], `/skrivelser/${match[1]}/underlag`, { label: 'Uppdatera underlaget nu' }) : null,
    });
    this.resumable.register({
      path: new RegExp(`^/skrivelser/${ID_IN_PATH}/status$`),
      // "Granska" with the editor's text, the recipient's answer and the send form (its date and confirmation); the other
      // state buttons go to the login page.
      render: async (_request, values, match) =>
        postedText(values, 'action') === 'review' && isEditorPost(values)
          ? editorResumed(values, match[1], `/skrivelser/${match[1]}/status`, { label: 'Granska', name: 'action', value: 'review' })
          : postedText(values, 'action') === 'send'
          ? resumedForm({
              heading: 'Markera skickad',
              action: `/skrivelser/${match[1]}/status`,
              fields: [
                { name: 'version', label: 'Version', kind: 'hidden', value: postedText(values, 'version') },
                { name: 'action', label: 'Åtgärd', kind: 'hidden', value: 'send' },
                { name: 'sentOn', label: 'Skickad den', kind: 'date', value: postedText(values, 'sentOn') },
                {
                  name: 'bekraftat',
                  label: 'Bekräfta',
                  kind: 'checkboxes',
                  // Without a login the page may not say how many reports the letter holds.
                  options: [{ value: 'ja', label: 'Skrivelsen är skickad. Rapportörerna till avvikelserna i skrivelsen får e-post.' }],
                  value: postedText(values, 'bekraftat') === 'ja' ? 'ja' : '',
                },
              ],
              button: { label: 'Markera skickad' },
              back: { href: `/skrivelser/${match[1]}`, label: 'Till skrivelsen' },
            })
          : postedText(values, 'action') !== 'answer' || !postedText(values, 'answer').trim()
          ? null
          : resumedForm({
              heading: 'Registrera mottagarens svar',
              action: `/skrivelser/${match[1]}/status`,
              fields: [
                { name: 'version', label: 'Version', kind: 'hidden', value: postedText(values, 'version') },
                { name: 'action', label: 'Åtgärd', kind: 'hidden', value: 'answer' },
                { name: 'answerReceivedOn', label: 'Svaret kom den', kind: 'date', value: postedText(values, 'answerReceivedOn') },
                { name: 'answer', label: 'Mottagarens svar', kind: 'textarea', rows: 6, value: postedText(values, 'answer') },
              ],
              button: resumedButton(values, { label: 'Registrera svar' }),
              back: { href: `/skrivelser/${match[1]}`, label: 'Till skrivelsen' },
            }),
    });
  }

  @Get('skrivelser')
  async list(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.renderList(request, reply, { values: {}, errors: {} });
  }

  @Post('skrivelser')
  async create(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() raw: unknown): Promise<FastifyReply> {
    const values = formValues(raw);
    const form = await validateForm(LetterCreateDto, values);
    if (!form.value) return this.renderList(request, reply, { values, errors: form.errors }, 400);
    try {
      const result = await this.letters.createForBarrier(request.user as AuthUser, form.value.barrierId);
      const notice = OUTCOME_NOTICES[result.outcome];
      return redirectAfterPost(reply, `/skrivelser/${result.letterId}${notice ? `?klart=${notice}` : ''}`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const errors = error.status === 404 ? { barrierId: 'Hindret finns inte längre. Välj ett annat.' } : fieldErrors(error);
      return this.renderList(request, reply, { values, errors, formError: error.message }, error.status);
    }
  }

  // Declared before ':id' so "…/<id>.docx" is never read as an id.
  @Get('skrivelser/:id.docx')
  async docx(@Req() request: AuthenticatedRequest, @Param('id', uuid) id: string, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return sendDocx(reply, await this.letters.docx(id, request.user));
  }

  @Get('skrivelser/:id/utskrift')
  async print(@Req() request: AuthenticatedRequest, @Param('id', uuid) id: string, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const html = await this.letters.printPage(id, request.user);
    return reply.status(200).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  }

  /**
   * A letter form's address (/skrivelser/:id/status, …/underlag) opened by itself: after a refusal the page is shown at
   * the address the form posted to, and reloading it from the address bar asks for it by GET. It leads to the form on
   * the letter page. Declared after utskrift, which find-my-way would prefer anyway as the static segment.
   */
  @Get('skrivelser/:id/:form')
  formAddress(@Res() reply: FastifyReply, @Param('id', uuid) id: string, @Param('form') form: string): FastifyReply {
    const section = FORM_SECTIONS[form];
    if (section === undefined) throw new NotFoundError('Sidan');
    return reply.redirect(`/skrivelser/${id}${section}`, 303);
  }

  @Get('skrivelser/:id')
  async edit(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string): Promise<FastifyReply> {
    const letter = await this.letters.get(id);
    const query = request.query as Record<string, unknown>;
    const notice = typeof query.klart === 'string' ? (NOTICES[query.klart] ?? null) : null;
    return this.renderEditor(request, reply, letter, { text: { values: editorValues(letter, request.user), errors: {} } }, 200, notice);
  }

  @Post('skrivelser/:id')
  async save(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() raw: unknown): Promise<FastifyReply> {
    return this.postEditor(request, reply, id, raw, async (dto, confirmed) => {
      await this.letters.update(request.user as AuthUser, id, dto, confirmed);
      return `/skrivelser/${id}?klart=sparat`;
    });
  }

  /**
   * The editor's text posted with "Spara utkast", or with "Granska" or "Uppdatera underlaget nu" (which submit the
   * editor's form, so what is typed is saved first): every problem at its field with the text kept, nothing saved.
   */
  private async postEditor(
    request: AuthenticatedRequest,
    reply: FastifyReply,
    id: string,
    raw: unknown,
    submit: (dto: LetterUpdateDto, confirmed: LetterIdNumberOptions) => Promise<string>,
  ): Promise<FastifyReply> {
    // The numbers posted as "not a personnummer" go to the service, which stores them with the text; those stored are not asked about again.
    const confirmed: LetterIdNumberOptions = { idNumbersConfirmed: confirmedIdNumbers(raw) };
    return postTextForm(reply, {
      ...TEXT_FORM,
      vouched: await this.letters.idNumbersConfirmed(id),
      raw,
      dto: LetterUpdateDto,
      problems: editorProblems,
      passThrough: isNotFound,
      submit: (dto) => submit(dto, confirmed),
      // After a conflict the form carries the current version, so saving again is a deliberate overwrite.
      keep: async (values, error) => (error.code === 'letter_version_conflict' ? { ...values, version: (await this.letters.get(id)).version } : values),
      show: async (text, status) => this.renderEditor(request, reply, await this.letters.get(id), { text }, status),
    });
  }

  @Post('skrivelser/:id/status')
  async changeStatus(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() raw: unknown): Promise<FastifyReply> {
    const values = formValues(raw);
    if (wantsPiiRemoval(raw) && values.action === 'reopen') return this.reopenWithoutPersonalData(request, reply, id, raw);
    // "Granska" under the editor submits the editor's form: the text is saved and reviewed together, or neither.
    if (values.action === 'review' && isEditorPost(values)) {
      return this.postEditor(request, reply, id, raw, async (dto, confirmed) => {
        // The warning about special-category words is read before "Granska" (from the stored text): words the edit adds
        // have not been shown yet, so the text is saved and the warning shown; the next press reviews it.
        if (addsSensitiveWords(await this.letters.get(id), dto)) {
          await this.letters.update(request.user as AuthUser, id, dto, confirmed);
          return `/skrivelser/${id}?klart=sparat-kansliga#kansliga-i-texten`;
        }
        const { saved } = await this.letters.saveAndReview(request.user as AuthUser, id, dto, confirmed);
        return `/skrivelser/${id}?klart=${saved ? 'sparat-review' : 'review'}`;
      });
    }
    // Registering an answer is final, so its special-category words are shown before it is stored, as the letter's are
    // before "Granska": once, with what was typed kept; personal data is refused first, in the same round as the warning.
    const answerWarning = values.action === 'answer' ? sensitiveAnswerNotice(postedAnswer(values)) : null;
    if (answerWarning && values[ANSWER_CHECKED_FIELD] !== warnedWords(answerWarning) && !wantsPiiRemoval(raw) && !containsPii(postedAnswer(values))) {
      const letter = await this.letters.get(id);
      // A letter that cannot be answered gets the workflow's own answer below.
      if (letter.actions.includes('answer')) return this.renderEditor(request, reply, letter, { status: { values, errors: {} } }, 200, null, answerWarning);
    }
    // The button on the answer form masks the answer; posted with another state button it only shows the form again.
    const outcome = await runTextForm({
      ...ANSWER_FORM,
      raw,
      dto: LetterTransitionDto,
      passThrough: isNotFound,
      submit: async (dto) => {
        // Sending mails every reporter and cannot be undone: the page asks for it to be confirmed (the API call is itself explicit),
        // refused with the date's problems, if any, in the same round.
        const unconfirmed = dto.action === 'send' && values.bekraftat !== 'ja' ? await this.unconfirmedSend(id) : null;
        await this.letters.transition(request.user as AuthUser, id, dto, { alsoWrong: unconfirmed ? [unconfirmed] : [], idNumbersConfirmed: confirmedIdNumbers(raw) });
        return `/skrivelser/${id}?klart=${dto.action}`;
      },
    });
    if (outcome.redirect !== undefined) return redirectAfterPost(reply, outcome.redirect);
    const letter = await this.letters.get(id);
    // Review and send check the stored letter, not anything posted: the refusal quotes the letter's text where it is shown.
    if (outcome.error?.code === 'personal_data_found' && (values.action === 'review' || values.action === 'send')) {
      const message = values.action === 'review' ? REVIEW_REFUSED : SEND_REFUSED;
      return this.renderEditor(request, reply, letter, { text: refusedTextForm(TEXT_FORM, { ...letter }, outcome.error, message) }, outcome.status);
    }
    // A number in the stored text that looks like a mistyped personnummer and that nobody has vouched for: quoted masked
    // at its field. In a draft the editor asks the question (its answer is saved); a reviewed letter goes back to a draft first.
    if (outcome.error?.code === 'id_number_near_miss' && (values.action === 'review' || values.action === 'send')) {
      const text = letter.editable
        ? withIdNumberQuestions({ values: editorValues(letter, request.user), errors: {} }, TEXT_FORM.texts, TEXT_FORM.names, TEXT_FORM.next, TEXT_FORM.pii, await this.letters.idNumbersConfirmed(id))
        : { ...withIdNumberQuestions({ values: { ...letter }, errors: {} }, TEXT_FORM.texts, TEXT_FORM.names, '', TEXT_FORM.pii, await this.letters.idNumbersConfirmed(id)), idNumberRefusal: true };
      return this.renderEditor(request, reply, letter, { text: { ...text, formError: letter.editable ? REVIEW_ID_NUMBER_REFUSED : SEND_ID_NUMBER_REFUSED } }, outcome.status);
    }
    // A stored sender field with an identity number: its error belongs at the field, in the letter's text form.
    if (outcome.error && (values.action === 'review' || values.action === 'send') && outcome.error.fields.some((problem) => isSenderField(problem.field))) {
      const message = values.action === 'review' ? SENDER_REVIEW_REFUSED : SENDER_SEND_REFUSED;
      return this.renderEditor(request, reply, letter, { text: { values: editorValues(letter, request.user), errors: fieldErrors(outcome.error), formError: message } }, outcome.status);
    }
    // The answer's warning stays with the answer shown again (refused or with personal data taken out).
    const shownWarning = values.action === 'answer' ? sensitiveAnswerNotice(postedAnswer(outcome.state.values)) : null;
    return this.renderEditor(request, reply, letter, { status: outcome.state }, outcome.status, null, shownWarning);
  }

  @Post('skrivelser/:id/underlag')
  async refresh(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() raw: unknown): Promise<FastifyReply> {
    // Under the editor the button submits the editor's form: the text is saved first, in the same transaction.
    if (isEditorPost(formValues(raw))) {
      return this.postEditor(request, reply, id, raw, async (dto, confirmed) => {
        const result = await this.letters.saveAndRefresh(request.user as AuthUser, id, dto, confirmed);
        const outcome = OUTCOME_NOTICES[result.outcome] ?? 'unchanged';
        return `/skrivelser/${id}?klart=${result.saved ? `sparat-${outcome}` : outcome}`;
      });
    }
    try {
      const result = await this.letters.refresh(request.user as AuthUser, id);
      return redirectAfterPost(reply, `/skrivelser/${id}?klart=${OUTCOME_NOTICES[result.outcome] ?? 'unchanged'}`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404) throw error;
      return this.renderEditor(request, reply, await this.letters.get(id), { refresh: { values: {}, errors: {}, formError: error.message } }, error.status);
    }
  }

  /**
   * "Ta bort personuppgifterna åt mig" on a reviewed letter that could not be sent: only a draft can change,
   * so it goes back to a draft (as "Återför till utkast" does) and its text is shown with placeholders,
   * saved only when the analyst presses "Spara utkast".
   */
  private async reopenWithoutPersonalData(request: AuthenticatedRequest, reply: FastifyReply, id: string, raw: unknown): Promise<FastifyReply> {
    const values = formValues(raw);
    const form = await validateForm(LetterTransitionDto, raw);
    if (!form.value) return this.renderEditor(request, reply, await this.letters.get(id), { status: { values, errors: form.errors } }, 400);
    try {
      await this.letters.transition(request.user as AuthUser, id, form.value);
    } catch (error) {
      if (!(error instanceof DomainError) || isNotFound(error)) throw error;
      return this.renderEditor(request, reply, await this.letters.get(id), { status: refusedTextForm(ANSWER_FORM, values, error) }, error.status);
    }
    const letter = await this.letters.get(id);
    const text = personalDataRemovedState({ ...letter }, TEXT_FORM.texts, TEXT_FORM.names, TEXT_FORM.next);
    return this.renderEditor(request, reply, letter, { text }, 200, NOTICES.reopen);
  }

  /** Unconfirmed, a letter that could be sent is refused at the box; one that cannot gets the workflow's answer (null here). */
  private async unconfirmedSend(id: string): Promise<FieldProblem | null> {
    const letter = await this.letters.get(id);
    if (!letter.actions.includes('send')) return null;
    return { field: 'bekraftat', message: `Kryssa i rutan för att bekräfta att skrivelsen är skickad och att ${reportersOf(letter)} ska få e-post.` };
  }

  private async renderList(request: AuthenticatedRequest, reply: FastifyReply, form: FormState, status = 200): Promise<FastifyReply> {
    const [letters, barrierOptions] = await Promise.all([this.letters.list(), this.letters.barrierOptions()]);
    return this.pages.send(request, reply, 'letter-list', { letters, barrierOptions, form }, { status });
  }

  private async renderEditor(
    request: AuthenticatedRequest,
    reply: FastifyReply,
    letter: LetterView,
    forms: Partial<Record<'text' | 'status' | 'refresh', FormState>>,
    status = 200,
    notice: string | null = null,
    answerWarning: SensitiveTextNotice | null = null,
  ): Promise<FastifyReply> {
    const empty = (): FormState => ({ values: {}, errors: {} });
    const [timeline, doc] = await Promise.all([this.letters.timeline(letter.id), this.letters.document(letter.id, request.user)]);
    return this.pages.send(
      request,
      reply,
      'letter-edit',
      {
        letter,
        e: letter.evidenceSnapshot,
        doc,
        evidenceTables: evidenceTables(letter.evidenceSnapshot),
        notice,
        // Until it is sent: a warning to read before "Granska" and "Markera skickad", from the stored text.
        sensitiveText: letter.status === 'utkast' || letter.status === 'granskad' ? sensitiveTextNotice(letter) : null,
        // The answer as posted, not stored: shown only while it can still be answered.
        answerWarning: letter.actions.includes('answer') ? answerWarning : null,
        answerChecked: ANSWER_CHECKED_FIELD,
        answerWarnedWords: answerWarning && letter.actions.includes('answer') ? warnedWords(answerWarning) : null,
        state: { text: forms.text ?? { values: editorValues(letter, request.user), errors: {} }, status: forms.status ?? empty(), refresh: forms.refresh ?? empty() },
        sections: LETTER_SECTIONS.map((key) => ({ key, heading: LETTER_SECTION_HEADINGS[key] })),
        actionButtons: letter.actions.filter((a) => a !== 'answer' && a !== 'send').map((action) => ({ value: action, label: LETTER_ACTION_LABELS[action] })),
        canAnswer: letter.actions.includes('answer'),
        canSend: letter.actions.includes('send'),
        sendReporters: reportersOf(letter),
        today: stockholmDate(this.clock.now()),
        createdOn: stockholmDate(letter.createdAt),
        sentOn: letter.sentAt ? stockholmDate(letter.sentAt) : stockholmDate(letter.createdAt),
        limits: LETTER_FIELD_MAX,
        timeline,
      },
      { status },
    );
  }
}
