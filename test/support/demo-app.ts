import { Clock } from '../../src/common/clock/clock';
import { DemoDataSeeder } from '../../src/modules/demo/demo-data.seeder';
import { startTestApp, TestApp } from './test-app';

/** The app as `npm start` leaves it: demo accounts and the demo's reports, with the real engine's first run done. */
export async function startDemoApp(clock: Clock): Promise<TestApp> {
  const t = await startTestApp({ clock });
  const demo = t.app.get(DemoDataSeeder);
  // False would mean accounts were there already: a test database is fresh, so that is a broken setup.
  if (!(await demo.seedAccounts())) throw new Error('The demo accounts already existed on a fresh test database');
  await demo.seedReports();
  return t;
}
