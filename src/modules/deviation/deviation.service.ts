import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../../common/auth/auth-user';
import { isIsoDate, stockholmDate } from '../../common/calendar/working-days';
import { Clock } from '../../common/clock/clock';
import { DomainError, ForbiddenError, NotFoundError, ValidationFailedError } from '../../common/errors/domain-error';
import { AppConfigService } from '../../config/app-config.service';
import { sameNameCondition } from '../organisation/organisation-name.query';
import { OrganisationService } from '../organisation/organisation.service';
import {
  CATEGORY_LABELS,
  COMMENT_VISIBILITY_LABELS,
  CommentVisibility,
  DEVIATION_CATEGORIES,
  DEVIATION_PARTIES,
  DEVIATION_SEVERITIES,
  DeviationCategory,
  DeviationParty,
  DeviationSeverity,
  SEVERITY_LABELS,
} from './deviation.constants';
import {
  ACTION_EVENT_KINDS,
  applyTransition,
  availableActions,
  DEVIATION_STATUSES,
  DeviationAction,
  DeviationStatus,
  OPEN_STATUSES,
  STATUS_LABELS,
} from './deviation-workflow';
import {
  AccessFacts,
  canAssign,
  canMove,
  canRead,
  canReadInternal,
  canReclassify,
  canReply,
  canWriteInternal,
  isReporter,
  isStandInAnalyst,
  statusAuthority,
} from './deviation-access';
import { deadlinesFor, DeadlinePolicy } from './deviation-deadlines';
import { buildListQuery, decodeCursor, encodeCursor, ListFilters, ListScope } from './deviation-list.query';
import { DeviationEventKind } from './deviation-event.entity';
import { DeviationFilingWriter } from './deviation-filing.writer';
import { checkImportedHistory, ImportedHistory } from './deviation-import-history';
import { MailableDeviation, DeviationNotifier, ReporterNotice } from './deviation-notifier';
import { assertNoPersonalData } from './deviation-personal-data';
import { filingReceipt, moveReceipt, Routing, routingFrom } from './deviation-routing';
import { describeEvent } from './deviation-timeline';
import {
  DeviationCommentView,
  DeviationDetail,
  DeviationExportOptions,
  DeviationExportRow,
  DeviationImportResult,
  DeviationImportRow,
  DeviationListItem,
  DeviationPage,
  DeviationView,
  FiledDeviation,
  MunicipalityOption,
} from './deviation.types';
import { DeviationClassifyDto, DeviationCommentCreateDto, DeviationTransitionDto } from './dto/deviation-action.dto';
import { DeviationCreateDto } from './dto/deviation-create.dto';
import { DeviationListQueryDto, DeviationListSort } from './dto/deviation-list-query.dto';
import { activeLeadSql } from '../user/active-lead.sql';

const DEFAULT_PAGE_SIZE = 50;
const EARLIEST_DATE = '2000-01-01';
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

/** A deviation row with the names it is shown with (the detail and lock queries). */
interface DetailRow {
  id: string;
  reference: string;
  external_id: string | null;
  municipality_id: string;
  municipality_name: string;
  subproject_id: string;
  subproject_name: string;
  reporter_id: string | null;
  reporter_name: string | null;
  reporter_email: string | null;
  reporter_address: string | null;
  reporter_active: boolean | null;
  occurred_on: string;
  reported_at: Date;
  imported_at: Date | null;
  category: DeviationCategory;
  parties: DeviationParty[];
  title: string;
  description: string;
  consequence: string;
  tried: string | null;
  severity: DeviationSeverity;
  status: DeviationStatus;
  assignee_id: string | null;
  assignee_name: string | null;
  resolution: string | null;
  accepted_at: Date | null;
  resolved_at: Date | null;
  escalated_at: Date | null;
  closed_at: Date | null;
  /** Whether the owning delprojekt has an active lead now (decides whether the analysts stand in). */
  subproject_has_lead: boolean;
}

interface ListRow {
  id: string;
  reference: string;
  title: string;
  status: DeviationStatus;
  severity: DeviationSeverity;
  severity_order: number;
  category: DeviationCategory;
  parties: DeviationParty[];
  reported_at: Date;
  reported_at_key: string;
  imported_at: Date | null;
  occurred_on: string;
  municipality_id: string;
  municipality_name: string;
  subproject_id: string;
  subproject_name: string;
  assignee_id: string | null;
  assignee_name: string | null;
  accepted_at: Date | null;
  resolved_at: Date | null;
  escalated_at: Date | null;
  closed_at: Date | null;
  /** Only in the reporter's own list. */
  new_reply?: boolean;
  /** Only in a lead's list. */
  new_message?: boolean;
}

const DETAIL_SELECT = `
  SELECT d.id, d.reference, d.external_id, d.municipality_id, m.name AS municipality_name,
         d.subproject_id, s.name AS subproject_name,
         d.reporter_id, r.name AS reporter_name, d.reporter_email, COALESCE(r.email, d.reporter_email) AS reporter_address,
         r.active AS reporter_active,
         d.occurred_on::text AS occurred_on, d.reported_at, d.imported_at, d.category, d.parties, d.title, d.description,
         d.consequence, d.tried, d.severity, d.status, d.assignee_id, a.name AS assignee_name, d.resolution,
         d.accepted_at, d.resolved_at, d.escalated_at, d.closed_at,
         EXISTS (SELECT 1 FROM app_user l WHERE l.subproject_id = d.subproject_id AND ${activeLeadSql('l')}) AS subproject_has_lead
    FROM deviation d
    JOIN municipality m ON m.id = d.municipality_id
    JOIN subproject s ON s.id = d.subproject_id
    LEFT JOIN app_user r ON r.id = d.reporter_id
    LEFT JOIN app_user a ON a.id = d.assignee_id`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function facts(row: DetailRow): AccessFacts {
  return {
    subprojectId: row.subproject_id,
    reporterId: row.reporter_id,
    reporterEmail: row.reporter_email,
    status: row.status,
    subprojectHasLead: row.subproject_has_lead,
  };
}

function mailable(row: Pick<DetailRow, 'id' | 'reference' | 'title' | 'municipality_name' | 'subproject_name' | 'category' | 'severity' | 'status'>): MailableDeviation {
  return {
    id: row.id,
    reference: row.reference,
    title: row.title,
    municipalityName: row.municipality_name,
    subprojectName: row.subproject_name,
    category: row.category,
    severity: row.severity,
    status: row.status,
  };
}

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}

/** Mails to the reporter on these status changes; the rest are visible in Mina avvikelser. */
const REPORTER_NOTICES: Partial<Record<DeviationAction, ReporterNotice>> = {
  accept: 'deviation-accepted',
  resolve: 'deviation-resolved',
  escalate: 'deviation-escalated',
  // Told it was resolved, escalated or closed, the reporter must also hear that it is not.
  reopen: 'deviation-reopened',
};

