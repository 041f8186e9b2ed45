import { CliUsageError } from './cli-command';

/** "1", "1,2,5" or "1-8" (at most 100 seeds). */
export function parseSeeds(value: string): number[] {
  const seeds: number[] = [];
  for (const part of value.split(',')) {
    const range = /^\s*(-?\d+)\s*-\s*(-?\d+)\s*$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from) throw new CliUsageError(`--seed: ${part.trim()} är inget stigande intervall.`);
      for (let seed = from; seed <= to && seeds.length <= 100; seed++) seeds.push(seed);
    } else if (/^\s*-?\d+\s*$/.test(part)) {
      seeds.push(Number(part));
    } else {
      throw new CliUsageError('--seed måste vara ett heltal, en lista (1,2,3) eller ett intervall (1-8).');
    }
  }
  if (seeds.length === 0 || seeds.length > 100) throw new CliUsageError('--seed: ange mellan 1 och 100 frön.');
  return [...new Set(seeds)];
}
