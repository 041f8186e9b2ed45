import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { OrganisationModule } from '../organisation/organisation.module';
import { DemoSeeder } from './demo-seeder';
import { UserController } from './user.controller';
import { User } from './user.entity';
import { UserService } from './user.service';

@Module({
  imports: [TypeOrmModule.forFeature([User]), OrganisationModule, AuthModule],
  controllers: [UserController],
  providers: [UserService, DemoSeeder],
  exports: [UserService, DemoSeeder],
})
export class UserModule {}
