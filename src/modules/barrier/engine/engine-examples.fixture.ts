import { EngineReport } from './engine-types';

/** A small thesaurus for the engine's unit specs: the parties, two topics and the words that never link. */
export const EXAMPLE_THESAURUS = `
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
/** A report for the specs; each call gets the next of a spread of dates, so periods and trends have something to show. */
export function exampleReport(id: string, municipality: string, title: string, description: string, parties: string[] = []): EngineReport {
  seq++;
  return { id, title, description, category: 'gransnitt', parties, municipality, subproject: `P-${municipality}`, occurredOn: `2021-0${1 + (seq % 9)}-1${seq % 10}` };
}

/** Four reports, four kommuner: no interpreter booked for meetings. */
export const INTERPRETER_REPORTS = [
  exampleReport('T1', 'Haninge', 'Ingen tolk på mötet', 'AF hade inte bokat tolk till mötet och deltagaren förstod inget av samtalet.', ['AF']),
  exampleReport('T2', 'Botkyrka', 'Tolk saknades', 'FK bokade ingen tolk till mötet. Samtalet avbröts eftersom deltagaren inte förstod.', ['FK']),
  exampleReport('T3', 'Täby', 'Tolkbehov ignoreras', 'Trots tolkbehov bokade AF ingen tolk till samtalet och mötet fick göras om.', ['AF']),
  exampleReport('T4', 'Järfälla', 'Ingen tolk igen', 'Vårdcentralen ordnade ingen tolk till mötet, deltagaren förstod inte samtalet.', ['REGION']),
];

/** Four reports, four kommuner: no BankID, no e-services. */
export const DIGITAL_REPORTS = [
  exampleReport('D1', 'Haninge', 'Utan BankID går inget', 'Deltagaren saknar BankID och kan inte logga in på AF:s e-tjänster för att skriva in sig.', ['AF']),
  exampleReport('D2', 'Salem', 'Kan inte logga in', 'FK kräver BankID för att logga in i e-tjänsten. Deltagaren har ingen e-legitimation.', ['FK']),
  exampleReport('D3', 'Stockholm', 'BankID saknas', 'Utan BankID kan deltagaren inte logga in hos AF och inskrivningen stoppas.', ['AF']),
  exampleReport('D4', 'Nykvarn', 'E-tjänster kräver e-legitimation', 'Alla e-tjänster kräver BankID men deltagaren saknar e-legitimation och kan inte logga in.', ['FK']),
];
