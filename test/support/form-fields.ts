/** The form fields as a browser would post them again: inputs, checked choices, textareas, selected options. */
export function formFieldsOf(html: string, action: string): Record<string, string[]> {
  const start = html.indexOf(`<form method="post" action="${action}"`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const unescape = (text: string): string =>
    text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const fields: Record<string, string[]> = {};
  const add = (name: string, value: string): void => {
    (fields[name] ??= []).push(unescape(value));
  };
  for (const m of form.matchAll(/<input([^>]*)>/g)) {
    const attrs = m[1];
    const name = /name="([^"]*)"/.exec(attrs)?.[1];
    const value = /value="([^"]*)"/.exec(attrs)?.[1] ?? '';
    const type = /type="([^"]*)"/.exec(attrs)?.[1] ?? 'text';
    if (!name) continue;
    if ((type === 'checkbox' || type === 'radio') && !/ checked/.test(attrs)) continue;
    add(name, value);
  }
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g)) add(m[1], m[2]);
  for (const m of form.matchAll(/<select[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option value="([^"]*)" selected>/.exec(m[2]);
    if (selected) add(m[1], selected[1]);
  }
  return fields;
}
