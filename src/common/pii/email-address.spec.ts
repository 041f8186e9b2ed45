import { findEmailAddresses } from './email-address';

function matched(text: string): string[] {
  return findEmailAddresses(text).map((f) => text.slice(f.start, f.end));
}

describe('findEmailAddresses', () => {
  it.each([
    ['Mejla yusuf.abdi77@example.com i stället.', 'yusuf.abdi77@example.com'],
    ['E-post: Karin.Lindqvist@Post.Example.SE.', 'Karin.Lindqvist@Post.Example.SE'],
    ['Adress: anna-karin_o+mia@sub.domain-exempel.org', 'anna-karin_o+mia@sub.domain-exempel.org'],
    ['Skriv till björn.åberg@exempel.se', 'björn.åberg@exempel.se'],
    ['Skriv till sara.nilsson(at)exempel.se', 'sara.nilsson(at)exempel.se'],
    ['Skriv till sara.nilsson [at] exempel.se', 'sara.nilsson [at] exempel.se'],
    ['(mejl: ahmed@exempel.nu)', 'ahmed@exempel.nu'],
  ])('finds the address in %j', (text, expected) => {
    expect(matched(text)).toEqual([expected]);
  });

  it('ignores texts without an address', () => {
    expect(matched('Vi mejlade AF @ kl 13, svar saknas. Se www.example.se.')).toEqual([]);
    expect(matched('Deltagaren har ingen e-post.')).toEqual([]);
    expect(matched('Hon satt @hemma och väntade')).toEqual([]);
  });

  it('finds several addresses', () => {
    expect(matched('a.b@exempel.se, c.d@exempel.se')).toEqual(['a.b@exempel.se', 'c.d@exempel.se']);
  });
});
