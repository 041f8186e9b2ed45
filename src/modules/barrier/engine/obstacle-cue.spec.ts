import { statesAnObstacle } from './obstacle-cue';

const report = (description: string, extra: { title?: string; consequence?: string; tried?: string } = {}) => ({
  title: extra.title ?? 'Rubrik',
  description,
  consequence: extra.consequence,
  tried: extra.tried,
});

describe('whether a report says what cannot happen or what is demanded', () => {
  it('finds a negation or a requirement in any field, in any case', () => {
    expect(statesAnObstacle(report('AF skriver inte in deltagaren förrän intyget finns.'))).toBe(true);
    expect(statesAnObstacle(report('Soc KRÄVER heltid.'))).toBe(true);
    expect(statesAnObstacle(report('Hon har fått beskedet.', { consequence: 'Ingen ersättning på två månader.' }))).toBe(true);
    expect(statesAnObstacle(report('Deltagaren väntar.', { title: 'Krav på körkort' }))).toBe(true);
    expect(statesAnObstacle(report('Vi ringde.', { tried: 'Det gick ej att nå handläggaren.' }))).toBe(true);
  });

  it('not in an event without one, nor inside other words', () => {
    expect(statesAnObstacle(report('Mötet flyttades till torsdag och alla kunde komma.'))).toBe(false);
    expect(statesAnObstacle(report('Överlämningen till vårdcentralen gick smidigt.'))).toBe(false);
    // "integration", "kravall", "ingenjör": the words only count whole.
    expect(statesAnObstacle(report('Ingenjören på integrationsenheten pratade om kravaller.'))).toBe(false);
  });
});
