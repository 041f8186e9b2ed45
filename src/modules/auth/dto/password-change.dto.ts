import { IsString, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MIN_LENGTH } from '../../user/dto/user.dto';

/** /konto/losenord: the same rules for a new password as when an administrator sets one. */
export class PasswordChangeDto {
  @IsString({ message: 'Skriv ditt nuvarande lösenord.' })
  @MinLength(1, { message: 'Skriv ditt nuvarande lösenord.' })
  @MaxLength(200, { message: 'Det nuvarande lösenordet stämmer inte.' })
  currentPassword: string;

  @IsString({ message: `Välj ett nytt lösenord på minst ${PASSWORD_MIN_LENGTH} tecken.` })
  @MinLength(PASSWORD_MIN_LENGTH, { message: `Det nya lösenordet måste vara minst ${PASSWORD_MIN_LENGTH} tecken.` })
  @MaxLength(200, { message: 'Det nya lösenordet får vara högst 200 tecken.' })
  newPassword: string;

  @IsString({ message: 'Skriv det nya lösenordet en gång till.' })
  @MinLength(1, { message: 'Skriv det nya lösenordet en gång till.' })
  confirmPassword: string;
}
