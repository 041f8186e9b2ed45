import { Body, Controller, Get, OnModuleInit, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ClassConstructor } from 'class-transformer';
import { FastifyReply } from 'fastify';
import { Roles } from '../../common/auth/auth.decorators';
import { AuthenticatedRequest, AuthUser } from '../../common/auth/auth-user';
import { stockholmDate } from '../../common/calendar/working-days';
import { Clock } from '../../common/clock/clock';
import { DomainError, NotFoundError } from '../../common/errors/domain-error';
import { ID_IN_PATH, postedText, ResumableForms, ResumedField, resumedForm } from '../../common/security/resumable-forms';
import { PageRenderer, redirectAfterPost } from '../../common/templates/page-renderer';
import { PersonalDataFormState, resumedButton, wantsPiiRemoval, withPersonalDataNotices } from '../../common/templates/personal-data-form';
import { isNotFound, PersonalDataFields, postTextForm } from '../../common/templates/personal-data-post';
import { swedishList } from '../../common/text/swedish-list';
import { fieldErrors, formValues, FormValues, validateForm } from '../../common/validation/validation';
import { BarrierService } from '../barrier/barrier.service';
import { ReportBarrierInFormDto, ReportBarrierOutFormDto } from '../barrier/dto/barrier-action.dto';
import {
  CATEGORY_LABELS,
  CommentVisibility,
  COMMENT_VISIBILITY_LABELS,
  COMMENT_VISIBILITIES,
  DEVIATION_CATEGORIES,
  DEVIATION_PARTIES,
  DEVIATION_SEVERITIES,
  labelled,
  PARTY_LABELS,
  SEVERITY_LABELS,
  TEXT_FIELD_NAMES,
} from './deviation.constants';
import { DeviationService } from './deviation.service';
import { DeviationPage, DeviationView } from './deviation.types';
import { canRedact } from './deviation-access';
import { REDACTION_DONE_NOTICE, REDACTION_TEXT_MAX, redactionChoices, sentLettersNotice } from './deviation-redaction';
import { DeviationRedactionService } from './deviation-redaction.service';
import { ACTION_LABELS, DEVIATION_ACTIONS, DeviationAction, DEVIATION_STATUSES, DeviationStatus, STATUS_LABELS } from './deviation-workflow';
import {
  COMMENT_MAX,
  DeviationAssignDto,
  DeviationClassifyDto,
  DeviationCommentCreateDto,
  DeviationMoveDto,
  DeviationStatusFormDto,
  RESOLUTION_MAX,
} from './dto/deviation-action.dto';
import { CONSEQUENCE_MAX, DESCRIPTION_MAX, DeviationCreateDto, TITLE_MAX, TRIED_MAX } from './dto/deviation-create.dto';
import { DeviationListQueryDto, LIST_SORTS } from './dto/deviation-list-query.dto';
import { DeadlinePolicy } from './deviation-deadlines';
import { statusesThatCanBeOverdue } from './jobs/deviation-reminders';


/** A form's values and errors; after a refusal for personal data also where it was found (see personal-data-form). */
type FormState = PersonalDataFormState;

const SORT_LABELS: Record<(typeof LIST_SORTS)[number], string> = {
  oldest: 'Äldst först',
  newest: 'Nyast först',
  severity: 'Allvarligast först',
};

/** What the page says after a successful action (?klart=…). */
const DONE_NOTICES: Record<string, string> = {
  accept: 'Du har tagit emot avvikelsen. Rapportören har fått besked.',
  investigate: 'Utredningen är påbörjad.',
  resolve: 'Avvikelsen är markerad som åtgärdad lokalt. Rapportören har fått besked.',
  escalate: 'Avvikelsen är eskalerad som strukturellt hinder. Verksamhetsutvecklarna och rapportören har fått besked.',
  close: 'Avvikelsen är avslutad.',
  reopen: 'Avvikelsen är återöppnad.',
  assign: 'Ansvarig är ändrad.',
  move: 'Avvikelsen är flyttad.',
  classify: 'Kategori, parter och allvarlighet är ändrade.',
  internal: 'Anteckningen är sparad.',
  reporter: 'Svaret är sparat.',
  personuppgift: REDACTION_DONE_NOTICE,
  'hinder-ut': 'Avvikelsen är uttagen ur hindret. Mönsteranalysen lägger aldrig tillbaka den där.',
  'hinder-in': 'Avvikelsen är lagd i hindret och bekräftad där. Mönsteranalysen flyttar den inte därifrån.',
};

/** The filing form's fields, top to bottom. */
const FORM_FIELDS = ['municipalityId', 'occurredOn', 'category', 'parties', 'title', 'description', 'consequence', 'severity', 'tried'] as const;

/**
 * The free text the personal-data check reads, per form; "Ta bort personuppgifterna åt mig" masks these. Each also
 * asks once about a number that looks like a mistyped personnummer (idNumbers, see personal-data-post).
 */
