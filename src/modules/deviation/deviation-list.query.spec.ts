import { buildListQuery, decodeCursor, encodeCursor, InvalidCursorError } from './deviation-list.query';

const ID = '6f1c2b4e-8a1d-4c3e-9f0a-1b2c3d4e5f60';

describe('deviation list query', () => {
  it('round-trips an opaque cursor and binds it to its sort', () => {
    const key = { sort: 'severity' as const, severityOrder: 2, reportedAt: '2026-11-23 10:00:00.123456+00', id: ID };
    const cursor = encodeCursor(key);
    expect(cursor).not.toContain('2026');
    expect(decodeCursor(cursor, 'severity')).toEqual(key);
    expect(() => decodeCursor(cursor, 'oldest')).toThrow(InvalidCursorError);
  });

  it('refuses cursors that were not made here', () => {
    for (const bad of ['', 'inte-base64!', Buffer.from('{"a":1}').toString('base64url'), Buffer.from(JSON.stringify(['oldest', 9, 'x', ID])).toString('base64url'), Buffer.from(JSON.stringify(['oldest', 1, '2026-01-01', 'DROP TABLE'])).toString('base64url'), Buffer.from(JSON.stringify(['oldest', 1, "2026-01-01 10:00:00+00'; --", ID])).toString('base64url')]) {
      expect(() => decodeCursor(bad, 'oldest')).toThrow(InvalidCursorError);
    }
  });

  it('reads one index slice per (delprojekt, status) and merges them, with every value as a parameter', () => {
    const built = buildListQuery(
      { kind: 'subprojects', subprojectIds: ['sp-a', 'sp-b'] },
      { statuses: ['ny', 'mottagen', 'under_utredning'], severity: 'hog', from: '2026-01-01' },
      'oldest',
      { sort: 'oldest', severityOrder: 1, reportedAt: '2026-11-23 10:00:00+00', id: ID },
      50,
    );
    expect(built).not.toBeNull();
    expect(built?.sql.match(/UNION ALL/g)).toHaveLength(5);
    expect(built?.sql).toContain('(d.reported_at, d.id) > ($');
    expect(built?.sql).not.toMatch(/OFFSET/i);
    expect(built?.sql).not.toContain('sp-a');
    expect(built?.params).toEqual(expect.arrayContaining(['sp-a', 'sp-b', 'ny', 'mottagen', 'under_utredning', 'hog', '2026-01-01', 51]));
  });

  it('uses one row comparison for "most severe first", so the keyset stays an index condition', () => {
    const built = buildListQuery({ kind: 'subprojects', subprojectIds: ['sp'] }, { statuses: ['ny'] }, 'severity', { sort: 'severity', severityOrder: 2, reportedAt: '2026-11-23 10:00:00+00', id: ID }, 10);
    expect(built?.sql).toContain('(d.severity_order, d.reported_at, d.id) > ($');
    expect(built?.sql).toContain('ORDER BY d.severity_order ASC, d.reported_at ASC, d.id ASC');
  });

  it('says per row whether the reporter has written since this lead looked, only in a lead’s queue', () => {
    const lead = buildListQuery({ kind: 'subprojects', subprojectIds: ['sp'], leadId: ID }, { statuses: ['ny'] }, 'oldest', null, 10);
    expect(lead?.sql).toContain('AS new_message');
    expect(lead?.sql).toContain('deviation_view');
    expect(lead?.params).toContain(ID);
    const analyst = buildListQuery({ kind: 'subprojects', subprojectIds: ['sp'] }, { statuses: ['ny'] }, 'oldest', null, 10);
    expect(analyst?.sql).not.toContain('new_message');
  });

  it('says it for an analyst only on the delprojekt without a lead they stand in for', () => {
    const standIn = buildListQuery(
      { kind: 'subprojects', subprojectIds: ['sp-a', 'sp-b'], standIn: { analystId: ID, subprojectIds: ['sp-b'] } },
      { statuses: ['ny'] },
      'oldest',
      null,
      10,
    );
    expect(standIn?.sql).toMatch(/\(d\.subproject_id = ANY\(\$\d+::uuid\[\]\) AND EXISTS \([\s\S]*deviation_view[\s\S]*\) AS new_message/);
    expect(standIn?.params).toEqual(expect.arrayContaining([['sp-b'], ID]));
    // Every delprojekt has a lead: nothing to ask.
    const none = buildListQuery({ kind: 'subprojects', subprojectIds: ['sp'], standIn: { analystId: ID, subprojectIds: [] } }, { statuses: ['ny'] }, 'oldest', null, 10);
    expect(none?.sql).not.toContain('new_message');
  });

  it('finds nothing for an empty scope instead of querying everything', () => {
    expect(buildListQuery({ kind: 'subprojects', subprojectIds: [] }, { statuses: ['ny'] }, 'oldest', null, 10)).toBeNull();
    expect(buildListQuery({ kind: 'subprojects', subprojectIds: ['sp'] }, { statuses: [] }, 'oldest', null, 10)).toBeNull();
    const mine = buildListQuery({ kind: 'reporter', userId: ID, email: 'A@B.se' }, { statuses: ['ny'] }, 'newest', null, 10);
    expect(mine?.sql).toContain('d.reporter_id = $1::uuid OR (d.reporter_id IS NULL AND d.reporter_email = $2)');
    expect(mine?.params.slice(0, 2)).toEqual([ID, 'a@b.se']);
  });
});
