import { Module } from '@nestjs/common';
import { BarrierModule } from '../barrier/barrier.module';
import { ImportExportModule } from '../import-export/import-export.module';
import { UserModule } from '../user/user.module';
import { DemoDataSeeder } from './demo-data.seeder';

@Module({ imports: [UserModule, ImportExportModule, BarrierModule], providers: [DemoDataSeeder], exports: [DemoDataSeeder] })
export class DemoModule {}
