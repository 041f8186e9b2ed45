import { Module } from '@nestjs/common';
import { DeviationModule } from '../deviation/deviation.module';
import { OrganisationModule } from '../organisation/organisation.module';
import { ImportExportController } from './import-export.controller';
import { ImportExportService } from './import-export.service';

@Module({
  imports: [DeviationModule, OrganisationModule],
  controllers: [ImportExportController],
  providers: [ImportExportService],
  exports: [ImportExportService],
})
export class ImportExportModule {}
