import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '../user/user.entity';
import { AccountController } from './account.controller';
import { ApiToken } from './api-token.entity';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginAttempt } from './login-attempt.entity';
import { UserSession } from './user-session.entity';

@Module({
  imports: [TypeOrmModule.forFeature([User, UserSession, ApiToken, LoginAttempt])],
  controllers: [AuthController, AccountController],
  providers: [AuthService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService],
})
export class AuthModule {}
