import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CurrentUser, Roles } from '../../common/auth/auth.decorators';
import { AuthUser } from '../../common/auth/auth-user';
import { ValidationFailedError } from '../../common/errors/domain-error';
import { flattenValidationErrors } from '../../common/validation/validation';
import { REDACTION_DONE_NOTICE, sentLettersNotice } from './deviation-redaction';
import { DeviationRedactionService } from './deviation-redaction.service';
import { DeviationService } from './deviation.service';
import { DeviationCommentView, DeviationPage, DeviationView, FiledDeviation } from './deviation.types';
import { DeviationAction } from './deviation-workflow';
import { DeviationAssignDto, DeviationClassifyDto, DeviationCommentCreateDto, DeviationMoveDto, DeviationTransitionDto } from './dto/deviation-action.dto';
import { DeviationCreateDto } from './dto/deviation-create.dto';
import { DeviationListQueryDto } from './dto/deviation-list-query.dto';
import { DeviationRedactionDto, RedactionChoiceView, RedactionPreviewView, RedactionResultView } from './dto/deviation-redaction.dto';

/**
 * Status actions may be posted without a body; the global pipe demands one, so these validate
 * their optional body here with the same rules (unknown fields refused, Swedish messages).
 */
async function optionalBody<T extends object>(dto: ClassConstructor<T>, body: unknown): Promise<T> {
  const source = body === undefined || body === null || body === '' ? {} : body;
  if (typeof source !== 'object' || Array.isArray(source)) {
    throw new ValidationFailedError([], 'Begäran måste vara ett JSON-objekt med fälten som beskrivs i API-dokumentationen.');
  }
  const instance = plainToInstance(dto, source);
  const problems = flattenValidationErrors(
    await validate(instance, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } }),
  );
  if (problems.length > 0) throw new ValidationFailedError(problems);
  return instance;
}

const PERSONAL_DATA_RESPONSE = {
  status: 422,
  description: 'personal_data_found: en fritext liknar personuppgifter (typ och teckenposition per fält); inget sparades',
};

@ApiTags('avvikelser')
@ApiBearerAuth()
@Controller('api/deviations')
export class DeviationController {
  constructor(
    private readonly deviations: DeviationService,
    private readonly redaction: DeviationRedactionService,
  ) {}

  @Post()
  @Roles('staff', 'lead', 'analyst')
  @ApiOperation({
    summary: 'Rapportera en avvikelse',
    description:
      'Ägs av kommunens delprojekt; dess aktiva delprojektledare får e-post. Har delprojektet ingen aktiv delprojektledare får ' +
      'verksamhetsutvecklarna e-post i stället och kan ta emot den. Svaret säger vilka som fick e-post (notifiedLeads, notifiedAnalysts).',
  })
  @ApiResponse({ status: 201, description: 'Avvikelsen är registrerad' })
  @ApiResponse(PERSONAL_DATA_RESPONSE)
  async file(@CurrentUser() user: AuthUser, @Body() dto: DeviationCreateDto): Promise<FiledDeviation & { path: string }> {
    const filed = await this.deviations.file(user, dto);
    return { ...filed, path: `/avvikelser/${filed.id}` };
  }

  @Get()
  @ApiOperation({
    summary: 'Lista avvikelser',
    description:
      'Medarbetare ser sina egna, delprojektledare sitt delprojekts, verksamhetsutvecklare och administratörer alla. ' +
      'Standard: öppna, äldst först. Bläddra med nextCursor.',
  })
  list(@CurrentUser() user: AuthUser, @Query() query: DeviationListQueryDto): Promise<DeviationPage> {
    return this.deviations.list(user, query);
  }

