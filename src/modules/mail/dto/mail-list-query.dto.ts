import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAIL_STATUSES, MailStatus } from '../mail-outbox.entity';

export class MailListQueryDto {
  @IsOptional()
  @IsIn(MAIL_STATUSES, { message: `status måste vara en av: ${MAIL_STATUSES.join(', ')}` })
  status?: MailStatus;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit måste vara ett heltal' })
  @Min(1, { message: 'limit måste vara minst 1' })
  @Max(1000, { message: 'limit får vara högst 1000' })
  limit?: number;
}
