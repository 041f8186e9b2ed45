import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { flattenValidationErrors } from '../common/validation/validation';
import { OrganisationService } from '../modules/organisation/organisation.service';
import { UserCreateDto } from '../modules/user/dto/user.dto';
import { UserService } from '../modules/user/user.service';
import { CliCommand, CliUsageError, parseOptions, withAppContext } from './cli-command';

/** Creates the first admin of a production database, where no demo accounts are seeded. */
export const userCreateCommand: CliCommand = {
  name: 'user create',
  usage: 'user create --email E --name N --role R [--subproject D] --password P',
  description: 'Skapar en användare (t.ex. den första administratören)',
  async run(args, context) {
    const { options } = parseOptions(args);
    for (const required of ['email', 'name', 'role', 'password']) {
      if (!options.get(required)) throw new CliUsageError(`--${required} saknas.`);
    }
    return withAppContext(context, async (app) => {
      const subprojectName = options.get('subproject');
      const subproject = subprojectName ? await app.get(OrganisationService).findSubprojectByName(subprojectName) : null;
      if (subprojectName && !subproject) {
        context.stderr.write(`Delprojektet "${subprojectName}" finns inte.\n`);
        return 1;
      }
      const dto = plainToInstance(UserCreateDto, {
        email: options.get('email'),
        name: options.get('name'),
        role: options.get('role'),
        subprojectId: subproject?.id,
        password: options.get('password'),
      });
      const problems = flattenValidationErrors(await validate(dto));
      if (problems.length) {
        context.stderr.write(problems.map((p) => `${p.field}: ${p.message}`).join('\n') + '\n');
        return 1;
      }
      const user = await app.get(UserService).create(dto);
      context.stdout.write(`Användaren ${user.email} (${user.role}) är skapad.\n`);
      return 0;
    });
  },
};
