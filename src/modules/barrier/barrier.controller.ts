import { Body, Controller, Delete, Get, HttpCode, OnModuleInit, Param, ParseUUIDPipe, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClassConstructor } from 'class-transformer';
import { FastifyReply } from 'fastify';
import { CurrentUser, Roles } from '../../common/auth/auth.decorators';
import { AuthenticatedRequest, AuthUser } from '../../common/auth/auth-user';
import { isIsoDate, stockholmDate } from '../../common/calendar/working-days';
import { Clock } from '../../common/clock/clock';
import { DomainError, NotFoundError } from '../../common/errors/domain-error';
import { ID_IN_PATH, postedText, ResumableForms, resumedForm } from '../../common/security/resumable-forms';
import { PageRenderer, redirectAfterPost } from '../../common/templates/page-renderer';
import { PersonalDataFormState, personalDataNotice, resumedButton, wantsPiiRemoval } from '../../common/templates/personal-data-form';
import { PersonalDataFields, postTextForm } from '../../common/templates/personal-data-post';
import { fieldErrors, formValues, FormValues, validateForm } from '../../common/validation/validation';
import { ACTIVE_BARRIER_STATUSES, BARRIER_STATUS_LABELS } from './barrier.constants';
import { BarrierService, LOCAL_FIX_NOTE_MAX, RetiredBarrier, retiredNotice } from './barrier.service';
import { BarrierDetail, BarrierMemberOrder, BarrierSummary } from './barrier.types';
import { BarrierLetterHook } from './barrier-letter.hook';
import { BARRIER_NAME_MAX } from './barrier-naming';
import { BarrierCreateDto, BarrierCreateFormDto, BarrierLocalFixDto, BarrierMergeDto, BarrierMoveInDto, BarrierMoveInFormDto, BarrierMoveOutDto, BarrierRenameDto, BarrierSplitDto, ThesaurusEntryCreateDto } from './dto/barrier-action.dto';
import { ThesaurusEntry } from './thesaurus-entry.entity';
import { maskPlaceholderIn } from './engine/text-normalizer';
import { ThesaurusService, withoutPersonalDataVariants } from './thesaurus.service';
import { PatternsJob, PatternsStatus } from './jobs/patterns.job';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });
const UUID_IN_ADDRESS = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


/** What the barrier page says after a successful action (?klart=…). */
const DONE_NOTICES: Record<string, string> = {
  bekraftat:
    'Hindret är bekräftat. Motorn behåller dess rapporter och använder dem för att placera nya, från nästa körning av mönsteranalysen (i natt, eller nu med knappen på sidan Strukturella hinder).',
  namn: 'Namnet är sparat. Hindret och dess rapporter är nu bekräftade, så mönsteranalysen flyttar inte rapporterna härifrån.',
  sammanslaget: 'Hindren är sammanslagna. Det andra hindrets rapporter finns nu här.',
  delat: 'Rapporterna är avdelade till ett nytt hinder.',
  'nytt-fran-delning':
    'Det här hindret skapades av rapporter som delades av från ett annat. Båda hindren är bekräftade med sina rapporter, så mönsteranalysen för inte ihop dem igen.',
  'lokal-atgard': 'Den lokala åtgärden är sparad. Översikten visar hindrets avvikelser per månad före och efter datumet.',
  'lokal-atgard-borttagen': 'Den lokala åtgärden är borttagen.',
  nytt: 'Hindret är skapat av rapporterna du angav och bekräftat med dem. Rapporter som låg i andra hinder är flyttade hit.',
  aterstallt: 'Hindret är återställt med rapporterna det hade innan körningen löste upp det, och bekräftat med dem. Mönsteranalysen flyttar dem inte härifrån.',
  'eskalering-tillbaka': 'Eskaleringen är tagen tillbaka. Hindret är inte längre eskalerat; når rapporterna gränsen igen blir det eskalerat på nytt, utan ett nytt e-postmeddelande.',
};

/**
 * What the notice beside the members list says after a report was moved (?klart=…&rapport=AVV-…): by the report's
 * reference, where the analyst is (the page opens at #rapporter, far below the top). An address without a
 * reference (an older link) gets the general wording.
 */
const MEMBER_NOTICES: Record<string, { named: (reference: string, other: string | null) => string; general: string; undo: boolean }> = {
  'flyttad-ut': {
    named: (reference) => `${reference} är flyttad ut ur hindret. Mönsteranalysen lägger aldrig tillbaka den här.`,
    general: 'Rapporten är flyttad ut. Mönsteranalysen lägger aldrig tillbaka den i det här hindret.',
    undo: true,
  },
  'flyttad-vidare': {
    named: (reference, other) => `${reference} är flyttad till ${other ?? 'hindret där den passade bättre'} och bekräftad där.`,
    general: 'Rapporten är flyttad till hindret där den passade bättre, och bekräftad där.',
    undo: true,
  },
  'flyttad-in': {
    named: (reference) => `${reference} är flyttad hit och bekräftad.`,
    general: 'Rapporten är flyttad hit och bekräftad.',
    undo: false,
  },
  'redan-har': {
    named: (reference) => `${reference} finns redan i hindret. Den är nu bekräftad här.`,
    general: 'Rapporten finns redan i hindret. Den är nu bekräftad här.',
    undo: false,
  },
  'flyttad-tillbaka': {
    named: (reference) => `${reference} är tillbaka i hindret och bekräftad här.`,
    general: 'Rapporten är tillbaka i hindret och bekräftad här.',
    undo: false,
  },
};

