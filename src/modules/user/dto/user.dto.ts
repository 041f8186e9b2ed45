import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { Role, ROLES } from '../../../common/auth/role';
import { trimString } from '../../../common/validation/validation';

const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;
const lowerEmail = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim().toLowerCase() : value);
/** Checkboxes post "on"; JSON posts booleans. */
const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'on' || value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;

export const PASSWORD_MIN_LENGTH = 12;

/** Like IsOptional, but only a missing field is "leave unchanged": null is checked, and refused, like any other value. */
const OmittedOrChecked = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);

export class UserCreateDto {
  @ApiProperty({ example: 'anna.berg@kommun.se' })
  @Transform(lowerEmail)
  @IsEmail({}, { message: 'Skriv en giltig e-postadress, t.ex. namn@kommun.se.' })
  @MaxLength(254, { message: 'E-postadressen är för lång.' })
  email: string;

  @ApiProperty({ example: 'Anna Berg' })
  @Transform(trimString)
  @IsString({ message: 'Skriv personens namn.' })
  @MinLength(2, { message: 'Namnet måste vara minst 2 tecken.' })
  @MaxLength(120, { message: 'Namnet får vara högst 120 tecken.' })
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: 'Välj en roll: medarbetare, delprojektledare, verksamhetsutvecklare eller administratör.' })
  role: Role;

  @ApiPropertyOptional({ description: 'Krävs för medarbetare och delprojektledare' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'Välj ett delprojekt.' })
  subprojectId?: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH })
  @IsString({ message: `Välj ett lösenord på minst ${PASSWORD_MIN_LENGTH} tecken.` })
  @MinLength(PASSWORD_MIN_LENGTH, { message: `Lösenordet måste vara minst ${PASSWORD_MIN_LENGTH} tecken.` })
  @MaxLength(200, { message: 'Lösenordet får vara högst 200 tecken.' })
  password: string;
}

export class UserUpdateDto {
  @ApiPropertyOptional()
  @Transform(emptyToUndefined)
  @OmittedOrChecked()
  @IsString({ message: 'Skriv personens namn.' })
  @MinLength(2, { message: 'Namnet måste vara minst 2 tecken.' })
  @MaxLength(120, { message: 'Namnet får vara högst 120 tecken.' })
  name?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @OmittedOrChecked()
  @IsIn(ROLES, { message: 'Välj en roll: medarbetare, delprojektledare, verksamhetsutvecklare eller administratör.' })
  role?: Role;

  @ApiPropertyOptional({ nullable: true })
  @Transform(({ value }: { value: unknown }) => (value === '' ? null : value))
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsUUID('all', { message: 'Välj ett delprojekt.' })
  subprojectId?: string | null;

  @ApiPropertyOptional()
  @Transform(toBoolean)
  @OmittedOrChecked()
  @IsBoolean({ message: 'Ange om kontot är aktivt.' })
  active?: boolean;

  @ApiPropertyOptional({ minLength: PASSWORD_MIN_LENGTH, description: 'Nytt lösenord; lämna tomt för att behålla' })
  @Transform(emptyToUndefined)
  @OmittedOrChecked()
  @IsString({ message: `Lösenordet måste vara minst ${PASSWORD_MIN_LENGTH} tecken.` })
  @MinLength(PASSWORD_MIN_LENGTH, { message: `Lösenordet måste vara minst ${PASSWORD_MIN_LENGTH} tecken.` })
  @MaxLength(200, { message: 'Lösenordet får vara högst 200 tecken.' })
  password?: string;
}
