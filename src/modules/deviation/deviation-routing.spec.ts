import { filingReceipt, moveReceipt, routingFrom } from './deviation-routing';

const HBS = 'MIA HBS';

describe('what the receipt says about who was told', () => {
  it('says the leads were mailed only when they were', () => {
    expect(filingReceipt(HBS, { hasLead: true, actorIsLead: false, leads: 2, analysts: 0 }, false)).toBe('Den ägs av MIA HBS, vars delprojektledare har fått e-post.');
  });

  it('tells a lead filing in their own delprojekt that it is theirs, not that someone was mailed', () => {
    const alone = filingReceipt(HBS, { hasLead: true, actorIsLead: true, leads: 0, analysts: 0 }, false);
    expect(alone).toBe('Den ägs av MIA HBS, där du själv är delprojektledare, så ingen annan har fått e-post. Den ligger i din kö.');
    expect(filingReceipt(HBS, { hasLead: true, actorIsLead: true, leads: 1, analysts: 0 }, false)).toContain('De andra delprojektledarna där har fått e-post');
  });

  it('says a delprojekt without a lead has had its report mailed to the analysts, or that nobody was told', () => {
    const analysts = filingReceipt(HBS, { hasLead: false, actorIsLead: false, leads: 0, analysts: 2 }, false);
    expect(analysts).toBe(
      'Den ägs av MIA HBS. MIA HBS har just nu ingen aktiv delprojektledare, så verksamhetsutvecklarna har fått e-post i stället. De tar emot och hanterar den tills delprojektet har en delprojektledare.',
    );
    expect(analysts).not.toContain('vars delprojektledare');
    const nobody = filingReceipt(HBS, { hasLead: false, actorIsLead: false, leads: 0, analysts: 0 }, false);
    expect(nobody).toContain('så ingen har fått e-post om den. Säg till administratören');
    expect(filingReceipt(HBS, { hasLead: false, actorIsLead: false, leads: 0, analysts: 0 }, true)).toContain('Som verksamhetsutvecklare kan du ta emot den själv.');
  });

  it('claims nothing for an event written before routing was recorded', () => {
    expect(routingFrom(undefined)).toBeNull();
    expect(routingFrom({ hasLead: 'ja' })).toBeNull();
    expect(filingReceipt(HBS, null, false)).toBe('Den ägs av MIA HBS.');
    expect(moveReceipt(HBS, null, false)).toBe('');
  });

  it('says after a move who was told in the new delprojekt', () => {
    expect(moveReceipt('MIA Roslagen', routingFrom({ hasLead: true, actorIsLead: false, leads: 1, analysts: 0 }), false)).toBe('Delprojektledarna där har fått e-post.');
    expect(moveReceipt(HBS, routingFrom({ hasLead: false, actorIsLead: false, leads: 0, analysts: 1 }), false)).toContain('verksamhetsutvecklarna har fått e-post i stället');
    expect(moveReceipt(HBS, routingFrom({ hasLead: false, actorIsLead: false, leads: 0, analysts: 1 }), true)).toContain('de andra verksamhetsutvecklarna har fått e-post');
  });
});