/** The address with `key=<id>,<id>` added before any #fragment (nothing added for no ids). */
function withIds(href: string, key: string, ids: readonly string[]): string {
  if (ids.length === 0) return href;
  const hash = href.indexOf('#');
  const [path, fragment] = hash < 0 ? [href, ''] : [href.slice(0, hash), href.slice(hash)];
  return `${path}${path.includes('?') ? '&' : '?'}${key}=${ids.join(',')}${fragment}`;
}

/**
 * ?upplost=<id>,<id>: the barriers an analyst's change left without reports and retired, for the notice where the
 * analyst lands. Only ids are read from the address; each is said only if that barrier is retired.
 */
const withRetired = (href: string, retired: readonly RetiredBarrier[]): string => withIds(href, 'upplost', retired.map((barrier) => barrier.id));

/** ?andrat=<id>,<id>: the history lines of the barriers that lost reports in the change, for the notice after it. */
const withChangeNotes = (href: string, noteIds: readonly string[]): string => withIds(href, 'andrat', noteIds);

/** ?rapport=: only a report's reference is shown from the address, nothing else written there. */
const REFERENCE_IN_ADDRESS = /^AVV-\d{4}-\d{1,12}$/i;

/** The members' notice as the page shows it: the text, the barrier the report went to, and a way to move it back. */
export interface MemberNotice {
  text: string;
  link: { href: string; label: string } | null;
  /** Moves the report back into this barrier ("Ångra"), with the order and page the analyst is on. */
  undo: { report: string; label: string } | null;
}

/**
 * The barrier pages' free text, which the personal-data check reads and "Ta bort personuppgifterna åt mig"
 * masks. The analyst's own address is not excepted here: the barrier checks do not except it either.
 */
// The name goes into mails, CSVs and letter headers: a number that looks like a mistyped personnummer is asked about once.
const NAME_FORM: PersonalDataFields = { texts: ['name'], names: { name: 'Namnet' }, next: 'Spara namnet', idNumbers: true };
const SPLIT_FORM: PersonalDataFields = { texts: ['name'], names: { name: 'Namnet' }, next: 'Dela av markerade rapporter', idNumbers: true };
// "Spara den lokala åtgärden" or "Spara ändringen": the page names its own button.
const LOCAL_FIX_FORM: PersonalDataFields = { texts: ['note'], names: { note: 'Beskrivningen' }, next: '' };
// As NAME_FORM: the name goes as far, so a number that looks like a mistyped personnummer is asked about once.
const CREATE_FORM: PersonalDataFields = { texts: ['name'], names: { name: 'Namnet' }, next: 'Skapa hindret', idNumbers: true };
const THESAURUS_FORM: PersonalDataFields = { texts: ['line'], names: { line: 'Raden' }, next: 'Lägg till' };

/**
 * The thesaurus form. Its "Ta bort personuppgifterna åt mig" takes whole variants out of the line instead of
 * masking them: a placeholder stored as a variant would be a word of the engine's vocabulary (see ThesaurusService.add).
 */
interface ThesaurusFormState extends PersonalDataFormState {
  /** After the button: how many variants were taken out, and whether any is left. */
  variantsRemoved?: { count: number; empty: boolean };
  /** The personal data stands in the concept's name, which the button cannot take out: it is not offered. */
  conceptOnly?: boolean;
}

const CONCEPT_PERSONAL_DATA =
  'Det som liknar personuppgifter står i begreppet, före kolonet. Det är ingen variant som kan tas bort: skriv om begreppet utan personuppgifter. Inget har sparats.';

/** "Ta bort personuppgifterna åt mig" on the thesaurus: the line without the variants that held personal data, nothing saved. */
function thesaurusWithoutPersonalData(line: string): { state: ThesaurusFormState; status: number } {
  const result = withoutPersonalDataVariants(line);
  const state: ThesaurusFormState = { values: { line: result.line }, errors: {}, variantsRemoved: { count: result.removed, empty: result.empty } };
  const notice = result.inConcept ? personalDataNotice('line', result.line, THESAURUS_FORM.names.line) : null;
  if (!notice) return { state, status: 200 };
  return { state: { ...state, errors: { line: notice.message }, formError: CONCEPT_PERSONAL_DATA, personalData: { line: notice }, conceptOnly: true }, status: 422 };
}

/** A refused line whose personal data is only in the concept: said so, and the button that could take out nothing is not offered. */
function thesaurusRefusal(form: PersonalDataFormState): ThesaurusFormState {
  if (!form.personalData?.line) return form;
  const result = withoutPersonalDataVariants(postedText(form.values, 'line'));
  return result.removed === 0 && result.inConcept ? { ...form, formError: CONCEPT_PERSONAL_DATA, conceptOnly: true } : form;
}