const FILING_FORM: PersonalDataFields = { texts: ['title', 'description', 'consequence', 'tried'], names: TEXT_FIELD_NAMES, next: 'Skicka avvikelsen', idNumbers: true };
// No next button named: the form has one per action, and the writer picks again.
const STATUS_FORM: PersonalDataFields = { texts: ['resolution', 'comment'], names: TEXT_FIELD_NAMES, next: '', idNumbers: true };
const MOVE_FORM: PersonalDataFields = { texts: ['comment'], names: TEXT_FIELD_NAMES, next: 'Flytta', idNumbers: true };
const CLASSIFY_FORM: PersonalDataFields = { texts: ['comment'], names: TEXT_FIELD_NAMES, next: 'Spara ändringen', idNumbers: true };

/**
 * The report page's forms by the last part of their address, and where on the page each one is. After a refused
 * post the page stands at the form's address; opened by itself (reload, history, a bookmark) it leads to the form.
 */
const FORM_SECTIONS: Record<string, string> = {
  status: '#status',
  kommentarer: '#kommentarer',
  flytta: '#flytta',
  tilldela: '#ansvarig',
  klassning: '#klassning',
  personuppgifter: '#personuppgifter',
  'hinder-ut': '#hinder-placering',
  'hinder-in': '#hinder-placering',
};

/** The status form's comment: required to reopen, otherwise a note for the log. */
function commentLabel(actions: readonly string[]): string {
  return actions.includes('reopen') ? 'Kommentar (krävs för att återöppna)' : 'Kommentar till loggen (valfritt)';
}
// The button is "Spara" for a lead and "Skicka" for the reporter; the page names it as its form does.
const COMMENT_FORM: PersonalDataFields = { texts: ['body'], names: TEXT_FIELD_NAMES, next: 'Skicka', idNumbers: true };

/** The reporter's own message goes to the delprojekt; "Svaret är sparat" is how the lead sees it. */
const REPORTER_MESSAGE_SENT = 'Meddelandet är skickat till delprojektet.';



/** What a comment posted after the login ended is, in words that fit both the reporter and the lead. */

