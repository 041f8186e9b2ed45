/**
 * The bytes of an import file as text. Files come from other systems and from Excel, which on a Swedish
 * Windows saves "CSV" in Windows-1252 and "Unicode-text" in UTF-16 with a byte order mark. Read as UTF-8
 * regardless, å, ä and ö became U+FFFD: kommuner such as "Södertälje" were not found and the rows that did
 * go in had their text spoiled. So: a byte order mark decides; otherwise UTF-8 when the bytes are valid
 * UTF-8, and Windows-1252 (a superset of Latin-1) when they are not.
 */
export type ImportEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export function detectImportEncoding(bytes: Uint8Array): { encoding: ImportEncoding; bomLength: number } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { encoding: 'utf-8', bomLength: 0 };
  } catch {
    return { encoding: 'windows-1252', bomLength: 0 };
  }
}

/** Windows-1252's 0x80–0x9F (€, ‚, „, …, ‘ ’ “ ” – —); undefined bytes keep their Latin-1 code point. */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/** Node's TextDecoder reads "windows-1252" as plain Latin-1 (0x96 stays U+0096), so it is done here. */
function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  for (let start = 0; start < bytes.length; start += 8192) {
    const chunk = bytes.subarray(start, start + 8192);
    text += String.fromCharCode(...Array.from(chunk, (byte) => (byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH.charCodeAt(byte - 0x80) : byte)));
  }
  return text;
}

export function decodeImportFile(bytes: Uint8Array): string {
  const { encoding, bomLength } = detectImportEncoding(bytes);
  if (encoding === 'windows-1252') return decodeWindows1252(bytes);
  // ignoreBOM: the mark is skipped here, so a second one (a file pasted twice) stays visible as text.
  return new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes.subarray(bomLength));
}
