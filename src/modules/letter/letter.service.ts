import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../../common/auth/auth-user';
import { Clock } from '../../common/clock/clock';
import { isIsoDate, stockholmDate } from '../../common/calendar/working-days';
import { DomainError, FieldProblem, NotFoundError } from '../../common/errors/domain-error';
import { formatDate } from '../../common/templates/formatting';
import { TemplateRenderer } from '../../common/templates/template-renderer';
import { ThesaurusService } from '../barrier/thesaurus.service';
import { barrierDisplayName } from '../barrier/barrier-wording';
import { BarrierLetterAway, BarrierLetterSummary } from '../barrier/barrier-letter.hook';
import { MailOutboxService } from '../mail/mail-outbox.service';
import {
  DEFAULT_RECIPIENT,
  DEFAULT_SIGNATORY_TITLE,
  LETTER_EVENT_LABELS,
  LETTER_FIELD_MAX,
  LETTER_SENDER_FIELDS,
  LETTER_FIELD_NAMES,
  LETTER_SECTIONS,
  LETTER_STATUS_LABELS,
  LETTER_TEXT_FIELDS,
  LetterEventKind,
  LetterSection,
  LetterSenderField,
  LetterStatus,
  LetterTextField,
} from './letter.constants';
import { GeneratedTexts, Letter, LetterEvidenceSnapshot } from './letter.entity';
import { buildLetterDocument, LetterDocumentModel } from './letter-document';
import { renderLetterDocx } from './letter-docx';
import { LetterDraft, LetterDrafter, recipientName } from './letter-drafting';
import { buildLetterEvidenceFrom, EvidenceFacts, EvidenceTextField, EvidenceTexts, keepWordsOf, LetterEvidence, quoteOrder, sortOldestFirst } from './letter-evidence';
import { assertIdNumbersVouched, IdNumbersVouched } from '../../common/pii/id-number-refusal';
import { assertLetterHasNoPersonalData, assertSenderHasNoIdNumber, LETTER_ID_NUMBER_REFUSALS, senderIdNumberProblems } from './letter-personal-data';
import { assertEditable, availableActions, LETTER_ACTION_LABELS, LetterAction, nextStatus } from './letter-workflow';
import { letterTextsOf, LetterUpdateDto, PERSON_NAME } from './dto/letter-update.dto';
import { LetterTransitionDto } from './dto/letter-transition.dto';

export interface NamedRef {
  id: string;
  name: string;
}

export type LetterUpsertOutcome = 'created' | 'refreshed' | 'unchanged' | 'locked' | 'answered';

/**
 * created: a new draft; refreshed: the draft's evidence (and untouched generated text) was updated;
 * unchanged: nothing new in the reports; locked: the letter is granskad or skickad and was left alone;
 * answered: the last letter is answered and no follow-up was asked for.
 */
export interface LetterUpsertResult {
  outcome: LetterUpsertOutcome;
  letterId: string | null;
}

export interface LetterUpsertOptions {
  /** The analyst who asked; null or absent for the barrier job. */
  actorId?: string | null;
  /** Run inside the caller's transaction (the barrier job's), so the letter sees its barrier as written. */
  manager?: EntityManager;
  /** Start a new draft when the barrier's last letter is answered (only on an analyst's request). */
  followUp?: boolean;
  /** Who signs a new draft: the analyst who started it (the barrier job's drafts get one in the editor). */
  sender?: Partial<LetterSender>;
}

/** A letter's diarienummer and sender; null is not set yet, '' left out on purpose. */
export type LetterSender = Record<LetterSenderField, string | null>;

/** The sender the editor offers when none is set: the analyst's own name (where the account has one) and e-mail. */
export function senderOf(user: Pick<AuthUser, 'name' | 'email'>): Partial<LetterSender> {
  const name = user.name.replace(/\s+/g, ' ').trim();
  // Only a name the editor would accept back ("Handläggare 2" is not a person's name): otherwise the form as offered could not be saved.
  const acceptable = name !== '' && name.length <= LETTER_FIELD_MAX.signatoryName && PERSON_NAME.test(name);
  return { signatoryName: acceptable ? name : null, signatoryTitle: DEFAULT_SIGNATORY_TITLE, contactEmail: user.email };
}

/** The account a sender is offered from. */
export type SenderAccount = Pick<AuthUser, 'name' | 'email'>;

/**
 * The sender the editor offers for this letter, or null when it has one: none of name, title and e-mail is set yet
 * (a draft the barrier job made, never saved). A sender left out on purpose ('') is not offered again.
 */
export function offeredSender(letter: Pick<Letter, 'signatoryName' | 'signatoryTitle' | 'contactEmail'>, account: SenderAccount): Partial<LetterSender> | null {
  const unset = letter.signatoryName === null && letter.signatoryTitle === null && letter.contactEmail === null;
  return unset ? senderOf(account) : null;
}

export interface LetterListItem {
  id: string;
  barrierId: string;
  barrierName: string;
  /** The name as pages show it: a generated name without its party codes. */
  barrierDisplayName: string;
  subject: string;
  status: LetterStatus;
  statusLabel: string;
  /** Reports the letter's evidence was built from (its snapshot). */
  reportCount: number;
  /** Reports in the barrier now, while it is active; null once it is merged away or dissolved. */
  barrierReportCount: number | null;
  /** The barrier is active and now holds another number of reports than the letter's evidence. */
  barrierReportCountDiffers: boolean;
  /** Set while the letter's barrier is merged away or dissolved: which, its page, and where its reports went (if still active). */
  barrierRetired: { status: 'sammanslagen' | 'upplost'; barrierPath: string; into: { id: string; name: string; path: string } | null } | null;
  updatedAt: Date;
  path: string;
}

export interface LetterView {
  id: string;
  barrierId: string;
  /** False while the barrier carries the engine's generated name: the draft's subject then names only the parties. */
  barrierNamed: boolean;
  barrierName: string;
  barrierDisplayName: string;
  status: LetterStatus;
  statusLabel: string;
  recipient: string;
  subject: string;
  summary: string;
  evidence: string;
  consequences: string;
  triedLocally: string;
  interfaceRules: string;
  requestedAction: string;
  referenceNumber: string | null;
  signatoryName: string | null;
  signatoryTitle: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  evidenceSnapshot: LetterEvidenceSnapshot;
  evidenceRefreshedAt: Date;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: NamedRef | null;
  reviewedAt: Date | null;
  reviewedBy: NamedRef | null;
  sentAt: Date | null;
  sentBy: NamedRef | null;
  answer: string | null;
  /** YYYY-MM-DD: the day the answer arrived; answeredAt is when it was registered. */
  answerReceivedOn: string | null;
  answeredAt: Date | null;
  answeredBy: NamedRef | null;
  /** What the status allows now. */
  actions: LetterAction[];
  editable: boolean;
  /**
   * Set while the letter's barrier is merged or dissolved (its letter stayed behind because the surviving barrier had
   * one under way): where the reports went, and that barrier's letter.
   */
  barrierMerged: { into: { id: string; name: string; path: string } | null; otherLetter: { id: string; statusLabel: string; path: string } | null } | null;
  /** A draft whose barrier now has another number of reports than its evidence was built from (e.g. after a merge). */
  evidenceOutdated: { reportCount: number; barrierReportCount: number } | null;
  /** Sections the analyst has changed whose generated proposal is now different: the proposal, to compare. */
  newerProposals: Partial<Record<'subject' | LetterSection, string>>;
  paths: { page: string; print: string; docx: string };
}

export interface LetterTimelineEntry {
  at: Date;
  who: string;
  what: string;
  details: string[];
}

export interface BarrierOption {
  value: string;
  label: string;
}

const ACTIVE_BARRIER_STATUSES = ['foreslagen', 'bekraftad', 'eskalerad'];
const DRAFT_FIELDS: ReadonlyArray<'subject' | LetterSection> = ['subject', ...LETTER_SECTIONS];
/** The sender fields the editor fills in from the analyst's account while the letter has none (see senderOf). */
const OFFERED_SENDER_FIELDS: readonly LetterSenderField[] = ['signatoryName', 'signatoryTitle', 'contactEmail'];
const SENDER_COLUMN: Record<LetterSenderField, string> = {
  referenceNumber: 'reference_number',
  signatoryName: 'signatory_name',
  signatoryTitle: 'signatory_title',
  contactEmail: 'contact_email',
  contactPhone: 'contact_phone',
};
const COLUMN: Record<LetterTextField, string> = {
  recipient: 'recipient',
  subject: 'subject',
  summary: 'summary',
  evidence: 'evidence',
  consequences: 'consequences',
  triedLocally: 'tried_locally',
  interfaceRules: 'interface_rules',
  requestedAction: 'requested_action',
};