const RESUMED_COMMENT_KINDS: Record<CommentVisibility, string> = {
  internal: 'en intern anteckning, som bara delprojektledare och verksamhetsutvecklare ser',
  reporter: 'ett meddelande i dialogen mellan rapportören och delprojektet',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The queue's intro as the filters and the sort have it ("Avvikelser i ditt delprojekt med status Avslutad. Nyast
 * först."), so it never claims "inte avslutade, äldst först" over a list that is something else.
 */
export function queueIntro(query: Partial<DeviationListQueryDto>, municipalityName: string | null, policy: DeadlinePolicy): string {
  const status = query.status ?? 'open';
  const opening =
    status === 'open'
      ? 'Avvikelser i ditt delprojekt som inte är avslutade'
      : status === 'all'
        ? 'Alla avvikelser i ditt delprojekt, även avslutade'
        : `Avvikelser i ditt delprojekt med status ${STATUS_LABELS[status]}`;
  const parts = [opening];
  if (query.severity) parts.push(`med allvarlighet ${SEVERITY_LABELS[query.severity].toLowerCase()}`);
  if (query.category) parts.push(`i kategorin ${CATEGORY_LABELS[query.category]}`);
  if (municipalityName) parts.push(`i ${municipalityName}`);
  if (query.from && query.to) parts.push(`rapporterade ${query.from}–${query.to}`);
  else if (query.from) parts.push(`rapporterade från ${query.from}`);
  else if (query.to) parts.push(`rapporterade till och med ${query.to}`);
  if (query.assignee === 'me') parts.push('där du är ansvarig');
  const lateable = statusesThatCanBeOverdue(policy);
  const canBeLate = status === 'open' || status === 'all' || (lateable as string[]).includes(status);
  return `${parts.join(', ')}. ${SORT_LABELS[query.sort ?? 'oldest']}${canBeLate ? '; försenade är markerade' : ''}.`;
}

/**
 * The all-delprojekt list's intro. Filtered to delprojekt without an active lead it says which they are and who handles
 * their reports (the analyst reading it, or, for an admin, the analysts), so the list is not read as someone else's.
 */
export function allIntro(query: Partial<DeviationListQueryDto> | null, withoutLead: readonly string[], standsIn: boolean): string {
  const general = 'Alla kommuners avvikelser. Filtrera på delprojekt, kommun, kategori och period.';
  if (query?.lead !== 'none') return general;
  if (withoutLead.length === 0) return 'Avvikelser i delprojekt utan aktiv delprojektledare. Just nu har alla delprojekt en delprojektledare.';
  const who = standsIn ? 'Som verksamhetsutvecklare tar du emot och hanterar dem' : 'Verksamhetsutvecklarna tar emot och hanterar dem';
  return `Avvikelser i ${swedishList(withoutLead)}, som just nu saknar aktiv delprojektledare. ${who} tills delprojektet har en.`;
}

/**
 * A refusal whose message is also a field's (e.g. "Beskriv vad som gjordes …" at Åtgärd) is said in the summary's
 * list and at the field, not a third time as the summary's opening line.
 */
function saidOnce(state: FormState): FormState {
  return state.formError !== undefined && Object.values(state.errors).includes(state.formError) ? { ...state, formError: undefined } : state;
}

/** A barrier action on the report's page refused: what happened, and what to do (the page may have been open a while). */
function barrierRefusal(error: DomainError): string {
  if (error.message === 'Rapporten i hindret hittades inte.') return 'Avvikelsen ligger inte längre i det hindret: sidan visar nu var den ligger. Inget har ändrats.';
  if (error.message === 'Hindret hittades inte.') return 'Hindret du valde finns inte. Välj ett hinder i listan. Inget har ändrats.';
  return `${error.message} Välj ett annat hinder. Inget har ändrats.`;
}

/** The statuses a report leaves and enters by the status actions (the timeline's kinds for them). */
const STATUS_EVENT_KINDS = new Set(['accepted', 'investigation_started', 'resolved', 'escalated', 'closed', 'reopened']);

/**
 * While a reopened report is still where the reopening put it: when, by whom and why, for the top of the page
 * (the reporter was mailed only that it is open again, and reads the reason here).
 */
function lastReopening(view: DeviationView, status: DeviationStatus): { at: Date; who: string; reason: string | null } | null {
  if (status !== 'under_utredning') return null;
  const last = [...view.timeline].reverse().find((entry) => STATUS_EVENT_KINDS.has(entry.kind));
  return last?.kind === 'reopened' ? { at: last.at, who: last.who, reason: last.comment } : null;
}

/** Checkboxes post nothing, one value or several; the form always wants a list. */
function withParties(values: FormValues): FormValues {
  values.parties = values.parties === undefined ? [] : Array.isArray(values.parties) ? values.parties : [values.parties];
  return values;
}

function queryString(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The deviation pages: file (/avvikelser/ny), follow (mina), triage (/delprojekt/ko, /avvikelser) and the report page. */
@ApiExcludeController()
@Controller()
export class DeviationPageController implements OnModuleInit {
  constructor(
    private readonly deviations: DeviationService,
    private readonly pages: PageRenderer,
    private readonly clock: Clock,
    private readonly barriers: BarrierService,
    private readonly resumable: ResumableForms,
    private readonly redaction: DeviationRedactionService,
  ) {}

  /** The forms where people write come back filled in when posted after the login ended. */
  onModuleInit(): void {
    const back = (id: string): { href: string; label: string } => ({ href: `/avvikelser/${id}`, label: 'Till avvikelsen' });
    this.resumable.register({
      path: /^\/avvikelser\/ny$/,
      render: async (_request, values) => ({
        template: 'deviation-new',
        data: this.newFormData({ values: withParties(values), errors: {} }, (await this.deviations.municipalityOptions()).filter((m) => m.active)),
      }),
    });
    this.resumable.register({
      path: new RegExp(`^/avvikelser/${ID_IN_PATH}/kommentarer$`),
      // The report itself is not shown: without a login we do not know who may see it.
      render: async (_request, values, match) => {
        const visibility = postedText(values, 'visibility');
        const kind = (COMMENT_VISIBILITIES as readonly string[]).includes(visibility) ? RESUMED_COMMENT_KINDS[visibility as CommentVisibility] : null;
        return resumedForm({
          heading: 'Skriv i avvikelsen',
          intro: kind ? `Det här är ${kind}.` : undefined,
          action: `/avvikelser/${match[1]}/kommentarer`,
          fields: [
            { name: 'visibility', label: '', kind: 'hidden', value: visibility },
            { name: 'body', label: 'Det du skrev', kind: 'textarea', rows: 5, value: postedText(values, 'body') },
          ],
          button: resumedButton(values, { label: 'Skicka' }),
          back: back(match[1]),
        });
      },
    });
    this.resumable.register({
      path: new RegExp(`^/avvikelser/${ID_IN_PATH}/status$`),
      // The lead's resolution and comment; a bare button press (nothing written) goes to the login page.
      render: async (_request, values, match) => {
        const action = postedText(values, 'action');
        const resolution = postedText(values, 'resolution');
        const comment = postedText(values, 'comment');
        // "Ta bort personuppgifterna åt mig" posts no action; its text must come back all the same.
        const removal = wantsPiiRemoval(values);
        if (!(removal || (DEVIATION_ACTIONS as readonly string[]).includes(action)) || !(resolution.trim() || comment.trim())) return null;
        const fields: ResumedField[] = [];
        if ('resolution' in values) fields.push({ name: 'resolution', label: 'Åtgärd – vad gjordes?', kind: 'textarea', rows: 3, value: resolution });
        fields.push({ name: 'comment', label: commentLabel([action]), kind: 'textarea', rows: 2, value: comment });
        return resumedForm({
          heading: 'Ändra status',
          action: `/avvikelser/${match[1]}/status`,
          fields,
          button: resumedButton(values, { label: ACTION_LABELS[action as DeviationAction], name: 'action', value: action }),
          back: back(match[1]),
        });
      },
    });
    this.resumable.register({
      path: new RegExp(`^/avvikelser/${ID_IN_PATH}/flytta$`),
      render: async (_request, values, match) => {
        const comment = postedText(values, 'comment');
        if (!comment.trim()) return null;
        const options = (await this.deviations.municipalityOptions()).filter((m) => m.active).map(({ value, label }) => ({ value, label }));
        return resumedForm({
          heading: 'Flytta till en annan kommun',
          action: `/avvikelser/${match[1]}/flytta`,
          fields: [
            { name: 'municipalityId', label: 'Ny kommun', kind: 'select', options, placeholder: 'Välj kommun', value: postedText(values, 'municipalityId') },
            { name: 'comment', label: 'Varför? (valfritt)', kind: 'textarea', rows: 2, value: comment },
          ],
          button: resumedButton(values, { label: 'Flytta' }),
          back: back(match[1]),
        });
      },
    });
    this.resumable.register({
      path: new RegExp(`^/avvikelser/${ID_IN_PATH}/klassning$`),
      // Only the comment is text someone wrote; the choices are shown as posted, to be sent again.
      render: async (_request, values, match) => {
        const comment = postedText(values, 'comment');
        if (!comment.trim()) return null;
        const parties = withParties({ ...values }).parties as string[];
        return resumedForm({
          heading: 'Kategori, parter och allvarlighet',
          intro: 'Parterna skickas som du valde dem.',
          action: `/avvikelser/${match[1]}/klassning`,
          fields: [
            { name: 'category', label: 'Kategori', kind: 'select', options: labelled(DEVIATION_CATEGORIES, CATEGORY_LABELS), value: postedText(values, 'category') },
            ...parties.filter((party) => (DEVIATION_PARTIES as readonly string[]).includes(party)).map(
              (party): ResumedField => ({ name: 'parties', label: '', kind: 'hidden', value: party }),
            ),
            { name: 'severity', label: 'Allvarlighet', kind: 'select', options: labelled(DEVIATION_SEVERITIES, SEVERITY_LABELS), value: postedText(values, 'severity') },
            { name: 'comment', label: 'Varför? (valfritt)', kind: 'textarea', rows: 2, value: comment },
          ],
          button: resumedButton(values, { label: 'Spara ändringen' }),
          back: back(match[1]),
        });
      },
    });
  }

  // ── Filing ────────────────────────────────────────────────────────────────────────────────

  @Get('avvikelser/ny')
  @Roles('staff', 'lead', 'analyst')
  async newForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const user = request.user as AuthUser;
    const options = await this.deviations.filingOptions(user);
    const values = { municipalityId: options.defaultMunicipalityId, occurredOn: stockholmDate(this.clock.now()), parties: [] };
    return this.renderNewForm(request, reply, { values, errors: {} });
  }

  @Post('avvikelser/ny')
  @Roles('staff', 'lead', 'analyst')
  async file(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() raw: unknown): Promise<FastifyReply> {
    const user = request.user as AuthUser;
    return postTextForm(reply, {
      ...FILING_FORM,
      pii: this.piiOptions(user),
      raw,
      values: withParties(formValues(raw)),
      dto: DeviationCreateDto,
      problems: (values) => this.filingErrors(user, values),
      submit: async (dto) => `/avvikelser/${(await this.deviations.file(user, dto)).id}?skickad=1`,
      show: (form, status) => this.renderNewForm(request, reply, form, status),
    });
  }

  /** Every problem of a filing form in one round (the form's own rules, the date, personal data), in the form's order. */
  private async filingErrors(user: AuthUser, values: FormValues): Promise<FormState> {
    const form = await validateForm(DeviationCreateDto, values);
    const text = (key: string): string | undefined => (typeof values[key] === 'string' ? (values[key] as string).trim() : undefined);
    const more = this.deviations.filingProblems(user, {
      occurredOn: text('occurredOn'),
      title: text('title'),
      description: text('description'),
      consequence: text('consequence'),
      tried: text('tried'),
    });
    // In the form's order, so the summary reads top to bottom; the form's own message wins on a field.
    const extra: Record<string, string> = Object.assign({}, ...more.map((error) => fieldErrors(error)));
    const errors: Record<string, string> = {};
    for (const field of FORM_FIELDS) if (form.errors[field] ?? extra[field]) errors[field] = form.errors[field] ?? extra[field];
    for (const [field, message] of Object.entries({ ...extra, ...form.errors })) errors[field] ??= message;
    const personalData = more.find((error) => error.code === 'personal_data_found');
    const state: FormState = { values, errors, formError: personalData?.message };
    return personalData ? withPersonalDataNotices(state, personalData, TEXT_FIELD_NAMES, this.piiOptions(user)) : state;
  }

  /** The writer's own address is not a participant's: the same exception the service makes. */
  private piiOptions(user: AuthUser): { ignoredEmailAddresses: string[] } {
    return { ignoredEmailAddresses: [user.email] };
  }

  // ── Lists ─────────────────────────────────────────────────────────────────────────────────

  @Get('avvikelser/mina')
  async mine(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.renderList(request, reply, {
      heading: 'Mina avvikelser',
      intro: (query) => `Det du har rapporterat och vad som har hänt med det. ${SORT_LABELS[query?.sort ?? 'newest']}.`,
      basePath: '/avvikelser/mina',
      defaultStatus: 'all',
      defaultSort: 'newest',
      mine: true,
    });
  }

  @Get('delprojekt/ko')
  @Roles('lead')
  async queue(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.renderList(request, reply, {
      heading: 'Kö',
      intro: (query, municipalityName) => queueIntro(query ?? {}, municipalityName, this.deviations.deadlinePolicy),
      basePath: '/delprojekt/ko',
      defaultStatus: 'open',
      defaultSort: 'oldest',
      mine: false,
    });
  }

  @Get('avvikelser')
  @Roles('lead', 'analyst', 'admin')
  async all(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    // A lead's "all" is their own queue; reminder mails link leads here when more are overdue than listed.
    if ((request.user as AuthUser).role === 'lead') {
      const query = request.raw.url?.includes('?') ? request.raw.url.slice(request.raw.url.indexOf('?')) : '';
      return reply.redirect(`/delprojekt/ko${query}`, 303);
    }
    const standsIn = (request.user as AuthUser).role === 'analyst';
    return this.renderList(request, reply, {
      heading: 'Avvikelser',
      intro: (query, _municipalityName, withoutLead) => allIntro(query, withoutLead, standsIn),
      basePath: '/avvikelser',
      defaultStatus: 'open',
      defaultSort: 'oldest',
      mine: false,
      allSubprojects: true,
    });
  }

  // ── The report ────────────────────────────────────────────────────────────────────────────

  @Get('avvikelser/:id')
  async show(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<FastifyReply> {
    const user = request.user as AuthUser;
    const query = request.query as Record<string, unknown>;
    let notice: string | null = null;
    // The receipt says who was told, from the report's own audit event: never a mail that was not queued.
    const filedReceipt = query.skickad === '1' ? await this.deviations.filingReceipt(user, id) : null;
    if (filedReceipt) notice = 'filed';
    else if (query.klart === 'move') notice = `${DONE_NOTICES.move} ${await this.deviations.lastMoveReceipt(user, id)}`.trim();
    else if (query.klart === 'personuppgift') notice = `${DONE_NOTICES.personuppgift} ${sentLettersNotice(await this.redaction.lastSentLetters(user, id))}`.trim();
    else if (typeof query.klart === 'string' && query.klart in DONE_NOTICES) notice = DONE_NOTICES[query.klart];
    // Recorded before the page is sent: the reporter's or lead's next page (their list) must already see it read.
    await this.deviations.noteView(user, id);
    return this.renderReport(request, reply, id, {}, 200, notice, { filedReceipt });
  }

  @Post('avvikelser/:id/status')
  async changeStatus(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Body() raw: unknown): Promise<FastifyReply> {
    const user = request.user as AuthUser;
    return postTextForm(reply, {
      ...STATUS_FORM,
      pii: this.piiOptions(user),
      raw,
      dto: DeviationStatusFormDto,
      passThrough: isNotFound,
      submit: async (dto) => {
        await this.deviations.transition(user, id, dto.action, dto);
        return `/avvikelser/${id}?klart=${dto.action}`;
      },
      show: (status, code) => this.renderReport(request, reply, id, { status }, code),
    });
  }

  @Post('avvikelser/:id/tilldela')
  @Roles('lead')
  async assign(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Body() raw: unknown): Promise<FastifyReply> {
    const user = request.user as AuthUser;
    const values = formValues(raw);
    const form = await validateForm(DeviationAssignDto, raw);
    if (!form.value) return this.renderReport(request, reply, id, { assign: { values, errors: form.errors } }, 400);
    try {
      await this.deviations.assign(user, id, form.value.assigneeId);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404) throw error;
      return this.renderReport(request, reply, id, { assign: { values, errors: fieldErrors(error), formError: error.message } }, error.status);
    }
    return redirectAfterPost(reply, `/avvikelser/${id}?klart=assign`);
  }

  @Post('avvikelser/:id/flytta')
  @Roles('lead', 'analyst')
  async move(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Body() raw: unknown): Promise<FastifyReply> {
    const user = request.user as AuthUser;
    return postTextForm(reply, {
      ...MOVE_FORM,
      pii: this.piiOptions(user),
      raw,
      dto: DeviationMoveDto,
      passThrough: isNotFound,
      submit: async (dto) => {
        const moved = await this.deviations.move(user, id, dto.municipalityId, dto.comment);
        // A lead who moves a report to another delprojekt no longer sees it; back to the queue.
        return moved.stillVisible ? `/avvikelser/${id}?klart=move` : `/delprojekt/ko?flyttad=${id}`;
      },
      show: (move, status) => this.renderReport(request, reply, id, { move }, status),
    });
  }

  @Post('avvikelser/:id/kommentarer')
  async comment(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Body() raw: unknown): Promise<FastifyReply> {
    const user = request.user as AuthUser;
    return postTextForm(reply, {
      ...COMMENT_FORM,
      pii: this.piiOptions(user),
      raw,
      dto: DeviationCommentCreateDto,
      passThrough: isNotFound,
      submit: async (dto) => {
        await this.deviations.addComment(user, id, dto);
        return `/avvikelser/${id}?klart=${dto.visibility}#kommentarer`;
      },
      show: (comment, status) => this.renderReport(request, reply, id, { comment }, status),
    });
  }

  @Post('avvikelser/:id/klassning')
  async reclassify(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Body() raw: unknown): Promise<FastifyReply> {
    const user = request.user as AuthUser;
    // No box ticked posts no parties at all: that is "none", not "leave as it is".
    const values = withParties(formValues(raw));
    return postTextForm(reply, {
      ...CLASSIFY_FORM,
      pii: this.piiOptions(user),
      raw: values,
      values,
      dto: DeviationClassifyDto,
      passThrough: isNotFound,
      submit: async (dto) => {
        await this.deviations.reclassify(user, id, dto);
        return `/avvikelser/${id}?klart=classify#klassning`;
      },
      show: (classify, status) => this.renderReport(request, reply, id, { classify }, status),
    });
  }

  /** "Ta ut ur hindret" on the report's page (analysts and admins): BarrierService.moveOut, as on the barrier's page. */
  @Post('avvikelser/:id/hinder-ut')
  @Roles('analyst', 'admin')
  async takeOutOfBarrier(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Body() raw: unknown): Promise<FastifyReply> {
    return this.barrierAction(request, reply, id, raw, ReportBarrierOutFormDto, async (user, dto) => {
      await this.barriers.moveOut(user, dto.barrierId, id);
      return `/avvikelser/${id}?klart=hinder-ut#hinder-placering`;
    });
  }

  /** "Lägg i ett hinder" on the report's page (analysts and admins): BarrierService.moveIn, out of the one it is in. */
  @Post('avvikelser/:id/hinder-in')
  @Roles('analyst', 'admin')
  async putInBarrier(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Body() raw: unknown): Promise<FastifyReply> {
    return this.barrierAction(request, reply, id, raw, ReportBarrierInFormDto, async (user, dto) => {
      await this.barriers.moveIn(user, dto.barrierId, id);
      return `/avvikelser/${id}?klart=hinder-in#hinder-placering`;
    });
  }

  /** A barrier form on the report's page: the report must be one the user may read; a refusal shows the page with it. */
  private async barrierAction<T extends object>(
    request: AuthenticatedRequest,
    reply: FastifyReply,
    id: string,
    raw: unknown,
    dto: ClassConstructor<T>,
    action: (user: AuthUser, value: T) => Promise<string>,
  ): Promise<FastifyReply> {
    const user = request.user as AuthUser;
    if (!UUID.test(id)) throw new NotFoundError('Avvikelsen');
    // Answers 404 for a report the user may not read, before anything about its barriers is said or done.
    await this.deviations.getForUser(user, id);
    const values = formValues(raw);
    const form = await validateForm(dto, raw);
    if (!form.value) return this.renderReport(request, reply, id, { barrier: { values, errors: form.errors } }, 400);
    try {
      return redirectAfterPost(reply, await action(user, form.value));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // Not about a field of this form: the barrier chosen was merged or dissolved meanwhile, or the report left it.
      return this.renderReport(request, reply, id, { barrier: { values, errors: {}, formError: barrierRefusal(error) } }, error.status);
    }
  }

  /** A form's address opened by itself (see FORM_SECTIONS): to the form on the report page, which decides who may see it. */
  @Get('avvikelser/:id/:form')
  formAddress(@Res() reply: FastifyReply, @Param('id') id: string, @Param('form') form: string): FastifyReply {
    const section = Object.hasOwn(FORM_SECTIONS, form) ? FORM_SECTIONS[form] : undefined;
    if (section === undefined || !UUID.test(id)) throw new NotFoundError('Sidan');
    return reply.redirect(`/avvikelser/${id}${section}`, 303);
  }

  /**
   * "Ta bort personuppgift": findings ticked and/or a text pasted as it stands; refused, the page shows both again.
   * A pasted text is not removed at once: the page first shows how many times and where it stands, with the words
   * around it, and asks to confirm (…/personuppgifter/bekrafta), since the change cannot be undone. Findings the
   * detector found, ticked alone, are removed at once: the page has shown each of them already.
   */
  @Post('avvikelser/:id/personuppgifter')
  @Roles('lead', 'analyst', 'admin')
  async redact(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Body() raw: unknown): Promise<FastifyReply> {
    const user = request.user as AuthUser;
    const { choices, text, kept } = redactionFormValues(raw);
    try {
      if (text.trim() !== '') {
        const preview = await this.redaction.preview(user, id, { choices, text });
        return this.renderReport(request, reply, id, { redact: { values: kept, errors: {} } }, 200, REDACTION_PREVIEW_NOTICE, { redactionPreview: preview });
      }
      await this.redaction.redact(user, id, { choices, text });
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404) throw error;
      return this.renderReport(request, reply, id, { redact: { values: kept, errors: fieldErrors(error), formError: error.message } }, error.status);
    }
    return redirectAfterPost(reply, `/avvikelser/${id}?klart=personuppgift#tidslinje`);
  }

  /** The confirmation's "Ta bort": the redaction shown, made now (refused if the report changed so it would do more or less). */
  @Post('avvikelser/:id/personuppgifter/bekrafta')
  @Roles('lead', 'analyst', 'admin')
  async confirmRedaction(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Body() raw: unknown): Promise<FastifyReply> {
    const user = request.user as AuthUser;
    const { choices, text, kept } = redactionFormValues(raw);
    const values = formValues(raw);
    const expected = typeof values.forhandsvisning === 'string' ? values.forhandsvisning : '';
    try {
      await this.redaction.redact(user, id, { choices, text, expected });
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404) throw error;
      return this.renderReport(request, reply, id, { redact: { values: kept, errors: fieldErrors(error), formError: error.message } }, error.status);
    }
    return redirectAfterPost(reply, `/avvikelser/${id}?klart=personuppgift#tidslinje`);
  }

  // ── Rendering ─────────────────────────────────────────────────────────────────────────────

  private async renderNewForm(request: AuthenticatedRequest, reply: FastifyReply, form: FormState, status = 200): Promise<FastifyReply> {
    const options = await this.deviations.filingOptions(request.user as AuthUser);
    return this.pages.send(request, reply, 'deviation-new', this.newFormData(form, options.municipalities), { status });
  }

  private newFormData(form: FormState, municipalityOptions: Array<{ value: string; label: string }>): object {
    return {
      form,
      municipalityOptions: municipalityOptions.map(({ value, label }) => ({ value, label })),
      categoryOptions: labelled(DEVIATION_CATEGORIES, CATEGORY_LABELS),
      partyOptions: labelled(DEVIATION_PARTIES, PARTY_LABELS),
      severityOptions: labelled(DEVIATION_SEVERITIES, SEVERITY_LABELS),
      today: stockholmDate(this.clock.now()),
      limits: { title: TITLE_MAX, description: DESCRIPTION_MAX, consequence: CONSEQUENCE_MAX, tried: TRIED_MAX },
    };
  }

  private async renderList(
    request: AuthenticatedRequest,
    reply: FastifyReply,
    page: {
      heading: string;
      /**
       * Said above the list; a function says what the filters and sort ask for (null: they were refused), given the
       * chosen kommun's name and the names of the delprojekt without an active lead.
       */
      intro: string | ((query: DeviationListQueryDto | null, municipalityName: string | null, withoutLead: string[]) => string);
      basePath: string;
      defaultStatus: string;
      defaultSort: string;
      mine: boolean;
      allSubprojects?: boolean;
    },
  ): Promise<FastifyReply> {
    const user = request.user as AuthUser;
    const raw = request.query as Record<string, unknown>;
    const values: Record<string, string> = {};
    for (const key of ['status', 'severity', 'category', 'municipalityId', 'subprojectId', 'from', 'to', 'sort', 'limit', 'assignee', 'lead']) {
      if (typeof raw[key] === 'string' && raw[key] !== '') values[key] = raw[key] as string;
    }
    const form = await validateForm(DeviationListQueryDto, { ...values, cursor: raw.cursor });
    let result: DeviationPage = { items: [], nextCursor: null };
    let errors = form.errors;
    let formError: string | undefined;
    if (form.value) {
      try {
        result = page.mine ? await this.deviations.listMine(user, form.value) : await this.deviations.list(user, form.value);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        errors = fieldErrors(error);
        formError = error.message;
      }
    }
    const municipalities = await this.deviations.municipalityOptions();
    // Named in the intro and marked on the rows of the all-delprojekt list: the analysts handle these reports.
    const withoutLead = page.allSubprojects ? await this.deviations.subprojectsWithoutLead() : [];
    const subprojects = [...new Map(municipalities.map((m) => [m.subprojectId, m.subprojectName])).entries()]
      .map(([value, label]) => ({ value, label }))
      .sort((a, b) => a.label.localeCompare(b.label, 'sv'));
    const nextUrl = result.nextCursor ? `${page.basePath}${queryString({ ...values, cursor: result.nextCursor })}` : null;
    const failed = Object.keys(errors).length > 0 || formError !== undefined;
    // The report's id, never a name: the notice says only what the database says.
    const movedTo = typeof raw.flyttad === 'string' ? await this.deviations.movedAwayTo(user, raw.flyttad) : null;
    return this.pages.send(
      request,
      reply,
      'deviation-list',
      {
        page: {
          ...page,
          intro:
            typeof page.intro === 'string'
              ? page.intro
              : page.intro(
                  form.value,
                  municipalities.find((m) => m.value === form.value?.municipalityId)?.name ?? null,
                  withoutLead.map((s) => s.name),
                ),
        },
        values: { status: page.defaultStatus, sort: page.defaultSort, ...values },
        errors,
        formError,
        items: result.items,
        nextUrl,
        firstUrl: raw.cursor ? `${page.basePath}${queryString(values)}` : null,
        movedTo,
        statusOptions: [
          { value: 'open', label: 'Alla öppna' },
          { value: 'all', label: 'Alla, även avslutade' },
          ...labelled(DEVIATION_STATUSES, STATUS_LABELS),
        ],
        sortOptions: LIST_SORTS.map((value) => ({ value, label: SORT_LABELS[value] })),
        severityOptions: labelled(DEVIATION_SEVERITIES, SEVERITY_LABELS),
        categoryOptions: labelled(DEVIATION_CATEGORIES, CATEGORY_LABELS),
        assigneeOptions: [{ value: 'me', label: 'Bara där jag är ansvarig' }],
        municipalityOptions: municipalities
          .filter((m) => page.mine || page.allSubprojects || m.subprojectId === user.subprojectId)
          .map((m) => ({ value: m.value, label: m.label })),
        subprojectOptions: page.allSubprojects ? subprojects : [],
        leadOptions: page.allSubprojects ? [{ value: 'none', label: 'Delprojekt utan delprojektledare' }] : [],
        withoutLeadIds: withoutLead.map((s) => s.id),
        policy: this.deviations.deadlinePolicy,
      },
      { status: failed ? 400 : 200 },
    );
  }

  private async renderReport(
    request: AuthenticatedRequest,
    reply: FastifyReply,
    id: string,
    forms: Partial<Record<'status' | 'assign' | 'move' | 'comment' | 'classify' | 'redact' | 'barrier', FormState>>,
    status = 200,
    notice: string | null = null,
    extra: Record<string, unknown> = {},
  ): Promise<FastifyReply> {
    const user = request.user as AuthUser;
    const view = await this.deviations.getForUser(user, id);
    // Analysts and admins see (and change) which barrier the report is in, whatever its status; others only the escalated notice.
    const seesBarriers = user.role === 'analyst' || user.role === 'admin';
    const [leads, municipalities, barrierNotice, barrierPlacement] = await Promise.all([
      view.permissions.canAssign ? this.deviations.assignableLeads(view.deviation.subproject.id) : Promise.resolve([]),
      view.permissions.canMove ? this.deviations.municipalityOptions() : Promise.resolve([]),
      this.barriers.barrierNoticeFor(id),
      seesBarriers ? this.barriers.placementFor(id) : Promise.resolve(null),
    ]);
    const d = view.deviation;
    const empty = (): FormState => ({ values: {}, errors: {} });
    // The form starts from what the report says now.
    const classifyNow: FormState = { values: { category: d.category, parties: d.parties, severity: d.severity }, errors: {} };
    const commentVisibilities = COMMENT_VISIBILITIES.filter((v) => (v === 'internal' ? view.permissions.canWriteInternal : view.permissions.canReply));
    const actions = view.permissions.actions;
    const redaction = canRedact(user, { subprojectId: d.subproject.id, reporterId: d.reporter.id, reporterEmail: d.reporter.email, status: d.status })
      ? { choices: redactionChoices(d, { ignoredEmailAddresses: d.reporter.email ? [d.reporter.email] : [] }), maxLength: REDACTION_TEXT_MAX }
      : null;
    return this.pages.send(
      request,
      reply,
      'deviation-show',
      {
        view,
        d,
        notice: notice === DONE_NOTICES.reporter && !view.permissions.seesInternal ? REPORTER_MESSAGE_SENT : notice,
        state: {
          status: saidOnce(forms.status ?? empty()),
          assign: saidOnce(forms.assign ?? empty()),
          move: saidOnce(forms.move ?? empty()),
          comment: saidOnce(forms.comment ?? empty()),
          classify: saidOnce(forms.classify ?? classifyNow),
          redact: saidOnce(forms.redact ?? empty()),
          barrier: forms.barrier ?? empty(),
        },
        barrierPlacement,
        redaction,
        actionButtons: actions.map((action) => ({ value: action, label: ACTION_LABELS[action] })),
        needsResolution: actions.some((a) => a === 'resolve' || (a === 'close' && !d.resolution)),
        commentLabel: commentLabel(actions),
        canAccept: actions.includes('accept'),
        canEscalate: actions.includes('escalate'),
        assigneeOptions: leads.map((lead) => ({ value: lead.id, label: lead.name })),
        // A delprojekt without an active lead is marked: the analysts, not a lead, would get the report there.
        // A retired kommun takes no reports: not a place to move one to.
        municipalityOptions: municipalities
          .filter((m) => m.value !== d.municipality.id && m.active)
          .map((m) => ({ value: m.value, label: m.subprojectHasLead ? m.label : `${m.label} – ingen delprojektledare` })),
        moveTargetsWithoutLead: municipalities.some((m) => !m.subprojectHasLead && m.value !== d.municipality.id && m.active),
        textLimits: { resolution: RESOLUTION_MAX, comment: COMMENT_MAX, body: COMMENT_MAX },
        commentOptions: commentVisibilities.map((value) => ({ value, label: COMMENT_VISIBILITY_LABELS[value] })),
        categoryOptions: labelled(DEVIATION_CATEGORIES, CATEGORY_LABELS),
        partyOptions: labelled(DEVIATION_PARTIES, PARTY_LABELS),
        severityOptions: labelled(DEVIATION_SEVERITIES, SEVERITY_LABELS),
        partyLabels: PARTY_LABELS,
        isReporterView: !view.permissions.seesInternal,
        barrierNotice,
        reopened: lastReopening(view, d.status),
        ...extra,
      },
      { status },
    );
  }
}

/** Atop the page while a redaction waits for its confirmation, which is further down. */
const REDACTION_PREVIEW_NOTICE = 'Inget har tagits bort ännu. Kontrollera var texten står och bekräfta under ”Ta bort personuppgift” längre ned.';

/** The redaction form's fields: the ticked findings, the pasted text, and both as the form shows them again. */
function redactionFormValues(raw: unknown): { choices: string[]; text: string; kept: FormValues } {
  const values = formValues(raw);
  const posted = values.choices;
  const choices = (Array.isArray(posted) ? posted : [posted]).filter((v): v is string => typeof v === 'string');
  const text = typeof values.text === 'string' ? values.text : '';
  return { choices, text, kept: { choices, text } };
}
