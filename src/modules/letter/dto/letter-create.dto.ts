import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';
import { trimString } from '../../../common/validation/validation';

export class LetterCreateDto {
  @ApiProperty({ description: 'Hindret skrivelsen gäller; finns redan ett utkast uppdateras dess underlag' })
  @Transform(trimString)
  @IsUUID('all', { message: 'Välj ett strukturellt hinder.' })
  barrierId: string;
}