  @Get('mine')
  @ApiOperation({ summary: 'Mina avvikelser', description: 'Det jag har rapporterat, nyast först, med status.' })
  mine(@CurrentUser() user: AuthUser, @Query() query: DeviationListQueryDto): Promise<DeviationPage> {
    return this.deviations.listMine(user, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'En avvikelse med kommentarer, tidslinje och vad du får göra', description: '404 om du inte får se den.' })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<DeviationView> {
    return this.deviations.getForUser(user, id);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ta emot (ny → mottagen)', description: 'Delprojektledare i ägande delprojekt. Rapportören får e-post.' })
  @ApiBody({ type: DeviationTransitionDto, required: false })
  accept(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<DeviationView> {
    return this.act(user, id, 'accept', body);
  }

  @Post(':id/investigate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Påbörja utredning (mottagen → under utredning)' })
  @ApiBody({ type: DeviationTransitionDto, required: false })
  investigate(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<DeviationView> {
    return this.act(user, id, 'investigate', body);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Markera som åtgärdad lokalt', description: 'Kräver resolution. Rapportören får e-post.' })
  @ApiBody({ type: DeviationTransitionDto })
  @ApiResponse(PERSONAL_DATA_RESPONSE)
  resolve(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<DeviationView> {
    return this.act(user, id, 'resolve', body);
  }

  @Post(':id/escalate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Eskalera som strukturellt hinder', description: 'Verksamhetsutvecklarna och rapportören får e-post.' })
  @ApiBody({ type: DeviationTransitionDto, required: false })
  escalate(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<DeviationView> {
    return this.act(user, id, 'escalate', body);
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Avsluta', description: 'Från åtgärdad lokalt eller strukturellt hinder; kräver en åtgärd (resolution) om ingen finns.' })
  @ApiBody({ type: DeviationTransitionDto, required: false })
  close(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<DeviationView> {
    return this.act(user, id, 'close', body);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @ApiOperation({ summary: 'Återöppna (→ under utredning)', description: 'Kräver comment: varför. Rapportören får e-post och läser skälet i avvikelsen.' })
  @ApiBody({ type: DeviationTransitionDto })
  reopen(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<DeviationView> {
    return this.act(user, id, 'reopen', body);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles('lead')
  @ApiOperation({ summary: 'Tilldela en delprojektledare i ägande delprojekt' })
  async assign(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: DeviationAssignDto): Promise<DeviationView> {
    await this.deviations.assign(user, id, dto.assigneeId);
    return this.deviations.getForUser(user, id);
  }

  @Post(':id/move')
  @HttpCode(200)
  @Roles('lead', 'analyst')
  @ApiOperation({
    summary: 'Flytta till en annan kommun',
    description:
      'Kommunens delprojekt blir ägare; dess aktiva delprojektledare får e-post, eller verksamhetsutvecklarna om delprojektet saknar aktiv delprojektledare.',
  })
  move(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() dto: DeviationMoveDto,
  ): Promise<{ stillVisible: boolean; subprojectName: string; subprojectHasLead: boolean; notifiedLeads: number; notifiedAnalysts: number }> {
    return this.deviations.move(user, id, dto.municipalityId, dto.comment);
  }

  @Post(':id/reclassify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ändra kategori, parter och allvarlighet',
    description:
      'Delprojektledare i ägande delprojekt och verksamhetsutvecklare. Det som utelämnas ändras inte; parties är hela listan. ' +
      'Ändringen (före → efter) och kommentaren skrivs i tidslinjen; listor och översikten räknar med de nya värdena, mönsteranalysen från nästa fulla körning. ' +
      '422 nothing_changed om inget ändras.',
  })
  @ApiResponse(PERSONAL_DATA_RESPONSE)
  async reclassify(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: DeviationClassifyDto): Promise<DeviationView> {
    await this.deviations.reclassify(user, id, dto);
    return this.deviations.getForUser(user, id);
  }

  @Post(':id/comments')
  @ApiOperation({
    summary: 'Skriv en intern anteckning eller ett svar till rapportören',
    description: 'internal: delprojektledare och verksamhetsutvecklare. reporter: syns för rapportören, som får e-post.',
  })
  @ApiResponse(PERSONAL_DATA_RESPONSE)
  comment(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: DeviationCommentCreateDto): Promise<DeviationCommentView> {
    return this.deviations.addComment(user, id, dto);
  }

  @Get(':id/redactions')
  @Roles('lead', 'analyst', 'admin')
  @ApiOperation({
    summary: 'Det som liknar personuppgifter i avvikelsen',
    description:
      'Detektorns fynd och nummer som liknar ett felskrivet personnummer, som avvikelsesidans ”Ta bort personuppgift” visar dem: ' +
      'value (skickas i choices), var och några ord runt fyndet med fyndet maskerat. Samma roller som POST.',
  })
  @ApiResponse({ status: 200, type: [RedactionChoiceView] })
  async redactionChoices(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<RedactionChoiceView[]> {
    const choices = await this.redaction.choices(user, id);
    return choices.map((choice) => ({
      value: choice.value,
      label: choice.label,
      // The finding masked in place (see redactionChoices): nothing of it is sent back.
      quote: `${choice.quote.clippedBefore ? '…' : ''}${choice.quote.segments.map((segment) => segment.text).join('')}${choice.quote.clippedAfter ? '…' : ''}`,
    }));
  }

  @Post(':id/redactions')
  @HttpCode(200)
  @Roles('lead', 'analyst', 'admin')
  @ApiOperation({
    summary: 'Ta bort personuppgift ur avvikelsen',
    description:
      'Delprojektledare i ägande delprojekt, verksamhetsutvecklare och administratörer (andra: 403; en avvikelse du inte ser: 404). ' +
      'Ange texts (exakt som de står) och/eller choices (value från GET …/redactions). Varje förekomst byts mot en platshållare i en ' +
      'transaktion: i avvikelsens texter, kommentarer, tidslinje och sparade e-post, i hindrets namn, termer, skäl och mönstermodell ' +
      '(och en full körning av mönsteranalysen begärs), och i skrivelser under arbete. Skickade skrivelser ändras inte; sentLetters ' +
      'säger vilka texten står i. 400 med felet vid texts eller choices när en text inte finns i avvikelsen, står inuti ett längre ord ' +
      'eller ett fynd inte längre finns, och för en text som inte ensam kan vara en personuppgift (en parts kod eller namn, ett ord på ' +
      'en eller två bokstäver, ett vanligt ord som ”inte”); då ändras inget. dryRun: true visar först vad som skulle ändras (antal och var) utan att ändra något.',
  })
  @ApiBody({ type: DeviationRedactionDto })
  @ApiResponse({ status: 200, type: RedactionResultView, description: 'Gjort. Med dryRun: true i stället RedactionPreviewView, och inget ändrades.' })
  @ApiExtraModels(RedactionPreviewView)
  @ApiResponse({ status: 400, description: 'validation_failed: vad som ska rättas, vid texts eller choices; inget ändrades' })
  async redact(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: DeviationRedactionDto): Promise<RedactionResultView | RedactionPreviewView> {
    const input = { texts: dto.texts ?? [], choices: dto.choices ?? [], via: 'api' as const };
    if (dto.dryRun === true) {
      // Counts and places only: the caller sent the text, no quote of the report is needed.
      const { preview, summary } = await this.redaction.preview(user, id, input);
      return { dryRun: true, ...preview, summary };
    }
    const outcome = await this.redaction.redact(user, id, input);
    return {
      fields: outcome.record.fields,
      comments: outcome.record.comments,
      log: outcome.record.log,
      mails: outcome.mails,
      barriers: outcome.barriers,
      letters: outcome.letters,
      sentLetters: outcome.sentLetters,
      notice: `${REDACTION_DONE_NOTICE} ${sentLettersNotice(outcome.sentLetters)}`.trim(),
    };
  }

  private async act(user: AuthUser, id: string, action: DeviationAction, body: unknown): Promise<DeviationView> {
    const dto = await optionalBody(DeviationTransitionDto, body);
    await this.deviations.transition(user, id, action, dto);
    return this.deviations.getForUser(user, id);
  }
}
