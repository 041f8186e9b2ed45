import { Role } from '../src/common/auth/role';
import { User } from '../src/modules/user/user.entity';
import { createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

const NEW_PASSWORD = 'ett nytt långt lösenord';

describe('changing your own password at /konto/losenord', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const signIn = async (user: User, password = TEST_PASSWORD): Promise<HttpClient> => {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(user.email, password)).status).toBe(303);
    return client;
  };

  it('every role finds it in the header, and the login page says who resets a forgotten password', async () => {
    for (const role of ['staff', 'lead', 'analyst', 'admin'] as Role[]) {
      const client = await signIn(await createUser(t.app, role));
      const home = await client.get('/');
      expect(home.text).toContain('<a class="account-link" href="/konto/losenord">Byt lösenord</a>');
      const page = await client.get('/konto/losenord');
      expect(page.status).toBe(200);
      expect(page.text).toContain('<h1>Byt lösenord</h1>');
    }
    const login = await new HttpClient(t.baseUrl).get('/logga-in');
    expect(login.text).toContain('Glömt lösenordet? Administratören i ditt projekt ger dig ett nytt.');
  });

  it('changes the password, keeps this session, ends the others and confirms it', async () => {
    const user = await createUser(t.app, 'staff');
    const here = await signIn(user);
    const phone = await signIn(user);
    await here.get('/konto/losenord');
    const result = await here.postForm('/konto/losenord', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    expect(result.status).toBe(303);
    expect(result.location).toBe('/konto/losenord?klart=1');
    const done = await here.get('/konto/losenord?klart=1');
    expect(done.status).toBe(200);
    expect(done.text).toContain('Lösenordet är bytt. Du är utloggad i alla andra webbläsare och enheter, men inte här.');
    expect((await phone.get('/')).status).toBe(303);
    expect((await new HttpClient(t.baseUrl).login(user.email, TEST_PASSWORD)).status).toBe(401);
    await signIn(user, NEW_PASSWORD);
  });

  it('says in Swedish what is wrong, shows no password again and changes nothing', async () => {
    const user = await createUser(t.app, 'lead');
    const client = await signIn(user);
    await client.get('/konto/losenord');
    const short = await client.postForm('/konto/losenord', { currentPassword: TEST_PASSWORD, newPassword: 'kort', confirmPassword: 'kort' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('Det nya lösenordet måste vara minst 12 tecken.');
    const differ = await client.postForm('/konto/losenord', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: `${NEW_PASSWORD}x` });
    expect(differ.status).toBe(400);
    expect(differ.text).toContain('De två nya lösenorden är inte lika.');
    const same = await client.postForm('/konto/losenord', { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD, confirmPassword: TEST_PASSWORD });
    expect(same.status).toBe(400);
    expect(same.text).toContain('Välj ett annat lösenord än det du har nu.');
    const wrong = await client.postForm('/konto/losenord', { currentPassword: 'fel-losenord-1234', newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('Det nuvarande lösenordet stämmer inte.');
    for (const page of [short, differ, same, wrong]) {
      for (const secret of [TEST_PASSWORD, NEW_PASSWORD, 'fel-losenord-1234', 'kort']) expect(page.text).not.toContain(`value="${secret}`);
    }
    await signIn(user);
  });

  it('wrong current passwords count as failed sign-ins: after five the form and the sign-in are locked', async () => {
    const user = await createUser(t.app, 'staff');
    const client = await signIn(user);
    await client.get('/konto/losenord');
    for (let i = 0; i < 5; i += 1) {
      const wrong = await client.postForm('/konto/losenord', { currentPassword: `gissning-${i}`, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
      expect(wrong.status).toBe(400);
    }
    const locked = await client.postForm('/konto/losenord', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.text).toContain(
      'Du har skrivit fel nuvarande lösenord för många gånger. Du är fortfarande inloggad, men från den här datorn går det inte att byta lösenord eller logga in igen förrän om 15 minuter.',
    );
    expect(locked.headers.get('retry-after')).toBe('900');
    expect((await client.get('/')).status).toBe(200);
    const login = await new HttpClient(t.baseUrl).login(user.email, TEST_PASSWORD);
    expect(login.status).toBe(429);
    expect(login.text).toContain('För många misslyckade inloggningar med den här e-postadressen från den här datorn eller det här nätverket.');
  });

  it('the lock from wrong current passwords holds on that computer only: elsewhere the user signs in and changes the password', async () => {
    const user = await createUser(t.app, 'lead');
    const client = await signIn(user);
    await client.get('/konto/losenord');
    for (let i = 0; i < 5; i += 1) {
      expect((await client.postForm('/konto/losenord', { currentPassword: `gissning-${i}`, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })).status).toBe(400);
    }
    expect((await client.postForm('/konto/losenord', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })).status).toBe(429);

    const otherComputer = new HttpClient(t.baseUrl, { from: '127.0.0.2' });
    expect((await otherComputer.login(user.email, TEST_PASSWORD)).status).toBe(303);
    await otherComputer.get('/konto/losenord');
    const changed = await otherComputer.postForm('/konto/losenord', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    expect(changed.status).toBe(303);
  });

  it('a right current password clears the earlier wrong ones on that computer', async () => {
    const user = await createUser(t.app, 'staff');
    const client = await signIn(user);
    await client.get('/konto/losenord');
    const wrongOnce = (i: number) => client.postForm('/konto/losenord', { currentPassword: `gissning-${i}`, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    for (let i = 0; i < 4; i += 1) expect((await wrongOnce(i)).status).toBe(400);
    // Right current password (the new one is refused for being the same, but the current one was right).
    const same = await client.postForm('/konto/losenord', { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD, confirmPassword: TEST_PASSWORD });
    expect(same.status).toBe(400);
    expect(same.text).toContain('Välj ett annat lösenord än det du har nu.');
    for (let i = 4; i < 8; i += 1) expect((await wrongOnce(i)).status).toBe(400);
    expect((await new HttpClient(t.baseUrl).login(user.email, TEST_PASSWORD)).status).toBe(303);
  });
});
