import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { addBarrierMember } from './support/barrier-factories';
import { mergeThroughConfirmation } from './support/barrier-merge';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { formFieldsOf } from './support/form-fields';
import { HttpClient, HttpResult } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

interface Snapshot {
  barriers: Array<{ id: string; status: string; merged_into_id: string | null; confirmed_at: Date | null; escalation_reason: string | null; local_fix_note: string | null }>;
  members: Array<{ barrier_id: string; deviation_id: string; confirmed_by_analyst: boolean }>;
  exclusions: Array<{ barrier_id: string; deviation_id: string }>;
  letters: Array<{ id: string; barrier_id: string }>;
}

/** The page's text as read: markup left out (inline elements run into their words), white space folded. */
function textOf(html: string): string {
  return html
    .replace(/<\/?(?:a|strong|em|span)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * "Slå ihop" on a barrier's page asks first: a confirmation page says what the merge will do (reports, kommuner,
 * status, letters, the other barrier), and only its "Slå ihop" merges; "Avbryt" and a reload change nothing. A choice
 * that cannot be merged is refused at the form in Swedish, never with a 500. The API merges at once. Over HTTP on a
 * real Postgres; barriers and reports are inserted directly. Today is Monday 23 November 2026.
 */
describe('merging two barriers from the page asks first', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let t: TestApp;
  let client: HttpClient;
  let token = '';
  const db = (): DataSource => t.app.get(DataSource);
  let sequence = 0;

  /** A proposed barrier with a report in each of `kommuner` (in 2026). */
  async function barrier(name: string, kommuner: string[]): Promise<{ id: string; reports: Array<{ id: string; reference: string }> }> {
    const [{ id }] = (await db().query(
      `INSERT INTO barrier (name, name_source, status, parties, terms, member_count) VALUES ($1, 'analyst', 'foreslagen', '{KOMMUN,AF}', '{krav}', 0) RETURNING id`,
      [name],
    )) as Array<{ id: string }>;
    const reports: Array<{ id: string; reference: string }> = [];
    for (const [i, kommun] of kommuner.entries()) {
      sequence += 1;
      reports.push(await addBarrierMember(db(), id, { kommun, occurredOn: `2026-0${(i % 9) + 1}-15`, reporterEmail: `rapportor.${sequence}@kommun.example.org` }));
    }
    return { id, reports };
  }

  async function snapshot(): Promise<Snapshot> {
    return {
      barriers: await db().query(`SELECT id, status, merged_into_id, confirmed_at, escalation_reason, local_fix_note FROM barrier ORDER BY id`),
      members: await db().query(`SELECT barrier_id, deviation_id, confirmed_by_analyst FROM barrier_member ORDER BY deviation_id`),
      exclusions: await db().query(`SELECT barrier_id, deviation_id FROM barrier_exclusion ORDER BY deviation_id, barrier_id`),
      letters: await db().query(`SELECT id, barrier_id FROM letter ORDER BY id`),
    };
  }

  /** The merge form as the barrier page shows it, posted with `otherBarrierId`. */
  async function ask(targetId: string, otherBarrierId: string): Promise<HttpResult> {
    await client.get(`/hinder/${targetId}`);
    return client.postForm(`/hinder/${targetId}/sla-ihop`, { otherBarrierId });
  }

  /** The "Slå ihop med ett annat hinder" section of a barrier page. */
  function mergeSection(html: string): string {
    return /<section aria-labelledby="rubrik-sla-ihop">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  }

  beforeAll(async () => {
    t = await startTestApp({ clock });
    const analyst = await createUser(t.app, 'analyst');
    client = new HttpClient(t.baseUrl);
    expect((await client.login(analyst.email, TEST_PASSWORD)).status).toBe(303);
    token = await createApiToken(t.app, analyst);
  });
  afterAll(() => t.close());

  it('the form shows what will happen: the two barriers, the reports that move, the kommuner, the status, letters and the other barrier; nothing is changed yet', async () => {
    // Two kommuner of one delprojekt each: neither meets the escalation rule (3 kommuner in 2 delprojekt), together they do.
    const kept = await barrier('Krav på inskrivning', ['Haninge', 'Tyresö']);
    const absorbed = await barrier('Villkor för bistånd', ['Botkyrka', 'Botkyrka', 'Salem']);
    await db().query(`UPDATE barrier SET local_fix_at = '2026-06-01T00:00:00+02', local_fix_note = 'Ny rutin i Botkyrka', local_fix_recorded_at = now() WHERE id = $1`, [
      absorbed.id,
    ]);
    const before = await snapshot();

    const page = await ask(kept.id, absorbed.id);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Slå ihop med Krav på inskrivning? – Avvikelser MIA</title>');
    const text = textOf(page.text);
    expect(text).toContain('Slå ihop två hinder?');
    expect(text).toContain('inget är ändrat än');
    expect(text).toContain('Flyttas och markeras som sammanslaget Villkor för bistånd (föreslagen, 3 rapporter)');
    expect(text).toContain('Blir kvar och tar emot rapporterna Krav på inskrivning (föreslagen, 2 rapporter)');
    expect(text).toContain('3 rapporter från ”Villkor för bistånd” flyttas till ”Krav på inskrivning”, som då har 5 rapporter.');
    expect(text).toContain('Det sammanslagna hindret finns i 4 kommuner i 2 delprojekt: Botkyrka (2), Haninge (1), Salem (1), Tyresö (1).');
    expect(text).toContain('Nya för ”Krav på inskrivning”: Botkyrka, Salem.');
    expect(text).toContain('”Krav på inskrivning” behåller sitt namn och blir bekräftat med alla sina 5 rapporter: mönsteranalysen flyttar dem inte härifrån.');
    expect(text).toContain('”Krav på inskrivning” blir eskalerat: Hindret återkommer i 4 kommuner (Botkyrka, Haninge, Salem och Tyresö) i 2 delprojekt');
    expect(text).toContain('”Villkor för bistånd” markeras som sammanslaget med ”Krav på inskrivning”. Det försvinner ur listan över hinder och kan inte ändras längre; dess adress leder hit.');
    expect(text).toContain('Den lokala åtgärden i ”Villkor för bistånd” (2026-06-01: Ny rutin i Botkyrka) följer med, eftersom ”Krav på inskrivning” inte har någon.');
    expect(text).toContain('”Villkor för bistånd” har ingen skrivelse, så ingen skrivelse flyttas.');

    // "Slå ihop" posts the choice again, confirmed, with the CSRF token; "Avbryt" leads back to the barrier.
    const fields = formFieldsOf(page.text, `/hinder/${kept.id}/sla-ihop`);
    expect(Object.keys(fields).sort()).toEqual(['_csrf', 'confirmed', 'otherBarrierId']);
    expect(fields).toMatchObject({ otherBarrierId: [absorbed.id], confirmed: ['1'] });
    expect(page.text).toContain('<button type="submit" class="button">Slå ihop</button>');
    expect(page.text).toContain(`<a class="button secondary" href="/hinder/${kept.id}">Avbryt</a>`);
    expect(await snapshot()).toEqual(before);
  });

  it('"Avbryt", and opening or reloading the address, change nothing', async () => {
    const kept = await barrier('Väntetid på intyg', ['Järfälla']);
    const absorbed = await barrier('Intyg från vården', ['Stockholm']);
    const before = await snapshot();
    const page = await ask(kept.id, absorbed.id);
    expect(page.status).toBe(200);

    const cancelled = await client.get(/<a class="button secondary" href="([^"]+)">Avbryt<\/a>/.exec(page.text)?.[1] ?? 'saknas');
    expect(cancelled.status).toBe(200);
    expect(cancelled.text).toContain('<h1>Väntetid på intyg</h1>');
    expect(cancelled.text).not.toContain('Hindren är sammanslagna');
    // The address of the confirmation, opened by itself (a reload from the address bar): to the form, nothing merged.
    const opened = await client.get(`/hinder/${kept.id}/sla-ihop`);
    expect(opened.status).toBe(303);
    expect(opened.location).toBe(`/hinder/${kept.id}#rubrik-sla-ihop`);
    // Posting the form again (the browser's "send again") only asks again.
    expect((await ask(kept.id, absorbed.id)).status).toBe(200);
    expect(await snapshot()).toEqual(before);
    expect((await client.get(`/hinder/${absorbed.id}`)).status).toBe(200);
  });

  it('"Slå ihop" on the confirmation merges, as it said: the reports, the status and its reason, a report moved out that comes back', async () => {
    const kept = await barrier('Samtycke vid överlämning', ['Haninge', 'Tyresö']);
    const absorbed = await barrier('Samtycke till region', ['Botkyrka', 'Salem', 'Nykvarn']);
    // A report once moved out of the kept barrier, now in the other: it comes back, and the confirmation says so.
    const returning = absorbed.reports[2];
    await db().query(`INSERT INTO barrier_exclusion (barrier_id, deviation_id) VALUES ($1, $2)`, [kept.id, returning.id]);

    const { confirmation, merged } = await mergeThroughConfirmation(client, kept.id, absorbed.id);
    const said = textOf(confirmation.text);
    expect(said).toContain(`1 rapport som flyttats ut ur ”Samtycke vid överlämning” ligger i ”Samtycke till region” och kommer tillbaka hit: ${returning.reference}.`);
    const reason = /”Samtycke vid överlämning” blir eskalerat: (Hindret återkommer [^<]+?\.) (?:Gränsen|”)/.exec(said)?.[1];
    expect(reason).toBeTruthy();

    expect(merged.status).toBe(303);
    expect(merged.location).toBe(`/hinder/${kept.id}?klart=sammanslaget`);
    const [keptRow] = (await db().query(`SELECT status, escalation_reason, confirmed_at FROM barrier WHERE id = $1`, [kept.id])) as Array<{
      status: string;
      escalation_reason: string;
      confirmed_at: Date | null;
    }>;
    expect(keptRow.status).toBe('eskalerad');
    expect(keptRow.escalation_reason.startsWith(reason as string)).toBe(true);
    expect(keptRow.confirmed_at).not.toBeNull();
    expect(await db().query(`SELECT status, merged_into_id FROM barrier WHERE id = $1`, [absorbed.id])).toEqual([{ status: 'sammanslagen', merged_into_id: kept.id }]);
    const members = (await db().query(`SELECT deviation_id, confirmed_by_analyst FROM barrier_member WHERE barrier_id = $1`, [kept.id])) as Array<{
      deviation_id: string;
      confirmed_by_analyst: boolean;
    }>;
    expect(members.map((m) => m.deviation_id).sort()).toEqual([...kept.reports, ...absorbed.reports].map((r) => r.id).sort());
    expect(members.every((m) => m.confirmed_by_analyst)).toBe(true);
    expect(await db().query(`SELECT 1 FROM barrier_exclusion WHERE barrier_id = $1`, [kept.id])).toEqual([]);

    const after = await client.get(String(merged.location));
    expect(after.text).toContain('Hindren är sammanslagna. Det andra hindrets rapporter finns nu här.');
    expect((await client.get(`/hinder/${absorbed.id}`)).location).toBe(`/hinder/${kept.id}?fran=${absorbed.id}`);
  });

  it('a choice that cannot be merged is refused at the form in Swedish, with nothing changed and never a 500', async () => {
    const kept = await barrier('Aktivitetsersättning upphör', ['Täby', 'Österåker']);
    const other = await barrier('Ersättning vid 19 år', ['Täby']);
    const elsewhere = await barrier('Unga utan ersättning', ['Österåker']);
    const dissolved = await barrier('Upplöst förslag', []);
    await db().query(`UPDATE barrier SET status = 'upplost' WHERE id = $1`, [dissolved.id]);
    const before = await snapshot();

    const refusals: Array<[string, number, string]> = [];
    for (const [otherBarrierId, status, message] of [
      ['', 400, 'Välj hindret att slå ihop med.'],
      [kept.id, 400, 'Ett hinder kan inte slås ihop med sig självt. Välj ett annat hinder att slå ihop med.'],
      ['00000000-0000-4000-8000-000000000000', 404, 'Hindret du valde att slå ihop med finns inte. Välj ett hinder i listan.'],
      [dissolved.id, 409, '”Upplöst förslag” är upplöst: mönsteranalysen har inga rapporter kvar i det. Välj ett annat hinder att slå ihop med.'],
    ] as const) {
      const refused = await ask(kept.id, otherBarrierId);
      refusals.push([otherBarrierId, refused.status, refused.text.includes(message) ? 'said' : textOf(mergeSection(refused.text))]);
      // At the form on the barrier's page, which is still there to choose again.
      expect(refused.text).toContain('<h1>Aktivitetsersättning upphör</h1>');
      expect(mergeSection(refused.text)).toContain('Det finns fel att rätta');
      expect(mergeSection(refused.text)).toContain(`<option value="${other.id}">Ersättning vid 19 år</option>`);
    }
    expect(refusals).toEqual([
      ['', 400, 'said'],
      [kept.id, 400, 'said'],
      ['00000000-0000-4000-8000-000000000000', 404, 'said'],
      [dissolved.id, 409, 'said'],
    ]);
    expect(await snapshot()).toEqual(before);

    // The confirmation was shown, then the other barrier was merged elsewhere before "Slå ihop": refused at the form.
    const shown = await ask(kept.id, other.id);
    expect(shown.status).toBe(200);
    expect((await new HttpClient(t.baseUrl).api('POST', `/api/barriers/${elsewhere.id}/merge`, { otherBarrierId: other.id }, token)).status).toBe(200);
    const late = await client.postForm(`/hinder/${kept.id}/sla-ihop`, { otherBarrierId: other.id, confirmed: '1' });
    expect(late.status).toBe(409);
    expect(late.text).toContain('<h1>Aktivitetsersättning upphör</h1>');
    expect(mergeSection(late.text)).toContain('”Ersättning vid 19 år” är redan sammanslaget med ”Unga utan ersättning” och kan inte slås ihop en gång till. Välj ett annat hinder.');
    // The first step says the same.
    expect(textOf(mergeSection((await ask(kept.id, other.id)).text))).toContain('”Ersättning vid 19 år” är redan sammanslaget med ”Unga utan ersättning”');

    // Confirmed twice (the back button, "Slå ihop" again): the second says it is done already.
    const { merged } = await mergeThroughConfirmation(client, kept.id, elsewhere.id);
    expect(merged.status).toBe(303);
    const again = await client.postForm(`/hinder/${kept.id}/sla-ihop`, { otherBarrierId: elsewhere.id, confirmed: '1' });
    expect(again.status).toBe(409);
    expect(mergeSection(again.text)).toContain('”Unga utan ersättning” är redan sammanslaget med det här hindret: dess rapporter finns här. Inget har ändrats nu.');

    // On the page of a barrier that was merged meanwhile (its forms are gone), the refusal is said at the top.
    const merged2 = await barrier('Sent hinder', ['Salem']);
    await client.get(`/hinder/${merged2.id}`);
    expect((await new HttpClient(t.baseUrl).api('POST', `/api/barriers/${kept.id}/merge`, { otherBarrierId: merged2.id }, token)).status).toBe(200);
    const stale = await client.postForm(`/hinder/${merged2.id}/sla-ihop`, { otherBarrierId: kept.id });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Hindret är sammanslaget och kan inte ändras.');
  });

  it('when the barrier chosen was the last other one, the refusal is still shown where the form was', async () => {
    const kept = await barrier('Sista hindret', ['Haninge']);
    const other = await barrier('Näst sista hindret', ['Salem']);
    // Every other barrier of the earlier cases out of the way: these two are the only active ones.
    await db().query(`UPDATE barrier SET status = 'upplost' WHERE status IN ('foreslagen', 'bekraftad', 'eskalerad') AND id <> ALL($1::uuid[])`, [[kept.id, other.id]]);
    expect((await ask(kept.id, other.id)).status).toBe(200);
    await db().query(`UPDATE barrier SET status = 'upplost' WHERE id = $1`, [other.id]);
    const refused = await client.postForm(`/hinder/${kept.id}/sla-ihop`, { otherBarrierId: other.id, confirmed: '1' });
    expect(refused.status).toBe(409);
    const section = textOf(mergeSection(refused.text));
    expect(section).toContain('”Näst sista hindret” är upplöst: mönsteranalysen har inga rapporter kvar i det.');
    expect(section).toContain('Det finns inget annat hinder att slå ihop med.');
    // Its summary lists no field that is not on the page.
    expect(mergeSection(refused.text)).not.toContain('href="#falt-ihop-otherBarrierId"');
  });

  it('the API merges at once, without a confirmation (its clients confirm themselves)', async () => {
    const kept = await barrier('API-hinder', ['Haninge']);
    const absorbed = await barrier('API-hinder två', ['Nynäshamn']);
    const merged = await new HttpClient(t.baseUrl).api('POST', `/api/barriers/${kept.id}/merge`, { otherBarrierId: absorbed.id }, token);
    expect(merged.status).toBe(200);
    expect(merged.json<{ memberCount: number; status: string }>()).toMatchObject({ memberCount: 2, status: 'bekraftad' });
  });
});
