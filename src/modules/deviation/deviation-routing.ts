/**
 * Who was told about a report that reached a delprojekt (filed there or moved in), as recorded in its audit
 * event, and what the page then says. The words only ever say what was queued: a receipt that claims a mail
 * nobody got leaves a report with no one while its reporter believes it is in hand.
 */
export interface Routing {
  /** The owning delprojekt had an active lead (the acting user included). */
  hasLead: boolean;
  /** The acting user is an active lead of the owning delprojekt. */
  actorIsLead: boolean;
  /** Leads mailed (the acting user never is). */
  leads: number;
  /** Analysts mailed because the delprojekt had no active lead (the acting user never is). */
  analysts: number;
}

/** The routing stored in an event's `after.notified`; null for events written before it was recorded. */
export function routingFrom(value: unknown): Routing | null {
  if (value === null || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (typeof v.hasLead !== 'boolean' || typeof v.leads !== 'number' || typeof v.analysts !== 'number') return null;
  return { hasLead: v.hasLead, actorIsLead: v.actorIsLead === true, leads: v.leads, analysts: v.analysts };
}

/** What happens when nobody leads the delprojekt, said the same way after filing and after a move. */
function withoutLead(subprojectName: string, routing: Routing, actorIsAnalyst: boolean): string {
  const missing = `${subprojectName} har just nu ingen aktiv delprojektledare`;
  if (routing.analysts > 0) {
    return actorIsAnalyst
      ? `${missing}, så de andra verksamhetsutvecklarna har fått e-post. Verksamhetsutvecklarna tar emot och hanterar den tills delprojektet har en delprojektledare.`
      : `${missing}, så verksamhetsutvecklarna har fått e-post i stället. De tar emot och hanterar den tills delprojektet har en delprojektledare.`;
  }
  if (actorIsAnalyst) return `${missing} och det finns ingen annan verksamhetsutvecklare, så ingen har fått e-post. Som verksamhetsutvecklare kan du ta emot den själv.`;
  return `${missing} och det finns ingen aktiv verksamhetsutvecklare, så ingen har fått e-post om den. Säg till administratören, som kan utse en delprojektledare.`;
}

/** The receipt after filing: who owns the report and who has been told. */
export function filingReceipt(subprojectName: string, routing: Routing | null, actorIsAnalyst: boolean): string {
  if (routing === null) return `Den ägs av ${subprojectName}.`;
  if (routing.actorIsLead) {
    return routing.leads > 0
      ? `Den ägs av ${subprojectName}, där du är delprojektledare. De andra delprojektledarna där har fått e-post, och den ligger i kön.`
      : `Den ägs av ${subprojectName}, där du själv är delprojektledare, så ingen annan har fått e-post. Den ligger i din kö.`;
  }
  if (routing.hasLead) return `Den ägs av ${subprojectName}, vars delprojektledare har fått e-post.`;
  return `Den ägs av ${subprojectName}. ${withoutLead(subprojectName, routing, actorIsAnalyst)}`;
}

/** After a move to another delprojekt: who has been told there (empty when nothing was recorded). */
export function moveReceipt(subprojectName: string, routing: Routing | null, actorIsAnalyst: boolean): string {
  if (routing === null) return '';
  if (routing.hasLead) return routing.leads > 0 ? 'Delprojektledarna där har fått e-post.' : '';
  return withoutLead(subprojectName, routing, actorIsAnalyst);
}
