import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MailOutboxService } from '../mail/mail-outbox.service';
import { CATEGORY_LABELS, DeviationCategory, DeviationSeverity, SEVERITY_LABELS } from './deviation.constants';
import { DeviationStatus, STATUS_LABELS } from './deviation-workflow';

/** What a mail about a report may say: no description, no free text about the participant. */
export interface MailableDeviation {
  id: string;
  reference: string;
  title: string;
  municipalityName: string;
  subprojectName: string;
  category: DeviationCategory;
  severity: DeviationSeverity;
  status: DeviationStatus;
}

export type ReporterNotice =
  | 'deviation-accepted'
  | 'deviation-resolved'
  | 'deviation-escalated'
  | 'deviation-closed'
  | 'deviation-reopened'
  | 'deviation-reply'
  | 'deviation-moved-reporter';

type KnownBeforeInsert = Omit<MailableDeviation, 'reference' | 'municipalityName' | 'subprojectName'>;

function context(deviation: MailableDeviation, extra: object = {}): object {
  return {
    reference: deviation.reference,
    municipalityName: deviation.municipalityName,
    subprojectName: deviation.subprojectName,
    ...knownContext(deviation),
    ...extra,
  };
}

/** The part of a mail's context known before the report is stored. */
function knownContext(deviation: KnownBeforeInsert): object {
  return {
    title: deviation.title,
    categoryLabel: CATEGORY_LABELS[deviation.category],
    severityLabel: SEVERITY_LABELS[deviation.severity],
    statusLabel: STATUS_LABELS[deviation.status],
    // The outbox adds baseUrl; templates link to baseUrl + path.
    path: `/avvikelser/${deviation.id}`,
  };
}

/**
 * Every e-mail about a deviation, queued in the caller's transaction so a mail exists if and only if
 * the change was committed. Logs say which notice and how many recipients, never any content.
 */
@Injectable()
export class DeviationNotifier {
  private readonly logger = new Logger('Avvikelser');

  constructor(private readonly mail: MailOutboxService) {}

  /**
   * The new-report mail's context for filing's single statement, which queues it unrendered and adds
   * what only the database knows: reference, kommun and delprojekt names.
   */
  newReportContext(deviation: KnownBeforeInsert): object {
    return knownContext(deviation);
  }

  /**
   * Filing queues its mails in its own statement; this says in the log when the delprojekt had no active
   * lead and who was mailed instead. A lead filing in their own delprojekt is not a missing lead.
   */
  filedWithoutLead(reference: string, analystsMailed: number): void {
    this.logger.warn(
      analystsMailed > 0
        ? `Delprojektet som äger ${reference} har ingen aktiv delprojektledare; ${analystsMailed} verksamhetsutvecklare fick mejl i stället.`
        : `Delprojektet som äger ${reference} har ingen aktiv delprojektledare och ingen annan aktiv verksamhetsutvecklare; inget mejl skickades.`,
    );
  }

  /**
   * The new owners of a moved report hear of it like of a new one, with where it came from; when the new
   * delprojekt has no active lead, the analysts do instead (`withoutLead`), as with a report filed there.
   */
  async moved(
    manager: EntityManager,
    deviation: MailableDeviation,
    recipients: { emails: string[]; withoutLead: boolean },
    from: { municipalityName: string; subprojectName: string },
    eventId: string,
  ): Promise<void> {
    if (recipients.withoutLead) {
      this.logger.warn(
        recipients.emails.length > 0
          ? `${deviation.reference} flyttades till ett delprojekt utan aktiv delprojektledare; ${recipients.emails.length} verksamhetsutvecklare fick mejl i stället.`
          : `${deviation.reference} flyttades till ett delprojekt utan aktiv delprojektledare och ingen annan aktiv verksamhetsutvecklare; inget mejl skickades.`,
      );
    }
    if (recipients.emails.length === 0) return;
    const template = recipients.withoutLead ? 'deviation-moved-without-lead' : 'deviation-moved';
    await this.mail.enqueue(
      {
        to: recipients.emails,
        template,
        context: context(deviation, { fromMunicipalityName: from.municipalityName, fromSubprojectName: from.subprojectName }),
        dedupeKey: `${template}:${deviation.id}:${eventId}`,
      },
      manager,
    );
  }

  /** Closing the loop: the reporter hears when their report is accepted, resolved, escalated, closed, reopened, answered or moved. */
  async toReporter(manager: EntityManager, notice: ReporterNotice, deviation: MailableDeviation, reporterEmail: string | null, eventId: string, extra: object = {}): Promise<void> {
    if (!reporterEmail) return;
    await this.mail.enqueue(
      { to: [reporterEmail], template: notice, context: context(deviation, extra), dedupeKey: `${notice}:${deviation.id}:${eventId}` },
      manager,
    );
  }

  /** A colleague gave the lead a report: it is theirs from now on. */
  async assigned(manager: EntityManager, deviation: MailableDeviation, assigneeEmail: string, eventId: string, actorName: string): Promise<void> {
    await this.mail.enqueue(
      { to: [assigneeEmail], template: 'deviation-assigned', context: context(deviation, { actorName }), dedupeKey: `deviation-assigned:${deviation.id}:${eventId}` },
      manager,
    );
  }

  /**
   * The reporter wrote in the dialogue: the one responsible (or, with none, the delprojekt's leads; in a
   * delprojekt without an active lead, the analysts who stand in) must not miss it.
   */
  async reporterReplied(manager: EntityManager, deviation: MailableDeviation, leadEmails: string[], eventId: string, actorName: string): Promise<void> {
    if (leadEmails.length === 0) {
      this.logger.warn(`Ingen aktiv delprojektledare eller verksamhetsutvecklare fick mejl om rapportörens svar på ${deviation.reference}.`);
      return;
    }
    await this.mail.enqueue(
      {
        to: leadEmails,
        template: 'deviation-reporter-reply',
        context: context(deviation, { actorName }),
        dedupeKey: `deviation-reporter-reply:${deviation.id}:${eventId}`,
      },
      manager,
    );
  }

  /** A structural barrier is the analysts' to take further. */
  async escalatedToAnalysts(manager: EntityManager, deviation: MailableDeviation, analystEmails: string[], eventId: string, comment: string | null): Promise<void> {
    if (analystEmails.length === 0) {
      this.logger.warn(`Ingen aktiv verksamhetsutvecklare fick mejl om eskaleringen av ${deviation.reference}.`);
      return;
    }
    await this.mail.enqueue(
      {
        to: analystEmails,
        template: 'deviation-escalated-analysts',
        context: context(deviation, { comment }),
        dedupeKey: `deviation-escalated-analysts:${deviation.id}:${eventId}`,
      },
      manager,
    );
  }
}
