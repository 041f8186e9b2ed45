import { Module } from '@nestjs/common';
import { ChartRenderer } from '../../common/charts/chart-renderer';
import { OrganisationModule } from '../organisation/organisation.module';
import { DashboardController } from './dashboard.controller';
import { DashboardService } from './dashboard.service';

/** Översikten. DashboardService.load is also what `npm run bench` measures (see dashboard-bench.ts). */
@Module({
  imports: [OrganisationModule],
  controllers: [DashboardController],
  providers: [DashboardService, ChartRenderer],
  exports: [DashboardService, ChartRenderer],
})
export class DashboardModule {}
