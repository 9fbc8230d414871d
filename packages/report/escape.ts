/** Text made safe inside HTML or XML, as text or attribute value: & < > " ' become numeric entities. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
