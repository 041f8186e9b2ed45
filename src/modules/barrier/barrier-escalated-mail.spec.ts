import { TemplateRenderer } from '../../common/templates/template-renderer';
import { barrierNoticeText } from './barrier.service';

/** The escalation mail and the member report's notice agree in number with the barrier's figures. */
describe('the wording of an escalated barrier', () => {
  const templates = new TemplateRenderer();
  const context = (memberCount: number, municipalityCount: number, windowMunicipalityCount: number | null = null): object => ({
    name: 'Samtycke och blankett',
    reason: 'Delprojektledare har markerat rapporterna som strukturella.',
    windowMunicipalityCount,
    windowMonths: 12,
    memberCount,
    municipalityCount,
    municipalityList: municipalityCount === 1 ? 'Haninge' : 'Haninge, Botkyrka och Täby',
    subprojectCount: 1,
    baseUrl: 'http://localhost:3000',
    path: '/hinder/x',
  });

  it('one report in one kommun: singular in the subject and the text, and the report notice says structural', () => {
    expect(templates.renderText('mail/barrier-escalated.subject.njk', context(1, 1)).trim()).toBe('Eskalerat hinder i 1 kommun: Samtycke och blankett');
    expect(templates.renderText('mail/barrier-escalated.txt.njk', context(1, 1))).toContain('Hindret har 1 rapport från 1 kommun (Haninge) i 1 delprojekt.');
    expect(templates.render('mail/barrier-escalated.html.njk', context(1, 1))).toContain('Hindret har 1 rapport från 1 kommun (Haninge)');
    expect(barrierNoticeText(1)).toBe('Del av ett strukturellt hinder i 1 kommun');
  });

  it('several: plural, as before', () => {
    expect(templates.renderText('mail/barrier-escalated.subject.njk', context(7, 3)).trim()).toBe('Eskalerat hinder i 3 kommuner: Samtycke och blankett');
    expect(templates.renderText('mail/barrier-escalated.txt.njk', context(7, 3))).toContain('Hindret har 7 rapporter från 3 kommuner (Haninge, Botkyrka och Täby) i 1 delprojekt.');
    expect(barrierNoticeText(3)).toBe('Del av ett återkommande hinder i 3 kommuner');
  });

  it('escalated by the window: the subject counts the kommuner the reason does, and the text says which figure is the whole period', () => {
    expect(templates.renderText('mail/barrier-escalated.subject.njk', context(14, 7, 6))).toBe('Eskalerat hinder i 6 kommuner inom 12 månader: Samtycke och blankett');
    expect(templates.renderText('mail/barrier-escalated.txt.njk', context(14, 7, 6))).toContain(
      'Sammanlagt, också utanför de 12 månaderna, har hindret 14 rapporter från 7 kommuner (Haninge, Botkyrka och Täby) i 1 delprojekt.',
    );
    expect(templates.render('mail/barrier-escalated.html.njk', context(14, 7, 6))).toContain('Sammanlagt, också utanför de 12 månaderna, har hindret 14 rapporter');
    // Every kommun within the window: nothing to tell apart.
    expect(templates.renderText('mail/barrier-escalated.subject.njk', context(7, 3, 3))).toBe('Eskalerat hinder i 3 kommuner inom 12 månader: Samtycke och blankett');
    expect(templates.renderText('mail/barrier-escalated.txt.njk', context(7, 3, 3))).toContain('Hindret har 7 rapporter från 3 kommuner');
  });
});
