import { ForbiddenError } from '../../common/errors/domain-error';
import {
  applyTransition,
  availableActions,
  CommentRequiredError,
  DeviationWorkflowState,
  InvalidTransitionError,
  OPEN_STATUSES,
  parseAction,
  ResolutionRequiredError,
} from './deviation-workflow';

const now = new Date('2026-11-23T10:00:00Z');
const lead = { userId: 'lead-1', authority: 'owner-lead' as const };
const analyst = { userId: 'analyst-1', authority: 'analyst' as const };
const state = (status: DeviationWorkflowState['status'], extra: Partial<DeviationWorkflowState> = {}): DeviationWorkflowState => ({
  status,
  resolution: null,
  assigneeId: null,
  ...extra,
});

describe('deviation workflow', () => {
  it('walks the happy path ny → mottagen → under utredning → åtgärdad lokalt → avslutad', () => {
    const accepted = applyTransition(state('ny'), { action: 'accept' }, lead, now);
    expect(accepted).toEqual({ status: 'mottagen', acceptedAt: now, assigneeId: 'lead-1' });
    expect(applyTransition(state('mottagen'), { action: 'investigate' }, lead, now)).toEqual({ status: 'under_utredning' });
    expect(applyTransition(state('under_utredning'), { action: 'resolve', resolution: '  Ny rutin med AF ' }, lead, now)).toEqual({
      status: 'atgardad_lokalt',
      resolution: 'Ny rutin med AF',
      resolvedAt: now,
    });
    // The resolution given when resolving is enough to close.
    expect(applyTransition(state('atgardad_lokalt', { resolution: 'Ny rutin med AF' }), { action: 'close' }, lead, now)).toEqual({
      status: 'avslutad',
      closedAt: now,
    });
  });

  it('keeps an existing assignee when accepting', () => {
    expect(applyTransition(state('ny', { assigneeId: 'lead-2' }), { action: 'accept' }, lead, now)).toEqual({ status: 'mottagen', acceptedAt: now });
  });

  it('requires a resolution to mark åtgärdad lokalt and to close without one', () => {
    expect(() => applyTransition(state('under_utredning'), { action: 'resolve', resolution: '   ' }, lead, now)).toThrow(ResolutionRequiredError);
    expect(() => applyTransition(state('strukturellt_hinder'), { action: 'close' }, lead, now)).toThrow(ResolutionRequiredError);
    try {
      applyTransition(state('strukturellt_hinder'), { action: 'close' }, lead, now);
    } catch (error) {
      expect((error as ResolutionRequiredError).status).toBe(422);
      expect((error as ResolutionRequiredError).fields[0].field).toBe('resolution');
    }
  });

  it('refuses transitions that skip or go backwards, with a Swedish 409 naming what is possible', () => {
    expect(() => applyTransition(state('ny'), { action: 'close', resolution: 'x' }, lead, now)).toThrow(InvalidTransitionError);
    expect(() => applyTransition(state('ny'), { action: 'resolve', resolution: 'x' }, lead, now)).toThrow(InvalidTransitionError);
    expect(() => applyTransition(state('avslutad'), { action: 'accept' }, lead, now)).toThrow(InvalidTransitionError);
    try {
      applyTransition(state('ny'), { action: 'close', resolution: 'x' }, lead, now);
      throw new Error('should have thrown');
    } catch (error) {
      const e = error as InvalidTransitionError;
      expect(e.status).toBe(409);
      expect(e.code).toBe('invalid_transition');
      expect(e.message).toBe('Avvikelsen har status ny och kan inte avslutas. Det som går nu: ta emot.');
    }
  });

  it('escalates and reopens', () => {
    expect(applyTransition(state('mottagen'), { action: 'escalate' }, lead, now)).toEqual({ status: 'strukturellt_hinder', escalatedAt: now });
    expect(applyTransition(state('avslutad', { resolution: 'Löst' }), { action: 'reopen', comment: 'Händer igen.' }, lead, now)).toEqual({
      status: 'under_utredning',
      closedAt: null,
      resolvedAt: null,
      resolution: null,
    });
  });

  it('reopens only with a reason, which the reporter reads', () => {
    for (const comment of [undefined, null, '', '   ']) {
      expect(() => applyTransition(state('avslutad', { resolution: 'Löst' }), { action: 'reopen', comment }, lead, now)).toThrow(CommentRequiredError);
    }
    try {
      applyTransition(state('atgardad_lokalt', { resolution: 'Löst' }), { action: 'reopen' }, lead, now);
      throw new Error('should have thrown');
    } catch (error) {
      const e = error as CommentRequiredError;
      expect([e.status, e.code, e.fields]).toEqual([422, 'comment_required', [{ field: 'comment', message: 'Skriv varför avvikelsen öppnas igen. Rapportören ser skälet i avvikelsen.' }]]);
    }
    // A status the report cannot be reopened from says so first.
    expect(() => applyTransition(state('ny'), { action: 'reopen' }, lead, now)).toThrow(InvalidTransitionError);
  });

  it('keeps an åtgärd typed with any button as the report’s åtgärd so far', () => {
    expect(applyTransition(state('mottagen'), { action: 'investigate', resolution: ' Ringde AF. ' }, lead, now)).toEqual({ status: 'under_utredning', resolution: 'Ringde AF.' });
    expect(applyTransition(state('mottagen'), { action: 'escalate', resolution: 'Ringde AF.' }, lead, now)).toEqual({
      status: 'strukturellt_hinder',
      escalatedAt: now,
      resolution: 'Ringde AF.',
    });
    // The same text shown again in the field and sent back is no change.
    expect(applyTransition(state('under_utredning', { resolution: 'Ringde AF.' }), { action: 'escalate', resolution: 'Ringde AF.' }, lead, now)).toEqual({
      status: 'strukturellt_hinder',
      escalatedAt: now,
    });
    expect(applyTransition(state('strukturellt_hinder'), { action: 'reopen', resolution: 'Nytt möte bokat.', comment: 'Inte löst.' }, lead, now)).toMatchObject({
      status: 'under_utredning',
      resolution: 'Nytt möte bokat.',
    });
  });

  it('lets analysts act only on escalated reports, and nobody else at all', () => {
    expect(availableActions('strukturellt_hinder', 'analyst')).toEqual(['close', 'reopen']);
    expect(applyTransition(state('strukturellt_hinder'), { action: 'close', resolution: 'Skrivelse till Nationella rådet' }, analyst, now).status).toBe('avslutad');
    expect(() => applyTransition(state('ny'), { action: 'accept' }, analyst, now)).toThrow(ForbiddenError);
    expect(() => applyTransition(state('ny'), { action: 'accept' }, { userId: 'x', authority: 'none' }, now)).toThrow(ForbiddenError);
    expect(availableActions('ny', 'none')).toEqual([]);
  });

  it('offers the actions each status allows', () => {
    expect(availableActions('ny', 'owner-lead')).toEqual(['accept']);
    expect(availableActions('mottagen', 'owner-lead')).toEqual(['investigate', 'resolve', 'escalate']);
    expect(availableActions('under_utredning', 'owner-lead')).toEqual(['resolve', 'escalate']);
    expect(availableActions('atgardad_lokalt', 'owner-lead')).toEqual(['close', 'reopen']);
    expect(availableActions('avslutad', 'owner-lead')).toEqual(['reopen']);
    expect(OPEN_STATUSES).not.toContain('avslutad');
    expect(parseAction('close')).toBe('close');
    expect(parseAction('delete')).toBeNull();
  });

  it('lets an analyst standing in for a missing lead do what the lead would, from taking it in on', () => {
    const standIn = { userId: 'analyst-1', authority: 'stand-in-analyst' as const };
    expect(availableActions('ny', 'stand-in-analyst')).toEqual(['accept']);
    expect(availableActions('mottagen', 'stand-in-analyst')).toEqual(availableActions('mottagen', 'owner-lead'));
    const accepted = applyTransition(state('ny'), { action: 'accept' }, standIn, now);
    expect(accepted).toMatchObject({ status: 'mottagen', assigneeId: 'analyst-1' });
    // Without standing in, still only what is escalated, and the refusal says when an analyst may.
    expect(() => applyTransition(state('ny'), { action: 'accept' }, analyst, now)).toThrow(/saknar aktiv delprojektledare/);
  });
});
