import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonModule } from './common/common.module';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { AppConfigService } from './config/app-config.service';
import { ConfigModule } from './config/config.module';
import { buildDataSourceOptions } from './database/data-source.options';
import { AuthModule } from './modules/auth/auth.module';
import { BarrierModule } from './modules/barrier/barrier.module';
import { DashboardModule } from './modules/dashboard/dashboard.module';
import { DemoModule } from './modules/demo/demo.module';
import { DeviationModule } from './modules/deviation/deviation.module';
import { DigestModule } from './modules/digest/digest.module';
import { HealthModule } from './modules/health/health.module';
import { HomeModule } from './modules/home/home.module';
import { ImportExportModule } from './modules/import-export/import-export.module';
import { LetterModule } from './modules/letter/letter.module';
import { MailModule } from './modules/mail/mail.module';
import { SchedulingModule } from './modules/scheduling/scheduling.module';
import { OrganisationModule } from './modules/organisation/organisation.module';
import { UserModule } from './modules/user/user.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfigService, poolSize: number): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot({ ...buildDataSourceOptions({ url: config.databaseUrl, poolSize }), autoLoadEntities: true, retryAttempts: 5, retryDelay: 500 }),
        CommonModule,
        AuthModule,
        OrganisationModule,
        UserModule,
        HealthModule,
        HomeModule,
        MailModule,
        LetterModule,
        DashboardModule,
        DeviationModule,
        ImportExportModule,
        SchedulingModule,
        BarrierModule,
        DigestModule,
        DemoModule,
        // Timers (@Cron) fire only where asked; tests and the CLI run jobs by calling them.
        ...(config.env.SCHEDULER_ENABLED === 'true' ? [ScheduleModule.forRoot()] : []),
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
