import { decodeImportFile, detectImportEncoding } from './import-decoding';

describe('decodeImportFile', () => {
  const text = 'kommun,title\r\nSödertälje,Åtgärd för Österåker\r\n';

  it('reads UTF-8 with and without a byte order mark', () => {
    expect(decodeImportFile(Buffer.from(text, 'utf8'))).toBe(text);
    expect(decodeImportFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]))).toBe(text);
  });

  it('reads UTF-16 with a byte order mark, little and big endian', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(decodeImportFile(le)).toBe(text);
    const be = Buffer.from(le);
    for (let i = 0; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1], be[i]];
    expect(detectImportEncoding(be).encoding).toBe('utf-16be');
    expect(decodeImportFile(be)).toBe(text);
  });

  it('reads Windows-1252 (Latin-1) when the bytes are not UTF-8', () => {
    expect(decodeImportFile(Buffer.from(text, 'latin1'))).toBe(text);
    expect(decodeImportFile(Buffer.from([0x80, 0x20, 0x96]))).toBe('€ –');
  });
});
