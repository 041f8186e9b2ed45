import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Federation } from './federation.entity';
import { Municipality } from './municipality.entity';
import { OrganisationController } from './organisation.controller';
import { OrganisationService } from './organisation.service';
import { Subproject } from './subproject.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Federation, Subproject, Municipality])],
  controllers: [OrganisationController],
  providers: [OrganisationService],
  exports: [OrganisationService],
})
export class OrganisationModule {}