/** Where on the barrier page each of its forms is, for a GET of the address it posts to. */
const FORM_SECTIONS: Record<string, string> = {
  bekrafta: '#rubrik-bekrafta',
  namn: '#rubrik-namn',
  'sla-ihop': '#rubrik-sla-ihop',
  dela: '#rubrik-dela',
  'flytta-in': '#rubrik-flytta-in',
  'flytta-ut': '#rapporter',
  'lokal-atgard': '#rubrik-lokal-atgard',
  aterstall: '',
  'ta-tillbaka-eskalering': '#rubrik-eskalering',
};

/** What /hinder says after the analyst asked for a run (?analys=…). */
const ANALYSIS_NOTICES: Record<string, string> = {
  startad: 'Mönsteranalysen har startat. Ladda om sidan om en stund för att se resultatet.',
  pagar: 'Mönsteranalysen körs redan. Ladda om sidan om en stund för att se resultatet.',
};

/**
 * A refusal as a form shows it: the field messages beside their fields, and the message above the form only when no
 * field's message already says it ("Ingen rapport har referensen …" stood above the form and again at the field).
 * A refusal not about one field, or one whose field message says something else ("Välj ett hinder i listan."),
 * keeps its message above the form.
 */
export function refusalOf(error: DomainError): { errors: Record<string, string>; formError?: string } {
  const errors = fieldErrors(error);
  const said = Object.values(errors).some((message) => message.startsWith(error.message) || error.message.startsWith(message));
  return said ? { errors } : { errors, formError: error.message };
}

/** ?sida=N on /hinder/:id; anything else is the first page. */
function pageNumber(value: unknown): number {
  const n = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : 1;
  return n >= 1 ? n : 1;
}



/** Föregående/Nästa under the member table; null where there is no such page. */
/** ?ordning=forankring lists the weakest anchored members first; anything else, by date. */
function memberOrder(value: unknown): BarrierMemberOrder {
  return value === 'forankring' ? 'anchoring' : 'date';
}

/** The address of a page of members, in the given order. */
function membersHref(id: string, page: number, order: BarrierMemberOrder): string {
  const query = [order === 'anchoring' ? 'ordning=forankring' : null, page > 1 ? `sida=${page}` : null].filter((part) => part !== null).join('&');
  return `/hinder/${id}${query ? `?${query}` : ''}#rapporter`;
}

/**
 * Where a row's form (Flytta ut, Flytta dit, Ångra) leads back to: the same order and page of the members, so an
 * analyst working through the weakest anchored first keeps their place instead of landing in date order, with
 * what was done, the report's reference and the barrier it went to (`till`) for the notice beside the members.
 */
function reviewHref(id: string, raw: unknown, done: string, report: string, to?: string): string {
  const values = formValues(raw);
  const href = membersHref(id, pageNumber(values.sida), memberOrder(values.ordning));
  const [path, fragment] = href.split('#');
  const notice = `klart=${done}&rapport=${encodeURIComponent(report)}${to ? `&till=${to}` : ''}`;
  return `${path}${path.includes('?') ? '&' : '?'}${notice}#${fragment}`;
}

function pageLinks(id: string, page: BarrierDetail['membersPage'], order: BarrierMemberOrder): { previous: string | null; next: string | null } | null {
  if (!page || page.pages <= 1) return null;
  return { previous: page.page > 1 ? membersHref(id, page.page - 1, order) : null, next: page.page < page.pages ? membersHref(id, page.page + 1, order) : null };
}

/**
 * Strukturella hinder for the analyst: /hinder (list), /hinder/:id (evidence and the analyst's actions),
 * /hinder/tesaurus, and the same as JSON under /api/barriers and /api/thesaurus.
 */
@ApiTags('hinder')
@ApiBearerAuth()
@Roles('analyst')
@Controller()
export class BarrierController implements OnModuleInit {
  constructor(
    private readonly barriers: BarrierService,
    private readonly thesaurus: ThesaurusService,
    private readonly pages: PageRenderer,
    private readonly clock: Clock,
    private readonly patterns: PatternsJob,
    private readonly resumable: ResumableForms,
    private readonly letters: BarrierLetterHook,
  ) {}

  /** The barrier page's text forms come back filled in when posted after the login ended. */
  onModuleInit(): void {
    const back = (id: string): { href: string; label: string } => ({ href: `/hinder/${id}`, label: 'Till hindret' });
    this.resumable.register({
      path: new RegExp(`^/hinder/${ID_IN_PATH}/namn$`),
      render: async (_request, values, match) =>
        resumedForm({
          heading: 'Byt namn',
          action: `/hinder/${match[1]}/namn`,
          fields: [{ name: 'name', label: 'Hindrets namn', kind: 'text', value: postedText(values, 'name') }],
          button: resumedButton(values, { label: 'Spara namnet' }),
          back: back(match[1]),
        }),
    });
    this.resumable.register({
      path: new RegExp(`^/hinder/${ID_IN_PATH}/lokal-atgard$`),
      render: async (_request, values, match) =>
        resumedForm({
          heading: 'Lokal åtgärd',
          action: `/hinder/${match[1]}/lokal-atgard`,
          fields: [
            { name: 'date', label: 'Datum då åtgärden infördes', kind: 'date', value: postedText(values, 'date') },
            { name: 'note', label: 'Vad gjordes?', kind: 'textarea', rows: 3, value: postedText(values, 'note') },
          ],
          button: resumedButton(values, { label: 'Spara den lokala åtgärden' }),
          back: back(match[1]),
        }),
    });
    this.resumable.register({
      path: /^\/hinder\/tesaurus$/,
      render: async (_request, values) =>
        resumedForm({
          heading: 'Lägg till en rad i tesaurusen',
          action: '/hinder/tesaurus',
          fields: [{ name: 'line', label: 'Rad', kind: 'text', value: postedText(values, 'line') }],
          button: resumedButton(values, { label: 'Lägg till' }),
          back: { href: '/hinder/tesaurus', label: 'Till tesaurusen' },
        }),
    });
  }

