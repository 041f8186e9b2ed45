import { toBlocks } from './letter-document';

describe('toBlocks', () => {
  it('splits paragraphs on blank lines and turns dash lines into lists', () => {
    expect(toBlocks('Första stycket\nfortsätter här.\n\nVi ber er att\n– göra A,\n- göra B, och\n  fortsätta C.\n\nSista.')).toEqual([
      { kind: 'paragraph', text: 'Första stycket fortsätter här.' },
      { kind: 'paragraph', text: 'Vi ber er att' },
      { kind: 'list', items: ['göra A,', 'göra B, och fortsätta C.'] },
      { kind: 'paragraph', text: 'Sista.' },
    ]);
  });

  it('gives nothing for an empty section', () => {
    expect(toBlocks('  \n\n ')).toEqual([]);
  });
});
