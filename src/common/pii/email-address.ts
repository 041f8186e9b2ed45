import { createFinding, type PiiFinding } from './pii-finding';

/**
 * local@domain.tld, also the common hand-obfuscated "local(at)domain.tld" and "local [at] …".
 * Parts are length-bounded so a long word without "@" costs at most a bounded amount of work.
 */
const EMAIL_PATTERN =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}(?:@|\s?[([]at[)\]]\s?)(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,62}[\p{L}\p{N}])?\.){1,8}\p{L}{2,24}(?![\p{L}\p{N}])/giu;

/** Cheap gate: most texts contain no "@" and no "(at)", so the pattern never runs on them. */
const EMAIL_GATE_PATTERN = /@|[([]at[)\]]/i;

export function findEmailAddresses(text: string): PiiFinding[] {
  if (!EMAIL_GATE_PATTERN.test(text)) return [];
  const findings: PiiFinding[] = [];
  for (const match of text.matchAll(EMAIL_PATTERN)) {
    findings.push(createFinding('epost', match.index, match.index + match[0].length));
  }
  return findings;
}
