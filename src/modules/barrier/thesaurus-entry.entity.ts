import { Column, Entity } from 'typeorm';
import { AppBaseEntity } from '../../database/base.entity';

/** The analyst's addition to the engine's thesaurus: one line "canonical: variant, …". */
@Entity('thesaurus_entry')
export class ThesaurusEntry extends AppBaseEntity {
  @Column({ type: 'text' })
  line: string;

  /** The part before the colon; unique regardless of case. */
  @Column({ type: 'text' })
  canonical: string;

  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;
}
