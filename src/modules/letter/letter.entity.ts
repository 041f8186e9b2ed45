import { Column, Entity } from 'typeorm';
import { AppBaseEntity } from '../../database/base.entity';
import { LetterSection, LetterStatus } from './letter.constants';
import { LetterEvidence } from './letter-evidence';

/** The numbers and quotes a letter was built from, and when. */
export interface LetterEvidenceSnapshot extends LetterEvidence {
  barrierName: string;
  /** The deviations the letter was built from: their reporters are told when it is sent. */
  memberIds: string[];
  /** ISO time of the build. */
  builtAt: string;
}

/** What the generator last proposed per section (and subject), to tell the analyst's edits from untouched text. */
export type GeneratedTexts = Partial<Record<'subject' | LetterSection, string>>;

/**
 * Skrivelse: a formal letter about one barrier to Nationella rådet or another party. A barrier has
 * at most one letter that is not yet answered (unique index), so a rerun never makes a second draft.
 */
@Entity('letter')
export class Letter extends AppBaseEntity {
  @Column({ type: 'uuid' })
  barrierId: string;

  @Column({ type: 'text', default: 'utkast' })
  status: LetterStatus;

  /** The address block: the first line names the recipient. */
  @Column({ type: 'text' })
  recipient: string;

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text', default: '' })
  summary: string;

  @Column({ type: 'text', default: '' })
  evidence: string;

  @Column({ type: 'text', default: '' })
  consequences: string;

  @Column({ type: 'text', default: '' })
  triedLocally: string;

  @Column({ type: 'text', default: '' })
  interfaceRules: string;

  @Column({ type: 'text', default: '' })
  requestedAction: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  generated: GeneratedTexts;

  /** Diarienummer, printed in the letter's head. The sender fields below are staff data, never a participant's. */
  @Column({ type: 'text', nullable: true })
  referenceNumber: string | null;

  /** Who signs. Null: not set yet (the editor offers the analyst's own name); '': left out on purpose. */
  @Column({ type: 'text', nullable: true })
  signatoryName: string | null;

  @Column({ type: 'text', nullable: true })
  signatoryTitle: string | null;

  @Column({ type: 'text', nullable: true })
  contactEmail: string | null;

  @Column({ type: 'text', nullable: true })
  contactPhone: string | null;

  /**
   * Fingerprints (idNumberFingerprint) of the numbers in the text that look like a mistyped personnummer and that the
   * analyst has said are not one; never the numbers. Review and send refuse a near miss without its fingerprint here.
   */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  idNumbersConfirmed: string[];

  @Column({ type: 'jsonb' })
  evidenceSnapshot: LetterEvidenceSnapshot;

  @Column({ type: 'timestamptz' })
  evidenceRefreshedAt: Date;

  @Column({ type: 'integer', default: 1 })
  version: number;

  /** Null when the barrier job made it. */
  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @Column({ type: 'uuid', nullable: true })
  updatedById: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  reviewedById: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  sentById: string | null;

  @Column({ type: 'text', nullable: true })
  answer: string | null;

  /** When the answer was registered here. */
  @Column({ type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  /** YYYY-MM-DD, Swedish: the day the answer arrived (not before the letter was sent, not in the future). */
  @Column({ type: 'date', nullable: true })
  answerReceivedOn: string | null;

  @Column({ type: 'uuid', nullable: true })
  answeredById: string | null;
}
