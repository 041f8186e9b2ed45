import { DataSource } from 'typeorm';

/**
 * An escalated barrier inserted directly (no engine run), with no members yet. Named by the analyst unless
 * `nameSource` says the engine generated the name (letters word the two differently).
 */
export async function insertEscalatedBarrier(db: DataSource, name: string, parties: string[], escalatedAt: Date, nameSource: 'analyst' | 'generated' = 'analyst'): Promise<string> {
  const rows = (await db.query(
    `INSERT INTO barrier (name, name_source, status, parties, terms, escalation_reason, escalated_at, member_count)
     VALUES ($1, $4, 'eskalerad', $2, '{krav}', 'Återkommer i flera kommuner.', $3, 0) RETURNING id`,
    [name, parties, escalatedAt, nameSource],
  )) as Array<{ id: string }>;
  return rows[0].id;
}

/** What a member report may say instead of the defaults (a received interface problem between soc and AF). */
export interface BarrierMemberSeed {
  kommun: string;
  occurredOn: string;
  reporterEmail: string;
  reason?: string[];
  parties?: string[];
  description?: string;
  consequence?: string;
  tried?: string | null;
  severity?: 'lag' | 'medel' | 'hog';
  /** A lead marked it strukturellt hinder. */
  structural?: boolean;
}

/**
 * A report in `kommun` (by default a received interface problem between soc and AF), placed in the barrier
 * by the engine with the given reasons.
 */
export async function addBarrierMember(db: DataSource, barrierId: string, member: BarrierMemberSeed): Promise<{ id: string; reference: string }> {
  const rows = (await db.query(
    `WITH place AS (SELECT id, subproject_id FROM municipality WHERE name = $1)
     INSERT INTO deviation (municipality_id, subproject_id, reporter_email, occurred_on, reported_at, category, parties,
                            title, description, consequence, tried, severity, status, escalated_at)
     SELECT p.id, p.subproject_id, $2, $3, ($3::date + time '10:00') AT TIME ZONE 'Europe/Stockholm', 'gransnitt', $4,
            'Krav på arbetssökande', $5, $6, $7, $8, $9, CASE WHEN $9 = 'strukturellt_hinder' THEN ($3::date + time '12:00') AT TIME ZONE 'Europe/Stockholm' END
       FROM place p
     RETURNING id, reference`,
    [
      member.kommun,
      member.reporterEmail,
      member.occurredOn,
      member.parties ?? ['KOMMUN', 'AF'],
      member.description ?? 'Socialtjänsten kräver inskrivning på AF som villkor för bistånd, fast deltagaren inte kan arbeta.',
      member.consequence ?? 'Deltagaren riskerar att bli utan försörjning.',
      member.tried ?? null,
      member.severity ?? 'medel',
      member.structural ? 'strukturellt_hinder' : 'mottagen',
    ],
  )) as Array<{ id: string; reference: string }>;
  if (!rows[0]) throw new Error(`Ingen kommun ${member.kommun}`);
  await db.query(`INSERT INTO barrier_member (barrier_id, deviation_id, source, reason) VALUES ($1, $2, 'engine', $3)`, [barrierId, rows[0].id, member.reason ?? []]);
  await db.query(`UPDATE barrier SET member_count = member_count + 1 WHERE id = $1`, [barrierId]);
  return rows[0];
}
