import { Column, Entity } from 'typeorm';
import { AppBaseEntity } from '../../database/base.entity';
import { CommentVisibility } from './deviation.constants';

/** An internal note (leads and analysts only) or a reply the reporter also reads. */
@Entity('deviation_comment')
export class DeviationComment extends AppBaseEntity {
  @Column({ type: 'uuid' })
  deviationId: string;

  @Column({ type: 'uuid' })
  authorId: string;

  @Column({ type: 'text' })
  visibility: CommentVisibility;

  @Column({ type: 'text' })
  body: string;
}
