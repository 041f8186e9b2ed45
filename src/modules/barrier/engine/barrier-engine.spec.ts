import { assignIncremental, runFull } from './barrier-engine';
import { joinModel, splitModel } from './barrier-model';
import { BarrierModel, EngineReport } from './engine-types';

const THESAURUS = `
Arbetsförmedlingen [AF]: AF, af
Försäkringskassan [FK]: FK, fk
vårdcentralen [REGION]: vc, vårdcentral
tolk: tolkar, tolkning, tolkbehov, språkstöd
digital legitimation: BankID, bankid, e-legitimation
möte: möten, mötet, samtal
inloggning: logga in, e-tjänst, e-tjänster
! deltagare, deltagaren, gränssnitt, mellan stolarna
`;

let seq = 0;
function r(id: string, municipality: string, title: string, description: string, parties: string[] = []): EngineReport {
  seq++;
  return { id, title, description, category: 'gransnitt', parties, municipality, subproject: `P-${municipality}`, occurredOn: `2021-0${1 + (seq % 9)}-1${seq % 10}` };
}

const interpreter = [
  r('T1', 'Haninge', 'Ingen tolk på mötet', 'AF hade inte bokat tolk till mötet och deltagaren förstod inget av samtalet.', ['AF']),
  r('T2', 'Botkyrka', 'Tolk saknades', 'FK bokade ingen tolk till mötet. Samtalet avbröts eftersom deltagaren inte förstod.', ['FK']),
  r('T3', 'Täby', 'Tolkbehov ignoreras', 'Trots tolkbehov bokade AF ingen tolk till samtalet och mötet fick göras om.', ['AF']),
  r('T4', 'Järfälla', 'Ingen tolk igen', 'Vårdcentralen ordnade ingen tolk till mötet, deltagaren förstod inte samtalet.', ['REGION']),
];
const digital = [
  r('D1', 'Haninge', 'Utan BankID går inget', 'Deltagaren saknar BankID och kan inte logga in på AF:s e-tjänster för att skriva in sig.', ['AF']),
  r('D2', 'Salem', 'Kan inte logga in', 'FK kräver BankID för att logga in i e-tjänsten. Deltagaren har ingen e-legitimation.', ['FK']),
  r('D3', 'Stockholm', 'BankID saknas', 'Utan BankID kan deltagaren inte logga in hos AF och inskrivningen stoppas.', ['AF']),
  r('D4', 'Nykvarn', 'E-tjänster kräver e-legitimation', 'Alla e-tjänster kräver BankID men deltagaren saknar e-legitimation och kan inte logga in.', ['FK']),
];
const oneOffs = [
  r('O1', 'Haninge', 'Gränssnitt', 'Gränssnitt. Deltagaren föll mellan stolarna.'),
  r('O2', 'Botkyrka', 'Mellan stolarna', 'Deltagaren hamnade mellan stolarna i ett gränssnitt.'),
  r('O3', 'Täby', 'Kaffebryggaren trasig', 'Kaffebryggaren i gruppummet har gått sönder.'),
  r('O4', 'Salem', 'Lokalen kall', 'Värmen i lokalen fungerar inte sedan en vecka.'),
  r('O5', 'Järfälla', 'Cykel stulen', 'Deltagarens cykel blev stulen utanför lokalen.'),
];
const all = [...interpreter, ...digital, ...oneOffs];

function ids(): () => string {
  let n = 0;
  return () => `B${++n}`;
}

function groupOf(result: ReturnType<typeof runFull>, id: string): string | null {
  return result.assignments.get(id) ?? null;
}

