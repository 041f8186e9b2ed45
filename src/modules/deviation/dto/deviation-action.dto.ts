import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsUUID, Length, ValidationArguments } from 'class-validator';
import { trimString } from '../../../common/validation/validation';
import { COMMENT_VISIBILITIES, CommentVisibility } from '../deviation.constants';
import { DEVIATION_ACTIONS, DeviationAction } from '../deviation-workflow';
import { emptyToUndefined, textLengthMessage, trimText } from './deviation-create.dto';

export const RESOLUTION_MAX = 4000;
export const COMMENT_MAX = 4000;

/** What the comment form's text is, in its length message: a note the reporter never sees, or a message in the dialogue. */
function commentName(args: ValidationArguments): string {
  return (args.object as { visibility?: unknown }).visibility === 'internal' ? 'Anteckningen' : 'Meddelandet';
}

/** Body of the status actions in the API (accept, investigate, resolve, escalate, close, reopen). */
export class DeviationTransitionDto {
  @ApiPropertyOptional({ maxLength: RESOLUTION_MAX, description: 'Vad som gjordes. Krävs för att markera åtgärdad lokalt och för att avsluta.' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Length(1, RESOLUTION_MAX, { message: textLengthMessage('Beskriv vad som gjordes.', 1, RESOLUTION_MAX, 'Åtgärden') })
  resolution?: string;

  @ApiPropertyOptional({ maxLength: COMMENT_MAX, description: 'Varför (t.ex. vid eskalering eller återöppning); sparas i loggen.' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Length(1, COMMENT_MAX, { message: textLengthMessage('Skriv en kommentar eller lämna fältet tomt.', 1, COMMENT_MAX, 'Kommentaren') })
  comment?: string;
}

/** The status form on the report page: the pressed button names the action. */
export class DeviationStatusFormDto extends DeviationTransitionDto {
  @IsIn(DEVIATION_ACTIONS, { message: 'Välj vad du vill göra med avvikelsen.' })
  action: DeviationAction;
}

export class DeviationAssignDto {
  @ApiProperty({ format: 'uuid', description: 'En delprojektledare i delprojektet som äger avvikelsen' })
  @Transform(trimString)
  @IsUUID('all', { message: 'Välj en delprojektledare.' })
  assigneeId: string;
}

export class DeviationMoveDto {
  @ApiProperty({ format: 'uuid', description: 'Kommunen avvikelsen egentligen gäller; dess delprojekt blir ägare' })
  @Transform(trimString)
  @IsUUID('all', { message: 'Välj kommun.' })
  municipalityId: string;

  @ApiPropertyOptional({ maxLength: COMMENT_MAX, description: 'Varför den flyttas; sparas i loggen' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Length(1, COMMENT_MAX, { message: textLengthMessage('Skriv en kommentar eller lämna fältet tomt.', 1, COMMENT_MAX, 'Kommentaren') })
  comment?: string;
}

export class DeviationCommentCreateDto {
  @ApiProperty({ enum: COMMENT_VISIBILITIES, description: 'internal = intern anteckning, reporter = svar som rapportören ser' })
  @IsIn(COMMENT_VISIBILITIES, { message: 'Välj om det är en intern anteckning eller ett svar till rapportören.' })
  visibility: CommentVisibility;

  @ApiProperty({ maxLength: COMMENT_MAX })
  @Transform(trimText)
  @Length(1, COMMENT_MAX, { message: textLengthMessage('Skriv något innan du sparar.', 1, COMMENT_MAX, commentName) })
  body: string;
}
