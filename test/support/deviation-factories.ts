import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { plainToInstance } from 'class-transformer';
import { AuthUser } from '../../src/common/auth/auth-user';
import { DeviationService } from '../../src/modules/deviation/deviation.service';
import { DeviationImportResult, DeviationImportRow, FiledDeviation } from '../../src/modules/deviation/deviation.types';
import { DeviationCreateDto } from '../../src/modules/deviation/dto/deviation-create.dto';
import { OrganisationService } from '../../src/modules/organisation/organisation.service';
import { User } from '../../src/modules/user/user.entity';

export function authUser(user: User): AuthUser {
  return { id: user.id, email: user.email, name: user.name, role: user.role, subprojectId: user.subprojectId };
}

export async function municipalityId(app: NestFastifyApplication, name: string): Promise<string> {
  const municipality = await app.get(OrganisationService).findMunicipalityByName(name);
  if (!municipality) throw new Error(`Ingen kommun ${name}`);
  return municipality.id;
}

/** A valid filing without personal data; override what the test is about. */
export function deviationBody(municipality: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    municipalityId: municipality,
    occurredOn: '2026-11-19',
    category: 'gransnitt',
    parties: ['AF', 'FK'],
    title: 'AF och FK hänvisar till varandra',
    description: 'Arbetsförmedlingen hänvisade till Försäkringskassan som hänvisade tillbaka. Ingen tog ansvar för nästa steg.',
    consequence: 'Deltagaren stod utan insats i tre veckor.',
    severity: 'medel',
    ...overrides,
  };
}

/** Files through the service as the given user (what POST /api/deviations does). */
export async function fileDeviation(
  app: NestFastifyApplication,
  reporter: User,
  kommun: string,
  overrides: Record<string, unknown> = {},
): Promise<FiledDeviation> {
  const dto = plainToInstance(DeviationCreateDto, deviationBody(await municipalityId(app, kommun), overrides));
  return app.get(DeviationService).file(authUser(reporter), dto);
}

/**
 * Imports one report as the importer would (history, no reporter account), on the day given; the rest is a
 * valid interface problem without personal data unless overridden.
 */
export function importDeviation(
  app: NestFastifyApplication,
  row: Pick<DeviationImportRow, 'externalId' | 'kommun' | 'occurredOn'> & Partial<DeviationImportRow>,
): Promise<DeviationImportResult> {
  return app.get(DeviationService).createFromImport({
    reportedAt: `${row.occurredOn}T10:00:00+01:00`,
    category: 'gransnitt',
    parties: ['AF', 'FK'],
    title: 'Avvikelse',
    description: 'Deltagaren fick inget stöd från någon av parterna.',
    consequence: 'Ingen ersättning.',
    severity: 'medel',
    reporterEmail: 'rapportor@mia-example.se',
    ...row,
  });
}
