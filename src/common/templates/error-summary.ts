/**
 * Whether the form's own error is already said by one of its field errors: then the summary lists the field error
 * (linked to its field) and leaves the form error out, so a message is read once in the summary and once at the field.
 * A field error often repeats the form error and adds what to do ("Ingen rapport har referensen …. Kontrollera …").
 */
export function saidByAField(formError: unknown, errors: unknown): boolean {
  if (typeof formError !== 'string' || formError.trim() === '' || errors === null || typeof errors !== 'object') return false;
  const said = formError.trim();
  return Object.values(errors as Record<string, unknown>).some((message) => typeof message === 'string' && message.includes(said));
}
