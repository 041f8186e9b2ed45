import { Injectable, Logger } from '@nestjs/common';
import { Role } from '../../common/auth/role';
import { OrganisationService } from '../organisation/organisation.service';
import { UserService } from './user.service';

export const DEMO_PASSWORD = 'demo-avvikelser';

export const DEMO_ACCOUNTS: ReadonlyArray<{ email: string; name: string; role: Role; subproject?: string }> = [
  { email: 'medarbetare@demo.mia.se', name: 'Mira Medarbetare', role: 'staff', subproject: 'MIA Östra Södertörn' },
  { email: 'ledare@demo.mia.se', name: 'Leo Ledare', role: 'lead', subproject: 'MIA Östra Södertörn' },
  { email: 'ledare.roslagen@demo.mia.se', name: 'Rut Roslagsledare', role: 'lead', subproject: 'MIA Roslagen' },
  // A lead in every delprojekt, so the demo shows the normal path: a new report reaches its delprojekt's lead.
  { email: 'ledare.hbs@demo.mia.se', name: 'Hedda HBS-ledare', role: 'lead', subproject: 'MIA HBS' },
  { email: 'ledare.sodertalje@demo.mia.se', name: 'Sune Södertäljeledare', role: 'lead', subproject: 'MIA Södertälje' },
  { email: 'ledare.jarfalla@demo.mia.se', name: 'Jana Järfällaledare', role: 'lead', subproject: 'MIA Järfälla' },
  { email: 'ledare.stockholm@demo.mia.se', name: 'Stig Stockholmsledare', role: 'lead', subproject: 'MIA Stockholm' },
  { email: 'utvecklare@demo.mia.se', name: 'Vera Verksamhetsutvecklare', role: 'analyst' },
  { email: 'admin@demo.mia.se', name: 'Adam Administratör', role: 'admin' },
];

/** Demo accounts for a newcomer's first start; never in production (the caller checks). */
@Injectable()
export class DemoSeeder {
  private readonly logger = new Logger('Demodata');

  constructor(
    private readonly users: UserService,
    private readonly organisation: OrganisationService,
  ) {}

  /** Seeds only an empty database, so a second start keeps whatever was changed. */
  async seedIfEmpty(): Promise<boolean> {
    if ((await this.users.count()) > 0) return false;
    const subprojects = await this.organisation.listSubprojects();
    for (const account of DEMO_ACCOUNTS) {
      const subprojectId = account.subproject ? subprojects.find((s) => s.name === account.subproject)?.id : undefined;
      await this.users.create({ email: account.email, name: account.name, role: account.role, subprojectId, password: DEMO_PASSWORD });
    }
    // Addresses are left out: the log masks e-mail addresses, and the README lists the accounts.
    this.logger.log(`Demokonton skapade för alla fyra roller (se README), lösenord ${DEMO_PASSWORD}`);
    return true;
  }
}
