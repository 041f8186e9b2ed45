import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { trimString } from '../../../common/validation/validation';

export class LoginFormDto {
  @Transform(trimString)
  @IsString({ message: 'Skriv din e-postadress.' })
  @MinLength(3, { message: 'Skriv din e-postadress.' })
  @MaxLength(254, { message: 'E-postadressen är för lång.' })
  email: string;

  @IsString({ message: 'Skriv ditt lösenord.' })
  @MinLength(1, { message: 'Skriv ditt lösenord.' })
  @MaxLength(1024, { message: 'Lösenordet är för långt.' })
  password: string;

  @IsOptional()
  @IsString()
  nasta?: string;
}
