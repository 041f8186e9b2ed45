import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentUser, Roles } from '../../common/auth/auth.decorators';
import { AuthUser } from '../../common/auth/auth-user';
import { LetterCreateDto } from './dto/letter-create.dto';
import { LetterTransitionDto } from './dto/letter-transition.dto';
import { LetterUpdateDto } from './dto/letter-update.dto';
import { LetterListItem, LetterService, LetterTimelineEntry, LetterUpsertResult, LetterView } from './letter.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

/** Skrivelser over JSON, for verksamhetsutvecklare. The pages use the same service. */
@ApiTags('skrivelser')
@ApiBearerAuth()
@Roles('analyst')
@Controller('api/letters')
export class LetterController {
  constructor(private readonly letters: LetterService) {}

  @Get()
  @ApiOperation({ summary: 'Alla skrivelser: utkast först, sedan granskade, skickade och besvarade' })
  list(): Promise<LetterListItem[]> {
    return this.letters.list();
  }

  @Post()
  @ApiOperation({ summary: 'Skapa ett utkast för ett hinder; finns ett utkast uppdateras dess underlag i stället' })
  create(@CurrentUser() user: AuthUser, @Body() dto: LetterCreateDto): Promise<LetterUpsertResult> {
    return this.letters.createForBarrier(user, dto.barrierId);
  }

  @Get(':id')
  get(@Param('id', uuid) id: string): Promise<LetterView> {
    return this.letters.get(id);
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'Skrivelsens logg' })
  events(@Param('id', uuid) id: string): Promise<LetterTimelineEntry[]> {
    return this.letters.timeline(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Ändra ett utkast (alla texter och versionen du utgick från)' })
  update(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Body() dto: LetterUpdateDto): Promise<LetterView> {
    return this.letters.update(user, id, dto);
  }

  @Post(':id/transitions')
  @ApiOperation({ summary: 'Granska, återför till utkast, markera skickad eller registrera svar' })
  transition(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Body() dto: LetterTransitionDto): Promise<LetterView> {
    return this.letters.transition(user, id, dto);
  }

  @Post(':id/refresh')
  @ApiOperation({ summary: 'Uppdatera utkastets underlag ur hindrets rapporter' })
  refresh(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string): Promise<LetterUpsertResult> {
    return this.letters.refresh(user, id);
  }

  @Get(':id/docx')
  @ApiProduces('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
  async docx(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return sendDocx(reply, await this.letters.docx(id, user));
  }
}

export function sendDocx(reply: FastifyReply, file: { buffer: Buffer; filename: string }): FastifyReply {
  return reply
    .status(200)
    .header('content-type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .header('cache-control', 'no-store')
    .send(file.buffer);
}
