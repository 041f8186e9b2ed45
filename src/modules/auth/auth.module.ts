import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { User } from '../user/user.entity';
import { AccountController } from './account.controller';
import { ApiToken } from './api-token.entity';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginAttemptRetentionJob } from './login-attempt-retention.job';
import { LoginAttempt } from './login-attempt.entity';
import { UserSession } from './user-session.entity';

@Module({
  imports: [TypeOrmModule.forFeature([User, UserSession, ApiToken, LoginAttempt]), SchedulingModule],
  controllers: [AuthController, AccountController],
  providers: [AuthService, LoginAttemptRetentionJob, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, LoginAttemptRetentionJob],
})
export class AuthModule {}
