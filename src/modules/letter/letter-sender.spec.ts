import { senderOf } from './letter.service';

describe('the sender offered from the analyst’s account', () => {
  it('offers the account’s name, the function and the e-mail', () => {
    expect(senderOf({ name: ' Anna  Andersson ', email: 'anna@example.se' })).toEqual({
      signatoryName: 'Anna Andersson',
      signatoryTitle: 'Verksamhetsutvecklare',
      contactEmail: 'anna@example.se',
    });
  });

  it('offers no name the editor would refuse back (digits, an empty name), so the form as offered can be saved', () => {
    expect(senderOf({ name: 'Handläggare 2', email: 'h2@example.se' }).signatoryName).toBeNull();
    expect(senderOf({ name: '   ', email: 'x@example.se' }).signatoryName).toBeNull();
  });
});
