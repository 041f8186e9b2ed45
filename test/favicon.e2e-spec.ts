import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

describe('favicon', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('every page names a small SVG icon that is served, so browsers do not ask for a missing /favicon.ico', async () => {
    const client = new HttpClient(t.baseUrl);
    const page = await client.get('/logga-in');
    expect(page.text).toContain('<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">');
    const icon = await client.get('/static/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(icon.text).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(icon.text.length).toBeLessThan(1000);
  });
});
