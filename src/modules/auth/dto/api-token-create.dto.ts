import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { trimString } from '../../../common/validation/validation';

export class ApiTokenCreateDto {
  @ApiProperty({ description: 'Vad nyckeln används till, t.ex. "Import från ärendesystem"', example: 'Import från ärendesystem' })
  @Transform(trimString)
  @IsString({ message: 'Ge nyckeln ett namn.' })
  @MinLength(2, { message: 'Namnet måste vara minst 2 tecken.' })
  @MaxLength(100, { message: 'Namnet får vara högst 100 tecken.' })
  name: string;
}