/** JSON equality regardless of key order (jsonb does not keep it). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The same evidence, whenever built. Member ids (thousands of them) are compared as they are, the rest in canonical form. */
function sameEvidence(a: LetterEvidenceSnapshot | null, b: LetterEvidenceSnapshot): boolean {
  if (!a) return false;
  const { builtAt: _builtAtA, memberIds: idsA, ...restA } = a;
  const { builtAt: _builtAtB, memberIds: idsB, ...restB } = b;
  const sameIds = idsA === undefined || idsB === undefined ? idsA === idsB : idsA.length === idsB.length && idsA.every((id, i) => id === idsB[i]);
  return sameIds && canonical(restA) === canonical(restB);
}

/**
 * The writer locks of these barriers' letters (see upsertIn), in one order, so that two writers taking two of them
 * never wait on each other.
 */
async function lockBarriers(manager: EntityManager, barrierIds: readonly string[]): Promise<void> {
  for (const id of [...new Set(barrierIds)].sort()) await manager.query(`SELECT pg_advisory_xact_lock(hashtext('letter-barrier:' || $1::text))`, [id]);
}

/** An editor's post, checked and tidied, ready to be written. */
interface CheckedEdit {
  texts: Record<LetterTextField, string>;
  sender: Partial<Record<LetterSenderField, string>>;
  version: number;
  /** The API's confirmNotPersonalData: every number in the text that looks like a mistyped personnummer is vouched for. */
  vouchAll: boolean;
}

/**
 * Numbers the analyst has vouched for in this call ("Det är inte ett personnummer – skicka ändå" posts their
 * fingerprints); the API vouches for all with confirmNotPersonalData instead.
 */
export interface LetterIdNumberOptions {
  idNumbersConfirmed?: readonly string[];
}

/** What is vouched for: all (the API's flag), or the fingerprints stored with the letter and those posted now. */
function vouchedFor(all: boolean | undefined, stored: readonly string[], posted: readonly string[] = []): IdNumbersVouched {
  return all ? 'all' : [...stored, ...posted];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((value, i) => value === [...b].sort()[i]);
}

/** A typed day, checked: the date, or what is wrong with it (at its field). */
type CheckedDay = { date: string } | { problem: FieldProblem };

/**
 * A day the analyst says something happened (YYYY-MM-DD, Swedish time): required, a real date, not in the future and
 * not before `earliest`. `undefined` (left out of an API call, which is itself explicit) is today.
 */
function checkedDay(
  value: string | undefined,
  now: Date,
  rule: { field: string; what: string; earliest: string | null; tooEarly: (earliest: string) => string },
): CheckedDay {
  const today = stockholmDate(now);
  const problem = (message: string): CheckedDay => ({ problem: { field: rule.field, message } });
  const date = value === undefined ? today : value.trim();
  if (date === '') return problem(`Skriv datumet ${rule.what}, till exempel ${today}.`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !isIsoDate(date)) return problem(`Skriv datumet ${rule.what} som ÅÅÅÅ-MM-DD, till exempel ${today}.`);
  if (date > today) return problem(`Datumet kan inte vara i framtiden (i dag är det ${today}).`);
  if (rule.earliest !== null && date < rule.earliest) return problem(rule.tooEarly(rule.earliest));
  return { date };
}

/** Midnight in Stockholm at the start of `date`, as a local fix's date: an earlier day than today has no time of its own. */
function stockholmMidnight(date: string): Date {
  const [year, month, day] = date.split('-').map(Number);
  // Try the UTC offsets Sweden uses (+1, +2) and keep the one that lands on the date.
  for (const offset of [1, 2]) {
    const candidate = new Date(Date.UTC(year, month - 1, day, -offset));
    if (stockholmDate(candidate) === date && stockholmDate(new Date(candidate.getTime() - 1)) !== date) return candidate;
  }
  return new Date(Date.UTC(year, month - 1, day, -1));
}

function versionConflict(current: number): DomainError {
  return new DomainError(
    'letter_version_conflict',
    'Skrivelsen har ändrats sedan du öppnade den (av någon annan eller när underlaget uppdaterades). Din text är inte sparad men finns kvar i formuläret: jämför och spara igen.',
    409,
    [],
    { currentVersion: current },
  );
}

interface MemberRow {
  barrier_id: string;
  id: string;
  reference: string;
  occurred_on: string;
  municipality_id: string;
  subproject_id: string;
  /** Comma-separated: cheaper to read than an array for tens of thousands of rows. */
  parties: string;
  severity: string;
  marked_structural: boolean;
  /** Which text fields are empty (null or ''), one bit each in EMPTY_BITS order, so they need not be loaded to know it. */
  empty: number;
}

const EMPTY_BITS: readonly EvidenceTextField[] = ['description', 'consequence', 'tried', 'resolution'];
const EMPTY_SETS: ReadonlyArray<ReadonlySet<EvidenceTextField>> = Array.from(
  { length: 1 << EMPTY_BITS.length },
  (_, mask) => new Set(EMPTY_BITS.filter((_, bit) => (mask & (1 << bit)) !== 0)),
);

/** A member's facts; its texts are loaded only as far as the quotes need them. */
interface MemberFacts extends EvidenceFacts {
  id: string;
  empty: ReadonlySet<EvidenceTextField>;
}

/** A barrier's members read ahead of its lock, and its updated_at (as text, exact) when they were read. */
interface PrefetchedMembers {
  version: string;
  members: MemberFacts[];
}

/** Texts of this many of the newest members are loaded first, and four times as many each time more are needed. */
const FIRST_TEXTS = 64;

/**
 * Skrivelser: drafts built from a barrier's reports, the analyst's edits, review, sending (with a
 * mail to every reporter whose report is in it) and the answer; print page and DOCX.
 *
 * For the barrier job: `upsertDraftForBarrier(barrierId, { manager })` once per escalated barrier.
 * It is idempotent — one draft per barrier, refreshed on rerun — and leaves letters that are granskad
 * or skickad alone.
 */