  // ── API ───────────────────────────────────────────────────────────────────────────────────

  @Get('api/barriers')
  list(): Promise<BarrierSummary[]> {
    return this.barriers.list();
  }

  @Post('api/barriers')
  async create(@CurrentUser() user: AuthUser, @Body() dto: BarrierCreateDto): Promise<BarrierDetail> {
    return this.barriers.get(await this.barriers.createFromReports(user, dto.deviationIds, dto.name, { confirmNotPersonalData: dto.confirmNotPersonalData }));
  }

  @Get('api/barriers/:id')
  @ApiOperation({
    summary: 'Ett hinder med dess rapporter, liknande hinder och skrivelser',
    description:
      '`letters`: hindrets skrivelser, de på gång först och sedan de nyaste, med `id`, `status`, `statusLabel`, `subject`, `sentOn`, ' +
      '`answerReceivedOn`, `createdAt`, `updatedAt`, `evidenceOutdated`, `fromMergedBarrier` (en skrivelse som ligger kvar hos ett hinder ' +
      'som slagits ihop med det här) och `path`.',
  })
  get(@Param('id', uuid) id: string): Promise<BarrierDetail> {
    return this.barriers.get(id);
  }

  @Patch('api/barriers/:id')
  async rename(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Body() dto: BarrierRenameDto): Promise<BarrierDetail> {
    await this.barriers.rename(user, id, dto.name, { confirmNotPersonalData: dto.confirmNotPersonalData });
    return this.barriers.get(id);
  }

  @Post('api/barriers/:id/confirm')
  @HttpCode(200)
  async confirm(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string): Promise<BarrierDetail> {
    await this.barriers.confirm(user, id);
    return this.barriers.get(id);
  }

  @Post('api/barriers/:id/merge')
  @HttpCode(200)
  async merge(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Body() dto: BarrierMergeDto): Promise<BarrierDetail> {
    await this.barriers.merge(user, id, dto.otherBarrierId);
    return this.barriers.get(id);
  }

  /** Answers with the new barrier. */
  @Post('api/barriers/:id/split')
  async split(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Body() dto: BarrierSplitDto): Promise<BarrierDetail> {
    return this.barriers.get(await this.barriers.split(user, id, dto.deviationIds, dto.name, { confirmNotPersonalData: dto.confirmNotPersonalData }));
  }

  @Post('api/barriers/:id/members')
  @HttpCode(200)
  async moveIn(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Body() dto: BarrierMoveInDto): Promise<BarrierDetail> {
    await this.barriers.moveIn(user, id, dto.report);
    return this.barriers.get(id);
  }

  @Delete('api/barriers/:id/members/:deviationId')
  async moveOut(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Param('deviationId', uuid) deviationId: string): Promise<BarrierDetail> {
    await this.barriers.moveOut(user, id, deviationId);
    return this.barriers.get(id);
  }

  @Put('api/barriers/:id/local-fix')
  @ApiOperation({
    summary: 'Registrera eller ändra hindrets lokala åtgärd',
    description:
      'Datum (ÅÅÅÅ-MM-DD, standard i dag, inte i framtiden) och vad som gjordes. Översikten visar hindrets avvikelser per månad före och efter datumet. ' +
      'Ett felaktigt fält ger 400 med meddelandet vid fältet; personuppgifter i beskrivningen ger 422; ett sammanslaget eller upplöst hinder 409.',
  })
  @ApiOkResponse({ description: 'Hindret med dess lokala åtgärd (localFix)' })
  async setLocalFix(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Body() dto: BarrierLocalFixDto): Promise<BarrierDetail> {
    await this.barriers.setLocalFix(user, id, dto);
    return this.barriers.get(id);
  }

  @Delete('api/barriers/:id/local-fix')
  @ApiOperation({ summary: 'Ta bort hindrets lokala åtgärd', description: 'T.ex. när den registrerades av misstag. Svarar med hindret (localFix: null).' })
  @ApiOkResponse({ description: 'Hindret utan lokal åtgärd' })
  async clearLocalFix(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string): Promise<BarrierDetail> {
    await this.barriers.clearLocalFix(user, id);
    return this.barriers.get(id);
  }

  @Get('api/thesaurus')
  thesaurusEntries(): Promise<ThesaurusEntry[]> {
    return this.thesaurus.list();
  }

  @Post('api/thesaurus')
  addThesaurusEntry(@CurrentUser() user: AuthUser, @Body() dto: ThesaurusEntryCreateDto): Promise<ThesaurusEntry> {
    return this.thesaurus.add(user, dto.line);
  }

  @Delete('api/thesaurus/:id')
  @HttpCode(204)
  removeThesaurusEntry(@Param('id', uuid) id: string): Promise<void> {
    return this.thesaurus.remove(id);
  }

