import { Column, Entity } from 'typeorm';
import { AppendOnlyEvent } from '../../database/append-only-event.entity';

export const DEVIATION_EVENT_KINDS = [
  'filed',
  'imported',
  'accepted',
  'investigation_started',
  'resolved',
  'escalated',
  'closed',
  'reopened',
  'assigned',
  'moved',
  'reclassified',
  'note_added',
  'reply_added',
  // Personal data taken out of the report's texts; `after` says where ({ fields, comments, log }), never what.
  'personal_data_removed',
] as const;
export type DeviationEventKind = (typeof DEVIATION_EVENT_KINDS)[number];

/** One line of a deviation's audit log, with the changed fields before and after. */
@Entity('deviation_event')
export class DeviationEvent extends AppendOnlyEvent<DeviationEventKind> {
  @Column({ type: 'uuid' })
  deviationId: string;
}
