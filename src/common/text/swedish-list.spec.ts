import { swedishList } from './swedish-list';

describe('swedishList', () => {
  it('joins as Swedish prose does, with "och" before the last and no serial comma', () => {
    expect(swedishList([])).toBe('');
    expect(swedishList(['Haninge'])).toBe('Haninge');
    expect(swedishList(['Haninge', 'Tyresö'])).toBe('Haninge och Tyresö');
    expect(swedishList(['Haninge', 'Tyresö', 'Nacka'])).toBe('Haninge, Tyresö och Nacka');
  });
});
