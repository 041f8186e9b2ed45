import { EngineReport } from './engine-types';
import { beginningIds, wordBeginnings } from './word-beginnings';

function report(id: string, title: string, description: string, consequence = ''): EngineReport {
  return { id, title, description, consequence, category: 'ovrigt', parties: [], municipality: 'Haninge', subproject: 'Haninge', occurredOn: '2020-01-01' };
}

describe('word beginnings', () => {
  it('gives the first six letters of each word once, in lower case, from every field', () => {
    const beginnings = wordBeginnings(report('A', 'Registreringen stoppar', 'Registrering i ESF krävs.', 'Pendeltåget tar två timmar'));
    expect(beginnings).toEqual(['regist', 'stoppa', 'esf', 'krävs', 'pendel', 'timmar']);
  });

  it('leaves out short words, numbers and stopwords', () => {
    expect(wordBeginnings(report('A', 'Vi och de', 'Vi ringde 45 gånger 2019 till kassan, nu ok.'))).toEqual(['ringde', 'gånger', 'kassan']);
  });
});

describe('word beginnings as odds features', () => {
  it('joins inflections the reports share, as negative ids, and drops what one report or every report has', () => {
    const ids = beginningIds([
      report('A', 'Registreringen', 'Blanketten skrämmer, samtycke saknas.'),
      report('B', 'Registrering', 'Ny blankett, samtycket saknas.'),
      report('C', 'Registrerad', 'Inget samtycke.'),
    ]);
    // regist: all three (no help telling them apart); blanke: A and B; samtyc: all three; saknas: A and B.
    expect(ids.map((row) => row.length)).toEqual([2, 2, 0]);
    expect([...ids[0]].sort()).toEqual([...ids[1]].sort());
    expect([...ids[0], ...ids[1]].every((id) => id < 0)).toBe(true);
    expect(new Set(ids[0]).size).toBe(2);
  });
});
