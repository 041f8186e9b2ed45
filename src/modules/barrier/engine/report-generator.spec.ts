import { EngineReport } from './engine-types';
import { generateReports } from './report-generator';

const templates: EngineReport[] = [
  { id: 'A', title: 'Arbetsförmedlingen svarar inte', description: 'AF ringde inte. Försäkringskassan väntar. Deltagaren har inga pengar.', category: 'gransnitt', parties: ['AF', 'FK'], municipality: 'X', subproject: 'PX', occurredOn: '2020-01-01' },
  { id: 'B', title: 'Lokalen stängd', description: 'Lokalen var stängd hela dagen.', category: 'intern', parties: [], municipality: 'Y', subproject: 'PY', occurredOn: '2020-01-02' },
];
const places = [{ municipality: 'Haninge', subproject: 'Östra' }, { municipality: 'Täby', subproject: 'Roslagen' }];

describe('generateReports', () => {
  it('is deterministic for a seed and keeps the template id', () => {
    const a = generateReports(templates, { count: 50, seed: 3, places, from: '2021-01-01', to: '2021-12-31' });
    const b = generateReports(templates, { count: 50, seed: 3, places, from: '2021-01-01', to: '2021-12-31' });
    expect(a).toEqual(b);
    expect(a).toHaveLength(50);
    expect(new Set(a.map((g) => g.report.id)).size).toBe(50);
    expect(a.every((g) => ['A', 'B'].includes(g.templateId))).toBe(true);
  });

  it('varies place, date and wording within bounds', () => {
    const out = generateReports(templates, { count: 200, seed: 9, places, from: '2021-01-01', to: '2021-01-31', typoRate: 0.2 });
    expect(out.every((g) => g.report.occurredOn >= '2021-01-01' && g.report.occurredOn <= '2021-01-31')).toBe(true);
    expect(new Set(out.map((g) => g.report.municipality))).toEqual(new Set(['Haninge', 'Täby']));
    const fromA = out.filter((g) => g.templateId === 'A').map((g) => g.report.description);
    expect(new Set(fromA).size).toBeGreaterThan(5);
  });
});
