import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import type { MunicipalityMoveOpenDeviations } from '../organisation.service';
import { trimString } from '../../../common/validation/validation';

/** A name of a place or an organisation has letters: "1234" or "--" is a slip, not a kommun. Listed first, so it is said last: an empty name is told its length. */
const HasLetters = (): PropertyDecorator => Matches(/\p{L}/u, { message: 'Namnet måste innehålla bokstäver, inte bara siffror eller tecken.' });

export class FederationCreateDto {
  @ApiProperty({ example: 'Samordningsförbundet Norrtälje' })
  @Transform(trimString)
  @HasLetters()
  @IsString({ message: 'Skriv förbundets namn.' })
  @MinLength(2, { message: 'Namnet måste vara minst 2 tecken.' })
  @MaxLength(120, { message: 'Namnet får vara högst 120 tecken.' })
  name: string;
}

export class SubprojectCreateDto {
  @ApiProperty({ example: 'MIA Norrtälje' })
  @Transform(trimString)
  @HasLetters()
  @IsString({ message: 'Skriv delprojektets namn.' })
  @MinLength(2, { message: 'Namnet måste vara minst 2 tecken.' })
  @MaxLength(120, { message: 'Namnet får vara högst 120 tecken.' })
  name: string;

  @ApiProperty({ description: 'Samordningsförbundets id' })
  @IsUUID('all', { message: 'Välj ett samordningsförbund.' })
  federationId: string;
}

export class MunicipalityCreateDto {
  @ApiProperty({ example: 'Norrtälje' })
  @Transform(trimString)
  @HasLetters()
  @IsString({ message: 'Skriv kommunens namn.' })
  @MinLength(2, { message: 'Namnet måste vara minst 2 tecken.' })
  @MaxLength(80, { message: 'Namnet får vara högst 80 tecken.' })
  name: string;

  @ApiProperty({ description: 'Delprojektets id' })
  @IsUUID('all', { message: 'Välj ett delprojekt.' })
  subprojectId: string;
}

export class MunicipalityMoveDto {
  @ApiProperty({ description: 'Id för delprojektet som kommunen ska tillhöra' })
  @IsUUID('all', { message: 'Välj ett delprojekt.' })
  subprojectId: string;

  @ApiPropertyOptional({
    enum: ['follow', 'stay'],
    default: 'stay',
    description: 'Kommunens öppna avvikelser: follow flyttar dem till det nya delprojektet, stay låter dem stanna hos det gamla',
  })
  @IsOptional()
  @IsIn(['follow', 'stay'], { message: 'Välj om kommunens öppna avvikelser ska följa med eller stanna.' })
  openDeviations?: MunicipalityMoveOpenDeviations;
}

/** A new name for a förbund or a delprojekt: trimmed, checked like a new one. */
export class UnitRenameDto {
  @ApiProperty({ example: 'MIA Östra Södertörn' })
  @Transform(trimString)
  @HasLetters()
  @IsString({ message: 'Skriv det nya namnet.' })
  @MinLength(2, { message: 'Namnet måste vara minst 2 tecken.' })
  @MaxLength(120, { message: 'Namnet får vara högst 120 tecken.' })
  name: string;
}

/** A new name for a kommun. */
export class MunicipalityRenameDto {
  @ApiProperty({ example: 'Nynäshamn' })
  @Transform(trimString)
  @HasLetters()
  @IsString({ message: 'Skriv det nya namnet.' })
  @MinLength(2, { message: 'Namnet måste vara minst 2 tecken.' })
  @MaxLength(80, { message: 'Namnet får vara högst 80 tecken.' })
  name: string;
}

/** PATCH of a kommun through the API: a new name, a new delprojekt, or both. */
export class MunicipalityUpdateDto {
  @ApiPropertyOptional({ example: 'Nynäshamn', description: 'Nytt namn (2–80 tecken)' })
  @IsOptional()
  @Transform(trimString)
  @HasLetters()
  @IsString({ message: 'Skriv det nya namnet.' })
  @MinLength(2, { message: 'Namnet måste vara minst 2 tecken.' })
  @MaxLength(80, { message: 'Namnet får vara högst 80 tecken.' })
  name?: string;

  @ApiPropertyOptional({ description: 'Id för delprojektet som kommunen ska tillhöra' })
  @IsOptional()
  @IsUUID('all', { message: 'Välj ett delprojekt.' })
  subprojectId?: string;

  @ApiPropertyOptional({
    enum: ['follow', 'stay'],
    default: 'stay',
    description: 'Vid flytt, kommunens öppna avvikelser: follow flyttar dem till det nya delprojektet, stay låter dem stanna hos det gamla',
  })
  @IsOptional()
  @IsIn(['follow', 'stay'], { message: 'Välj om kommunens öppna avvikelser ska följa med eller stanna.' })
  openDeviations?: MunicipalityMoveOpenDeviations;
}
