import { describeBarrier, isSharedModel } from './barrier-description';
import { runFull } from './barrier-engine';
import { splitModel } from './barrier-model';
import { EngineReport } from './engine-types';

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
const all = [...interpreter, ...digital];

function fullRun(): ReturnType<typeof runFull> {
  let n = 0;
  return runFull(all, { thesaurus: THESAURUS, newId: () => `B${++n}` });
}

describe('describeBarrier', () => {
  it('describes a barrier’s own reports with the terms and parties a full run gave them', () => {
    const result = fullRun();
    const { shared } = splitModel(result.model);
    for (const barrier of result.barriers) {
      const members = all.filter((report) => barrier.memberIds.includes(report.id));
      const described = describeBarrier(members, shared, THESAURUS, barrier.key, false);
      expect(described.terms).toEqual(barrier.terms.map((term) => term.term));
      expect(described.parties).toEqual(barrier.parties);
      // The same centre and core; features are numbered differently in the model's space, so listed in another
      // order and summed in another (the weights agree to rounding).
      const stored = result.model.barriers.find((entry) => entry.key === barrier.key);
      if (!stored) throw new Error('no model entry');
      expect(described.model).toMatchObject({ key: stored.key, size: stored.size, confirmed: false });
      expect(new Map(described.model.coreFeatures.map(([feature, shown], k) => [feature, [shown, described.model.coreCounts[k]]]))).toEqual(
        new Map(stored.coreFeatures.map(([feature, shown], k) => [feature, [shown, stored.coreCounts[k]]])),
      );
      const weights = new Map(described.model.centroid);
      expect([...weights.keys()].sort()).toEqual(stored.centroid.map(([feature]) => feature).sort());
      for (const [feature, weight] of stored.centroid) expect(weights.get(feature)).toBeCloseTo(weight, 12);
    }
  });

  it('describes reports taken together by the analyst from their own words, not from the barrier they came from', () => {
    const { shared } = splitModel(fullRun().model);
    // Two interpreter reports and two digital ones, as a split or merge might leave them.
    const mixed = describeBarrier([interpreter[0], interpreter[1], digital[0], digital[1]], shared, THESAURUS, 'X', true);
    expect(mixed.terms).toEqual(expect.arrayContaining(['tolk', 'digital legitimation']));
    const digitalOnly = describeBarrier(digital.slice(0, 3), shared, THESAURUS, 'Y', true);
    expect(digitalOnly.terms).toContain('digital legitimation');
    expect(digitalOnly.terms).not.toContain('tolk');
    expect(digitalOnly.model).toMatchObject({ key: 'Y', size: 3, confirmed: true });
    // One report: nothing recurs in two kommuner, so no term characterises it yet.
    expect(describeBarrier([digital[0]], shared, THESAURUS, 'Z', true).terms).toEqual([]);
  });

  it('recognises only this engine’s stored model', () => {
    expect(isSharedModel(splitModel(fullRun().model).shared)).toBe(true);
    expect(isSharedModel({ version: 'fake-1' })).toBe(false);
    expect(isSharedModel(null)).toBe(false);
  });
});
