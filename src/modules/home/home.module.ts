import { Module } from '@nestjs/common';
import { DeviationModule } from '../deviation/deviation.module';
import { OrganisationModule } from '../organisation/organisation.module';
import { HomeController } from './home.controller';
import { HomeService } from './home.service';

@Module({ imports: [OrganisationModule, DeviationModule], controllers: [HomeController], providers: [HomeService] })
export class HomeModule {}
