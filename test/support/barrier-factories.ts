import { DataSource } from 'typeorm';

/** An escalated barrier inserted directly (no engine run), with no members yet. */
export async function insertEscalatedBarrier(db: DataSource, name: string, parties: string[], escalatedAt: Date): Promise<string> {
  const rows = (await db.query(
    `INSERT INTO barrier (name, status, parties, terms, escalation_reason, escalated_at, member_count)
     VALUES ($1, 'eskalerad', $2, '{krav}', 'Återkommer i flera kommuner.', $3, 0) RETURNING id`,
    [name, parties, escalatedAt],
  )) as Array<{ id: string }>;
  return rows[0].id;
}

/**
 * A received report in `kommun` (an interface problem between soc and AF), placed in the barrier by the
 * engine with the given reasons.
 */
export async function addBarrierMember(
  db: DataSource,
  barrierId: string,
  member: { kommun: string; occurredOn: string; reporterEmail: string; reason?: string[] },
): Promise<{ id: string; reference: string }> {
  const rows = (await db.query(
    `WITH place AS (SELECT id, subproject_id FROM municipality WHERE name = $1)
     INSERT INTO deviation (municipality_id, subproject_id, reporter_email, occurred_on, reported_at, category, parties,
                            title, description, consequence, severity, status)
     SELECT p.id, p.subproject_id, $2, $3, ($3::date + time '10:00') AT TIME ZONE 'Europe/Stockholm', 'gransnitt', '{KOMMUN,AF}',
            'Krav på arbetssökande', 'Socialtjänsten kräver inskrivning på AF som villkor för bistånd, fast deltagaren inte kan arbeta.',
            'Deltagaren riskerar att bli utan försörjning.', 'medel', 'mottagen'
       FROM place p
     RETURNING id, reference`,
    [member.kommun, member.reporterEmail, member.occurredOn],
  )) as Array<{ id: string; reference: string }>;
  await db.query(`INSERT INTO barrier_member (barrier_id, deviation_id, source, reason) VALUES ($1, $2, 'engine', $3)`, [barrierId, rows[0].id, member.reason ?? []]);
  await db.query(`UPDATE barrier SET member_count = member_count + 1 WHERE id = $1`, [barrierId]);
  return rows[0];
}
