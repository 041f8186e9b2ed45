import { parseCsvImport, parseJsonl } from './import-parser';

describe('parseJsonl', () => {
  it('keeps line numbers and reports broken lines without dropping the good ones', () => {
    const parsed = parseJsonl('{"externalId":"A"}\n\nnot json\n[1]\n{"externalId":"B"}\n');
    expect(parsed.rows.map((r) => [r.line, r.value.externalId])).toEqual([
      [1, 'A'],
      [5, 'B'],
    ]);
    expect(parsed.errors).toEqual([
      { line: 3, reason: 'raden är inte giltig JSON' },
      { line: 4, reason: expect.stringContaining('JSON-objekt') },
    ]);
  });
});

describe('parseCsvImport', () => {
  it('maps header columns in any order', () => {
    const parsed = parseCsvImport('kommun;externalId;parties\nHaninge;X-1;"FK;AF"\n');
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toEqual([{ line: 2, value: { kommun: 'Haninge', externalId: 'X-1', parties: 'FK;AF' } }]);
  });

  it('refuses unknown columns and rows of the wrong width, naming the line', () => {
    expect(parseCsvImport('externalId,namn\nA,B').errors[0]).toEqual({ line: 1, reason: expect.stringContaining('okända kolumner: namn') });
    const parsed = parseCsvImport('externalId,kommun\nA,Haninge\nB\n');
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.errors).toEqual([{ line: 3, reason: 'raden har 1 fält men rubrikraden 2' }]);
  });

  it('reports an unterminated quote instead of throwing', () => {
    expect(parseCsvImport('externalId,kommun\nA,"Haninge\n').errors[0].reason).toContain('CSV-filen kan inte läsas');
  });
});
