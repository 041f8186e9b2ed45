import { CliUsageError } from './cli-command';
import { parseSeeds } from './eval-seeds';

describe('eval --seed', () => {
  it('reads one seed, a list and a range', () => {
    expect(parseSeeds('7')).toEqual([7]);
    expect(parseSeeds('1,2,5')).toEqual([1, 2, 5]);
    expect(parseSeeds('1-4')).toEqual([1, 2, 3, 4]);
    expect(parseSeeds('3, 1-2, 3')).toEqual([3, 1, 2]);
  });

  it('refuses what is not a seed, in Swedish', () => {
    for (const bad of ['', 'x', '1.5', '4-2', '1-500']) expect(() => parseSeeds(bad)).toThrow(CliUsageError);
    expect(() => parseSeeds('x')).toThrow(/--seed måste vara ett heltal/);
  });
});