describe('barrier engine', () => {
  it('finds recurring barriers and leaves one-offs (even generic "gränssnitt" ones) unassigned', () => {
    const result = runFull(all, { thesaurus: THESAURUS, newId: ids() });
    const t = groupOf(result, 'T1');
    const d = groupOf(result, 'D1');
    expect(t).not.toBeNull();
    expect(d).not.toBeNull();
    expect(t).not.toEqual(d);
    for (const x of interpreter) expect(groupOf(result, x.id)).toBe(t);
    for (const x of digital) expect(groupOf(result, x.id)).toBe(d);
    for (const x of oneOffs) expect(groupOf(result, x.id)).toBeNull();
    expect(result.barriers).toHaveLength(2);
  });

  it('explains each barrier in Swedish with display forms, parties, places and period', () => {
    const result = runFull(all, { thesaurus: THESAURUS, newId: ids() });
    const barrier = result.barriers.find((b) => b.memberIds.includes('T1'));
    expect(barrier).toBeDefined();
    if (!barrier) return;
    expect(barrier.terms.map((x) => x.term)).toContain('tolk');
    expect(barrier.municipalities).toEqual(['Botkyrka', 'Haninge', 'Järfälla', 'Täby']);
    expect(barrier.subprojects).toHaveLength(4);
    expect(barrier.period.from <= barrier.period.to).toBe(true);
    expect(barrier.reasons['T1'].join(' ')).toMatch(/delar termerna: .*tolk/);
    expect(barrier.reasons['T1'].some((x) => x.startsWith('likhet med hindrets kärna'))).toBe(true);
    expect(barrier.cohesion).toBeGreaterThan(0);
  });

  it('gives the same output whatever the input order', () => {
    const a = runFull(all, { thesaurus: THESAURUS, newId: ids() });
    const b = runFull([...all].reverse(), { thesaurus: THESAURUS, newId: ids() });
    expect([...b.assignments].sort()).toEqual([...a.assignments].sort());
    expect(b.barriers).toEqual(a.barriers);
  });

  it('keeps barrier ids across runs and lets new reports join existing barriers', () => {
    const first = runFull(all, { thesaurus: THESAURUS, newId: ids() });
    const previous = first.barriers.map((b) => ({ key: b.key, memberIds: b.memberIds }));
    const extra = r('T5', 'Salem', 'Tolk uteblev', 'AF bokade ingen tolk och mötet med deltagaren fick ställas in, hon förstod inte samtalet.', ['AF']);
    let n = 100;
    const second = runFull([extra, ...all], { thesaurus: THESAURUS, previous, newId: () => `NEW${++n}` });
    expect(groupOf(second, 'T1')).toBe(groupOf(first, 'T1'));
    expect(groupOf(second, 'D1')).toBe(groupOf(first, 'D1'));
    expect(groupOf(second, 'T5')).toBe(groupOf(first, 'T1'));
  });

  it('never overrides confirmed assignments and respects reports moved out', () => {
    const first = runFull(all, { thesaurus: THESAURUS, newId: ids() });
    const tKey = groupOf(first, 'T1') as string;
    const confirmed = new Map([['O3', tKey], ['D1', 'ANALYST-1'], ['D2', 'ANALYST-1']]);
    const excluded = new Map([['T4', [tKey]]]);
    const result = runFull(all, { thesaurus: THESAURUS, confirmed, excluded, previous: first.barriers, newId: ids() });
    expect(groupOf(result, 'O3')).toBe(tKey);
    expect(groupOf(result, 'T4')).not.toBe(tKey);
    expect(groupOf(result, 'D1')).toBe('ANALYST-1');
    expect(groupOf(result, 'D3')).toBe('ANALYST-1');
    const barrier = result.barriers.find((b) => b.key === 'ANALYST-1');
    expect(barrier?.confirmed).toBe(true);
    expect(barrier?.reasons['D1']).toContain('bekräftad av analytiker');
  });

  it('does not escalate a pattern seen in only one kommun', () => {
    const local = interpreter.map((x) => ({ ...x, municipality: 'Haninge' }));
    const result = runFull([...local, ...oneOffs], { thesaurus: THESAURUS, newId: ids() });
    expect(result.barriers).toHaveLength(0);
  });

  it('places new reports incrementally from a stored (JSON) model', () => {
    const first = runFull(all, { thesaurus: THESAURUS, newId: ids() });
    const model = JSON.parse(JSON.stringify(first.model)) as BarrierModel;
    const fresh = [
      r('N1', 'Österåker', 'Tolk fattades', 'FK hade ingen tolk på mötet, deltagaren förstod inte samtalet.', ['FK']),
      r('N2', 'Österåker', 'Trasig dörr', 'Dörren till lokalen går inte att låsa.'),
    ];
    const result = assignIncremental(fresh, model, { thesaurus: THESAURUS });
    expect(result.assignments.get('N1')).toBe(groupOf(first, 'T1'));
    expect(result.assignments.get('N2')).toBeNull();
    expect(result.reasons['N1'][0]).toMatch(/^delar termerna: /);
  });

  it('clusters a sample and assigns the rest when there are many reports', () => {
    const many: EngineReport[] = [];
    for (let k = 0; k < 6; k++) for (const x of [...interpreter, ...digital, ...oneOffs]) many.push({ ...x, id: `${x.id}-${k}` });
    const result = runFull(many, { thesaurus: THESAURUS, newId: ids(), options: { exactLimit: 30 } });
    const t = groupOf(result, 'T1-0');
    expect(t).not.toBeNull();
    expect(many.filter((x) => x.id.startsWith('T')).every((x) => groupOf(result, x.id) === t)).toBe(true);
    expect(many.filter((x) => x.id.startsWith('O3')).every((x) => groupOf(result, x.id) !== t)).toBe(true);
  });
});

describe('model storage', () => {
  it('splits into shared and per-barrier parts and joins back', () => {
    const result = runFull(all, { thesaurus: THESAURUS, newId: ids() });
    const { shared, perBarrier } = splitModel(result.model);
    expect(perBarrier.size).toBe(result.barriers.length);
    expect(joinModel(shared, perBarrier)).toEqual(result.model);
  });
});
