import { barrierDisplayName, readableReason } from './barrier-wording';

describe('barrier wording', () => {
  it('drops the party codes a generated name ends in, and keeps any other brackets', () => {
    expect(barrierDisplayName('Samtycke och blankett (AF, ANNAN)')).toBe('Samtycke och blankett');
    expect(barrierDisplayName('Intyg (FK)')).toBe('Intyg');
    expect(barrierDisplayName('Sjukskrivning (vården)')).toBe('Sjukskrivning (vården)');
    expect(barrierDisplayName('(AF)')).toBe('(AF)');
  });

  it('says the engine’s party reason in words', () => {
    expect(readableReason('parter ANNAN+FK')).toBe('parterna annan part och Försäkringskassan');
    expect(readableReason('parter AF+KOMMUN+REGION')).toBe('parterna Arbetsförmedlingen, kommunen och regionen');
    expect(readableReason('parter FK')).toBe('parten Försäkringskassan');
    expect(readableReason('delar termerna: intyg, samtycke')).toBe('delar termerna: intyg, samtycke');
  });

  it('names a barrier a reason mentions as pages do, without its party codes', () => {
    expect(readableReason('Avdelat från hindret "Sjukpenning, upphöra och ersättning (AF, FK)" av Vera.')).toBe(
      'Avdelat från hindret "Sjukpenning, upphöra och ersättning" av Vera.',
    );
    expect(readableReason('Sammanslaget från hindret "Intyg (FK)" av Vera.')).toBe('Sammanslaget från hindret "Intyg" av Vera.');
    expect(readableReason('Placerad här av Vera.')).toBe('Placerad här av Vera.');
  });
});
