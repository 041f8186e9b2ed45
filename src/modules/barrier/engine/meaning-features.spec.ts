import { randomUUID } from 'node:crypto';
import { assignIncremental, runFull } from './barrier-engine';
import { EngineReport } from './engine-types';
import { MEANING_LABEL } from './meaning-features';

const THESAURUS = `
Arbetsförmedlingen [AF]: AF, af
Försäkringskassan [FK]: FK, fk
tolk: tolkar, tolkning, tolkbehov
! deltagare, deltagaren
`;

let seq = 0;
function r(id: string, municipality: string, title: string, description: string, parties: string[]): EngineReport {
  seq++;
  return { id, title, description, category: 'ovrigt', parties, municipality, subproject: `P-${municipality}`, occurredOn: `2021-0${1 + (seq % 9)}-1${seq % 10}` };
}

// Three reports about losing one's home, in words none of the others uses.
const housing = [
  r('H1', 'Haninge', 'Vräkt', 'Hyresvärden sade upp lägenheten när utbetalningen dröjde.', ['KOMMUN']),
  r('H2', 'Botkyrka', 'Hemlös', 'Sjukpenningen stoppades, bostaden förlorades.', ['FK']),
  r('H3', 'Täby', 'Utan tak över huvudet', 'Socialtjänsten betalade boendekostnaden sent och kontraktet hävdes.', ['KOMMUN']),
];
const interpreter = [
  r('T1', 'Haninge', 'Ingen tolk på mötet', 'AF hade inte bokat tolk till mötet och deltagaren förstod inget av samtalet.', ['AF']),
  r('T2', 'Botkyrka', 'Tolk saknades', 'FK bokade ingen tolk till mötet. Samtalet avbröts eftersom deltagaren inte förstod.', ['FK']),
  r('T3', 'Täby', 'Tolkbehov ignoreras', 'Trots tolkbehov bokade AF ingen tolk till samtalet och mötet fick göras om.', ['AF']),
];
const oneOffs = [
  r('O1', 'Täby', 'Kaffebryggaren trasig', 'Kaffebryggaren i grupprummet har gått sönder.', []),
  r('O2', 'Salem', 'Lokalen kall', 'Värmen i lokalen fungerar inte sedan en vecka.', []),
  r('O3', 'Järfälla', 'Cykel stulen', 'Deltagarens cykel blev stulen utanför lokalen.', []),
  r('O4', 'Nykvarn', 'Skrivaren', 'Skrivaren på kontoret skriver ut tomma sidor.', []),
];

/** Sixteen keys, one per table: the same for reports of one meaning, different for each other report. */
function keys(meaning: string): string[] {
  return Array.from({ length: 16 }, (_, t) => `m:${t}:${meaning}`);
}
const withMeaning = (report: EngineReport, meaning: string): EngineReport => ({ ...report, meaningKeys: keys(meaning) });

function corpus(meaning: boolean): EngineReport[] {
  const all = [...housing, ...interpreter, ...oneOffs];
  return meaning ? all.map((report) => withMeaning(report, report.id.startsWith('H') ? 'hem' : report.id)) : all;
}

const barrierOf = (result: ReturnType<typeof runFull>, id: string): string | null => result.assignments.get(id) ?? null;

describe('meaning keys in the engine', () => {
  it('without them, reports that share no words stay apart', () => {
    const result = runFull(corpus(false), { thesaurus: THESAURUS, newId: randomUUID });
    expect(barrierOf(result, 'H1')).toBeNull();
    expect(barrierOf(result, 'T1')).not.toBeNull();
  });

  it('with them, reports close in meaning form a barrier, explained in Swedish without showing a key', () => {
    const result = runFull(corpus(true), { thesaurus: THESAURUS, newId: randomUUID, options: { meaningWeight: 0.5 } });
    const home = barrierOf(result, 'H1');
    expect(home).not.toBeNull();
    expect(barrierOf(result, 'H2')).toBe(home);
    expect(barrierOf(result, 'H3')).toBe(home);
    // The words still decide the other barrier, and the one-offs stay one-offs.
    expect(barrierOf(result, 'T1')).not.toBeNull();
    expect(barrierOf(result, 'T1')).not.toBe(home);
    for (const id of ['O1', 'O2', 'O3', 'O4']) expect(barrierOf(result, id)).toBeNull();
    const barrier = result.barriers.find((b) => b.key === home);
    expect(barrier?.reasons.H2).toContain(MEANING_LABEL);
    const shown = JSON.stringify(result.barriers.map((b) => [b.terms, b.reasons]));
    expect(shown).not.toMatch(/m:\d/);
    expect(result.model.options.meaningWeight).toBe(0.5);
  });

  it('an incremental run places a new report by its meaning keys, and says so in words', () => {
    const full = runFull(corpus(true), { thesaurus: THESAURUS, newId: randomUUID, options: { meaningWeight: 0.5 } });
    const newcomer = withMeaning(r('H4', 'Järfälla', 'Avhyst', 'Fick flytta ut ur våningen då ersättningen uteblev.', ['FK']), 'hem');
    const placed = assignIncremental([newcomer], full.model, { thesaurus: THESAURUS });
    expect(placed.assignments.get('H4')).toBe(barrierOf(full, 'H1'));
    expect(placed.reasons.H4).toContain(MEANING_LABEL);
    expect(JSON.stringify(placed.reasons)).not.toMatch(/m:\d/);
    // Without keys it has nothing in common with the barrier.
    const wordsOnly = assignIncremental([{ ...newcomer, meaningKeys: undefined }], full.model, { thesaurus: THESAURUS });
    expect(wordsOnly.assignments.get('H4')).toBeNull();
  });

  it('stores the same options as before when no report carries meaning keys', () => {
    const result = runFull(corpus(false), { thesaurus: THESAURUS, newId: randomUUID });
    expect('meaningWeight' in result.model.options).toBe(false);
  });
});
