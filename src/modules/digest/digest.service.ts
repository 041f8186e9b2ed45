import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { AppConfigService } from '../../config/app-config.service';
import { DeadlinePolicy } from '../deviation/deviation-deadlines';
import { DeviationStatus } from '../deviation/deviation-workflow';
import { MailOutboxService, recipientDedupeKey } from '../mail/mail-outbox.service';
import { OrganisationService } from '../organisation/organisation.service';
import { weeklySlot } from '../scheduling/job-slots';
import {
  analystDigestContext,
  classifyLeadReports,
  digestDedupeKey,
  digestPeriodStart,
  DigestBarrierRow,
  DigestLetterRow,
  DigestReportRow,
  DigestRunSummary,
  isEmptyLeadDigest,
  leadDigestContext,
  OPEN_STATUSES,
  withoutLeadDigests,
} from './digest-content';
import { activeLeadSql } from '../user/active-lead.sql';

export const LEAD_DIGEST_TEMPLATE = 'digest-lead';
export const ANALYST_DIGEST_TEMPLATE = 'digest-analyst';

interface LeadRow {
  email: string;
  subproject_id: string;
  subproject_name: string;
}

/**
 * The weekly digest: reads what each lead and analyst should see and queues one mail each through the
 * outbox, all in one transaction. Run it through DigestJob (under the job's lock); the dedupe key per
 * recipient and week makes a rerun of the same week queue nothing.
 */