/**
 * Deviations: filing, reading within what the user may see, triage, and the service API the import,
 * export and benchmark build on. Every change writes its audit event and queues its mail in the same
 * transaction; free text is checked for personal data before anything is written.
 */
@Injectable()
export class DeviationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifier: DeviationNotifier,
    private readonly filing: DeviationFilingWriter,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
    private readonly organisation: OrganisationService,
  ) {}

  get deadlinePolicy(): DeadlinePolicy {
    return { acceptWithinWorkingDays: this.config.env.ACCEPT_WITHIN_WORKING_DAYS, resolveWithinDays: this.config.env.RESOLVE_WITHIN_DAYS };
  }

  // ── Filing ────────────────────────────────────────────────────────────────────────────────

  /**
   * What file() would refuse beyond the form's own rules (a date in the future, personal data), for a
   * form that already failed those rules: the writer then gets every problem in one round instead of
   * fixing the form, sending it, and only then hearing about the personnummer.
   */
  filingProblems(reporter: AuthUser, texts: Partial<Record<'occurredOn' | 'title' | 'description' | 'consequence' | 'tried', string>>): DomainError[] {
    const found: DomainError[] = [];
    const collect = (check: () => void): void => {
      try {
        check();
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        found.push(error);
      }
    };
    // A malformed date already has the form's own message.
    if (texts.occurredOn && isIsoDate(texts.occurredOn)) collect(() => this.checkOccurredOn(texts.occurredOn as string, this.clock.now()));
    collect(() =>
      assertNoPersonalData(
        { title: texts.title, description: texts.description, consequence: texts.consequence, tried: texts.tried },
        { ignoredEmailAddresses: [reporter.email] },
      ),
    );
    return found;
  }

  /**
   * Files a report for the signed-in user. The hot path: checks in memory, then one statement (report,
   * audit event, the leads' mails) shared with reports filed at the same moment (DeviationFilingWriter).
   */
  async file(reporter: AuthUser, dto: DeviationCreateDto): Promise<FiledDeviation> {
    const now = this.clock.now();
    this.checkOccurredOn(dto.occurredOn, now);
    assertNoPersonalData(
      { title: dto.title, description: dto.description, consequence: dto.consequence, tried: dto.tried },
      { ignoredEmailAddresses: [reporter.email] },
    );
    const tried = dto.tried?.trim() ? dto.tried.trim() : null;

    const id = randomUUID();
    const row = await this.filing.file({
      id,
      municipalityId: dto.municipalityId,
      reporterId: reporter.id,
      reporterEmail: reporter.email.toLowerCase(),
      occurredOn: dto.occurredOn,
      reportedAt: now,
      category: dto.category,
      parties: dto.parties,
      title: dto.title,
      description: dto.description,
      consequence: dto.consequence,
      tried,
      severity: dto.severity,
      mailContext: this.notifier.newReportContext({ id, title: dto.title, category: dto.category, severity: dto.severity, status: 'ny' }),
    });
    if (!row) throw await this.municipalityRefused(this.dataSource.manager, dto.municipalityId);
    if (!row.subprojectHasLead) this.notifier.filedWithoutLead(row.reference, row.analystEmails.length);
    return {
      id: row.id,
      reference: row.reference,
      municipality: { id: row.municipalityId, name: row.municipalityName },
      subproject: { id: row.subprojectId, name: row.subprojectName },
      subprojectHasLead: row.subprojectHasLead,
      notifiedLeads: row.leadEmails.length,
      notifiedAnalysts: row.analystEmails.length,
    };
  }

  /**
   * For the importer: creates a report from an import row, idempotent on externalId. The kommun's
   * current delprojekt owns it; the reporter is linked to an account with that address if there is one.
   * No mail is sent (imports are history). Pass `manager` to run inside the caller's transaction.
   * `datedToReporting`: the import stands for a report filed here when it was reported (the demo's reports): imported_at
   * and the timeline's import event both say the report's reportedAt, written together so they never disagree (the
   * event log can be added to, not rewritten). Otherwise both are now.
   * Throws DomainError: `invalid_import_row` (fields say which), `unknown_municipality`, `personal_data_found`.
   */
  async createFromImport(row: DeviationImportRow, options: { manager?: EntityManager; datedToReporting?: boolean } = {}): Promise<DeviationImportResult> {
    const checked = this.checkImportRow(row);
    const history = checked.history;
    assertNoPersonalData(
      { title: checked.title, description: checked.description, consequence: checked.consequence, tried: checked.tried, resolution: history.resolution },
      { ignoredEmailAddresses: checked.reporterEmail ? [checked.reporterEmail] : [] },
    );
    const work = async (manager: EntityManager): Promise<DeviationImportResult> => {
      const now = this.clock.now();
      const rows = (await manager.query(
        `WITH target AS (
           SELECT m.id, m.name, m.subproject_id, s.name AS subproject_name
             FROM municipality m JOIN subproject s ON s.id = m.subproject_id
            WHERE ${sameNameCondition('m.name', '$1')}
         ), inserted AS (
           INSERT INTO deviation (external_id, municipality_id, subproject_id, reporter_id, reporter_email, occurred_on, reported_at,
                                  category, parties, title, description, consequence, tried, severity, created_at, updated_at, imported_at,
                                  status, resolution, accepted_at, resolved_at, escalated_at, closed_at)
           SELECT $2, t.id, t.subproject_id, (SELECT u.id FROM app_user u WHERE u.email = $3::text), $3, $4, $5,
                  $6, $7, $8, $9, $10, $11, $12, $13, $13, $20,
                  $14, $15, $16, $17, $18, $19
             FROM target t
           ON CONFLICT (external_id) WHERE external_id IS NOT NULL DO NOTHING
           RETURNING id, reference
         ), event AS (
           INSERT INTO deviation_event (deviation_id, actor_id, kind, after, created_at)
           SELECT i.id, NULL, 'imported',
                  jsonb_build_object('status', $14::text, 'externalId', $2::text, 'municipalityName', t.name, 'subprojectName', t.subproject_name),
                  $20
             FROM inserted i CROSS JOIN target t
         )
         SELECT id, reference FROM inserted`,
        [
          checked.kommun,
          checked.externalId,
          checked.reporterEmail,
          checked.occurredOn,
          checked.reportedAt,
          checked.category,
          checked.parties,
          checked.title,
          checked.description,
          checked.consequence,
          checked.tried,
          checked.severity,
          now,
          history.status,
          history.resolution,
          history.acceptedAt,
          history.resolvedAt,
          history.escalatedAt,
          history.closedAt,
          options.datedToReporting ? checked.reportedAt : now,
        ],
      )) as Array<{ id: string; reference: string }>;
      if (rows[0]) return { outcome: 'created', id: rows[0].id, reference: rows[0].reference };
      const existing = (await manager.query(`SELECT id, reference FROM deviation WHERE external_id = $1`, [checked.externalId])) as Array<{
        id: string;
        reference: string;
      }>;
      if (existing[0]) return { outcome: 'existing', id: existing[0].id, reference: existing[0].reference };
      throw new DomainError('unknown_municipality', `Kommunen "${checked.kommun}" finns inte i organisationen.`, 422, [
        { field: 'kommun', message: `Kommunen "${checked.kommun}" finns inte i organisationen.` },
      ]);
    };
    return options.manager ? work(options.manager) : this.dataSource.transaction(work);
  }

  /** Why a kommun cannot take a report (filed or moved there): it does not exist, or it is retired. */
  private async municipalityRefused(manager: EntityManager, municipalityId: string): Promise<DomainError> {
    const rows = (await manager.query(`SELECT name FROM municipality WHERE id = $1 AND deactivated_at IS NOT NULL`, [municipalityId])) as Array<{ name: string }>;
    const message = rows[0] ? `${rows[0].name} är avvecklad och tar inte emot nya avvikelser. Välj en annan kommun.` : 'Kommunen finns inte. Välj en kommun i listan.';
    return new ValidationFailedError([{ field: 'municipalityId', message }], rows[0] ? message : undefined);
  }

  /** What the filing form offers: every kommun in use, the user's own delprojekt's first, and which to preselect. */
  async filingOptions(user: AuthUser): Promise<{ municipalities: MunicipalityOption[]; defaultMunicipalityId: string }> {
    const rows = (await this.dataSource.query(
      `SELECT m.id, m.name, m.subproject_id, s.name AS subproject_name
         FROM municipality m JOIN subproject s ON s.id = m.subproject_id
        WHERE m.deactivated_at IS NULL
        ORDER BY (m.subproject_id = $1) DESC NULLS LAST, m.name`,
      [user.subprojectId],
    )) as Array<{ id: string; name: string; subproject_id: string; subproject_name: string }>;
    const municipalities = rows.map((row) => ({
      value: row.id,
      label: `${row.name} (${row.subproject_name})`,
      own: row.subproject_id === user.subprojectId,
    }));
    let defaultMunicipalityId = '';
    if (user.subprojectId) {
      // The kommun of the user's last report, if still in their delprojekt; else the delprojekt's first.
      const last = (await this.dataSource.query(
        `SELECT d.municipality_id FROM deviation d JOIN municipality m ON m.id = d.municipality_id
          WHERE d.reporter_id = $1 AND m.subproject_id = $2 ORDER BY d.reported_at DESC LIMIT 1`,
        [user.id, user.subprojectId],
      )) as Array<{ municipality_id: string }>;
      defaultMunicipalityId = last[0]?.municipality_id ?? municipalities.find((m) => m.own)?.value ?? '';
    }
    return { municipalities, defaultMunicipalityId };
  }

  // ── Reading ───────────────────────────────────────────────────────────────────────────────

  /** The queue or list the user may see, filtered and sorted, one keyset page at a time. */
  async list(user: AuthUser, query: DeviationListQueryDto): Promise<DeviationPage> {
    const scope = await this.scopeFor(user, query);
    return this.page(scope, query, query.status ?? 'open', query.sort ?? 'oldest', query.assignee === 'me' ? user.id : undefined);
  }

  /** Mina avvikelser: what the user has filed (and imported reports under their address), newest first. */
  async listMine(user: AuthUser, query: DeviationListQueryDto): Promise<DeviationPage> {
    return this.page({ kind: 'reporter', userId: user.id, email: user.email }, query, query.status ?? 'all', query.sort ?? 'newest');
  }

  /** One report as the user may see it; 404 if they may not, so its existence does not leak. */
  async getForUser(user: AuthUser, id: string): Promise<DeviationView> {
    const row = await this.loadVisible(this.dataSource.manager, user, id, false);
    const seesInternal = canReadInternal(user, facts(row));
    const [comments, events] = await Promise.all([this.comments(row.id, seesInternal), this.events(row.id, seesInternal)]);
    const f = facts(row);
    return {
      deviation: this.toDetail(row),
      permissions: {
        actions: availableActions(row.status, statusAuthority(user, f)),
        canAssign: canAssign(user, f),
        canMove: canMove(user, f),
        canReclassify: canReclassify(user, f),
        canWriteInternal: canWriteInternal(user, f),
        canReply: canReply(user, f),
        seesInternal,
        standingIn: isStandInAnalyst(user, f),
      },
      comments,
      timeline: events,
    };
  }

  /**
   * Where a report the user moved out of their sight went and who was told there, for the queue's notice
   * after the move; null unless the user moved it and can no longer see it, so a hand-written address shows nothing.
   */
  async movedAwayTo(user: AuthUser, id: string): Promise<{ subprojectName: string; told: string } | null> {
    if (!UUID.test(id)) return null;
    const rows = (await this.dataSource.query(
      `SELECT s.name AS subproject_name, d.subproject_id, d.reporter_id, d.reporter_email, d.status,
              (SELECT e.after FROM deviation_event e WHERE e.deviation_id = d.id AND e.kind = 'moved' AND e.actor_id = $2 ORDER BY e.id DESC LIMIT 1) AS moved
         FROM deviation d JOIN subproject s ON s.id = d.subproject_id
        WHERE d.id = $1 AND EXISTS (SELECT 1 FROM deviation_event e WHERE e.deviation_id = d.id AND e.kind = 'moved' AND e.actor_id = $2)`,
      [id, user.id],
    )) as Array<Pick<DetailRow, 'subproject_name' | 'subproject_id' | 'reporter_id' | 'reporter_email' | 'status'> & { moved: Record<string, unknown> | null }>;
    const row = rows[0];
    if (!row) return null;
    const gone = !canRead(user, { subprojectId: row.subproject_id, reporterId: row.reporter_id, reporterEmail: row.reporter_email, status: row.status });
    if (!gone) return null;
    return { subprojectName: row.subproject_name, told: moveReceipt(row.subproject_name, routingFrom(row.moved?.notified), user.role === 'analyst') };
  }

  /**
   * The receipt after filing, from the report's own 'filed' event: who owns it and who was told. Null unless
   * the user filed it: only the reporter is thanked, and nobody else learns from it who was mailed.
   */
  async filingReceipt(user: AuthUser, id: string): Promise<string | null> {
    if (!UUID.test(id)) return null;
    const rows = (await this.dataSource.query(
      `SELECT e.after FROM deviation_event e WHERE e.deviation_id = $1 AND e.kind = 'filed' AND e.actor_id = $2 ORDER BY e.id LIMIT 1`,
      [id, user.id],
    )) as Array<{ after: Record<string, unknown> | null }>;
    const after = rows[0]?.after;
    if (!after) return null;
    const subprojectName = typeof after.subprojectName === 'string' ? after.subprojectName : '';
    return filingReceipt(subprojectName, routingFrom(after.notified), user.role === 'analyst');
  }

  /** After the user moved a report they still see: who was told in the delprojekt it went to (empty if nobody new). */
  async lastMoveReceipt(user: AuthUser, id: string): Promise<string> {
    if (!UUID.test(id)) return '';
    const rows = (await this.dataSource.query(
      `SELECT e.after FROM deviation_event e WHERE e.deviation_id = $1 AND e.kind = 'moved' AND e.actor_id = $2 ORDER BY e.id DESC LIMIT 1`,
      [id, user.id],
    )) as Array<{ after: Record<string, unknown> | null }>;
    const after = rows[0]?.after;
    if (!after) return '';
    return moveReceipt(typeof after.subprojectName === 'string' ? after.subprojectName : '', routingFrom(after.notified), user.role === 'analyst');
  }

  /**
   * The user opened the report: as its reporter, messages to them up to now are read ("Nytt svar" goes away); as a
   * lead of the owning delprojekt, the reporter's messages up to now are ("Nytt meddelande" goes away, for this lead).
   */
  async noteView(user: AuthUser, id: string): Promise<void> {
    if (!UUID.test(id)) return;
    // One row per report and user (deviation_view): the page has already checked that this user may see the report.
    await this.dataSource.query(
      `INSERT INTO deviation_view (deviation_id, user_id, last_viewed_at)
       SELECT d.id, $2::uuid, $3 FROM deviation d WHERE d.id = $1::uuid
       ON CONFLICT (deviation_id, user_id) DO UPDATE SET last_viewed_at = GREATEST(deviation_view.last_viewed_at, EXCLUDED.last_viewed_at)`,
      [id, user.id, this.clock.now()],
    );
  }

  /** Leads the report can be assigned to: the active leads of the owning delprojekt. */
  async assignableLeads(subprojectId: string): Promise<Array<{ id: string; name: string }>> {
    return (await this.dataSource.query(
      `SELECT id, name FROM app_user WHERE subproject_id = $1 AND ${activeLeadSql()} ORDER BY name`,
      [subprojectId],
    )) as Array<{ id: string; name: string }>;
  }

  /**
   * Every kommun with its delprojekt (and whether that has an active lead), for filters and the move form. `active`:
   * false for a retired kommun, which filters of past reports keep and the forms for new ones leave out.
   */
  async municipalityOptions(): Promise<
    Array<{ value: string; label: string; name: string; subprojectId: string; subprojectName: string; subprojectHasLead: boolean; active: boolean }>
  > {
    const rows = (await this.dataSource.query(
      `SELECT m.id, m.name, m.subproject_id, s.name AS subproject_name, m.deactivated_at IS NULL AS active,
              EXISTS (SELECT 1 FROM app_user l WHERE l.subproject_id = m.subproject_id AND ${activeLeadSql('l')}) AS has_lead
         FROM municipality m JOIN subproject s ON s.id = m.subproject_id ORDER BY m.name`,
    )) as Array<{ id: string; name: string; subproject_id: string; subproject_name: string; has_lead: boolean; active: boolean }>;
    return rows.map((row) => ({
      value: row.id,
      label: `${row.name} (${row.subproject_name})`,
      name: row.name,
      subprojectId: row.subproject_id,
      subprojectName: row.subproject_name,
      subprojectHasLead: row.has_lead,
      active: row.active,
    }));
  }

  /**
   * For the exporter: every report in reference order, read in batches by keyset so a million rows
   * stream in constant memory. Names are resolved; the reporter's current address is given.
   */
  async *streamForExport(options: DeviationExportOptions = {}): AsyncGenerator<DeviationExportRow> {
    const batchSize = Math.min(Math.max(options.batchSize ?? 1000, 1), 10_000);
    let after = '0';
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT d.reference_number::text AS reference_number, d.external_id, d.reference, m.name AS kommun, s.name AS delprojekt,
                d.occurred_on::text AS occurred_on, d.reported_at, d.category, d.parties, d.title, d.description, d.consequence,
                d.tried, d.severity, COALESCE(r.email, d.reporter_email) AS reporter_email, d.status, d.resolution,
                d.accepted_at, d.resolved_at, d.escalated_at, d.closed_at
           FROM deviation d
           JOIN municipality m ON m.id = d.municipality_id
           JOIN subproject s ON s.id = d.subproject_id
           LEFT JOIN app_user r ON r.id = d.reporter_id
          WHERE d.reference_number > $1::bigint
            AND ($2::date IS NULL OR d.reported_at >= ($2::date::timestamp AT TIME ZONE 'Europe/Stockholm'))
            AND ($3::date IS NULL OR d.reported_at < (($3::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm'))
            AND ($4::uuid[] IS NULL OR d.subproject_id = ANY($4::uuid[]))
          ORDER BY d.reference_number
          LIMIT $5`,
        [after, options.from ?? null, options.to ?? null, options.subprojectIds ?? null, batchSize],
      )) as Array<{
        reference_number: string;
        external_id: string | null;
        reference: string;
        kommun: string;
        delprojekt: string;
        occurred_on: string;
        reported_at: Date;
        category: DeviationCategory;
        parties: DeviationParty[];
        title: string;
        description: string;
        consequence: string;
        tried: string | null;
        severity: DeviationSeverity;
        reporter_email: string | null;
        status: DeviationStatus;
        resolution: string | null;
        accepted_at: Date | null;
        resolved_at: Date | null;
        escalated_at: Date | null;
        closed_at: Date | null;
      }>;
      for (const row of rows) {
        yield {
          externalId: row.external_id,
          reference: row.reference,
          kommun: row.kommun,
          delprojekt: row.delprojekt,
          occurredOn: row.occurred_on,
          reportedAt: row.reported_at.toISOString(),
          category: row.category,
          parties: row.parties,
          title: row.title,
          description: row.description,
          consequence: row.consequence,
          tried: row.tried,
          severity: row.severity,
          reporterEmail: row.reporter_email,
          status: row.status,
          resolution: row.resolution,
          acceptedAt: iso(row.accepted_at),
          resolvedAt: iso(row.resolved_at),
          escalatedAt: iso(row.escalated_at),
          closedAt: iso(row.closed_at),
        };
      }
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1].reference_number;
    }
  }

  // ── Changing ──────────────────────────────────────────────────────────────────────────────

  /** A status action by a lead of the owning delprojekt (or an analyst on an escalated report). */
  async transition(user: AuthUser, id: string, action: DeviationAction, input: DeviationTransitionDto): Promise<void> {
    assertNoPersonalData({ resolution: input.resolution, comment: input.comment }, { ignoredEmailAddresses: [user.email] });
    await this.dataSource.transaction(async (manager) => {
      const row = await this.loadVisible(manager, user, id, true);
      const now = this.clock.now();
      const changes = applyTransition(
        { status: row.status, resolution: row.resolution, assigneeId: row.assignee_id },
        { action, resolution: input.resolution, comment: input.comment },
        { userId: user.id, authority: statusAuthority(user, facts(row)) },
        now,
      );
      await manager.query(
        `UPDATE deviation SET status = $2,
            resolution = CASE WHEN $3::boolean THEN $4 ELSE resolution END,
            assignee_id = CASE WHEN $5::boolean THEN $6::uuid ELSE assignee_id END,
            accepted_at = CASE WHEN $7::boolean THEN $8::timestamptz ELSE accepted_at END,
            resolved_at = CASE WHEN $9::boolean THEN $10::timestamptz ELSE resolved_at END,
            escalated_at = CASE WHEN $11::boolean THEN $12::timestamptz ELSE escalated_at END,
            closed_at = CASE WHEN $13::boolean THEN $14::timestamptz ELSE closed_at END,
            updated_at = $15
          WHERE id = $1`,
        [
          row.id,
          changes.status,
          'resolution' in changes,
          changes.resolution ?? null,
          'assigneeId' in changes,
          changes.assigneeId ?? null,
          'acceptedAt' in changes,
          changes.acceptedAt ?? null,
          'resolvedAt' in changes,
          changes.resolvedAt ?? null,
          'escalatedAt' in changes,
          changes.escalatedAt ?? null,
          'closedAt' in changes,
          changes.closedAt ?? null,
          now,
        ],
      );
      const before: Record<string, unknown> = { status: row.status };
      const after: Record<string, unknown> = { status: changes.status };
      if ('resolution' in changes) {
        before.resolution = row.resolution;
        after.resolution = changes.resolution;
      }
      if ('assigneeId' in changes) {
        before.assigneeId = row.assignee_id;
        after.assigneeId = changes.assigneeId;
        after.assigneeName = changes.assigneeId === user.id ? user.name : null;
      }
      const comment = input.comment?.trim();
      if (comment) after.comment = comment;
      const eventId = await this.recordEvent(manager, row.id, user.id, ACTION_EVENT_KINDS[action], before, after, now);

      const updated = { ...row, status: changes.status };
      const notice = action === 'close' && row.status === 'strukturellt_hinder' ? 'deviation-closed' : REPORTER_NOTICES[action];
      if (notice && !isReporter(user, facts(row)) && row.reporter_active !== false) {
        await this.notifier.toReporter(manager, notice, mailable(updated), row.reporter_address, eventId, {
          resolution: changes.resolution ?? row.resolution,
          actorName: user.name,
          // Only whether there is a reason: like a reply, the lead's words stay in the system.
          hasComment: Boolean(comment),
        });
      }
      if (action === 'escalate') {
        const analysts = (await manager.query(`SELECT email FROM app_user WHERE role = 'analyst' AND active AND id <> $1 ORDER BY email`, [user.id])) as Array<{
          email: string;
        }>;
        await this.notifier.escalatedToAnalysts(manager, mailable(updated), analysts.map((a) => a.email), eventId, comment ?? null);
      }
    });
  }

  /** Gives the report to a lead of the owning delprojekt. */
  async assign(user: AuthUser, id: string, assigneeId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const row = await this.loadVisible(manager, user, id, true);
      if (!canAssign(user, facts(row))) throw new ForbiddenError('Bara delprojektledare i delprojektet som äger avvikelsen kan tilldela den.');
      const leads = (await manager.query(
        `SELECT id, name, email FROM app_user WHERE id = $1 AND subproject_id = $2 AND ${activeLeadSql()}`,
        [assigneeId, row.subproject_id],
      )) as Array<{ id: string; name: string; email: string }>;
      const lead = leads[0];
      if (!lead) {
        const message = `Välj en aktiv delprojektledare i ${row.subproject_name}.`;
        throw new DomainError('invalid_assignee', message, 422, [{ field: 'assigneeId', message }]);
      }
      if (row.assignee_id === lead.id) return;
      const now = this.clock.now();
      await manager.query(`UPDATE deviation SET assignee_id = $2, updated_at = $3 WHERE id = $1`, [row.id, lead.id, now]);
      const eventId = await this.recordEvent(
        manager,
        row.id,
        user.id,
        'assigned',
        { assigneeId: row.assignee_id, assigneeName: row.assignee_name },
        { assigneeId: lead.id, assigneeName: lead.name },
        now,
      );
      // Given a report by a colleague, a lead would otherwise only notice it in the queue.
      if (lead.id !== user.id) await this.notifier.assigned(manager, mailable(row), lead.email, eventId, user.name);
    });
  }

  /**
   * Moves a report to another kommun; if that kommun belongs to another delprojekt, the new
   * delprojekt owns it from now on, its assignee is cleared and its leads are mailed. The reporter is
   * told where it is now (unless they moved it themselves).
   * Returns whether the user can still see it (a lead who moves it away cannot).
   */
  async move(
    user: AuthUser,
    id: string,
    municipalityId: string,
    comment?: string,
  ): Promise<{ stillVisible: boolean; subprojectName: string; subprojectHasLead: boolean; notifiedLeads: number; notifiedAnalysts: number }> {
    assertNoPersonalData({ comment }, { ignoredEmailAddresses: [user.email] });
    return this.dataSource.transaction(async (manager) => {
      const row = await this.loadVisible(manager, user, id, true);
      if (!canMove(user, facts(row))) throw new ForbiddenError('Bara delprojektledare i delprojektet som äger avvikelsen och verksamhetsutvecklare kan flytta den.');
      const targets = (await manager.query(
        `SELECT m.id, m.name, m.subproject_id, s.name AS subproject_name FROM municipality m JOIN subproject s ON s.id = m.subproject_id
          WHERE m.id = $1 AND m.deactivated_at IS NULL FOR KEY SHARE OF m`,
        [municipalityId],
      )) as Array<{ id: string; name: string; subproject_id: string; subproject_name: string }>;
      // Who hears of it there: the new delprojekt's active leads, or, with none, the analysts who stand in.
      const target = targets[0];
      if (!target) throw await this.municipalityRefused(manager, municipalityId);
      if (target.id === row.municipality_id) {
        const message = `Avvikelsen gäller redan ${target.name}.`;
        throw new DomainError('same_municipality', message, 422, [{ field: 'municipalityId', message }]);
      }
      const ownerChanges = target.subproject_id !== row.subproject_id;
      const now = this.clock.now();
      await manager.query(
        `UPDATE deviation SET municipality_id = $2, subproject_id = $3,
            assignee_id = CASE WHEN $4::boolean THEN NULL ELSE assignee_id END, updated_at = $5
          WHERE id = $1`,
        [row.id, target.id, target.subproject_id, ownerChanges, now],
      );
      const before: Record<string, unknown> = {
        municipalityId: row.municipality_id,
        municipalityName: row.municipality_name,
        subprojectId: row.subproject_id,
        subprojectName: row.subproject_name,
      };
      const after: Record<string, unknown> = {
        municipalityId: target.id,
        municipalityName: target.name,
        subprojectId: target.subproject_id,
        subprojectName: target.subproject_name,
      };
      if (ownerChanges && row.assignee_id) {
        before.assigneeId = row.assignee_id;
        after.assigneeId = null;
      }
      if (comment?.trim()) after.comment = comment.trim();
      let routing: Routing | null = null;
      let recipients: string[] = [];
      if (ownerChanges) {
        const leads = (await manager.query(
          `SELECT id, email FROM app_user WHERE subproject_id = $1 AND ${activeLeadSql()} ORDER BY email`,
          [target.subproject_id],
        )) as Array<{ id: string; email: string }>;
        const hasLead = leads.length > 0;
        recipients = hasLead
          ? leads.filter((lead) => lead.id !== user.id).map((lead) => lead.email)
          : ((await manager.query(`SELECT email FROM app_user WHERE role = 'analyst' AND active AND id <> $1 ORDER BY email`, [user.id])) as Array<{ email: string }>).map(
              (analyst) => analyst.email,
            );
        routing = {
          hasLead,
          actorIsLead: leads.some((lead) => lead.id === user.id),
          leads: hasLead ? recipients.length : 0,
          analysts: hasLead ? 0 : recipients.length,
        };
        after.notified = routing;
      }
      const eventId = await this.recordEvent(manager, row.id, user.id, 'moved', before, after, now);
      if (routing) {
        await this.notifier.moved(
          manager,
          mailable({ ...row, municipality_name: target.name, subproject_name: target.subproject_name }),
          { emails: recipients, withoutLead: !routing.hasLead },
          { municipalityName: row.municipality_name, subprojectName: row.subproject_name },
          eventId,
        );
      }
      // The reporter learns who handles it now (only whether there is a reason: the words stay in the system).
      if (!isReporter(user, facts(row)) && row.reporter_active !== false) {
        await this.notifier.toReporter(
          manager,
          'deviation-moved-reporter',
          mailable({ ...row, municipality_name: target.name, subproject_name: target.subproject_name }),
          row.reporter_address,
          eventId,
          { actorName: user.name, fromMunicipalityName: row.municipality_name, ownerChanged: ownerChanges, hasComment: Boolean(comment?.trim()) },
        );
      }
      const stillVisible = canRead(user, { ...facts(row), subprojectId: target.subproject_id });
      return {
        stillVisible,
        subprojectName: target.subproject_name,
        subprojectHasLead: routing ? routing.hasLead : row.subproject_has_lead,
        notifiedLeads: routing?.leads ?? 0,
        notifiedAnalysts: routing?.analysts ?? 0,
      };
    });
  }

  /**
   * Corrects category, parties and severity (chosen in a hurry when filing: DOMAIN.md calls the category a hint).
   * What is left out stays; the event keeps each changed field before and after. Lists, the overview and the next
   * pattern run read the corrected values from the report itself. Nothing changed is refused, so a press that did
   * nothing does not look like a correction in the timeline.
   */
  async reclassify(user: AuthUser, id: string, change: DeviationClassifyDto): Promise<void> {
    assertNoPersonalData({ comment: change.comment }, { ignoredEmailAddresses: [user.email] });
    await this.dataSource.transaction(async (manager) => {
      const row = await this.loadVisible(manager, user, id, true);
      if (!canReclassify(user, facts(row))) {
        throw new ForbiddenError('Bara delprojektledare i delprojektet som äger avvikelsen och verksamhetsutvecklare kan ändra kategori, parter och allvarlighet.');
      }
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      if (change.category !== undefined && change.category !== row.category) {
        before.category = row.category;
        after.category = change.category;
      }
      // The same parties in another order are no change; stored in the order the form lists them.
      const parties = change.parties === undefined ? undefined : DEVIATION_PARTIES.filter((party) => change.parties?.includes(party));
      const current = DEVIATION_PARTIES.filter((party) => row.parties.includes(party));
      if (parties !== undefined && parties.join() !== current.join()) {
        before.parties = row.parties;
        after.parties = parties;
      }
      if (change.severity !== undefined && change.severity !== row.severity) {
        before.severity = row.severity;
        after.severity = change.severity;
      }
      if (Object.keys(after).length === 0) {
        throw new DomainError(
          'nothing_changed',
          'Kategori, parter och allvarlighet är desamma som förut. Ändra något av dem innan du sparar.',
          422,
        );
      }
      const now = this.clock.now();
      await manager.query(
        `UPDATE deviation SET category = COALESCE($2, category), parties = COALESCE($3::text[], parties), severity = COALESCE($4, severity), updated_at = $5
          WHERE id = $1`,
        [row.id, after.category ?? null, after.parties ?? null, after.severity ?? null, now],
      );
      const comment = change.comment?.trim();
      if (comment) after.comment = comment;
      await this.recordEvent(manager, row.id, user.id, 'reclassified', before, after, now);
    });
  }

  /** An internal note, or a reply in the dialogue with the reporter (who is mailed when someone else writes). */
  async addComment(user: AuthUser, id: string, dto: DeviationCommentCreateDto): Promise<DeviationCommentView> {
    assertNoPersonalData({ body: dto.body }, { ignoredEmailAddresses: [user.email] });
    return this.dataSource.transaction(async (manager) => {
      const row = await this.loadVisible(manager, user, id, false);
      const f = facts(row);
      const allowed = dto.visibility === 'internal' ? canWriteInternal(user, f) : canReply(user, f);
      if (!allowed) {
        throw new ForbiddenError(
          dto.visibility === 'internal'
            ? 'Bara delprojektledare i delprojektet som äger avvikelsen och verksamhetsutvecklare kan skriva interna anteckningar.'
            : 'Du kan inte svara på den här avvikelsen.',
        );
      }
      const now = this.clock.now();
      const [comment] = (await manager.query(
        `INSERT INTO deviation_comment (deviation_id, author_id, visibility, body, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
        [row.id, user.id, dto.visibility, dto.body, now],
      )) as Array<{ id: string }>;
      const kind: DeviationEventKind = dto.visibility === 'internal' ? 'note_added' : 'reply_added';
      // The log says that something was written and where; the text itself lives in the comment.
      const eventId = await this.recordEvent(manager, row.id, user.id, kind, null, { commentId: comment.id, visibility: dto.visibility }, now);
      if (dto.visibility === 'reporter' && !isReporter(user, f) && row.reporter_active !== false) {
        await this.notifier.toReporter(manager, 'deviation-reply', mailable(row), row.reporter_address, eventId, { actorName: user.name });
      }
      if (dto.visibility === 'reporter' && isReporter(user, f)) {
        // The reporter answered: without a mail the lead only finds it by opening the report.
        const leads = (await manager.query(
          `SELECT id, email FROM app_user WHERE subproject_id = $1 AND ${activeLeadSql()} AND id <> $2 ORDER BY email`,
          [row.subproject_id, user.id],
        )) as Array<{ id: string; email: string }>;
        let recipients = leads;
        if (!row.subproject_has_lead) {
          // No active lead: the analysts stand in (the one who took it in, if it was one of them).
          recipients = (await manager.query(`SELECT id, email FROM app_user WHERE role = 'analyst' AND active AND id <> $1 ORDER BY email`, [user.id])) as Array<{
            id: string;
            email: string;
          }>;
        }
        const assignee = recipients.find((candidate) => candidate.id === row.assignee_id);
        await this.notifier.reporterReplied(manager, mailable(row), assignee ? [assignee.email] : recipients.map((r) => r.email), eventId, user.name);
      }
      return {
        id: comment.id,
        visibility: dto.visibility,
        visibilityLabel: COMMENT_VISIBILITY_LABELS[dto.visibility],
        body: dto.body,
        author: { id: user.id, name: user.name },
        createdAt: now,
      };
    });
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────

  private checkOccurredOn(occurredOn: string, now: Date): void {
    if (!isIsoDate(occurredOn)) throw new ValidationFailedError([{ field: 'occurredOn', message: 'Ange ett giltigt datum, t.ex. 2026-11-20.' }]);
    if (occurredOn > stockholmDate(now)) throw new ValidationFailedError([{ field: 'occurredOn', message: 'Datumet kan inte vara i framtiden.' }]);
    if (occurredOn < EARLIEST_DATE) throw new ValidationFailedError([{ field: 'occurredOn', message: 'Datumet är för långt tillbaka. Kontrollera året.' }]);
  }

  private checkImportRow(row: DeviationImportRow): {
    externalId: string;
    kommun: string;
    occurredOn: string;
    reportedAt: Date;
    category: DeviationCategory;
    parties: DeviationParty[];
    title: string;
    description: string;
    consequence: string;
    tried: string | null;
    severity: DeviationSeverity;
    reporterEmail: string | null;
    history: ImportedHistory;
  } {
    const problems: Array<{ field: string; message: string }> = [];
    const str = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
    const externalId = str(row.externalId);
    if (!externalId || externalId.length > 200) problems.push({ field: 'externalId', message: 'externalId saknas eller är längre än 200 tecken.' });
    const kommun = str(row.kommun);
    if (!kommun) problems.push({ field: 'kommun', message: 'Kommun saknas.' });
    const occurredOn = str(row.occurredOn);
    if (!isIsoDate(occurredOn)) problems.push({ field: 'occurredOn', message: 'occurredOn måste vara ett datum ÅÅÅÅ-MM-DD.' });
    const reportedAt = row.reportedAt instanceof Date ? row.reportedAt : str(row.reportedAt) ? new Date(str(row.reportedAt)) : this.clock.now();
    if (Number.isNaN(reportedAt.getTime())) problems.push({ field: 'reportedAt', message: 'reportedAt måste vara en tidpunkt enligt ISO 8601, t.ex. 2017-09-18T15:58:46+02:00.' });
    const category = str(row.category) as DeviationCategory;
    if (!DEVIATION_CATEGORIES.includes(category)) problems.push({ field: 'category', message: `Okänd kategori "${str(row.category)}".` });
    const rawParties: unknown[] = Array.isArray(row.parties) ? row.parties : [];
    const parties = [...new Set(rawParties.map((party) => str(party).toUpperCase()))] as DeviationParty[];
    if (!Array.isArray(row.parties) || parties.some((party) => !DEVIATION_PARTIES.includes(party))) {
      problems.push({ field: 'parties', message: 'parties måste vara en lista med AF, FK, KOMMUN, REGION och ANNAN.' });
    }
    const title = str(row.title);
    if (!title) problems.push({ field: 'title', message: 'Rubrik saknas.' });
    const description = str(row.description);
    if (!description) problems.push({ field: 'description', message: 'Beskrivning saknas.' });
    const severity = str(row.severity) as DeviationSeverity;
    if (!DEVIATION_SEVERITIES.includes(severity)) problems.push({ field: 'severity', message: `Okänd allvarlighetsgrad "${str(row.severity)}" (lag, medel eller hog).` });
    const reporterEmail = str(row.reporterEmail).toLowerCase() || null;
    if (reporterEmail !== null && !EMAIL.test(reporterEmail)) problems.push({ field: 'reporterEmail', message: 'reporterEmail måste vara en e-postadress.' });
    const history = checkImportedHistory(row, this.clock.now());
    problems.push(...history.problems);
    if (problems.length > 0) throw new DomainError('invalid_import_row', 'Raden kan inte importeras. Se fälten.', 422, problems);
    return {
      externalId,
      kommun,
      occurredOn,
      reportedAt,
      category,
      parties,
      title,
      description,
      consequence: str(row.consequence),
      tried: str(row.tried) || null,
      severity,
      reporterEmail,
      history: history.history,
    };
  }

  private async scopeFor(user: AuthUser, query: DeviationListQueryDto): Promise<ListScope> {
    const subprojectFilter = query.subprojectId;
    if (user.role === 'staff') return { kind: 'reporter', userId: user.id, email: user.email };
    if (user.role === 'lead') {
      // A lead's list is their delprojekt, which has a lead; asking for another one (or one without) simply finds nothing.
      const own = user.subprojectId && (!subprojectFilter || subprojectFilter === user.subprojectId) && query.lead !== 'none' ? [user.subprojectId] : [];
      return { kind: 'subprojects', subprojectIds: own, leadId: user.id };
    }
    const [rows, withoutLead] = await Promise.all([
      this.dataSource.query(`SELECT id FROM subproject ORDER BY id`) as Promise<Array<{ id: string }>>,
      this.subprojectsWithoutLead(),
    ]);
    const leadless = new Set(withoutLead.map((s) => s.id));
    const subprojectIds = rows
      .map((row) => row.id)
      .filter((id) => (!subprojectFilter || id === subprojectFilter) && (query.lead !== 'none' || leadless.has(id)));
    // An analyst stands in for the missing lead: "Nytt meddelande" on those delprojekt's reports, as in a lead's queue.
    const standIn = user.role === 'analyst' ? { analystId: user.id, subprojectIds: subprojectIds.filter((id) => leadless.has(id)) } : undefined;
    return { kind: 'subprojects', subprojectIds, standIn };
  }

  /** Delprojekt without an active lead now, by name: the analysts take in and handle their reports (deviation-access.ts). */
  subprojectsWithoutLead(): Promise<Array<{ id: string; name: string }>> {
    return this.organisation.subprojectsWithoutActiveLead();
  }

  private async page(scope: ListScope, query: DeviationListQueryDto, statusFilter: string, sort: DeviationListSort, assigneeId?: string): Promise<DeviationPage> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const statuses: readonly DeviationStatus[] =
      statusFilter === 'open' ? OPEN_STATUSES : statusFilter === 'all' ? DEVIATION_STATUSES : DEVIATION_STATUSES.filter((s) => s === statusFilter);
    const filters: ListFilters = {
      statuses,
      severity: query.severity,
      category: query.category,
      municipalityId: query.municipalityId,
      assigneeId,
      from: query.from,
      to: query.to,
    };
    if ((query.from && !isIsoDate(query.from)) || (query.to && !isIsoDate(query.to))) {
      throw new ValidationFailedError([{ field: query.from && !isIsoDate(query.from) ? 'from' : 'to', message: 'Ange ett giltigt datum, t.ex. 2026-11-20.' }]);
    }
    const after = query.cursor ? decodeCursor(query.cursor, sort) : null;
    const built = buildListQuery(scope, filters, sort, after, limit);
    if (!built) return { items: [], nextCursor: null };
    const rows = (await this.dataSource.query(built.sql, built.params)) as ListRow[];
    const hasMore = rows.length > limit;
    const pageRows = hasMore ? rows.slice(0, limit) : rows;
    const last = pageRows[pageRows.length - 1];
    return {
      items: pageRows.map((row) =>
        scope.kind === 'reporter'
          ? { ...this.toListItem(row), newReply: row.new_reply === true }
          : scope.leadId || scope.standIn
            ? { ...this.toListItem(row), newMessage: row.new_message === true }
            : this.toListItem(row),
      ),
      nextCursor: hasMore && last ? encodeCursor({ sort, severityOrder: last.severity_order, reportedAt: last.reported_at_key, id: last.id }) : null,
    };
  }

  private toListItem(row: ListRow | DetailRow): DeviationListItem {
    const deadlines = deadlinesFor({ status: row.status, reportedAt: row.reported_at, importedAt: row.imported_at }, this.clock.now(), this.deadlinePolicy);
    return {
      id: row.id,
      reference: row.reference,
      title: row.title,
      status: row.status,
      statusLabel: STATUS_LABELS[row.status],
      severity: row.severity,
      severityLabel: SEVERITY_LABELS[row.severity],
      category: row.category,
      categoryLabel: CATEGORY_LABELS[row.category],
      parties: row.parties,
      municipality: { id: row.municipality_id, name: row.municipality_name },
      subproject: { id: row.subproject_id, name: row.subproject_name },
      assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name ?? '' } : null,
      occurredOn: row.occurred_on,
      reportedAt: row.reported_at,
      importedAt: row.imported_at,
      acceptedAt: row.accepted_at,
      resolvedAt: row.resolved_at,
      escalatedAt: row.escalated_at,
      closedAt: row.closed_at,
      overdue: {
        notAccepted: deadlines.notAcceptedInTime,
        notResolved: deadlines.notResolvedInTime,
        acceptBy: deadlines.acceptBy,
        resolveBy: deadlines.resolveBy,
        countsFrom: deadlines.countsFrom,
      },
      path: `/avvikelser/${row.id}`,
    };
  }

  private toDetail(row: DetailRow): DeviationDetail {
    return {
      ...this.toListItem(row),
      externalId: row.external_id,
      description: row.description,
      consequence: row.consequence,
      tried: row.tried,
      resolution: row.resolution,
      reporter: { id: row.reporter_id, name: row.reporter_name, email: row.reporter_address },
    };
  }

  /** Loads a report the user may read (locked for update if asked), or answers 404. */
  private async loadVisible(manager: EntityManager, user: AuthUser, id: string, lock: boolean): Promise<DetailRow> {
    if (!UUID.test(id)) throw new NotFoundError('Avvikelsen');
    const rows = (await manager.query(`${DETAIL_SELECT} WHERE d.id = $1${lock ? ' FOR UPDATE OF d' : ''}`, [id])) as DetailRow[];
    const row = rows[0];
    if (!row || !canRead(user, facts(row))) throw new NotFoundError('Avvikelsen');
    return row;
  }

  private async comments(deviationId: string, seesInternal: boolean): Promise<DeviationCommentView[]> {
    const rows = (await this.dataSource.query(
      `SELECT c.id, c.visibility, c.body, c.created_at, c.author_id, u.name AS author_name
         FROM deviation_comment c JOIN app_user u ON u.id = c.author_id
        WHERE c.deviation_id = $1 AND ($2::boolean OR c.visibility = 'reporter')
        ORDER BY c.created_at, c.id`,
      [deviationId, seesInternal],
    )) as Array<{ id: string; visibility: CommentVisibility; body: string; created_at: Date; author_id: string; author_name: string }>;
    return rows.map((row) => ({
      id: row.id,
      visibility: row.visibility,
      visibilityLabel: COMMENT_VISIBILITY_LABELS[row.visibility],
      body: row.body,
      author: { id: row.author_id, name: row.author_name },
      createdAt: row.created_at,
    }));
  }

  private async events(deviationId: string, seesInternal: boolean): Promise<ReturnType<typeof describeEvent>[]> {
    const rows = (await this.dataSource.query(
      `SELECT e.id::text AS id, e.kind, e.before, e.after, e.created_at, u.name AS actor_name,
              (e.actor_id IS NOT NULL AND e.actor_id = d.reporter_id) AS actor_is_reporter
         FROM deviation_event e
         JOIN deviation d ON d.id = e.deviation_id
         LEFT JOIN app_user u ON u.id = e.actor_id
        WHERE e.deviation_id = $1 AND ($2::boolean OR e.kind <> 'note_added')
        ORDER BY e.id`,
      [deviationId, seesInternal],
    )) as Array<{
      id: string;
      kind: DeviationEventKind;
      before: Record<string, unknown> | null;
      after: Record<string, unknown> | null;
      created_at: Date;
      actor_name: string | null;
      actor_is_reporter: boolean;
    }>;
    return rows.map((row) =>
      describeEvent({
        id: row.id,
        kind: row.kind,
        before: row.before,
        after: row.after,
        createdAt: row.created_at,
        actorName: row.actor_name,
        actorIsReporter: row.actor_is_reporter,
      }),
    );
  }

  private async recordEvent(
    manager: EntityManager,
    deviationId: string,
    actorId: string | null,
    kind: DeviationEventKind,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
    at: Date,
  ): Promise<string> {
    const [event] = (await manager.query(
      `INSERT INTO deviation_event (deviation_id, actor_id, kind, before, after, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text AS id`,
      [deviationId, actorId, kind, before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after), at],
    )) as Array<{ id: string }>;
    return event.id;
  }
}
