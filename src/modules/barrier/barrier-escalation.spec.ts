import { addMonths, decideEscalation, EscalationMember, EscalationRule, isInterfaceBarrier, widestWindow } from './barrier-escalation';

const RULE: EscalationRule = { minMunicipalities: 3, windowMonths: 12, minStructuralMarks: 2 };
let n = 0;
function member(municipality: string, subproject: string, occurredOn: string, markedStructural = false): EscalationMember {
  n += 1;
  return { reference: `AVV-2018-${String(n).padStart(5, '0')}`, municipality, subproject, occurredOn, markedStructural };
}

describe('addMonths', () => {
  it('adds calendar months and clamps to the end of shorter months', () => {
    expect(addMonths('2018-03-15', 12)).toBe('2019-03-15');
    expect(addMonths('2018-01-31', 1)).toBe('2018-02-28');
    expect(addMonths('2019-12-31', 2)).toBe('2020-02-29');
    expect(addMonths('2018-11-01', 3)).toBe('2019-02-01');
  });
});

describe('decideEscalation', () => {
  it('escalates three kommuner in two delprojekt within twelve months, with a Swedish reason', () => {
    const decision = decideEscalation(
      [member('Haninge', 'MIA Östra Södertörn', '2018-02-01'), member('Tyresö', 'MIA Östra Södertörn', '2018-05-01'), member('Botkyrka', 'MIA HBS', '2018-12-20')],
      RULE,
    );
    expect(decision?.window).toEqual({
      from: '2018-02-01',
      to: '2018-12-20',
      municipalities: ['Botkyrka', 'Haninge', 'Tyresö'],
      subprojects: ['MIA HBS', 'MIA Östra Södertörn'],
    });
    expect(decision?.reason).toBe(
      'Hindret återkommer i 3 kommuner (Botkyrka, Haninge och Tyresö) i 2 delprojekt (MIA HBS och MIA Östra Södertörn) inom 12 månader, ' +
        'mellan 2018-02-01 och 2018-12-20. Gränsen för eskalering är 3 kommuner i minst 2 delprojekt.',
    );
  });

  it('does not escalate when the kommuner are spread over more than the window', () => {
    const members = [member('Haninge', 'MIA Östra Södertörn', '2018-02-01'), member('Tyresö', 'MIA Östra Södertörn', '2018-05-01'), member('Botkyrka', 'MIA HBS', '2019-02-01')];
    expect(decideEscalation(members, RULE)).toBeNull();
    // The window's end is exclusive: exactly twelve months later is outside it, a day less inside.
    expect(decideEscalation([...members.slice(0, 2), member('Botkyrka', 'MIA HBS', '2019-01-31')], RULE)).not.toBeNull();
  });

  it('does not escalate many kommuner of one delprojekt: they can solve it locally', () => {
    const members = [member('Haninge', 'MIA Östra Södertörn', '2018-02-01'), member('Tyresö', 'MIA Östra Södertörn', '2018-03-01'), member('Nynäshamn', 'MIA Östra Södertörn', '2018-04-01')];
    expect(decideEscalation(members, RULE)).toBeNull();
    expect(decideEscalation(members, { ...RULE, minMunicipalities: 2 })).toBeNull();
  });

  it('does not count the same kommun twice', () => {
    const members = [member('Haninge', 'MIA Östra Södertörn', '2018-02-01'), member('Haninge', 'MIA Östra Södertörn', '2018-02-02'), member('Botkyrka', 'MIA HBS', '2018-03-01'), member('Botkyrka', 'MIA HBS', '2018-03-02')];
    expect(decideEscalation(members, RULE)).toBeNull();
  });

  it('picks the window with the most kommuner and honours a configured K and window', () => {
    const members = [
      member('Haninge', 'MIA Östra Södertörn', '2017-01-10'),
      member('Botkyrka', 'MIA HBS', '2017-02-10'),
      member('Tyresö', 'MIA Östra Södertörn', '2017-03-10'),
      member('Järfälla', 'MIA Järfälla', '2019-01-10'),
      member('Täby', 'MIA Roslagen', '2019-02-10'),
      member('Stockholm', 'MIA Stockholm', '2019-03-10'),
      member('Salem', 'MIA HBS', '2019-04-10'),
    ];
    expect(widestWindow(members, RULE)?.municipalities).toEqual(['Järfälla', 'Salem', 'Stockholm', 'Täby']);
    expect(decideEscalation(members, { ...RULE, minMunicipalities: 5 })).toBeNull();
    expect(decideEscalation(members, { ...RULE, minMunicipalities: 5, windowMonths: 36 })?.window?.municipalities).toHaveLength(7);
    expect(decideEscalation(members, { ...RULE, windowMonths: 1 })).toBeNull();
  });

  it('escalates when leads marked enough reports as strukturellt hinder, saying which', () => {
    const one = member('Haninge', 'MIA Östra Södertörn', '2018-02-01', true);
    const two = member('Haninge', 'MIA Östra Södertörn', '2018-03-01', true);
    expect(decideEscalation([one], RULE)).toBeNull();
    const decision = decideEscalation([one, two, member('Tyresö', 'MIA Östra Södertörn', '2018-03-05')], RULE);
    expect(decision?.window).toBeNull();
    expect(decision?.structuralReferences).toEqual([one.reference, two.reference]);
    expect(decision?.reason).toBe(`Delprojektledare har markerat 2 av hindrets rapporter som strukturellt hinder (${one.reference} och ${two.reference}).`);
  });

  it('states both reasons when both hold', () => {
    const members = [
      member('Haninge', 'MIA Östra Södertörn', '2018-02-01', true),
      member('Botkyrka', 'MIA HBS', '2018-02-01', true),
      member('Järfälla', 'MIA Järfälla', '2018-02-01'),
    ];
    const reason = decideEscalation(members, RULE)?.reason ?? '';
    expect(reason).toMatch(/^Hindret återkommer i 3 kommuner .* Delprojektledare har markerat 2 av hindrets rapporter/);
  });

  it('an empty barrier is not escalated', () => {
    expect(decideEscalation([], RULE)).toBeNull();
  });
});

describe('isInterfaceBarrier', () => {
  it('is about two or more authorities, or mostly filed as gränssnitt', () => {
    expect(isInterfaceBarrier(['FK', 'AF'], 10, 0)).toBe(true);
    expect(isInterfaceBarrier(['AF', 'ANNAN'], 10, 2)).toBe(false);
    expect(isInterfaceBarrier(['AF'], 10, 6)).toBe(true);
    expect(isInterfaceBarrier(['AF'], 10, 5)).toBe(false);
    expect(isInterfaceBarrier([], 0, 0)).toBe(false);
  });
});