@Injectable()
export class DigestService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailOutboxService,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
    private readonly organisation: OrganisationService,
  ) {}

  get policy(): DeadlinePolicy {
    return { acceptWithinWorkingDays: this.config.env.ACCEPT_WITHIN_WORKING_DAYS, resolveWithinDays: this.config.env.RESOLVE_WITHIN_DAYS };
  }

  async sendWeekly(): Promise<DigestRunSummary> {
    const now = this.clock.now();
    const slot = weeklySlot(now);
    const policy = this.policy;
    const leads = (await this.dataSource.query(
      `SELECT u.email, u.subproject_id, s.name AS subproject_name
         FROM app_user u JOIN subproject s ON s.id = u.subproject_id
        WHERE ${activeLeadSql('u')} ORDER BY u.email`,
    )) as LeadRow[];
    // Delprojekt nobody leads: their reports wait for the analysts, who stand in (see the reminders).
    const withoutLead = await this.organisation.subprojectsWithoutActiveLead();
    const reports = await this.loadOpenReports([...new Set([...leads.map((l) => l.subproject_id), ...withoutLead.map((s) => s.id)])]);
    const analysts = (await this.dataSource.query(`SELECT email FROM app_user WHERE role = 'analyst' AND active ORDER BY email`)) as Array<{ email: string }>;
    const analystInput = analysts.length > 0 ? await this.loadAnalystInput(now) : null;
    const analystContext = analystInput ? analystDigestContext(analystInput, now, slot, withoutLeadDigests(withoutLead, reports, now, policy)) : null;

    const summary: DigestRunSummary = { week: slot, leadMails: 0, analystMails: 0, leadsSkipped: 0, alreadySent: 0 };
    await this.dataSource.transaction(async (manager) => {
      // Who already has this week's digest (an earlier run): left out, so the summary counts only new mails.
      // The dedupe key still guards a run that overlaps this one.
      const keys = [
        ...leads.map((l) => recipientDedupeKey(digestDedupeKey('lead', slot), l.email)),
        ...analysts.map((a) => recipientDedupeKey(digestDedupeKey('analyst', slot), a.email)),
      ];
      const sent = new Set(
        ((await manager.query(`SELECT dedupe_key FROM mail_outbox WHERE dedupe_key = ANY($1::text[])`, [keys])) as Array<{ dedupe_key: string }>).map((r) => r.dedupe_key),
      );
      const alreadySent = (kind: 'lead' | 'analyst', email: string): boolean => {
        if (!sent.has(recipientDedupeKey(digestDedupeKey(kind, slot), email))) return false;
        summary.alreadySent += 1;
        return true;
      };
      for (const lead of leads) {
        if (alreadySent('lead', lead.email)) continue;
        const lists = classifyLeadReports(reports.get(lead.subproject_id) ?? [], now, policy);
        if (isEmptyLeadDigest(lists)) {
          summary.leadsSkipped += 1;
          continue;
        }
        const context = leadDigestContext(lists, lead.subproject_name, slot, policy);
        await this.mail.enqueue({ to: [lead.email], template: LEAD_DIGEST_TEMPLATE, context, dedupeKey: digestDedupeKey('lead', slot) }, manager);
        summary.leadMails += 1;
      }
      if (analystContext) {
        for (const analyst of analysts) {
          if (alreadySent('analyst', analyst.email)) continue;
          await this.mail.enqueue(
            { to: [analyst.email], template: ANALYST_DIGEST_TEMPLATE, context: analystContext, dedupeKey: digestDedupeKey('analyst', slot) },
            manager,
          );
          summary.analystMails += 1;
        }
        // The mail names these barriers: a later run must not rename them (GENERATED_NAME_FOLLOWS_SQL in barrier-naming.ts).
        if (summary.analystMails > 0 && analystInput) {
          await manager.query(`UPDATE barrier SET name_kept_at = $2 WHERE id = ANY($1::uuid[]) AND name_kept_at IS NULL`, [
            analystInput.barriers.map((barrier) => barrier.id),
            now,
          ]);
        }
      }
    });
    return summary;
  }

  private async loadOpenReports(subprojectIds: string[]): Promise<Map<string, DigestReportRow[]>> {
    const bySubproject = new Map<string, DigestReportRow[]>();
    if (subprojectIds.length === 0) return bySubproject;
    // Imported reports too, like the queue: their deadlines count from the import (deadlinesFor).
    const rows = (await this.dataSource.query(
      `SELECT d.id, d.reference, d.title, d.status, d.reported_at, d.imported_at, d.subproject_id, m.name AS municipality_name
         FROM deviation d JOIN municipality m ON m.id = d.municipality_id
        WHERE d.subproject_id = ANY($1::uuid[]) AND d.status = ANY($2::text[])`,
      [subprojectIds, OPEN_STATUSES],
    )) as Array<{
      id: string;
      reference: string;
      title: string;
      status: DeviationStatus;
      reported_at: Date;
      imported_at: Date | null;
      subproject_id: string;
      municipality_name: string;
    }>;
    for (const row of rows) {
      const list = bySubproject.get(row.subproject_id) ?? [];
      list.push({
        id: row.id,
        reference: row.reference,
        title: row.title,
        status: row.status,
        reportedAt: row.reported_at,
        importedAt: row.imported_at,
        municipalityName: row.municipality_name,
        subprojectId: row.subproject_id,
      });
      bySubproject.set(row.subproject_id, list);
    }
    return bySubproject;
  }

  private async loadAnalystInput(now: Date): Promise<{ barriers: DigestBarrierRow[]; letters: DigestLetterRow[]; barrierTotal: number; letterTotal: number }> {
    const since = digestPeriodStart(now);
    // Merged and dissolved barriers live on in others or nowhere: nothing for the analyst to look at.
    const barriers = (await this.dataSource.query(
      `SELECT id, name, member_count, created_at, escalated_at, escalation_reason
         FROM barrier
        WHERE status NOT IN ('sammanslagen', 'upplost') AND (created_at >= $1 OR escalated_at >= $1)`,
      [since],
    )) as Array<{ id: string; name: string; member_count: number; created_at: Date; escalated_at: Date | null; escalation_reason: string | null }>;
    const letters = (await this.dataSource.query(
      `SELECT l.id, l.subject, l.status, l.updated_at, b.name AS barrier_name
         FROM letter l JOIN barrier b ON b.id = l.barrier_id
        WHERE l.status IN ('utkast', 'granskad')`,
    )) as Array<{ id: string; subject: string; status: 'utkast' | 'granskad'; updated_at: Date; barrier_name: string }>;
    const [totals] = (await this.dataSource.query(`SELECT (SELECT count(*) FROM barrier)::int AS barriers, (SELECT count(*) FROM letter)::int AS letters`)) as Array<{
      barriers: number;
      letters: number;
    }>;
    return {
      barriers: barriers.map((b) => ({
        id: b.id,
        name: b.name,
        memberCount: b.member_count,
        createdAt: b.created_at,
        escalatedAt: b.escalated_at,
        escalationReason: b.escalation_reason,
      })),
      letters: letters.map((l) => ({ id: l.id, subject: l.subject, status: l.status, barrierName: l.barrier_name, updatedAt: l.updated_at })),
      barrierTotal: totals.barriers,
      letterTotal: totals.letters,
    };
  }
}
