import { availableParallelism } from 'node:os';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GroupCommit } from '../../common/batching/group-commit';
import { AppConfigService } from '../../config/app-config.service';
import { queryPrepared } from '../../database/prepared-query';
import { activeLeadSql } from '../user/active-lead.sql';

/** One checked report to store, with the context of its new-report mail. */
export interface FilingRow {
  id: string;
  municipalityId: string;
  reporterId: string;
  reporterEmail: string;
  occurredOn: string;
  reportedAt: Date;
  category: string;
  parties: string[];
  title: string;
  description: string;
  consequence: string;
  tried: string | null;
  severity: string;
  /** The new-report mail's context without what only the database knows (reference, kommun, delprojekt). */
  mailContext: object;
}

export interface StoredFiling {
  id: string;
  reference: string;
  municipalityId: string;
  municipalityName: string;
  subprojectId: string;
  subprojectName: string;
  /** The delprojekt had an active lead when the report was filed (the reporter included). */
  subprojectHasLead: boolean;
  reporterIsLead: boolean;
  leadEmails: string[];
  /** Mailed because the delprojekt had no active lead. */
  analystEmails: string[];
}

interface StoredRow {
  id: string;
  reference: string;
  municipality_id: string;
  municipality_name: string;
  subproject_id: string;
  subproject_name: string;
  has_lead: boolean;
  reporter_is_lead: boolean;
  lead_emails: string[];
  analyst_emails: string[];
}

/**
 * One statement (atomic without BEGIN/COMMIT round trips) for any number of reports: each report, its
 * audit event, and its new-report mails, queued as template + context (the outbox worker renders them).
 * The delprojekt's active leads are mailed; a delprojekt without one has its reports mailed to the active
 * analysts instead, who stand in for the lead. Whom it reached is recorded in the audit event, so the
 * receipt says what happened. A report whose kommun does not exist or is retired is not stored and is missing from the result.
 */
const FILE_SQL = `
  WITH input AS (
    SELECT x.* FROM jsonb_to_recordset($1::jsonb) AS x(
      id uuid, municipality_id uuid, reporter_id uuid, reporter_email text, occurred_on date, reported_at timestamptz,
      category text, parties text[], title text, description text, consequence text, tried text, severity text, mail_context jsonb)
  ), target AS (
    SELECT x.*, m.name AS municipality_name, m.subproject_id, s.name AS subproject_name,
           EXISTS (SELECT 1 FROM app_user u WHERE u.subproject_id = m.subproject_id AND ${activeLeadSql('u')}) AS has_lead,
           EXISTS (SELECT 1 FROM app_user u WHERE u.id = x.reporter_id AND u.subproject_id = m.subproject_id AND ${activeLeadSql('u')}) AS reporter_is_lead
      FROM input x JOIN municipality m ON m.id = x.municipality_id AND m.deactivated_at IS NULL JOIN subproject s ON s.id = m.subproject_id
  ), inserted AS (
    INSERT INTO deviation (id, municipality_id, subproject_id, reporter_id, reporter_email, occurred_on, reported_at,
                           category, parties, title, description, consequence, tried, severity, created_at, updated_at)
    SELECT id, municipality_id, subproject_id, reporter_id, reporter_email, occurred_on, reported_at,
           category, parties, title, description, consequence, tried, severity, reported_at, reported_at
      FROM target
    RETURNING id, reference
  ), leads AS (
    SELECT t.id AS deviation_id, u.email
      FROM target t JOIN app_user u ON u.subproject_id = t.subproject_id
     WHERE ${activeLeadSql('u')} AND u.id <> t.reporter_id
  ), analysts AS (
    SELECT t.id AS deviation_id, u.email
      FROM target t JOIN app_user u ON u.role = 'analyst' AND u.active AND u.id <> t.reporter_id
     WHERE NOT t.has_lead
  ), event AS (
    INSERT INTO deviation_event (deviation_id, actor_id, kind, after, created_at)
    SELECT t.id, t.reporter_id, 'filed',
           jsonb_build_object('status', 'ny', 'municipalityName', t.municipality_name, 'subprojectName', t.subproject_name,
                              'category', t.category, 'severity', t.severity,
                              'notified', jsonb_build_object(
                                'hasLead', t.has_lead, 'actorIsLead', t.reporter_is_lead,
                                'leads', (SELECT count(*) FROM leads l WHERE l.deviation_id = t.id),
                                'analysts', (SELECT count(*) FROM analysts a WHERE a.deviation_id = t.id))),
           t.reported_at
      FROM inserted i JOIN target t ON t.id = i.id
  ), recipients AS (
    SELECT deviation_id, email, 'deviation-new' AS template FROM leads
    UNION ALL
    SELECT deviation_id, email, 'deviation-new-without-lead' FROM analysts
  ), outbox AS (
    INSERT INTO mail_outbox (recipients, template, context, status, next_attempt_at, dedupe_key)
    SELECT ARRAY[r.email], r.template,
           t.mail_context || jsonb_build_object('reference', i.reference, 'municipalityName', t.municipality_name, 'subprojectName', t.subproject_name),
           'pending', t.reported_at, r.template || ':' || i.id || ':' || lower(r.email)
      FROM inserted i JOIN target t ON t.id = i.id JOIN recipients r ON r.deviation_id = i.id
    ON CONFLICT (dedupe_key) DO NOTHING
  )
  SELECT i.id, i.reference, t.municipality_id, t.municipality_name, t.subproject_id, t.subproject_name, t.has_lead, t.reporter_is_lead,
         ARRAY(SELECT l.email FROM leads l WHERE l.deviation_id = i.id ORDER BY l.email) AS lead_emails,
         ARRAY(SELECT a.email FROM analysts a WHERE a.deviation_id = i.id ORDER BY a.email) AS analyst_emails
    FROM inserted i JOIN target t ON t.id = i.id`;

