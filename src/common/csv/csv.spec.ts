import { CsvSyntaxError, detectDelimiter, parseCsv, toCsvLine } from './csv';

describe('parseCsv', () => {
  it('reads quoted fields with delimiters, quotes and line breaks, with the line each record starts on', () => {
    const records = parseCsv('a,b,c\r\n1,"två, tre","sa ""hej"""\n2,"rad ett\nrad två",x\n\n3,,\n');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'två, tre', 'sa "hej"'] },
      { line: 3, fields: ['2', 'rad ett\nrad två', 'x'] },
      { line: 6, fields: ['3', '', ''] },
    ]);
  });

  it('detects semicolons as Swedish Excel writes them and drops a BOM', () => {
    expect(detectDelimiter('externalId;kommun;title')).toBe(';');
    expect(parseCsv('\uFEFFa;b\n1;"x;y"')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', 'x;y'] },
    ]);
  });

  it('says where a broken quote is', () => {
    expect(() => parseCsv('a,b\n1,"öppen\n2,3')).toThrow(CsvSyntaxError);
    try {
      parseCsv('a,b\n1,x"y');
    } catch (error) {
      expect((error as CsvSyntaxError).line).toBe(2);
    }
  });
});

describe('toCsvLine', () => {
  it('quotes what needs quoting and round-trips', () => {
    const line = toCsvLine(['S-1', 'två, tre', 'sa "hej"', 'rad\nny', null, 3]);
    expect(parseCsv(line)[0].fields).toEqual(['S-1', 'två, tre', 'sa "hej"', 'rad\nny', '', '3']);
  });

  it('defuses spreadsheet formulas', () => {
    expect(toCsvLine(['=HYPERLINK("x")', '+1', '-2', '@a'])).toBe(`"'=HYPERLINK(""x"")",'+1,'-2,'@a\r\n`);
  });
});