  @Get('api/patterns')
  patternsStatus(): Promise<PatternsStatus> {
    return this.patterns.status();
  }

  /** Starts the pattern analysis in the background; GET api/patterns tells when it has run. */
  @Post('api/patterns/run')
  @HttpCode(202)
  runPatterns(): { started: boolean } {
    return { started: this.patterns.startNow() === 'started' };
  }

  // ── Pages ─────────────────────────────────────────────────────────────────────────────────

  @Get('hinder')
  @ApiExcludeEndpoint()
  listPage(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.renderList(request, reply, { values: {}, errors: {} });
  }

  /** "Nytt hinder av rapporterna …" on /hinder: the chosen reports (references) as one new, confirmed barrier. */
  @Post('hinder/nytt')
  @ApiExcludeEndpoint()
  createFromForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() raw: unknown): Promise<FastifyReply> {
    return postTextForm(reply, {
      ...CREATE_FORM,
      raw,
      dto: BarrierCreateFormDto,
      submit: async (dto) => {
        // The form has asked about any number that looks like a mistyped personnummer (CREATE_FORM.idNumbers).
        const { result: created, noteIds } = await this.barriers.collectChangeNotes(() =>
          this.barriers.createFromReferences(request.user as AuthUser, dto.reports, dto.name, { confirmNotPersonalData: true }),
        );
        return withChangeNotes(withRetired(`/hinder/${created.id}?klart=nytt`, created.retired), noteIds);
      },
      show: (form, status) => this.renderList(request, reply, form, status),
    });
  }

  private async renderList(request: AuthenticatedRequest, reply: FastifyReply, createForm: PersonalDataFormState, status = 200): Promise<FastifyReply> {
    const barriers = await this.barriers.list();
    const started = (request.query as Record<string, unknown>).analys;
    const analysis = await this.patterns.status();
    // Each barrier's skrivelse, compactly: the newest letter under way, else the newest answered one.
    const letters = await this.letters.lettersFor(barriers.map((barrier) => barrier.id));
    return this.pages.send(request, reply, 'barriers', {
      barriers,
      letterOf: Object.fromEntries([...letters].map(([id, list]) => [id, list[0]])),
      escalatedCount: barriers.filter((b) => b.status === 'eskalerad').length,
      generatedCount: barriers.filter((b) => b.nameSource === 'generated').length,
      statusLabels: BARRIER_STATUS_LABELS,
      analysis,
      // Only while it runs: reloaded afterwards (the address keeps ?analys=startad) the finished result says the rest.
      analysisNotice: typeof started === 'string' && analysis.running ? (ANALYSIS_NOTICES[started] ?? null) : null,
      createForm,
      retired: await this.retiredNotices(request.query as Record<string, unknown>),
      nameMax: BARRIER_NAME_MAX,
      dissolved: await this.barriers.dissolvedInLastRun(),
    }, { status });
  }

  @Post('hinder/kor-analys')
  @ApiExcludeEndpoint()
  runAnalysis(@Res() reply: FastifyReply): FastifyReply {
    return redirectAfterPost(reply, this.patterns.startNow() === 'started' ? '/hinder?analys=startad' : '/hinder?analys=pagar');
  }

  /** The address a form posts to, opened by itself (reloaded after a refusal shown there): the page it belongs to. */
  @Get('hinder/kor-analys')
  @ApiExcludeEndpoint()
  runAnalysisAddress(@Res() reply: FastifyReply): FastifyReply {
    return reply.redirect('/hinder', 303);
  }

  @Get('hinder/nytt')
  @ApiExcludeEndpoint()
  createAddress(@Res() reply: FastifyReply): FastifyReply {
    return reply.redirect('/hinder#rubrik-nytt', 303);
  }

  /** The built-in thesaurus as plain text, read-only: the analyst's lines on /hinder/tesaurus add to and override it. */
  @Get('hinder/tesaurus/inbyggd.txt')
  @ApiExcludeEndpoint()
  builtInThesaurus(@Res() reply: FastifyReply): FastifyReply {
    return reply
      .header('content-type', 'text/plain; charset=utf-8')
      .header('content-disposition', 'inline; filename="tesaurus-inbyggd.txt"')
      .send(this.thesaurus.builtIn());
  }

  @Get('hinder/tesaurus/:entryId/ta-bort')
  @ApiExcludeEndpoint()
  removeThesaurusLineAddress(@Res() reply: FastifyReply): FastifyReply {
    return reply.redirect('/hinder/tesaurus', 303);
  }

  @Get('hinder/:id/lokal-atgard/ta-bort')
  @ApiExcludeEndpoint()
  clearLocalFixAddress(@Res() reply: FastifyReply, @Param('id', uuid) id: string): FastifyReply {
    return reply.redirect(`/hinder/${id}#rubrik-lokal-atgard`, 303);
  }

  /**
   * A barrier form's address (/hinder/:id/namn …) opened by itself: after a refusal the page is shown at the address
   * the form posted to, and reloading it from the address bar asks for it by GET. It leads to the form on the page.
   */
  @Get('hinder/:id/:form')
  @ApiExcludeEndpoint()
  formAddress(@Res() reply: FastifyReply, @Param('id', uuid) id: string, @Param('form') form: string): FastifyReply {
    const section = FORM_SECTIONS[form];
    if (section === undefined) throw new NotFoundError('Sidan');
    return reply.redirect(`/hinder/${id}${section}`, 303);
  }

  @Get('hinder/tesaurus')
  @ApiExcludeEndpoint()
  thesaurusPage(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.renderThesaurus(request, reply, { values: {}, errors: {} });
  }

  @Post('hinder/tesaurus')
  @ApiExcludeEndpoint()
  async addThesaurusLine(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() raw: unknown): Promise<FastifyReply> {
    if (wantsPiiRemoval(raw)) {
      const { state, status } = thesaurusWithoutPersonalData(postedText(formValues(raw), 'line'));
      return this.renderThesaurus(request, reply, state, status);
    }
    return postTextForm(reply, {
      ...THESAURUS_FORM,
      raw,
      dto: ThesaurusEntryCreateDto,
      submit: async (dto) => {
        await this.thesaurus.add(request.user as AuthUser, dto.line);
        return '/hinder/tesaurus?sparat=1';
      },
      show: (form, status) => this.renderThesaurus(request, reply, thesaurusRefusal(form), status),
    });
  }

  @Post('hinder/tesaurus/:entryId/ta-bort')
  @ApiExcludeEndpoint()
  async removeThesaurusLine(@Res() reply: FastifyReply, @Param('entryId', uuid) entryId: string): Promise<FastifyReply> {
    await this.thesaurus.remove(entryId);
    return redirectAfterPost(reply, '/hinder/tesaurus?borttagen=1');
  }

  @Get('hinder/:id')
  @ApiExcludeEndpoint()
  async page(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string): Promise<FastifyReply> {
    // A merged barrier's address leads to the barrier it went into.
    const mergedInto = await this.barriers.mergedInto(id);
    if (mergedInto) return reply.redirect(`/hinder/${mergedInto}?fran=${id}`, 302);
    await this.barriers.keepName(id);
    return this.renderBarrier(request, reply, id, {});
  }

  @Post('hinder/:id/bekrafta')
  @ApiExcludeEndpoint()
  confirmFromForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string): Promise<FastifyReply> {
    return this.handle(request, reply, id, 'confirm', null, undefined, async (user) => {
      await this.barriers.confirm(user, id);
      return `/hinder/${id}?klart=bekraftat`;
    });
  }

  /** "Återställ hindret": a barrier the latest full run dissolved gets its reports back (BarrierService.restore). */
  @Post('hinder/:id/aterstall')
  @ApiExcludeEndpoint()
  restoreFromForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string): Promise<FastifyReply> {
    return this.handle(request, reply, id, 'restore', null, undefined, async (user) => {
      await this.barriers.restore(user, id);
      return `/hinder/${id}?klart=aterstallt`;
    });
  }

  /** "Ta tillbaka eskaleringen": an escalated barrier whose reports no longer meet the rule (BarrierService.withdrawEscalation). */
  @Post('hinder/:id/ta-tillbaka-eskalering')
  @ApiExcludeEndpoint()
  withdrawEscalationFromForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string): Promise<FastifyReply> {
    return this.handle(request, reply, id, 'withdrawEscalation', null, undefined, async (user) => {
      await this.barriers.withdrawEscalation(user, id);
      return `/hinder/${id}?klart=eskalering-tillbaka`;
    });
  }

  @Post('hinder/:id/namn')
  @ApiExcludeEndpoint()
  renameFromForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() raw: unknown): Promise<FastifyReply> {
    return this.handleText(request, reply, id, 'rename', NAME_FORM, BarrierRenameDto, raw, async (user, dto) => {
      // The form has asked about any number that looks like a mistyped personnummer (NAME_FORM.idNumbers).
      await this.barriers.rename(user, id, dto.name, { confirmNotPersonalData: true });
      return `/hinder/${id}?klart=namn`;
    });
  }

  /**
   * "Slå ihop" asks first: the form (or "Slå ihop hit" beside a similar barrier) shows what the merge will do, and only
   * that page's "Slå ihop" (`confirmed=1`) merges. A refusal at either step comes back at the form with the choice kept.
   * The API (POST /api/barriers/:id/merge) merges at once: its clients confirm themselves.
   */
  @Post('hinder/:id/sla-ihop')
  @ApiExcludeEndpoint()
  async mergeFromForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() raw: unknown): Promise<FastifyReply> {
    if (formValues(raw).confirmed === '1') {
      return this.handle(request, reply, id, 'merge', BarrierMergeDto, raw, async (user, dto) => {
        await this.barriers.merge(user, id, dto.otherBarrierId);
        return `/hinder/${id}?klart=sammanslaget`;
      });
    }
    const values = formValues(raw);
    const form = await validateForm(BarrierMergeDto, raw);
    if (!form.value) return this.renderBarrier(request, reply, id, { merge: { values, errors: form.errors } }, 400);
    try {
      const preview = await this.barriers.mergePreview(id, form.value.otherBarrierId);
      return this.pages.send(request, reply, 'barrier-merge', { preview });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return this.renderBarrier(request, reply, id, { merge: { values, ...refusalOf(error) } }, error.status);
    }
  }

  @Post('hinder/:id/dela')
  @ApiExcludeEndpoint()
  splitFromForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() raw: unknown): Promise<FastifyReply> {
    return this.handleText(request, reply, id, 'split', SPLIT_FORM, BarrierSplitDto, raw, async (user, dto) => {
      const created = await this.barriers.split(user, id, dto.deviationIds, dto.name, { confirmNotPersonalData: true });
      return `/hinder/${created}?klart=nytt-fran-delning`;
    });
  }

  @Post('hinder/:id/flytta-in')
  @ApiExcludeEndpoint()
  moveInFromForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() raw: unknown): Promise<FastifyReply> {
    return this.handle(request, reply, id, 'moveIn', BarrierMoveInFormDto, raw, async (user, dto) => {
      const moved = await this.barriers.moveIn(user, id, dto.report);
      // "Flytta dit" on another barrier's page: back to the page the analyst is reviewing.
      if (dto.returnTo && dto.returnTo !== id) return withRetired(reviewHref(dto.returnTo, raw, 'flyttad-vidare', moved.reference, id), moved.retired);
      // "Ångra" beside a moved report names this barrier to return to; the "Flytta in" form names none.
      const done = moved.alreadyHere ? 'redan-har' : dto.returnTo === id ? 'flyttad-tillbaka' : 'flyttad-in';
      return withRetired(reviewHref(id, raw, done, moved.reference), moved.retired);
    });
  }

  @Post('hinder/:id/flytta-ut')
  @ApiExcludeEndpoint()
  moveOutFromForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() raw: unknown): Promise<FastifyReply> {
    return this.handle(request, reply, id, 'moveOut', BarrierMoveOutDto, raw, async (user, dto) => {
      const moved = await this.barriers.moveOut(user, id, dto.deviationId);
      return withRetired(reviewHref(id, raw, 'flyttad-ut', moved.reference), moved.retired);
    });
  }

  @Post('hinder/:id/lokal-atgard')
  @ApiExcludeEndpoint()
  async localFixFromForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string, @Body() raw: unknown): Promise<FastifyReply> {
    // On the form the date is prefilled with today; emptied, it is a mistake to point out rather than "today" again.
    // (Not after "Ta bort personuppgifterna åt mig": that only shows the form again, and Spara then says it.)
    const typed = formValues(raw).date;
    if (!wantsPiiRemoval(raw) && (typeof typed !== 'string' || typed.trim() === '')) {
      const form = await validateForm(BarrierLocalFixDto, raw);
      const errors = { date: 'Ange datumet då åtgärden infördes, t.ex. 2026-05-10.', ...form.errors };
      return this.renderBarrier(request, reply, id, { localFix: { values: formValues(raw), errors } }, 400);
    }
    return this.handleText(request, reply, id, 'localFix', LOCAL_FIX_FORM, BarrierLocalFixDto, raw, async (user, dto) => {
      await this.barriers.setLocalFix(user, id, dto);
      return `/hinder/${id}?klart=lokal-atgard`;
    });
  }

  @Post('hinder/:id/lokal-atgard/ta-bort')
  @ApiExcludeEndpoint()
  clearLocalFixFromForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string): Promise<FastifyReply> {
    return this.handle(request, reply, id, 'localFix', null, undefined, async (user) => {
      await this.barriers.clearLocalFix(user, id);
      return `/hinder/${id}?klart=lokal-atgard-borttagen`;
    });
  }

  /** Validates a form, runs the action, and redirects; on a problem the page comes back with the form filled in. */
  private async handle<T extends object>(
    request: AuthenticatedRequest,
    reply: FastifyReply,
    id: string,
    formName: string,
    dto: ClassConstructor<T> | null,
    raw: unknown,
    action: (user: AuthUser, value: T) => Promise<string>,
  ): Promise<FastifyReply> {
    const values = formValues(raw);
    let value = {} as T;
    if (dto) {
      const form = await validateForm(dto, raw);
      if (!form.value) return this.renderBarrier(request, reply, id, { [formName]: { values, errors: form.errors } }, 400);
      value = form.value;
    }
    try {
      const { result: href, noteIds } = await this.barriers.collectChangeNotes(() => action(request.user as AuthUser, value));
      return redirectAfterPost(reply, withChangeNotes(href, noteIds));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return this.renderBarrier(request, reply, id, { [formName]: { values, ...refusalOf(error) } }, error.status);
    }
  }

  /** A form with the analyst's free text: as handle, and a refusal for personal data quotes it (personal-data-post). */
  private handleText<T extends object>(
    request: AuthenticatedRequest,
    reply: FastifyReply,
    id: string,
    formName: string,
    fields: PersonalDataFields,
    dto: ClassConstructor<T>,
    raw: unknown,
    action: (user: AuthUser, value: T) => Promise<string>,
  ): Promise<FastifyReply> {
    return postTextForm(reply, {
      ...fields,
      raw,
      dto,
      submit: async (value) => {
        const { result: href, noteIds } = await this.barriers.collectChangeNotes(() => action(request.user as AuthUser, value));
        return withChangeNotes(href, noteIds);
      },
      show: (state, status) => this.renderBarrier(request, reply, id, { [formName]: state }, status),
    });
  }

  private async renderBarrier(request: AuthenticatedRequest, reply: FastifyReply, id: string, forms: Record<string, unknown>, status = 200): Promise<FastifyReply> {
    const query = request.query as Record<string, unknown>;
    const order = memberOrder(query.ordning);
    const barrier = await this.barriers.get(id, { page: pageNumber(query.sida), order });
    const today = stockholmDate(this.clock.now());
    // "Använd datumet" on the hint puts the latest locally resolved report's day into the form; nothing is saved until the analyst does.
    const suggested = typeof query['lokal-datum'] === 'string' && isIsoDate(query['lokal-datum']) ? query['lokal-datum'] : null;
    const done = typeof query.klart === 'string' ? (DONE_NOTICES[query.klart] ?? null) : null;
    const active = ACTIVE_BARRIER_STATUSES.includes(barrier.status);
    const notice = await this.memberNotice(query);
    // "Ångra" would move the report back into a barrier that is retired now: refused, so not offered.
    const memberNotice = notice && !active ? { ...notice, undo: null } : notice;
    const retired = await this.retiredNotices(query);
    const changeNotes = typeof query.andrat === 'string' ? await this.barriers.changeNotes(query.andrat.split(',')) : [];
    const letters = barrier.letters;
    const splitValues = (forms.split as { values?: FormValues } | undefined)?.values;
    const selected = splitValues?.deviationIds;
    return this.pages.send(
      request,
      reply,
      'barrier',
      {
        barrier,
        done,
        memberNotice,
        retired,
        changeNotes,
        mergedFrom: typeof query.fran === 'string',
        formState: forms,
        selectedForSplit: Array.isArray(selected) ? selected : typeof selected === 'string' ? [selected] : [],
        nameMax: BARRIER_NAME_MAX,
        mergeOptions: barrier.mergeCandidates.map((candidate) => ({ value: candidate.id, label: candidate.displayName })),
        active,
        letters,
        // A letter can be started where none is under way (answered ones are history; a follow-up may be written).
        canStartLetter: this.letters.available && ACTIVE_BARRIER_STATUSES.includes(barrier.status) && barrier.memberCount > 0 && !letters.some((letter) => letter.status !== 'besvarad'),
        today,
        localFixDefaults: { date: suggested ?? barrier.localFix?.date ?? today, note: barrier.localFix?.note ?? '' },
        localFixNoteMax: LOCAL_FIX_NOTE_MAX,
        pageLinks: pageLinks(barrier.id, barrier.membersPage, order),
        memberOrder: order,
        orderLinks: { date: membersHref(barrier.id, 1, 'date'), anchoring: membersHref(barrier.id, 1, 'anchoring') },
      },
      { status },
    );
  }

  /** "Hindret X hade inga rapporter kvar och är upplöst." for each retired barrier in ?upplost= (see withRetired). */
  private async retiredNotices(query: Record<string, unknown>): Promise<Array<{ text: string; path: string }>> {
    const ids = typeof query.upplost === 'string' ? query.upplost.split(',').filter((id) => UUID_IN_ADDRESS.test(id)).slice(0, 20) : [];
    const notices: Array<{ text: string; path: string }> = [];
    for (const id of [...new Set(ids)]) {
      const name = await this.barriers.retiredNameOf(id);
      if (name !== null) notices.push({ text: retiredNotice(name), path: `/hinder/${id}` });
    }
    return notices;
  }

  /** The notice beside the members after a move (MEMBER_NOTICES), or null. */
  private async memberNotice(query: Record<string, unknown>): Promise<MemberNotice | null> {
    const kind = typeof query.klart === 'string' ? MEMBER_NOTICES[query.klart] : undefined;
    if (!kind) return null;
    const report = typeof query.rapport === 'string' && REFERENCE_IN_ADDRESS.test(query.rapport) ? query.rapport.toUpperCase() : null;
    if (report === null) return { text: kind.general, link: null, undo: null };
    // The barrier it went to, by the name pages show; an id that is no barrier is left out rather than trusted.
    const to = typeof query.till === 'string' && UUID_IN_ADDRESS.test(query.till) ? await this.barriers.displayNameOf(query.till) : null;
    return {
      text: kind.named(report, to),
      link: to && typeof query.till === 'string' ? { href: `/hinder/${query.till}`, label: `Till ${to}` } : null,
      undo: kind.undo ? { report, label: `Ångra: flytta tillbaka ${report} hit` } : null,
    };
  }

  private async renderThesaurus(request: AuthenticatedRequest, reply: FastifyReply, form: ThesaurusFormState, status = 200): Promise<FastifyReply> {
    const query = request.query as Record<string, unknown>;
    const entries = await this.thesaurus.list();
    const builtIn = this.thesaurus.builtIn();
    // Lines saved before placeholders were refused: the engine leaves out what holds one, so the analyst is told.
    const placeholders = Object.fromEntries(entries.flatMap((entry) => {
      const found = maskPlaceholderIn(entry.line);
      return found === null ? [] : [[entry.id, found]];
    }));
    return this.pages.send(
      request,
      reply,
      'barrier-thesaurus',
      {
        entries,
        placeholders,
        form,
        saved: query.sparat === '1',
        removed: query.borttagen === '1',
        builtIn,
        builtInLineCount: builtIn.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#')).length,
      },
      { status },
    );
  }
}
