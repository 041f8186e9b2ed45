import { Controller, Get, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Public } from '../../common/auth/auth.decorators';
import { AuthenticatedRequest } from '../../common/auth/auth-user';
import { PageRenderer } from '../../common/templates/page-renderer';
import { OrganisationService } from '../organisation/organisation.service';
import { HomeService } from './home.service';

/** The start page: each role sees what waits for it, its part of the organisation and where to begin. */
@ApiExcludeController()
@Controller()
export class HomeController {
  constructor(
    private readonly organisation: OrganisationService,
    private readonly work: HomeService,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  async home(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const user = request.user;
    const tree = await this.organisation.tree();
    // The organisation as it works now: retired units are history, on Admin → Organisation and in old reports.
    const subprojects = tree.federations.flatMap((federation) =>
      federation.subprojects
        .filter((subproject) => subproject.active)
        .map((subproject) => ({ ...subproject, municipalities: subproject.municipalities.filter((m) => m.active), federationName: federation.name })),
    );
    const own = user?.subprojectId ? subprojects.find((subproject) => subproject.id === user.subprojectId) ?? null : null;
    const municipalityCount = subprojects.reduce((sum, subproject) => sum + subproject.municipalities.length, 0);
    const role = user?.role;
    return this.pages.send(request, reply, 'home', {
      ownSubproject: own,
      subprojects,
      municipalityCount,
      leadWork: user && role === 'lead' ? await this.work.leadWork(user) : null,
      staffWork: user && role === 'staff' ? await this.work.staffWork(user) : null,
      analystWork: user && role === 'analyst' ? await this.work.analystWork(user) : null,
      adminWork: role === 'admin' ? await this.work.adminWork() : null,
      // The same rule and list as Admin → Organisation: new reports there mail no one until a lead is set.
      withoutLead: role === 'admin' ? await this.organisation.subprojectsWithoutActiveLead() : null,
    });
  }

  /**
   * Any other address: the usual "finns inte" page, but reached through the guard, so someone signed
   * in still sees their name and menu and can go on from there.
   */
  @Public()
  @Get('*')
  notFound(): never {
    throw new NotFoundException();
  }
}
