import { Module } from '@nestjs/common';
import { OrganisationModule } from '../organisation/organisation.module';
import { HomeController } from './home.controller';

@Module({ imports: [OrganisationModule], controllers: [HomeController] })
export class HomeModule {}
