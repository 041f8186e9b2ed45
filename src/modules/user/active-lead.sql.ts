/**
 * A user who acts as a delprojekt's lead: role lead and not deactivated. One definition for everything that
 * finds a lead (the queue's choices, new-report and reminder mails, the digest, the organisation's notices),
 * so they cannot come to disagree about who leads a delprojekt. `alias`: app_user's alias in the query.
 */
export function activeLeadSql(alias?: string): string {
  const column = alias === undefined ? '' : `${alias}.`;
  return `(${column}role = 'lead' AND ${column}active)`;
}
