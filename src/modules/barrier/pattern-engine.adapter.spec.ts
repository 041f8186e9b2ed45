import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskPii } from '../../common/pii/pii-detector';
import { ENGINE_VERSION } from './engine/barrier-model';
import { combineThesaurus, loadDefaultThesaurus } from './engine/default-thesaurus';
import { fullRunOutcome } from './full-run';
import { EnginePatternEngine, engineVersion } from './pattern-engine.adapter';
import { FullRunOutcome, PatternReport } from './pattern-engine.port';

describe('engine version', () => {
  it('changes with the default thesaurus, so a new thesaurus file after an upgrade leads to a full run', () => {
    const before = engineVersion('Arbetsförmedlingen [AF]: AF\n');
    expect(before.startsWith(`${ENGINE_VERSION}+`)).toBe(true);
    expect(engineVersion('Arbetsförmedlingen [AF]: AF\n')).toBe(before);
    expect(engineVersion('Arbetsförmedlingen [AF]: AF, PES\n')).not.toBe(before);
  });

  it('is what the app engine reports for the thesaurus it ships with', () => {
    const engine = new EnginePatternEngine();
    expect(engine.version.startsWith(`${ENGINE_VERSION}+`)).toBe(true);
    expect(engine.version).toBe(new EnginePatternEngine().version);
  });
});

describe('full run in a worker thread', () => {
  const samples = join(__dirname, '..', '..', '..', '..', 'shared', 'samples', 'reports.jsonl');
  const reports: PatternReport[] = readFileSync(samples, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { externalId: string; kommun: string; occurredOn: string; category: string; parties: string[]; title: string; description: string; consequence?: string })
    .map((row) => ({
      id: row.externalId,
      title: maskPii(row.title).text,
      description: maskPii(row.description).text,
      consequence: maskPii(row.consequence ?? '').text,
      tried: '',
      category: row.category,
      parties: row.parties,
      municipality: row.kommun,
      subproject: row.kommun,
      occurredOn: row.occurredOn,
    }));
  const request = { thesaurusLines: ['hinderord: nyckelord'], confirmed: new Map([['S-0001', 'b-1']]), excluded: new Map([['S-0002', ['b-1']]]), previous: [] };
  // New barriers get random ids, so two runs are compared by their members.
  const shape = (outcome: FullRunOutcome): string[] => outcome.barriers.map((b) => `${b.memberIds.join(',')}|${b.terms.join(',')}|${b.parties.join(',')}`).sort();

  it('finds what the engine finds in this thread, with the analyst lines, confirmations and model carried across', async () => {
    const engine = new EnginePatternEngine();
    const threaded = await engine.runFull(reports, request);
    const here = fullRunOutcome({
      reports,
      thesaurus: combineThesaurus(loadDefaultThesaurus(), request.thesaurusLines),
      confirmed: request.confirmed,
      excluded: request.excluded,
      previous: request.previous,
    });
    expect(threaded.barriers.length).toBeGreaterThan(3);
    expect(shape(threaded)).toEqual(shape(here));
    expect(threaded.barriers.find((b) => b.key === 'b-1')?.memberIds).toContain('S-0001');
    expect([...threaded.model.perBarrier.keys()].sort()).toEqual(threaded.barriers.map((b) => b.key).sort());
    const reasons = threaded.barriers.flatMap((b) => b.memberIds.map((id) => b.reasons[id]));
    expect(reasons.every((lines) => Array.isArray(lines) && lines.length > 0)).toBe(true);
  });

  it('sees the reports added in batches as one list: the same barriers, reasons and anchoring as from one batch', async () => {
    const whole = await new EnginePatternEngine().runFull(reports, request);
    const session = new EnginePatternEngine().startFull();
    for (let start = 0; start < reports.length; start += 37) session.add(reports.slice(start, start + 37));
    const batched = (await session.finish(request)).outcome();
    const detail = (outcome: FullRunOutcome): string[] =>
      outcome.barriers.map((b) => JSON.stringify([b.memberIds, b.terms, b.parties, b.memberIds.map((id) => [b.reasons[id], b.anchoring[id]])])).sort();
    expect(detail(batched)).toEqual(detail(whole));
    expect(batched.model.shared).toEqual(whole.model.shared);
  });

  it('gives the reports the meaning keys that come with the request', async () => {
    // Two made-up meanings across the samples, so they weigh in the clustering.
    const keys = new Map(reports.map((report, i) => [report.id, [i % 2 === 0 ? 'm:0:1' : 'm:1:1']]));
    const session = new EnginePatternEngine().startFull();
    session.add(reports);
    const threaded = (await session.finish({ ...request, meaningWeight: 1, meaningKeys: keys })).outcome();
    const here = fullRunOutcome({
      reports: reports.map((report) => ({ ...report, meaningKeys: keys.get(report.id) })),
      thesaurus: combineThesaurus(loadDefaultThesaurus(), request.thesaurusLines),
      confirmed: request.confirmed,
      excluded: request.excluded,
      previous: request.previous,
      meaningWeight: 1,
    });
    const words = await new EnginePatternEngine().runFull(reports, request);
    expect(shape(threaded)).toEqual(shape(here));
    expect(shape(threaded)).not.toEqual(shape(words));
  });

  it('lets go of its thread when abandoned before it is finished', async () => {
    const session = new EnginePatternEngine().startFull();
    session.add(reports.slice(0, 10));
    session.abandon();
    await expect(session.finish(request)).rejects.toThrow(/avbröts/);
  });

  it('leaves the event loop free while it works', async () => {
    let done = false;
    const run = new EnginePatternEngine().runFull(reports, request).then((outcome) => {
      done = true;
      return outcome;
    });
    // On the event loop the whole run would be over before a timer could fire.
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(done).toBe(false);
    expect((await run).barriers.length).toBeGreaterThan(3);
  });
});