@Injectable()
export class LetterService {
  private readonly logger = new Logger('Skrivelser');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly drafter: LetterDrafter,
    private readonly mail: MailOutboxService,
    private readonly templates: TemplateRenderer,
    private readonly clock: Clock,
    private readonly thesaurus: ThesaurusService,
  ) {}

  // ── Drafts from barriers ──────────────────────────────────────────────────────────────────

  async upsertDraftForBarrier(barrierId: string, options: LetterUpsertOptions = {}): Promise<LetterUpsertResult> {
    const work = (manager: EntityManager): Promise<LetterUpsertResult> => this.upsertIn(manager, barrierId, options, null);
    return options.manager ? work(options.manager) : this.dataSource.transaction(work);
  }

  /**
   * The barrier job's drafts: as upsertDraftForBarrier for each barrier, each in its own transaction, but the
   * members of all of them read in one query first. A barrier changed since then has its members read again
   * under its lock. Returns the barriers whose draft failed, with the error; one failure does not stop the others.
   */
  async upsertDraftsForBarriers(barrierIds: readonly string[]): Promise<Map<string, unknown>> {
    const failed = new Map<string, unknown>();
    if (barrierIds.length === 0) return failed;
    const prefetched = await this.loadMembersOf(this.dataSource.manager, barrierIds);
    for (const barrierId of barrierIds) {
      try {
        await this.dataSource.transaction((manager) => this.upsertIn(manager, barrierId, {}, prefetched.get(barrierId) ?? null));
      } catch (error) {
        failed.set(barrierId, error);
      }
    }
    return failed;
  }

  private async upsertIn(manager: EntityManager, barrierId: string, options: LetterUpsertOptions, prefetched: PrefetchedMembers | null): Promise<LetterUpsertResult> {
    // One writer per barrier at a time (job and analyst alike); an advisory lock does not wait on the barrier row the job may hold.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('letter-barrier:' || $1::text))`, [barrierId]);
    const barriers = (await manager.query(`SELECT id, name, name_source, status, terms, parties, updated_at::text AS version FROM barrier WHERE id = $1`, [barrierId])) as Array<{
      id: string;
      name: string;
      name_source: string;
      status: string;
      terms: string[];
      parties: string[];
      version: string;
    }>;
    const barrier = barriers[0];
    if (!barrier) throw new NotFoundError('Hindret');

    const existing = await manager
      .getRepository(Letter)
      .createQueryBuilder('l')
      .where('l.barrier_id = :barrierId', { barrierId })
      .orderBy(`CASE WHEN l.status = 'besvarad' THEN 1 ELSE 0 END`, 'ASC')
      .addOrderBy('l.created_at', 'DESC')
      .setLock('pessimistic_write')
      .getOne();
    if (existing && (existing.status === 'granskad' || existing.status === 'skickad')) return { outcome: 'locked', letterId: existing.id };
    if (existing && existing.status === 'besvarad' && !options.followUp) return { outcome: 'answered', letterId: existing.id };
    let draftToRefresh = existing && existing.status === 'utkast' ? existing : null;
    if (!draftToRefresh && ACTIVE_BARRIER_STATUSES.includes(barrier.status)) {
      // A letter left with a barrier merged into this one (this one had a letter under way then) follows its reports here
      // now, rather than a second letter being started for them.
      const stayed = await this.stayedLetterOf(manager, barrierId);
      if (stayed) {
        await this.moveLetter(manager, stayed.letter.id, barrierId);
        await this.logEvent(manager, stayed.letter.id, options.actorId ?? null, 'barrier_merged', { barrierId: stayed.letter.barrierId }, {
          from: barrierDisplayName(stayed.fromName),
          into: barrierDisplayName(barrier.name),
          followed: true,
          barrierId,
        });
        if (stayed.letter.status !== 'utkast') return { outcome: 'locked', letterId: stayed.letter.id };
        draftToRefresh = { ...stayed.letter, barrierId };
      }
    }

    if (!draftToRefresh && !ACTIVE_BARRIER_STATUSES.includes(barrier.status)) {
      throw new DomainError('letter_barrier_inactive', 'Hindret är sammanslaget eller upplöst. Skriv skrivelsen för det hinder som rapporterna nu hör till.', 409);
    }
    // A draft left with a merged or dissolved barrier has no reports to refresh from: said, not "nothing new" (see followSurvivor).
    if (draftToRefresh && !ACTIVE_BARRIER_STATUSES.includes(barrier.status)) throw await this.stayedBehind(manager, barrierId);
    // Members read before the lock are used only while the barrier is as it was then.
    const members = prefetched?.version === barrier.version ? prefetched.members : await this.loadMembers(manager, barrierId);
    if (members.length === 0) {
      if (draftToRefresh) return { outcome: 'unchanged', letterId: draftToRefresh.id };
      throw new DomainError('letter_barrier_empty', 'Hindret har inga rapporter att bygga en skrivelse på.', 422);
    }

    const keepWords = keepWordsOf([...(await this.organisationNames(manager)).values()]);
    const evidence = await this.buildEvidence(manager, members, barrier.parties, keepWords);
    const now = this.clock.now();
    const snapshot: LetterEvidenceSnapshot = { ...evidence, barrierName: barrier.name, memberIds: members.map((m) => m.id), builtAt: now.toISOString() };
    const recipient = draftToRefresh?.recipient ?? DEFAULT_RECIPIENT;
    const draft = this.drafter.draft({ barrierName: barrier.name, barrierNamed: barrier.name_source === 'analyst', terms: barrier.terms, recipient, evidence });
    const actorId = options.actorId ?? null;

    if (!draftToRefresh) {
      const inserted = (await manager.query(
        `INSERT INTO letter (barrier_id, status, recipient, subject, summary, evidence, consequences, tried_locally, interface_rules,
                             requested_action, generated, evidence_snapshot, evidence_refreshed_at, version, created_by_id, updated_by_id,
                             created_at, updated_at, signatory_name, signatory_title, contact_email)
         VALUES ($1, 'utkast', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13, $12, $12, $14, $15, $16)
         RETURNING id`,
        [
          barrierId,
          recipient,
          draft.subject,
          draft.summary,
          draft.evidence,
          draft.consequences,
          draft.triedLocally,
          draft.interfaceRules,
          draft.requestedAction,
          JSON.stringify(draft),
          JSON.stringify(snapshot),
          now,
          actorId,
          options.sender?.signatoryName ?? null,
          options.sender?.signatoryTitle ?? null,
          options.sender?.contactEmail ?? null,
        ],
      )) as Array<{ id: string }>;
      const letterId = inserted[0].id;
      await this.logEvent(manager, letterId, actorId, 'created', null, { status: 'utkast', reportCount: evidence.reportCount, followUp: existing !== null });
      return { outcome: 'created', letterId };
    }

    return this.refreshDraft(manager, draftToRefresh, draft, snapshot, actorId, now);
  }

  /** New numbers always; a section is replaced only while it still reads exactly as last generated. */
  private async refreshDraft(
    manager: EntityManager,
    letter: Letter,
    draft: LetterDraft,
    snapshot: LetterEvidenceSnapshot,
    actorId: string | null,
    now: Date,
  ): Promise<LetterUpsertResult> {
    const previous: GeneratedTexts = letter.generated ?? {};
    const replaced: Array<'subject' | LetterSection> = [];
    for (const field of DRAFT_FIELDS) {
      const generated = previous[field];
      if (generated !== undefined && letter[field] === generated && draft[field] !== generated) replaced.push(field);
    }
    const numbersChanged = !sameEvidence(letter.evidenceSnapshot, snapshot);
    const proposalsChanged = canonical(previous) !== canonical(draft);
    if (replaced.length === 0 && !numbersChanged && !proposalsChanged) return { outcome: 'unchanged', letterId: letter.id };

    const sets = replaced.map((field, i) => `${COLUMN[field]} = $${i + 6}`);
    await manager.query(
      `UPDATE letter SET ${[...sets, 'generated = $2', 'evidence_snapshot = $3', 'evidence_refreshed_at = $4', 'updated_at = $4',
        'updated_by_id = COALESCE($5, updated_by_id)', 'version = version + 1'].join(', ')}
        WHERE id = $1`,
      [letter.id, JSON.stringify(draft), JSON.stringify(snapshot), now, actorId, ...replaced.map((field) => draft[field])],
    );
    await this.logEvent(
      manager,
      letter.id,
      actorId,
      'refreshed',
      { reportCount: letter.evidenceSnapshot?.reportCount ?? null },
      { reportCount: snapshot.reportCount, replacedSections: replaced },
    );
    return { outcome: 'refreshed', letterId: letter.id };
  }

  /** Every member's facts, oldest first; no texts (a barrier can have thousands of members). */
  private async loadMembers(manager: EntityManager, barrierId: string): Promise<MemberFacts[]> {
    return (await this.loadMembersOf(manager, [barrierId])).get(barrierId)?.members ?? [];
  }

  /** The members of several barriers in one query, with each barrier's updated_at as read before them. */
  private async loadMembersOf(manager: EntityManager, barrierIds: readonly string[]): Promise<Map<string, PrefetchedMembers>> {
    const versions = (await manager.query(`SELECT id, updated_at::text AS version FROM barrier WHERE id = ANY($1::uuid[])`, [barrierIds])) as Array<{
      id: string;
      version: string;
    }>;
    const result = new Map(versions.map((row) => [row.id, { version: row.version, members: [] as MemberFacts[] }]));
    const names = await this.organisationNames(manager);
    const rows = (await manager.query(
      `SELECT bm.barrier_id, d.id, d.reference, d.occurred_on::text AS occurred_on, d.municipality_id, d.subproject_id,
              array_to_string(d.parties, ',') AS parties, d.severity,
              (d.escalated_at IS NOT NULL OR d.status = 'strukturellt_hinder') AS marked_structural,
              (d.description = '')::int + 2 * (d.consequence = '')::int + 4 * (coalesce(d.tried, '') = '')::int + 8 * (coalesce(d.resolution, '') = '')::int AS empty
         FROM barrier_member bm
         JOIN deviation d ON d.id = bm.deviation_id
        WHERE bm.barrier_id = ANY($1::uuid[])`,
      [barrierIds],
    )) as MemberRow[];
    for (const row of rows) {
      result.get(row.barrier_id)?.members.push({
        id: row.id,
        reference: row.reference,
        occurredOn: row.occurred_on,
        municipality: names.get(row.municipality_id) ?? '',
        subproject: names.get(row.subproject_id) ?? '',
        parties: row.parties === '' ? [] : row.parties.split(','),
        severity: row.severity,
        markedStructural: row.marked_structural,
        empty: EMPTY_SETS[row.empty],
      });
    }
    // Oldest first, as the snapshot lists them; sorted here rather than by the database, which is slower at it.
    for (const { members } of result.values()) sortOldestFirst(members);
    return result;
  }

  /** Kommuner and delprojekt by id: their names, for the members and as words the anonymiser keeps. */
  private async organisationNames(manager: EntityManager): Promise<Map<string, string>> {
    const rows = (await manager.query(`SELECT id, name FROM municipality UNION ALL SELECT id, name FROM subproject`)) as Array<{ id: string; name: string }>;
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  /** The evidence, loading the texts of the newest members until the quotes are settled (usually a few dozen). */
  private async buildEvidence(manager: EntityManager, members: readonly MemberFacts[], parties: readonly string[], keepWords: ReadonlySet<string>): Promise<LetterEvidence> {
    const order = quoteOrder(members);
    // Quotes saying the matter was settled locally would undercut the letter; the engine's own test says which.
    const isSettled = await this.thesaurus.settledLocallyCheck(manager);
    const texts = new Map<number, EvidenceTexts>();
    const textOf = (index: number, field: EvidenceTextField): string | null | undefined =>
      members[index].empty.has(field) ? '' : texts.get(index)?.[field];
    for (let loaded = 0, batch = FIRST_TEXTS; ; loaded += batch, batch *= 4) {
      const wanted = order.slice(loaded, loaded + batch);
      const rows = (await manager.query(`SELECT id, description, consequence, tried, resolution FROM deviation WHERE id = ANY($1::uuid[])`, [
        wanted.map((index) => members[index].id),
      ])) as Array<EvidenceTexts & { id: string }>;
      const byId = new Map(rows.map((row) => [row.id, row]));
      for (const index of wanted) {
        const row = byId.get(members[index].id);
        if (row) texts.set(index, row);
      }
      const evidence = buildLetterEvidenceFrom(members, textOf, parties, { keepWords, isSettled }, order);
      // Null only while some members' texts are not loaded yet.
      if (evidence) return evidence;
      if (loaded + batch >= order.length) throw new Error(`Underlaget för skrivelsen kunde inte byggas: texter saknas för ${order.length - texts.size} rapporter`);
    }
  }

  /** The analyst's "Uppdatera underlaget": the same refresh the job does, for a draft. */
  async refresh(user: AuthUser, id: string): Promise<LetterUpsertResult> {
    const letter = await this.find(id);
    assertEditable(letter.status);
    const locks = await this.refreshLocks(letter);
    return this.dataSource.transaction(async (manager) => {
      await lockBarriers(manager, locks);
      return this.upsertIn(manager, await this.followSurvivor(manager, id, user.id), { actorId: user.id }, null);
    });
  }

  /** The barriers a refresh of this letter may write under: its own, and where its reports went if it was merged. */
  private async refreshLocks(letter: Letter): Promise<string[]> {
    const survivor = await this.survivorOf(this.dataSource.manager, letter.barrierId);
    return survivor ? [letter.barrierId, survivor.id] : [letter.barrierId];
  }

  // ── Merged barriers ───────────────────────────────────────────────────────────────────────

  /**
   * A barrier merged into another (the analyst's "Slå ihop", in its transaction): its letters follow its reports to the
   * surviving barrier, so the letter names the barrier its reports are in, its evidence can be refreshed from them and
   * no second letter can be started for them. Only where the survivor already has a letter under way (one open letter
   * per barrier) does the merged barrier's open letter stay where it is; both are kept, listed on the survivor's page
   * and marked on the letter's own. Answered letters always follow, as history. Each letter's log says what happened.
   */
  async followMerge(manager: EntityManager, fromBarrierId: string, intoBarrierId: string, actorId: string): Promise<void> {
    await lockBarriers(manager, [fromBarrierId, intoBarrierId]);
    await this.moveLettersOf(manager, fromBarrierId, intoBarrierId, actorId, 'all');
  }

  /**
   * Barriers a full pattern run merged away (in the run's transaction): as with "Slå ihop", a letter under way (utkast,
   * granskad) follows the reports to the active barrier they ended up in, unless that one has a letter under way (then
   * both are kept and the pages say so). Sent and answered letters stay with their barrier: they are history. Letters of
   * a dissolved barrier stay too; their pages say it is dissolved.
   */
  async followRunMerges(manager: EntityManager, mergedBarrierIds: readonly string[]): Promise<void> {
    if (mergedBarrierIds.length === 0) return;
    const withLetters = (await manager.query(`SELECT DISTINCT barrier_id FROM letter WHERE barrier_id = ANY($1::uuid[]) AND status IN ('utkast', 'granskad')`, [
      mergedBarrierIds,
    ])) as Array<{ barrier_id: string }>;
    const moves: Array<{ from: string; into: string }> = [];
    for (const { barrier_id: from } of withLetters) {
      const survivor = await this.survivorOf(manager, from);
      if (survivor && survivor.id !== from) moves.push({ from, into: survivor.id });
    }
    // Every writer lock at once, in one order: taken pair by pair they could wait on an analyst's refresh holding two.
    await lockBarriers(manager, moves.flatMap((move) => [move.from, move.into]));
    for (const move of moves) await this.moveLettersOf(manager, move.from, move.into, null, 'underWay');
  }

  /**
   * A barrier a full run merged away was restored (in the restore's transaction): the letters under way that followed its
   * reports away in that run (their 'barrier_merged' line from the run, at or after `since`) come back with the reports.
   * A letter sent or answered since stays where it is (it is history there), as does one the barrier cannot take
   * because it has a letter under way again; the barrier's page lists those (lettersAway). Each letter's log says what
   * happened. Returns how many came back.
   */
  async followRestore(manager: EntityManager, barrierId: string, since: Date, actorId: string): Promise<number> {
    const followed = (await manager.query(
      `SELECT DISTINCT e.letter_id FROM letter_event e
        WHERE e.kind = 'barrier_merged' AND e.actor_id IS NULL AND e.before->>'barrierId' = $1::text
          AND e.after->>'followed' = 'true' AND e.created_at >= $2`,
      [barrierId, since],
    )) as Array<{ letter_id: string }>;
    if (followed.length === 0) return 0;
    const where = (await manager.query(`SELECT id, barrier_id FROM letter WHERE id = ANY($1::uuid[])`, [followed.map((row) => row.letter_id)])) as Array<{
      id: string;
      barrier_id: string;
    }>;
    const away = where.filter((letter) => letter.barrier_id !== barrierId);
    if (away.length === 0) return 0;
    await lockBarriers(manager, [barrierId, ...away.map((letter) => letter.barrier_id)]);
    const letters = (await manager.query(`SELECT id, barrier_id, status FROM letter WHERE id = ANY($1::uuid[]) ORDER BY created_at FOR UPDATE`, [
      away.map((letter) => letter.id),
    ])) as Array<{ id: string; barrier_id: string; status: LetterStatus }>;
    const names = new Map(
      ((await manager.query(`SELECT id, name FROM barrier WHERE id = ANY($1::uuid[])`, [[barrierId, ...letters.map((letter) => letter.barrier_id)]])) as Array<{
        id: string;
        name: string;
      }>).map((row) => [row.id, barrierDisplayName(row.name)]),
    );
    let open = ((await manager.query(`SELECT id FROM letter WHERE barrier_id = $1 AND status <> 'besvarad'`, [barrierId])) as Array<{ id: string }>)[0]?.id ?? null;
    let back = 0;
    for (const letter of letters) {
      const returns = (letter.status === 'utkast' || letter.status === 'granskad') && open === null;
      if (returns) {
        await this.moveLetter(manager, letter.id, barrierId);
        open = letter.id;
        back += 1;
      }
      await this.logEvent(manager, letter.id, actorId, 'barrier_restored', { barrierId: letter.barrier_id }, {
        restored: names.get(barrierId) ?? '',
        from: names.get(letter.barrier_id) ?? '',
        followed: returns,
        status: letter.status,
        barrierId: returns ? barrierId : letter.barrier_id,
      });
    }
    return back;
  }

  /** The letters that followed this barrier's reports away in a run (see followRestore) and are still with another barrier. */
  async lettersAway(barrierId: string): Promise<BarrierLetterAway[]> {
    const rows = (await this.dataSource.query(
      `SELECT l.id, l.subject, l.status, b.id AS barrier_id, b.name AS barrier_name
         FROM letter l JOIN barrier b ON b.id = l.barrier_id
        WHERE l.barrier_id <> $1
          AND EXISTS (SELECT 1 FROM letter_event e WHERE e.letter_id = l.id AND e.kind = 'barrier_merged' AND e.actor_id IS NULL
                         AND e.before->>'barrierId' = $1::text AND e.after->>'followed' = 'true')
        ORDER BY l.created_at DESC, l.id`,
      [barrierId],
    )) as Array<{ id: string; subject: string; status: LetterStatus; barrier_id: string; barrier_name: string }>;
    return rows.map((row) => ({
      id: row.id,
      subject: row.subject,
      status: row.status,
      statusLabel: LETTER_STATUS_LABELS[row.status],
      barrier: { id: row.barrier_id, name: barrierDisplayName(row.barrier_name), path: `/hinder/${row.barrier_id}` },
      path: `/skrivelser/${row.id}`,
    }));
  }

  /**
   * Moves the letters of a merged barrier to the survivor, each log saying what happened: answered letters always
   * ('all'), a letter under way only while the survivor has none (one open letter per barrier); 'underWay' moves only
   * utkast and granskad. Runs under both barriers' writer locks.
   */
  private async moveLettersOf(manager: EntityManager, fromBarrierId: string, intoBarrierId: string, actorId: string | null, which: 'all' | 'underWay'): Promise<void> {
    const letters = (await manager.query(
      `SELECT id, status FROM letter WHERE barrier_id = $1 ${which === 'underWay' ? `AND status IN ('utkast', 'granskad')` : ''} ORDER BY created_at FOR UPDATE`,
      [fromBarrierId],
    )) as Array<{ id: string; status: LetterStatus }>;
    if (letters.length === 0) return;
    const names = new Map(
      ((await manager.query(`SELECT id, name FROM barrier WHERE id = ANY($1::uuid[])`, [[fromBarrierId, intoBarrierId]])) as Array<{ id: string; name: string }>).map((row) => [
        row.id,
        barrierDisplayName(row.name),
      ]),
    );
    let open = ((await manager.query(`SELECT id FROM letter WHERE barrier_id = $1 AND status <> 'besvarad' FOR UPDATE`, [intoBarrierId])) as Array<{ id: string }>)[0]?.id ?? null;
    for (const letter of letters) {
      const follows = letter.status === 'besvarad' || open === null;
      if (follows) await this.moveLetter(manager, letter.id, intoBarrierId);
      if (follows && letter.status !== 'besvarad') open = letter.id;
      await this.logEvent(manager, letter.id, actorId, 'barrier_merged', { barrierId: fromBarrierId }, {
        from: names.get(fromBarrierId) ?? '',
        into: names.get(intoBarrierId) ?? '',
        followed: follows,
        ...(follows ? { barrierId: intoBarrierId } : { otherLetterId: open }),
      });
    }
  }

  /**
   * Where this draft's evidence is refreshed from: its barrier, or, when that was merged away, the barrier its reports
   * went to, which it then follows (a draft that stayed behind because the survivor had a letter under way moves once
   * that one is answered). Refused in Swedish when it cannot: the survivor still has a letter under way, or the barrier
   * was dissolved. Runs under the barriers' writer locks (refreshLocks).
   */
  private async followSurvivor(manager: EntityManager, letterId: string, actorId: string): Promise<string> {
    const letter = await this.lockLetter(manager, letterId);
    const survivor = await this.survivorOf(manager, letter.barrierId);
    if (!survivor || survivor.id === letter.barrierId) return letter.barrierId;
    const open = (await manager.query(`SELECT id FROM letter WHERE barrier_id = $1 AND status <> 'besvarad'`, [survivor.id])) as Array<{ id: string }>;
    if (open.length > 0) throw await this.stayedBehind(manager, letter.barrierId);
    const [from] = (await manager.query(`SELECT name FROM barrier WHERE id = $1`, [letter.barrierId])) as Array<{ name: string }>;
    await this.moveLetter(manager, letter.id, survivor.id);
    await this.logEvent(manager, letter.id, actorId, 'barrier_merged', { barrierId: letter.barrierId }, {
      from: barrierDisplayName(from?.name ?? ''),
      into: barrierDisplayName(survivor.name),
      followed: true,
      barrierId: survivor.id,
    });
    return survivor.id;
  }

  /** An open letter that stayed with a barrier merged (directly) into this one, locked, with that barrier's name. */
  private async stayedLetterOf(manager: EntityManager, barrierId: string): Promise<{ letter: Letter; fromName: string } | null> {
    const [row] = (await manager.query(
      `SELECT l.id, b.name FROM letter l JOIN barrier b ON b.id = l.barrier_id
        WHERE b.merged_into_id = $1 AND l.status <> 'besvarad' ORDER BY l.created_at DESC LIMIT 1`,
      [barrierId],
    )) as Array<{ id: string; name: string }>;
    return row ? { letter: await this.lockLetter(manager, row.id), fromName: row.name } : null;
  }

  private async moveLetter(manager: EntityManager, letterId: string, barrierId: string): Promise<void> {
    await manager.query(`UPDATE letter SET barrier_id = $2, updated_at = $3 WHERE id = $1`, [letterId, barrierId, this.clock.now()]);
  }

  /**
   * The active barrier a merged one's reports ended up in (following merges of merges), itself when it is active, or
   * null when its chain ends in a dissolved barrier.
   */
  private async survivorOf(manager: EntityManager, barrierId: string): Promise<{ id: string; name: string } | null> {
    const rows = (await manager.query(
      `WITH RECURSIVE chain AS (
         SELECT id, name, status, merged_into_id, 0 AS depth FROM barrier WHERE id = $1
         UNION ALL
         SELECT b.id, b.name, b.status, b.merged_into_id, c.depth + 1 FROM barrier b JOIN chain c ON b.id = c.merged_into_id WHERE c.depth < 100
       )
       SELECT id, name, status FROM chain ORDER BY depth DESC LIMIT 1`,
      [barrierId],
    )) as Array<{ id: string; name: string; status: string }>;
    const end = rows[0];
    return end && ACTIVE_BARRIER_STATUSES.includes(end.status) ? { id: end.id, name: end.name } : null;
  }

  /** Why a draft left with a merged or dissolved barrier cannot be refreshed, and what to do instead. */
  private async stayedBehind(manager: EntityManager, barrierId: string): Promise<DomainError> {
    const survivor = await this.survivorOf(manager, barrierId);
    if (!survivor) {
      return new DomainError('letter_barrier_dissolved', 'Hindret som skrivelsen gäller är upplöst och har inga rapporter kvar, så underlaget kan inte uppdateras. Texten och underlaget står kvar som de är.', 409);
    }
    const [other] = (await manager.query(`SELECT id, status FROM letter WHERE barrier_id = $1 AND status <> 'besvarad'`, [survivor.id])) as Array<{ id: string; status: LetterStatus }>;
    return new DomainError(
      'letter_barrier_merged',
      `Hindret som skrivelsen gäller är sammanslaget med ”${barrierDisplayName(survivor.name)}”${other ? `, som redan har en skrivelse (${LETTER_STATUS_LABELS[other.status].toLowerCase()})` : ''}. Underlaget kan därför inte uppdateras här: fortsätt i den skrivelsen, eller uppdatera den här när den andra är besvarad. Inget är ändrat.`,
      409,
      [],
      { barrierId: survivor.id, letterId: other?.id ?? null },
    );
  }

  /** Each barrier's letters for the barrier pages: its own and those that stayed with barriers merged into it. */
  async lettersOf(barrierIds: readonly string[]): Promise<Map<string, BarrierLetterSummary[]>> {
    const result = new Map<string, BarrierLetterSummary[]>();
    if (barrierIds.length === 0) return result;
    const rows = (await this.dataSource.query(
      `WITH RECURSIVE absorbed AS (
         SELECT id, id AS root, 0 AS depth FROM barrier WHERE id = ANY($1::uuid[])
         UNION ALL
         SELECT b.id, a.root, a.depth + 1 FROM barrier b JOIN absorbed a ON b.merged_into_id = a.id WHERE a.depth < 100
       )
       SELECT a.root, l.id, l.barrier_id, b.name AS barrier_name, b.member_count, l.status, l.subject, l.created_at, l.updated_at,
              to_char(l.sent_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD') AS sent_on, l.answer_received_on::text AS answer_received_on,
              COALESCE((l.evidence_snapshot->>'reportCount')::int, 0) AS report_count
         FROM absorbed a JOIN letter l ON l.barrier_id = a.id JOIN barrier b ON b.id = l.barrier_id
        ORDER BY a.root, CASE WHEN l.status = 'besvarad' THEN 1 ELSE 0 END, l.created_at DESC, l.id`,
      [barrierIds],
    )) as Array<{
      root: string;
      id: string;
      barrier_id: string;
      barrier_name: string;
      member_count: number;
      status: LetterStatus;
      subject: string;
      created_at: Date;
      updated_at: Date;
      sent_on: string | null;
      answer_received_on: string | null;
      report_count: number;
    }>;
    for (const row of rows) {
      const list = result.get(row.root) ?? [];
      list.push({
        id: row.id,
        status: row.status,
        statusLabel: LETTER_STATUS_LABELS[row.status],
        subject: row.subject,
        sentOn: row.sent_on,
        answerReceivedOn: row.answer_received_on,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        evidenceOutdated: row.status === 'utkast' && row.barrier_id === row.root && row.report_count !== row.member_count,
        fromMergedBarrier: row.barrier_id === row.root ? null : { id: row.barrier_id, name: barrierDisplayName(row.barrier_name) },
        path: `/skrivelser/${row.id}`,
      });
      result.set(row.root, list);
    }
    return result;
  }


  /** The analyst starts a letter for a barrier (or a follow-up after an answer); an open draft is refreshed instead. */
  async createForBarrier(user: AuthUser, barrierId: string): Promise<LetterUpsertResult> {
    return this.upsertDraftForBarrier(barrierId, { actorId: user.id, followUp: true, sender: senderOf(user) });
  }

  // ── Reading ───────────────────────────────────────────────────────────────────────────────

  async list(): Promise<LetterListItem[]> {
    const rows = (await this.dataSource.query(
      `SELECT l.id, l.barrier_id, b.name AS barrier_name, b.status AS barrier_status, b.member_count, l.subject, l.status,
              COALESCE((l.evidence_snapshot->>'reportCount')::int, 0) AS report_count, l.updated_at
         FROM letter l JOIN barrier b ON b.id = l.barrier_id
        ORDER BY CASE l.status WHEN 'utkast' THEN 0 WHEN 'granskad' THEN 1 WHEN 'skickad' THEN 2 ELSE 3 END, l.updated_at DESC, l.id`,
    )) as Array<{
      id: string;
      barrier_id: string;
      barrier_name: string;
      barrier_status: string;
      member_count: number;
      subject: string;
      status: LetterStatus;
      report_count: number;
      updated_at: Date;
    }>;
    // Where a retired barrier's reports went: looked up only for those (few), each through its chain of merges.
    const survivors = new Map<string, { id: string; name: string; path: string } | null>();
    for (const row of rows) {
      if (row.barrier_status !== 'sammanslagen' || survivors.has(row.barrier_id)) continue;
      const survivor = await this.survivorOf(this.dataSource.manager, row.barrier_id);
      survivors.set(row.barrier_id, survivor ? { id: survivor.id, name: barrierDisplayName(survivor.name), path: `/hinder/${survivor.id}` } : null);
    }
    return rows.map((row) => {
      const active = ACTIVE_BARRIER_STATUSES.includes(row.barrier_status);
      const retired = row.barrier_status === 'sammanslagen' || row.barrier_status === 'upplost' ? row.barrier_status : null;
      return {
        id: row.id,
        barrierId: row.barrier_id,
        barrierName: row.barrier_name,
        barrierDisplayName: barrierDisplayName(row.barrier_name),
        subject: row.subject,
        status: row.status,
        statusLabel: LETTER_STATUS_LABELS[row.status],
        reportCount: row.report_count,
        barrierReportCount: active ? row.member_count : null,
        barrierReportCountDiffers: active && row.member_count !== row.report_count,
        barrierRetired: retired ? { status: retired, barrierPath: `/hinder/${row.barrier_id}`, into: survivors.get(row.barrier_id) ?? null } : null,
        updatedAt: row.updated_at,
        path: `/skrivelser/${row.id}`,
      };
    });
  }

  async get(id: string): Promise<LetterView> {
    const letter = await this.find(id);
    const names = await this.userNames([letter.updatedById, letter.reviewedById, letter.sentById, letter.answeredById]);
    const barrier = (await this.dataSource.query(`SELECT name, name_source, status, member_count FROM barrier WHERE id = $1`, [letter.barrierId])) as Array<{
      name: string;
      name_source: string;
      status: string;
      member_count: number;
    }>;
    const active = barrier[0] !== undefined && ACTIVE_BARRIER_STATUSES.includes(barrier[0].status);
    let barrierMerged: LetterView['barrierMerged'] = null;
    if (barrier[0] && !active) {
      const survivor = await this.survivorOf(this.dataSource.manager, letter.barrierId);
      const other = survivor
        ? ((await this.dataSource.query(`SELECT id, status FROM letter WHERE barrier_id = $1 AND status <> 'besvarad'`, [survivor.id])) as Array<{ id: string; status: LetterStatus }>)[0]
        : undefined;
      barrierMerged = {
        into: survivor ? { id: survivor.id, name: barrierDisplayName(survivor.name), path: `/hinder/${survivor.id}` } : null,
        otherLetter: other ? { id: other.id, statusLabel: LETTER_STATUS_LABELS[other.status], path: `/skrivelser/${other.id}` } : null,
      };
    }
    const builtFrom = letter.evidenceSnapshot.memberIds?.length ?? letter.evidenceSnapshot.reportCount;
    const evidenceOutdated =
      letter.status === 'utkast' && active && barrier[0].member_count !== builtFrom ? { reportCount: builtFrom, barrierReportCount: barrier[0].member_count } : null;
    const ref = (userId: string | null): NamedRef | null => (userId ? { id: userId, name: names.get(userId) ?? 'Okänd användare' } : null);
    const newerProposals: LetterView['newerProposals'] = {};
    if (letter.status === 'utkast') {
      for (const field of DRAFT_FIELDS) {
        const proposal = letter.generated?.[field];
        if (proposal !== undefined && proposal !== letter[field]) newerProposals[field] = proposal;
      }
    }
    return {
      id: letter.id,
      barrierId: letter.barrierId,
      barrierNamed: barrier[0]?.name_source === 'analyst',
      barrierName: barrier[0]?.name ?? letter.evidenceSnapshot.barrierName,
      barrierDisplayName: barrierDisplayName(barrier[0]?.name ?? letter.evidenceSnapshot.barrierName),
      status: letter.status,
      statusLabel: LETTER_STATUS_LABELS[letter.status],
      recipient: letter.recipient,
      subject: letter.subject,
      summary: letter.summary,
      evidence: letter.evidence,
      consequences: letter.consequences,
      triedLocally: letter.triedLocally,
      interfaceRules: letter.interfaceRules,
      requestedAction: letter.requestedAction,
      referenceNumber: letter.referenceNumber,
      signatoryName: letter.signatoryName,
      signatoryTitle: letter.signatoryTitle,
      contactEmail: letter.contactEmail,
      contactPhone: letter.contactPhone,
      evidenceSnapshot: letter.evidenceSnapshot,
      evidenceRefreshedAt: letter.evidenceRefreshedAt,
      version: letter.version,
      createdAt: letter.createdAt,
      updatedAt: letter.updatedAt,
      updatedBy: ref(letter.updatedById),
      reviewedAt: letter.reviewedAt,
      reviewedBy: ref(letter.reviewedById),
      sentAt: letter.sentAt,
      sentBy: ref(letter.sentById),
      answer: letter.answer,
      answerReceivedOn: letter.answerReceivedOn,
      answeredAt: letter.answeredAt,
      answeredBy: ref(letter.answeredById),
      actions: availableActions(letter.status),
      editable: letter.status === 'utkast',
      barrierMerged,
      evidenceOutdated,
      newerProposals,
      paths: { page: `/skrivelser/${letter.id}`, print: `/skrivelser/${letter.id}/utskrift`, docx: `/skrivelser/${letter.id}.docx` },
    };
  }

  async timeline(id: string): Promise<LetterTimelineEntry[]> {
    const rows = (await this.dataSource.query(
      `SELECT e.kind, e.after, e.created_at, u.name AS actor_name
         FROM letter_event e LEFT JOIN app_user u ON u.id = e.actor_id
        WHERE e.letter_id = $1 ORDER BY e.id`,
      [id],
    )) as Array<{ kind: LetterEventKind; after: Record<string, unknown> | null; created_at: Date; actor_name: string | null }>;
    return rows.map((row) => {
      const details: string[] = [];
      const after = row.after ?? {};
      if (typeof after.reportCount === 'number') details.push(`Underlaget: ${after.reportCount} rapporter.`);
      const fields = (Array.isArray(after.fields) ? after.fields : Array.isArray(after.replacedSections) ? after.replacedSections : []) as string[];
      if (fields.length) {
        const names = fields.map((f) => LETTER_FIELD_NAMES[f as LetterTextField | LetterSenderField] ?? f);
        details.push(`${row.kind === 'edited' ? 'Ändrat' : 'Uppdaterat'}: ${names.join(', ').toLowerCase()}.`);
      }
      if (typeof after.notifiedReporters === 'number') details.push(`${after.notifiedReporters} rapportörer har fått e-post.`);
      if (typeof after.answerReceivedOn === 'string') details.push(`Svaret kom ${after.answerReceivedOn}.`);
      if (after.senderFromAccount === true) details.push('Avsändaren sparades som redigeraren föreslog den, från kontot.');
      if (row.kind === 'barrier_merged') {
        const from = typeof after.from === 'string' ? after.from : '';
        const into = typeof after.into === 'string' ? after.into : '';
        details.push(
          after.followed === true
            ? `”${from}” slogs ihop med ”${into}”. Skrivelsen följer nu ”${into}”, där rapporterna finns.`
            : `”${from}” slogs ihop med ”${into}”, som redan hade en skrivelse under arbete. Den här ligger kvar hos ”${from}”; båda finns kvar.`,
        );
      }
      if (row.kind === 'barrier_restored') {
        const restored = typeof after.restored === 'string' ? after.restored : '';
        const from = typeof after.from === 'string' ? after.from : '';
        details.push(
          after.followed === true
            ? `”${restored}” återställdes med sina rapporter. Skrivelsen följer nu ”${restored}” igen och lämnade ”${from}”.`
            : `”${restored}” återställdes med sina rapporter, men skrivelsen ligger kvar hos ”${from}”${
                after.status === 'skickad' || after.status === 'besvarad' ? ' eftersom den redan är skickad' : ' eftersom det återställda hindret redan har en skrivelse under arbete'
              }.`,
        );
      }
      return { at: row.created_at, who: row.actor_name ?? 'Systemet (hindersökningen)', what: LETTER_EVENT_LABELS[row.kind] ?? row.kind, details };
    });
  }

  /** Barriers an analyst can start a letter for: active, with reports, and no letter under way. */
  async barrierOptions(): Promise<BarrierOption[]> {
    const rows = (await this.dataSource.query(
      `SELECT b.id, b.name, b.status FROM barrier b
        WHERE b.status = ANY($1::text[])
          AND EXISTS (SELECT 1 FROM barrier_member bm WHERE bm.barrier_id = b.id)
          AND NOT EXISTS (SELECT 1 FROM letter l WHERE l.barrier_id = b.id AND l.status <> 'besvarad')
          -- Nor one with a letter under way that stayed with a barrier merged into it: that letter is already its letter.
          AND NOT EXISTS (SELECT 1 FROM letter l JOIN barrier m ON m.id = l.barrier_id WHERE m.merged_into_id = b.id AND l.status <> 'besvarad')
        ORDER BY (b.status = 'eskalerad') DESC, b.member_count DESC, b.name`,
      [ACTIVE_BARRIER_STATUSES],
    )) as Array<{ id: string; name: string; status: string }>;
    return rows.map((row) => ({ value: row.id, label: row.status === 'eskalerad' ? `${barrierDisplayName(row.name)} (eskalerat)` : barrierDisplayName(row.name) }));
  }

  // ── Editing and the letter's life ─────────────────────────────────────────────────────────

  async update(user: AuthUser, id: string, dto: LetterUpdateDto, options: LetterIdNumberOptions = {}): Promise<LetterView> {
    const edit = this.checkedEdit(dto);
    await this.dataSource.transaction((manager) => this.saveEdit(manager, user, id, edit, options).then(() => undefined));
    return this.get(id);
  }

  /** The fingerprints of the numbers in the stored text that the analyst has said are not personnummer (the editor asks about the rest). */
  async idNumbersConfirmed(id: string): Promise<string[]> {
    return (await this.find(id)).idNumbersConfirmed;
  }

  /**
   * The editor's "Granska": what is typed in the editor is saved and the letter reviewed, in one transaction, so that
   * nothing typed is lost on the way; refused (the text, the version, the review), nothing is saved and nothing changes.
   * `saved`: whether the text differed from the stored one.
   */
  async saveAndReview(user: AuthUser, id: string, dto: LetterUpdateDto, options: LetterIdNumberOptions = {}): Promise<{ saved: boolean }> {
    const edit = this.checkedEdit(dto);
    return this.dataSource.transaction(async (manager) => {
      const saved = await this.saveEdit(manager, user, id, edit, options);
      await this.transitionIn(manager, user, id, { action: 'review' }, { now: this.clock.now(), sentAt: null, answerReceivedOn: null });
      return { saved };
    });
  }

  /** The editor's "Uppdatera underlaget nu": as saveAndReview, the typed text saved first and then the evidence refreshed. */
  async saveAndRefresh(user: AuthUser, id: string, dto: LetterUpdateDto, options: LetterIdNumberOptions = {}): Promise<LetterUpsertResult & { saved: boolean }> {
    const edit = this.checkedEdit(dto);
    const locks = await this.refreshLocks(await this.find(id));
    return this.dataSource.transaction(async (manager) => {
      // The barriers' writer locks before the letter's row, in the order the job takes them, so the two never wait on each other.
      await lockBarriers(manager, locks);
      const saved = await this.saveEdit(manager, user, id, edit, options);
      return { ...(await this.upsertIn(manager, await this.followSurvivor(manager, id, user.id), { actorId: user.id }, null)), saved };
    });
  }

  /** An edit checked before anything is read or written: a refused text is never stored. */
  private checkedEdit(dto: LetterUpdateDto): CheckedEdit {
    const texts = letterTextsOf(dto);
    // The sender's fields are staff data (the analyst's name and contact), so they are not refused as personal data;
    // left out (the API's older callers), they stay as they are.
    const sender = Object.fromEntries(LETTER_SENDER_FIELDS.filter((field) => dto[field] !== undefined).map((field) => [field, dto[field] ?? ''])) as Partial<
      Record<LetterSenderField, string>
    >;
    // An identity number is never the sender's (typed in the diarienummer, title or phone it would be printed in the
    // letter): refused in the same round as personal data in the text.
    assertLetterHasNoPersonalData(texts, senderIdNumberProblems(sender));
    return { texts, sender, version: dto.version, vouchAll: dto.confirmNotPersonalData === true };
  }

  /** Writes a checked edit of a draft in the caller's transaction; false when nothing differed. */
  private async saveEdit(manager: EntityManager, user: AuthUser, id: string, { texts, sender, version, vouchAll }: CheckedEdit, options: LetterIdNumberOptions): Promise<boolean> {
    const letter = await this.lockLetter(manager, id);
    assertEditable(letter.status);
    if (version !== letter.version) throw versionConflict(letter.version);
    // Every number in the new text that looks like a mistyped personnummer must be vouched for (now, or at an earlier
    // save while it stood in the text); what is stored is exactly those in the new text, so a number taken out and
    // typed again later is asked about again.
    const confirmed = assertIdNumbersVouched(texts, vouchedFor(vouchAll, letter.idNumbersConfirmed, options.idNumbersConfirmed), LETTER_FIELD_NAMES, LETTER_ID_NUMBER_REFUSALS.save);
    if (!sameSet(confirmed, letter.idNumbersConfirmed)) {
      // Not an edit of the text (no new version): only who has vouched for what in it.
      await manager.query(`UPDATE letter SET id_numbers_confirmed = $2 WHERE id = $1`, [id, confirmed]);
    }
    const changedTexts = LETTER_TEXT_FIELDS.filter((field) => texts[field] !== letter[field]);
    // Null and '' differ only where the editor offers a value while none is set: '' there says "left out".
    const changedSender = LETTER_SENDER_FIELDS.filter(
      (field) => sender[field] !== undefined && sender[field] !== (OFFERED_SENDER_FIELDS.includes(field) ? letter[field] : (letter[field] ?? '')),
    );
    const changed: Array<LetterTextField | LetterSenderField> = [...changedTexts, ...changedSender];
    if (changed.length === 0) return false;
    const sets = [
      ...changedTexts.map((field, i) => `${COLUMN[field]} = $${i + 4}`),
      ...changedSender.map((field, i) => `${SENDER_COLUMN[field]} = $${changedTexts.length + i + 4}`),
    ];
    await manager.query(
      `UPDATE letter SET ${[...sets, 'updated_by_id = $2', 'updated_at = $3', 'version = version + 1'].join(', ')} WHERE id = $1`,
      [id, user.id, this.clock.now(), ...changedTexts.map((field) => texts[field]), ...changedSender.map((field) => sender[field])],
    );
    await this.logEvent(manager, id, user.id, 'edited', { version: letter.version }, { fields: changed, version: letter.version + 1 });
    return true;
  }

  /** `alsoWrong`: the page's own problems with the post (an unticked confirmation), refused with the service's in one round. */
  async transition(user: AuthUser, id: string, dto: LetterTransitionDto, options: { alsoWrong?: readonly FieldProblem[] } & LetterIdNumberOptions = {}): Promise<LetterView> {
    const answer = dto.answer ?? '';
    const now = this.clock.now();
    // The day it was sent or answered is checked against the letter as it stands, before anything is written, and
    // with the answer's other problems, so that everything to fix is said at once.
    let sentAt: Date | null = null;
    let answerReceivedOn: string | null = null;
    if (dto.action === 'send' || dto.action === 'answer') {
      const current = await this.find(id);
      nextStatus(current.status, dto.action);
      const problems: FieldProblem[] = [];
      if (dto.action === 'answer' && answer === '') problems.push({ field: 'answer', message: 'Skriv mottagarens svar, eller en sammanfattning av det.' });
      const day = dto.action === 'send' ? this.sentOnFor(dto.sentOn, current, now) : this.answerReceivedOnFor(dto.answerReceivedOn, current, now);
      if ('problem' in day) problems.push(day.problem);
      else if (dto.action === 'send') sentAt = day.date === stockholmDate(now) ? now : stockholmMidnight(day.date);
      else answerReceivedOn = day.date;
      problems.push(...(options.alsoWrong ?? []));
      assertLetterHasNoPersonalData(dto.action === 'answer' ? { answer } : {}, problems);
      // A registered answer cannot change: a number in it that looks like a mistyped personnummer is vouched for first.
      if (dto.action === 'answer') assertIdNumbersVouched({ answer }, vouchedFor(dto.confirmNotPersonalData, [], options.idNumbersConfirmed), LETTER_FIELD_NAMES);
    }
    await this.dataSource.transaction((manager) => this.transitionIn(manager, user, id, dto, { now, sentAt, answerReceivedOn }));
    return this.get(id);
  }

  /** The status change itself, in the caller's transaction, with the days already checked (see transition). */
  private async transitionIn(
    manager: EntityManager,
    user: AuthUser,
    id: string,
    dto: LetterTransitionDto,
    checked: { now: Date; sentAt: Date | null; answerReceivedOn: string | null },
  ): Promise<void> {
    const { now, answerReceivedOn } = checked;
    const sentAt = checked.sentAt ?? now;
    const answer = dto.answer ?? '';
    const locked = await this.lockLetter(manager, id);
    const to = nextStatus(locked.status, dto.action);
    if (dto.version !== undefined && dto.version !== locked.version) throw versionConflict(locked.version);
    // What the editor showed is what is approved and leaves: a sender never saved is stored as it was offered.
    const filled = dto.action === 'review' || dto.action === 'send' ? offeredSender(locked, user) : null;
    const letter: Letter = filled ? { ...locked, ...filled } : locked;
    // The whole letter is checked again before it is approved or leaves: the job may have refreshed generated text.
    let confirmed: string[] | null = null;
    if (dto.action === 'review' || dto.action === 'send') {
      assertLetterHasNoPersonalData(this.textsOf(letter));
      // A sender saved before the identity-number check must not be approved or leave with one either.
      assertSenderHasNoIdNumber(this.senderOfLetter(letter));
      // The last look before the letter is approved or leaves. Rule: every number in the stored text that looks like a
      // mistyped personnummer must have been vouched for while it stood there (the editor's question at a save, or the
      // API's confirmNotPersonalData); its fingerprint is then stored with the letter. A number nobody has looked at
      // (brought in by a refresh of the generated text, a barrier's name in the subject, or saved before the question
      // existed) refuses the review or the send, naming the field. The API may vouch here with the flag.
      confirmed = assertIdNumbersVouched(
        this.textsOf(letter),
        vouchedFor(dto.confirmNotPersonalData, letter.idNumbersConfirmed),
        LETTER_FIELD_NAMES,
        dto.action === 'review' ? LETTER_ID_NUMBER_REFUSALS.review : LETTER_ID_NUMBER_REFUSALS.send,
      );
    }
    const sets: string[] = ['status = $2', 'updated_by_id = $3', 'updated_at = $4', 'version = version + 1'];
    const params: unknown[] = [id, to, user.id, now];
    if (confirmed && !sameSet(confirmed, letter.idNumbersConfirmed)) {
      params.push(confirmed);
      sets.push(`id_numbers_confirmed = $${params.length}`);
    }
    if (filled) {
      for (const field of OFFERED_SENDER_FIELDS) {
        params.push(letter[field]);
        sets.push(`${SENDER_COLUMN[field]} = $${params.length}`);
      }
    }
    if (dto.action === 'review') sets.push('reviewed_at = $4', 'reviewed_by_id = $3');
    if (dto.action === 'reopen') sets.push('reviewed_at = NULL', 'reviewed_by_id = NULL');
    if (dto.action === 'send') {
      params.push(sentAt);
      sets.push(`sent_at = $${params.length}`, 'sent_by_id = $3');
    }
    if (dto.action === 'answer') {
      params.push(answer, answerReceivedOn);
      sets.push(`answer = $${params.length - 1}`, `answer_received_on = $${params.length}`, 'answered_at = $4', 'answered_by_id = $3');
    }
    await manager.query(`UPDATE letter SET ${sets.join(', ')} WHERE id = $1`, params);
    const after: Record<string, unknown> = { status: to };
    if (filled) after.senderFromAccount = true;
    if (dto.action === 'answer') after.answerReceivedOn = answerReceivedOn;
    if (dto.action === 'send') after.notifiedReporters = await this.notifyReporters(manager, { ...letter, sentAt });
    const kinds: Record<LetterAction, LetterEventKind> = { review: 'reviewed', reopen: 'reopened', send: 'sent', answer: 'answered' };
    await this.logEvent(manager, id, user.id, kinds[dto.action], { status: letter.status }, after);
  }

  /**
   * When the letter left, from "Skickad den" (YYYY-MM-DD, Swedish time): printed in the letter and the start of its
   * effect on the overview, so not in the future and not before the letter was created. Left out of an API call it is
   * today; the page's field is filled in with today, so emptied there it is a mistake to point out, not today again.
   */
  private sentOnFor(sentOn: string | undefined, letter: Letter, now: Date): CheckedDay {
    return checkedDay(sentOn, now, {
      field: 'sentOn',
      what: 'då skrivelsen skickades',
      earliest: stockholmDate(letter.createdAt),
      tooEarly: (created) => `Skrivelsen skapades ${created}; den kan inte ha skickats före det.`,
    });
  }

  /** The day the answer arrived ("Svaret kom den"): as "Skickad den", and not before the letter was sent. */
  private answerReceivedOnFor(answerReceivedOn: string | undefined, letter: Letter, now: Date): CheckedDay {
    return checkedDay(answerReceivedOn, now, {
      field: 'answerReceivedOn',
      what: 'då svaret kom',
      earliest: letter.sentAt ? stockholmDate(letter.sentAt) : null,
      tooEarly: (sent) => `Skrivelsen skickades ${sent}; svaret kan inte ha kommit före det.`,
    });
  }

  /** One mail per reporter of a report in the letter, naming their reports; queued with the status change. */
  private async notifyReporters(manager: EntityManager, letter: Letter): Promise<number> {
    const memberIds = letter.evidenceSnapshot.memberIds ?? [];
    if (memberIds.length === 0) return 0;
    const reporters = (await manager.query(
      `SELECT email, array_agg(reference ORDER BY reference) AS refs FROM (
         SELECT lower(CASE WHEN d.reporter_id IS NOT NULL THEN (CASE WHEN u.active THEN u.email END) ELSE d.reporter_email END) AS email,
                d.reference
           FROM deviation d LEFT JOIN app_user u ON u.id = d.reporter_id
          WHERE d.id = ANY($1::uuid[])
       ) r
       WHERE email IS NOT NULL
       GROUP BY email ORDER BY email`,
      [memberIds],
    )) as Array<{ email: string; refs: string[] }>;
    for (const reporter of reporters) {
      await this.mail.enqueue(
        {
          to: [reporter.email],
          template: 'letter-sent',
          context: {
            references: reporter.refs,
            recipientName: recipientName(letter.recipient),
            subject: letter.subject,
            barrierName: barrierDisplayName(letter.evidenceSnapshot.barrierName),
            reportCount: letter.evidenceSnapshot.reportCount,
            municipalityCount: letter.evidenceSnapshot.municipalities.length,
          },
          dedupeKey: `letter-sent:${letter.id}`,
        },
        manager,
      );
    }
    this.logger.log(`Skrivelse ${letter.id} skickad; ${reporters.length} rapportörer får e-post`);
    return reporters.length;
  }

  // ── The finished letter ───────────────────────────────────────────────────────────────────

  /**
   * The letter as printed, exported and shown read-only. `viewer`: the analyst looking at it; until the letter is sent
   * and while no sender is saved, it is signed with the viewer's own name, title and e-mail, as the editor offers them
   * (and as review or sending will store them). A sent letter is printed as it left.
   */
  async document(id: string, viewer?: SenderAccount): Promise<LetterDocumentModel> {
    const letter = await this.find(id);
    const offered = viewer && (letter.status === 'utkast' || letter.status === 'granskad') ? offeredSender(letter, viewer) : null;
    const sender = { ...this.senderOfLetter(letter), ...offered };
    return buildLetterDocument(this.textsOf(letter), letter.evidenceSnapshot, formatDate(letter.sentAt ?? this.clock.now()), sender);
  }

  async printPage(id: string, viewer?: SenderAccount): Promise<string> {
    const [letter, doc] = await Promise.all([this.get(id), this.document(id, viewer)]);
    return this.templates.render('letters/letter.html.njk', { letter, doc });
  }

  async docx(id: string, viewer?: SenderAccount): Promise<{ buffer: Buffer; filename: string }> {
    const doc = await this.document(id, viewer);
    const slug = doc.subject
      .toLowerCase()
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60);
    return { buffer: await renderLetterDocx(doc), filename: `${slug || 'skrivelse'}-${doc.date}.docx` };
  }

  actionLabel(action: LetterAction): string {
    return LETTER_ACTION_LABELS[action];
  }

  // ── Helpers ───────────────────────────────────────────────────────────────────────────────

  private senderOfLetter(letter: Letter): LetterSender {
    return {
      referenceNumber: letter.referenceNumber,
      signatoryName: letter.signatoryName,
      signatoryTitle: letter.signatoryTitle,
      contactEmail: letter.contactEmail,
      contactPhone: letter.contactPhone,
    };
  }

  private textsOf(letter: Letter): Record<LetterTextField, string> {
    return {
      recipient: letter.recipient,
      subject: letter.subject,
      summary: letter.summary,
      evidence: letter.evidence,
      consequences: letter.consequences,
      triedLocally: letter.triedLocally,
      interfaceRules: letter.interfaceRules,
      requestedAction: letter.requestedAction,
    };
  }

  private async find(id: string): Promise<Letter> {
    const letter = await this.dataSource.getRepository(Letter).findOneBy({ id });
    if (!letter) throw new NotFoundError('Skrivelsen');
    return letter;
  }

  private async lockLetter(manager: EntityManager, id: string): Promise<Letter> {
    const letter = await manager.getRepository(Letter).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!letter) throw new NotFoundError('Skrivelsen');
    return letter;
  }

  private async userNames(ids: Array<string | null>): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
    if (wanted.length === 0) return new Map();
    const rows = (await this.dataSource.query(`SELECT id, name FROM app_user WHERE id = ANY($1::uuid[])`, [wanted])) as Array<{ id: string; name: string }>;
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  private async logEvent(
    manager: EntityManager,
    letterId: string,
    actorId: string | null,
    kind: LetterEventKind,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
  ): Promise<void> {
    await manager.query(`INSERT INTO letter_event (letter_id, actor_id, kind, before, after, created_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      letterId,
      actorId,
      kind,
      before === null ? null : JSON.stringify(before),
      after === null ? null : JSON.stringify(after),
      this.clock.now(),
    ]);
  }
}
