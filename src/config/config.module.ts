import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfigService } from './app-config.service';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfigService): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: AppConfigService, useValue: config }], exports: [AppConfigService] };
  }
}
