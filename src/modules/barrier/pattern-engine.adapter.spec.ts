import { ENGINE_VERSION } from './engine/barrier-model';
import { EnginePatternEngine, engineVersion } from './pattern-engine.adapter';

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
