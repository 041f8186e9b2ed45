import { formFieldsOf } from './form-fields';
import { HttpClient, HttpResult } from './http-client';

/**
 * "Slå ihop" as the analyst does it on the surviving barrier's page: the merge form shows the confirmation, and its
 * "Slå ihop" (the confirmation's own form, posted with the fields it holds) merges. Returns the confirmation page and
 * the answer to the confirmed post (a 303 to the barrier on success).
 */
export async function mergeThroughConfirmation(client: HttpClient, survivorId: string, absorbedId: string): Promise<{ confirmation: HttpResult; merged: HttpResult }> {
  await client.get(`/hinder/${survivorId}`);
  const action = `/hinder/${survivorId}/sla-ihop`;
  const confirmation = await client.postForm(action, { otherBarrierId: absorbedId });
  expect(confirmation.status).toBe(200);
  expect(confirmation.text).toContain('<h1>Slå ihop två hinder?</h1>');
  const fields = formFieldsOf(confirmation.text, action);
  expect(fields.otherBarrierId).toEqual([absorbedId]);
  // The token is the client's own (from the confirmation page), as a browser posts it.
  const posted = Object.fromEntries(Object.entries(fields).filter(([name]) => name !== '_csrf'));
  const merged = await client.postForm(action, posted);
  return { confirmation, merged };
}
