import { Column, Entity } from 'typeorm';
import { AppendOnlyEvent } from '../../database/append-only-event.entity';
import { LetterEventKind } from './letter.constants';

/** One line of a letter's log. Holds field names, statuses and counts, never the letter's text. */
@Entity('letter_event')
export class LetterEvent extends AppendOnlyEvent<LetterEventKind> {
  @Column({ type: 'uuid' })
  letterId: string;
}