/**
 * Writes filed reports with group commit: reports filed while earlier ones are being written share the
 * next statement, so under load the database commits once per batch rather than once per report.
 * A report filed alone is written at once; every caller gets its answer only after its own commit.
 */
@Injectable()
export class DeviationFilingWriter {
  private readonly commit: GroupCommit<FilingRow, StoredFiling | null>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: AppConfigService,
  ) {
    // About one writer per core keeps the database busy; more would only queue inside it (and leave
    // the pool free for everything else).
    const maxInFlight = Math.max(1, Math.min(availableParallelism(), Math.floor(config.env.DB_POOL_SIZE / 2)));
    this.commit = new GroupCommit((rows) => this.write(rows), { maxBatch: 64, maxInFlight });
  }

  /** Stores one report; null when its kommun does not exist. */
  file(row: FilingRow): Promise<StoredFiling | null> {
    return this.commit.submit(row);
  }

  private async write(rows: FilingRow[]): Promise<Array<StoredFiling | null>> {
    const input = rows.map((row) => ({
      id: row.id,
      municipality_id: row.municipalityId,
      reporter_id: row.reporterId,
      reporter_email: row.reporterEmail,
      occurred_on: row.occurredOn,
      reported_at: row.reportedAt.toISOString(),
      category: row.category,
      parties: row.parties,
      title: row.title,
      description: row.description,
      consequence: row.consequence,
      tried: row.tried,
      severity: row.severity,
      mail_context: row.mailContext,
    }));
    const stored = await queryPrepared<StoredRow>(this.dataSource, 'deviation-file', FILE_SQL, [JSON.stringify(input)]);
    const byId = new Map(stored.map((row) => [row.id, row]));
    return rows.map((row) => {
      const found = byId.get(row.id);
      return found
        ? {
            id: found.id,
            reference: found.reference,
            municipalityId: found.municipality_id,
            municipalityName: found.municipality_name,
            subprojectId: found.subproject_id,
            subprojectName: found.subproject_name,
            subprojectHasLead: found.has_lead,
            reporterIsLead: found.reporter_is_lead,
            leadEmails: found.lead_emails,
            analystEmails: found.analyst_emails,
          }
        : null;
    });
  }
}
