import { DomainError } from '../../common/errors/domain-error';
import { assertEditable, availableActions, canEdit, nextStatus } from './letter-workflow';

describe('letter workflow', () => {
  it('goes utkast → granskad → skickad → besvarad, and granskad back to utkast', () => {
    expect(nextStatus('utkast', 'review')).toBe('granskad');
    expect(nextStatus('granskad', 'reopen')).toBe('utkast');
    expect(nextStatus('granskad', 'send')).toBe('skickad');
    expect(nextStatus('skickad', 'answer')).toBe('besvarad');
  });

  it('offers exactly the actions the status allows', () => {
    expect(availableActions('utkast')).toEqual(['review']);
    expect(availableActions('granskad')).toEqual(['reopen', 'send']);
    expect(availableActions('skickad')).toEqual(['answer']);
    expect(availableActions('besvarad')).toEqual([]);
  });

  it.each([
    ['utkast', 'send', 'Skrivelsen måste vara granskad innan den markeras som skickad. Skrivelsen är nu ett utkast.'],
    ['utkast', 'answer', 'Svar kan bara registreras på en skickad skrivelse. Skrivelsen är nu ett utkast.'],
    ['skickad', 'review', 'Bara ett utkast kan granskas. Skrivelsen är nu skickad.'],
    ['besvarad', 'reopen', 'Bara en granskad skrivelse kan föras tillbaka till utkast. Skrivelsen är nu besvarad.'],
  ] as const)('refuses %s → %s with a Swedish 409', (status, action, message) => {
    let thrown: unknown;
    try {
      nextStatus(status, action);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).status).toBe(409);
    expect((thrown as DomainError).code).toBe('letter_invalid_transition');
    expect((thrown as DomainError).message).toBe(message);
  });

  it('lets only a draft be edited', () => {
    expect(canEdit('utkast')).toBe(true);
    expect(() => assertEditable('utkast')).not.toThrow();
    expect(() => assertEditable('granskad')).toThrow('för tillbaka den till utkast först');
    expect(() => assertEditable('skickad')).toThrow('Skrivelsen är skickad och kan inte ändras.');
  });
});
